package policy

import (
	"fmt"
	"strings"
)

// RenderMarkdown renders the analysis as markdown for a Bugzilla comment,
// what a reader needs first at the top: the findings (those of one code
// grouped, render_group.go), the escalations that will follow, the
// measurement table with categories, the default-on verdict, the caller's
// note, and last, under its own heading, the long draft review. Text
// from the request appears only escaped or as code (see render_quote.go),
// so it cannot add links, headings, tables, HTML, mentions or
// #[markdown(off)]. Every line starts with text of ours.
//
// Bugzilla refuses comments over 65,535 characters: when the rendering
// would pass MaxCommentBytes, fewer findings and measurements are shown
// (each list says how many it leaves out) until it fits.
func RenderMarkdown(a *Analysis, opts RenderOptions) string {
	out := renderMarkdown(a, opts)
	for len(out) > MaxCommentBytes && (opts.maxFindings() > 1 || opts.maxMeasurements() > 1) {
		opts.MaxFindings = max(1, opts.maxFindings()/2)
		opts.MaxMeasurements = max(1, opts.maxMeasurements()/2)
		out = renderMarkdown(a, opts)
	}
	return out
}

// MaxCommentBytes is the most RenderMarkdown writes when it can: below
// Bugzilla's comment limit, with room for the bot's marker.
const MaxCommentBytes = 60000

func renderMarkdown(a *Analysis, opts RenderOptions) string {
	var b strings.Builder
	r := requestOf(a)
	fmt.Fprintf(&b, "**%s**\n\n", renderTitle)
	version := string(r.Version)
	if version == "" {
		version = string(FormNone)
	}
	fmt.Fprintf(&b, "%s Form: %s.", renderIntro, escapeInline(cleanText(version, 40)))
	if a.Product != "" {
		fmt.Fprintf(&b, " Product rules: %s.", escapeInline(cleanText(a.Product, 80)))
	}
	b.WriteString("\n\n")
	mdFindings(&b, a, opts)
	form := isForm(r.Version)
	if form {
		mdEscalations(&b, a, opts)
		mdMeasurements(&b, a, opts)
		mdDefaultOn(&b, a)
	}
	if note := strings.TrimSpace(opts.Note); note != "" {
		b.WriteString(note + "\n\n")
	}
	if form && !opts.OmitDraft {
		mdDraft(&b, a)
	}
	return b.String()
}

func mdFindings(b *strings.Builder, a *Analysis, opts RenderOptions) {
	if len(a.Findings) == 0 {
		b.WriteString("**No findings**: every question is answered and nothing needs a closer look.\n\n")
		return
	}
	fmt.Fprintf(b, "**Findings (%d)**\n\n", len(a.Findings))
	shown := 0
	for _, g := range groupFindings(a.Findings) {
		if shown == opts.maxFindings() {
			break
		}
		code := codeSpan(cleanText(g.code, 60))
		if g.explain != "" {
			fmt.Fprintf(b, "- %s (%d): %s\n", code, len(g.items), escapeInline(g.explain))
		}
		for _, it := range g.items {
			if shown == opts.maxFindings() {
				break
			}
			shown++
			if g.explain != "" {
				b.WriteString("  - " + joinNonEmpty(it.where(codeSpan), escapeInline(it.text)) + "\n")
				continue
			}
			b.WriteString("- " + code)
			if where := findingWhere(it.f, codeSpan); where != "" {
				b.WriteString(" (" + where + ")")
			}
			b.WriteString(": " + escapeInline(it.text) + "\n")
		}
	}
	if shown < len(a.Findings) {
		fmt.Fprintf(b, "- … and %d more (see the full analysis).\n", len(a.Findings)-shown)
	}
	b.WriteString("\n")
}

func mdMeasurements(b *strings.Builder, a *Analysis, opts RenderOptions) {
	ms := requestOf(a).Measurements
	fmt.Fprintf(b, "**Measurements (%d)**: highest category %s.\n\n", len(ms), categoryWords(a.HighestCategory))
	if len(ms) == 0 {
		return
	}
	b.WriteString("| Measurement | Category |\n|---|---|\n")
	for i, m := range ms {
		if i == opts.maxMeasurements() {
			fmt.Fprintf(b, "\n… and %d more measurements (see the full analysis).\n", len(ms)-i)
			break
		}
		name := cleanText(m.Name, 100)
		if name == "" {
			name = "(no name)"
		}
		fmt.Fprintf(b, "| %s | %s |\n", cellText(name), categoryWords(m.Category))
	}
	b.WriteString("\n")
}

func mdDefaultOn(b *strings.Builder, a *Analysis) {
	r := requestOf(a)
	fmt.Fprintf(b, "**Default-on** (the request says %s)\n\n", escapeInline(requestSays(r)))
	fmt.Fprintf(b, "| Channel | May category %s be default-on? |\n|---|---|\n", categoryWords(a.HighestCategory))
	for _, ch := range Channels() {
		fmt.Fprintf(b, "| %s | %s |\n", channelName(ch), verdictWords(a.DefaultOn[ch]))
	}
	b.WriteString("\n")
}

func mdEscalations(b *strings.Builder, a *Analysis, opts RenderOptions) {
	if len(a.Escalations) == 0 {
		b.WriteString("**Escalation**: none needed.\n\n")
		return
	}
	b.WriteString("**Escalation**: " + opts.escalationLead() + "\n\n")
	for _, e := range a.Escalations {
		var reasons []string
		for _, c := range e.Reasons {
			reasons = append(reasons, codeSpan(cleanText(c, 60)))
		}
		fmt.Fprintf(b, "- **%s**, because of %s\n", escapeInline(teamName(e.To)), strings.Join(reasons, ", "))
	}
	b.WriteString("\n")
}

// mdDraft shows the draft review in a fenced block, ready to copy: its
// fence is longer than any backtick run inside, and every answer line is
// indented four spaces, so no line of the request can close the fence.
func mdDraft(b *strings.Builder, a *Analysis) {
	if len(a.Draft) == 0 {
		return
	}
	var body strings.Builder
	for _, d := range a.Draft {
		fmt.Fprintf(&body, "%d) %s\n", d.Number, cleanText(d.Question, 300))
		mark := ""
		if d.Human {
			mark = "[needs a steward] "
		}
		fmt.Fprintf(&body, "    %s%s\n\n", mark, cleanText(d.Answer, 600))
	}
	text := strings.TrimRight(body.String(), "\n") + "\n"
	fence := strings.Repeat("`", max(3, longestRun(text, '`')+1))
	fmt.Fprintf(b, "**Draft review** (%s form; a steward answers the lines marked \"needs a steward\")\n\n", DraftReviewVersion)
	b.WriteString(fence + "text\n" + text + fence + "\n")
}
