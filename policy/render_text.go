package policy

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// textWidth is where RenderText wraps prose.
const textWidth = 100

// RenderText renders the analysis as plain text for a terminal or a
// plain-text comment, in RenderMarkdown's order: the draft review last.
// Text from the request is cleaned of control and
// invisible characters, so it cannot move the cursor or reorder a line.
func RenderText(a *Analysis, opts RenderOptions) string {
	var b strings.Builder
	r := requestOf(a)
	b.WriteString(renderTitle + "\n")
	version := string(r.Version)
	if version == "" {
		version = string(FormNone)
	}
	fmt.Fprintf(&b, "Form: %s", cleanText(version, 40))
	if a.Product != "" {
		fmt.Fprintf(&b, "; product rules: %s", cleanText(a.Product, 80))
	}
	b.WriteString("\n\n")
	txtFindings(&b, a, opts)
	form := isForm(r.Version)
	if form {
		txtSummary(&b, a, opts)
	}
	if note := strings.TrimSpace(opts.Note); note != "" {
		if form {
			b.WriteString("\n")
		}
		b.WriteString(note + "\n")
	}
	if form && !opts.OmitDraft && len(a.Draft) > 0 {
		head := fmt.Sprintf("Draft review (%s form)", DraftReviewVersion)
		fmt.Fprintf(&b, "\n%s\n%s\n", head, strings.Repeat("-", len(head)))
		for _, d := range a.Draft {
			wrap(&b, fmt.Sprintf("%d) %s", d.Number, cleanText(d.Question, 300)), "  ", "     ")
			mark := ""
			if d.Human {
				mark = "[needs a steward] "
			}
			wrap(&b, mark+cleanText(d.Answer, 600), "     ", "     ")
		}
	}
	return b.String()
}

func txtFindings(b *strings.Builder, a *Analysis, opts RenderOptions) {
	if len(a.Findings) == 0 {
		b.WriteString("No findings: every question is answered and nothing needs a closer look.\n\n")
		return
	}
	fmt.Fprintf(b, "Findings (%d):\n", len(a.Findings))
	quoted := func(s string) string { return `"` + s + `"` }
	shown := 0
	for _, g := range groupFindings(a.Findings) {
		if shown == opts.maxFindings() {
			break
		}
		code := "[" + cleanText(g.code, 60) + "]"
		if g.explain != "" {
			wrap(b, fmt.Sprintf("%s (%d): %s", code, len(g.items), g.explain), "  - ", "    ")
		}
		for _, it := range g.items {
			if shown == opts.maxFindings() {
				break
			}
			shown++
			if g.explain != "" {
				wrap(b, joinNonEmpty(it.where(quoted), it.text), "      * ", "        ")
				continue
			}
			head := code
			if where := findingWhere(it.f, quoted); where != "" {
				head += " " + where
			}
			wrap(b, head+": "+it.text, "  - ", "    ")
		}
	}
	if shown < len(a.Findings) {
		fmt.Fprintf(b, "  ... and %d more\n", len(a.Findings)-shown)
	}
	b.WriteString("\n")
}

func txtMeasurements(b *strings.Builder, a *Analysis, opts RenderOptions) {
	ms := requestOf(a).Measurements
	fmt.Fprintf(b, "Measurements (%d), highest category %s:\n", len(ms), categoryWords(a.HighestCategory))
	width := 0
	for i, m := range ms {
		if i == opts.maxMeasurements() {
			break
		}
		width = max(width, utf8.RuneCountInString(cleanText(m.Name, 60)))
	}
	for i, m := range ms {
		if i == opts.maxMeasurements() {
			fmt.Fprintf(b, "  ... and %d more\n", len(ms)-i)
			break
		}
		name := cleanText(m.Name, 60)
		if name == "" {
			name = "(no name)"
		}
		pad := strings.Repeat(" ", max(0, width-utf8.RuneCountInString(name)))
		fmt.Fprintf(b, "  %s%s  category %s\n", name, pad, categoryWords(m.Category))
	}
	b.WriteString("\n")
}

// wrap writes text (one line) wrapped at textWidth: the first line after
// first, the others after rest.
func wrap(b *strings.Builder, text, first, rest string) {
	b.WriteString(first)
	col := utf8.RuneCountInString(first)
	start := true
	for _, w := range strings.Fields(text) {
		n := utf8.RuneCountInString(w)
		if !start && col+1+n > textWidth {
			b.WriteString("\n" + rest)
			col = utf8.RuneCountInString(rest)
			start = true
		}
		if !start {
			b.WriteByte(' ')
			col++
		}
		b.WriteString(w)
		col += n
		start = false
	}
	b.WriteString("\n")
}

// txtSummary writes the escalations, the measurements and the default-on
// verdicts of a form's analysis.
func txtSummary(b *strings.Builder, a *Analysis, opts RenderOptions) {
	r := requestOf(a)
	if len(a.Escalations) == 0 {
		b.WriteString("Escalation: none needed.\n")
	} else {
		b.WriteString("Escalation: " + opts.escalationLead() + "\n")
		for _, e := range a.Escalations {
			var reasons []string
			for _, c := range e.Reasons {
				reasons = append(reasons, cleanText(c, 60))
			}
			fmt.Fprintf(b, "  %s, because of %s\n", teamName(e.To), strings.Join(reasons, ", "))
		}
	}
	b.WriteString("\n")
	txtMeasurements(b, a, opts)
	fmt.Fprintf(b, "Default-on (the request says %s):\n", requestSays(r))
	for _, ch := range Channels() {
		fmt.Fprintf(b, "  %-12s category %s: %s\n", channelName(ch), categoryWords(a.HighestCategory), verdictWords(a.DefaultOn[ch]))
	}
}
