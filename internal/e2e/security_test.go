package e2e

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"

	"github.com/stewardbot/stewardbot/bot"
	"github.com/stewardbot/stewardbot/bot/demo"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
	"github.com/stewardbot/stewardbot/internal/bottest"
)

// hostileAnswers replace the answers of a clean form, question by question.
// Every active piece carries "EVIL" (or the host evil.example, or the
// mention @mallory) so that it can be recognised in the posted comment.
var hostileAnswers = map[int]string{
	1:  "[click EVIL](https://evil.example/phish) ![EVIL](https://evil.example/i.png) <https://evil.example/auto> https://evil.example/bare www.evil.example",
	2:  "# EVIL heading\n\n## EVIL h2\n\nEVIL setext\n===",
	3:  "<script>alert('EVIL')</script> <img src=x onerror=EVIL> <a href=\"https://evil.example/a\">EVIL</a>\n\n<div>EVIL block</div>",
	4:  "#[markdown(off)]\nEVIL after the switch",
	6:  "``````` EVIL ticks ``` [EVIL](https://evil.example/t) ```````",
	8:  "@mallory please look. Also dev2@example.test and legal@example.test; needinfo? trust@example.test; r?@steward2",
	9:  "The preference in Settings.\n```\n# EVIL escaped the fence\n[EVIL](https://evil.example/f)\n~~~\n<script>EVIL</script>",
	10: "| EVIL | table |\n|---|---|\n| a | b |",
	11: "[EVIL ref][r]\n\n[r]: https://evil.example/ref",
}

// hostileForm is the demo's clean form with hostileAnswers in place and a
// hostile measurement name in its table.
func hostileForm(t *testing.T) string {
	t.Helper()
	raw, err := demo.SeedJSON()
	if err != nil {
		t.Fatal(err)
	}
	// The clean form is the first demo bug's attachment.
	var f bugzillatest.SeedFile
	if err := jsonUnmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	form := f.Bugs[0].Attachments[0].Text
	lines := strings.Split(form, "\n")
	var out []string
	skip := false
	for _, l := range lines {
		if n, ok := questionNumber(l); ok {
			out = append(out, l, "")
			if a, hostile := hostileAnswers[n]; hostile {
				out = append(out, a, "")
				skip = true
			} else {
				skip = false
			}
			continue
		}
		if strings.HasPrefix(l, "| `tab_groups.onboarding_opened`") {
			l = "| `x`` [EVIL](https://evil.example/m) <b>EVIL</b> @mallory ``` | Category 2: Interaction data | 1001 |\n" +
				"| a \\| [EVIL](https://evil.example/pipe) \\| b | Category 1: Technical data | 1001 |"
		}
		if !skip {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// questionNumber reads "N) " at the start of a question line.
func questionNumber(l string) (int, bool) {
	num, _, ok := strings.Cut(l, ") ")
	if !ok || len(num) > 2 {
		return 0, false
	}
	n, err := strconv.Atoi(num)
	return n, err == nil
}

// markdownEscape is a markdown backslash escape: a backslash before ASCII
// punctuation.
var markdownEscape = regexp.MustCompile(`\\[!-/:-@\[-` + "`" + `{-~]`)

// TestMarkdownInjectionInert: requester text in the posted analysis is
// inert: on BMO, which renders markdown, no link, image, heading, HTML or
// table comes from it and the markdown switch cannot be turned off; on
// upstream Bugzilla, which shows comments as preformatted text, the
// analysis is plain text without escapes; on both, nobody is mentioned,
// flagged or CCed because the form named them.
func TestMarkdownInjectionInert(t *testing.T) {
	for _, d := range []bugzillatest.Dialect{bugzillatest.Upstream, bugzillatest.BMO} {
		t.Run(d.String(), func(t *testing.T) {
			r := newRig(t, d)
			form := hostileForm(t)
			bug := r.Fake.AddBug(bugzillatest.Bug{Summary: "Hostile form", Creator: "dev1@example.test", Description: "See attachment."})
			r.Fake.AddAttachment(bugzillatest.Attachment{BugID: bug, FileName: "request.md", Summary: "Data review request",
				ContentType: "text/plain", Data: []byte(form), Flags: []bugzillatest.Flag{bugzillatest.DataReview("steward1@example.test")}})
			r.Settle(6)
			var analysis []bugzillatest.Comment
			for _, c := range r.Fake.Comments(bug) {
				if f, ok := ParseFooter(tagPrefix, c.Text); ok && c.Creator == botLogin && f.Kind == KindAnalysis {
					analysis = append(analysis, c)
				}
			}
			if len(analysis) != 1 {
				t.Fatalf("%d analysis comments, want 1; is the hostile form still a form?\n%s", len(analysis), r.Logs.Tail(3000))
			}
			posted := analysis[0].Text
			if d == bugzillatest.BMO {
				// BMO renders markdown: requester text must be inert there.
				for _, p := range inertProblems([]byte(posted)) {
					t.Error(p)
				}
			} else {
				// Upstream shows comments as preformatted text (HTML escaped)
				// and renders no markdown: the bot writes plain text there,
				// with no markdown escapes to spoil what is copied.
				if analysis[0].IsMarkdown {
					t.Error("a markdown comment on upstream Bugzilla, which shows it as plain text")
				}
				if found := markdownEscape.FindAllString(posted, -1); len(found) > 0 {
					t.Errorf("markdown escapes %q in a plain-text comment", found)
				}
			}
			for _, w := range r.Fake.Writes() {
				for _, who := range []string{"mallory", "dev2@example.test", "legal@example.test", "trust@example.test", "steward2"} {
					if bodyNames(w.Body, who) {
						t.Errorf("%s %s names %s, whom only the form text named: %v", w.Method, w.Path, who, w.Body)
					}
				}
			}
			// The check means something only if requester text reaches the
			// comment at all: the measurement names and answers are quoted.
			quoted := strings.Count(posted, "EVIL") + strings.Count(posted, "evil.example") + strings.Count(posted, "mallory")
			if quoted == 0 {
				t.Errorf("no requester text in the analysis at all: the injection was not exercised")
			}
			if t.Failed() || testing.Verbose() {
				t.Logf("posted comment (%d hostile fragments quoted, all inert):\n%s", quoted, posted)
			}
		})
	}
}

// bodyNames reports whether a write's flags or CC list name who.
func bodyNames(body map[string]any, who string) bool {
	for _, k := range []string{"flags", "cc"} {
		if v, ok := body[k]; ok && strings.Contains(fmt.Sprint(v), who) {
			return true
		}
	}
	return false
}

// inertProblems parses a comment as GitHub-flavoured markdown (what BMO
// renders) and lists every active element that came from requester text.
func inertProblems(src []byte) []string {
	var out []string
	for i, l := range strings.Split(string(src), "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "#[markdown(off)]") {
			out = append(out, fmt.Sprintf("line %d turns BMO's markdown off: %q", i+1, l))
		}
	}
	md := goldmark.New(goldmark.WithExtensions(extension.GFM))
	doc := md.Parser().Parse(text.NewReader(src))
	hostile := func(s string) bool {
		return strings.Contains(s, "EVIL") || strings.Contains(s, "evil.example") || strings.Contains(s, "mallory")
	}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.CodeSpan, *ast.CodeBlock, *ast.FencedCodeBlock:
			return ast.WalkSkipChildren, nil
		case *ast.Link:
			if hostile(string(n.Destination)) || hostile(plainText(n, src)) {
				out = append(out, fmt.Sprintf("a link from the form: [%s](%s)", plainText(n, src), n.Destination))
			}
		case *ast.Image:
			if hostile(string(n.Destination)) {
				out = append(out, fmt.Sprintf("an image from the form: %s", n.Destination))
			}
		case *ast.AutoLink:
			if u := string(n.URL(src)); hostile(u) {
				out = append(out, fmt.Sprintf("an autolink from the form: %s", u))
			}
		case *ast.Heading:
			if s := plainText(n, src); hostile(s) {
				out = append(out, fmt.Sprintf("a heading from the form: %q", s))
			}
		case *ast.HTMLBlock:
			if s := linesText(n, src); hostile(s) {
				out = append(out, fmt.Sprintf("an HTML block from the form: %q", s))
			}
		case *ast.RawHTML:
			if s := segmentsText(n.Segments, src); hostile(s) || strings.Contains(strings.ToLower(s), "<script") {
				out = append(out, fmt.Sprintf("inline HTML from the form: %q", s))
			}
		case *east.Table:
			if s := plainText(n, src); strings.Contains(s, "EVIL | table") || strings.Contains(s, "EVILtable") {
				out = append(out, fmt.Sprintf("a table from the form: %q", s))
			}
		case *ast.Text:
			if raw := string(n.Segment.Value(src)); strings.Contains(raw, "@mallory") && !strings.Contains(raw, `\@mallory`) {
				out = append(out, fmt.Sprintf("an unescaped mention from the form: %q", raw))
			}
		}
		return ast.WalkContinue, nil
	})
	return out
}

// plainText is the text of n's descendants (code spans included).
func plainText(n ast.Node, src []byte) string {
	var b bytes.Buffer
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := c.(*ast.Text); ok && entering {
			b.Write(t.Segment.Value(src))
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

func linesText(n ast.Node, src []byte) string {
	lines := n.Lines()
	var b bytes.Buffer
	for i := range lines.Len() {
		seg := lines.At(i)
		b.Write(seg.Value(src))
	}
	return b.String()
}

func segmentsText(segs *text.Segments, src []byte) string {
	var b bytes.Buffer
	for i := range segs.Len() {
		seg := segs.At(i)
		b.Write(seg.Value(src))
	}
	return b.String()
}

// TestInertCheckerCatchesInjection makes sure inertProblems can fail: the
// hostile answers posted as they are trip it.
func TestInertCheckerCatchesInjection(t *testing.T) {
	var problems []string
	for _, a := range hostileAnswers { // each alone: one's fence must not hide another
		problems = append(problems, inertProblems([]byte(a))...)
	}
	for _, want := range []string{"a link", "an image", "an autolink", "a heading", "HTML", "markdown off", "a table", "mention"} {
		found := false
		for _, p := range problems {
			found = found || strings.Contains(p, want)
		}
		if !found {
			t.Errorf("the checker misses %s in raw hostile text; it found: %q", want, problems)
		}
	}
}

// TestAttachmentOverCapNeverDownloaded: a form larger than the cap is never
// fetched with its data, and the bot still does what it owes (it cannot
// read the form, so it asks for one it can).
func TestAttachmentOverCapNeverDownloaded(t *testing.T) {
	const maxBytes = 64 << 10
	for _, d := range []bugzillatest.Dialect{bugzillatest.Upstream, bugzillatest.BMO} {
		t.Run(d.String(), func(t *testing.T) {
			r := newRig(t, d, bottest.WithConfig(func(c *bot.Config) { c.Bugzilla.MaxAttachmentBytes = maxBytes }))
			r.seed(11) // ordinary traffic around it, so batched reads happen
			big := hostileForm(t) + "\n\n" + strings.Repeat("padding line for a very long answer\n", 4*maxBytes/36)
			bug := r.Fake.AddBug(bugzillatest.Bug{Summary: "Huge form", Creator: "dev1@example.test", Description: "See attachment."})
			att := r.Fake.AddAttachment(bugzillatest.Attachment{BugID: bug, FileName: "request.md", Summary: "Data review request",
				ContentType: "text/plain", Data: []byte(big), Flags: []bugzillatest.Flag{bugzillatest.DataReview("steward1@example.test")}})
			r.Settle(6)
			for _, req := range r.Fake.Requests() {
				if asksData(req) && (strings.Contains(req.Path, strconv.Itoa(att)) ||
					strings.Contains(strings.Join(req.Query["attachment_ids"], ","), strconv.Itoa(att)) ||
					req.Path == fmt.Sprintf("/rest/bug/%d/attachment", bug)) {
					t.Errorf("attachment %d (%d bytes, cap %d) was asked for with its data: %s %s?%s", att, len(big), maxBytes, req.Method, req.Path, req.Query.Encode())
				}
			}
			tally, _ := Tally(r.Fake, bug, botLogin, tagPrefix)
			if tally.Kinds[KindAnalysis]+tally.Kinds[KindNeedsForm] != 1 {
				t.Errorf("bug with the huge form: %v, want one analysis or one needs-form", tally.Kinds)
			}
			r.audit()
			t.Logf("bug with a %d-byte form over a %d-byte cap got %v", len(big), maxBytes, tally.Kinds)
		})
	}
}

// asksData reports whether an attachment read asks for the contents.
func asksData(req bugzillatest.Request) bool {
	if !strings.Contains(req.Path, "/attachment") || req.Method != "GET" {
		return false
	}
	if strings.Contains(req.Query.Get("exclude_fields"), "data") {
		return false
	}
	if inc := req.Query.Get("include_fields"); inc != "" && !strings.Contains(inc, "data") {
		return false
	}
	return true
}

// TestUnreadableAttachmentsNoCrash: forms in Latin-1, Windows-1252 and
// UTF-16, binary data labelled text, and binary attachments get a comment
// like any other request, valid UTF-8 without control bytes, that says
// clearly what the bot made of the attachment: a form not in UTF-8 is read
// in its encoding (no mojibake) and its analysis says which; an attachment
// that is not text (an image, a ZIP, binary bytes labelled text, text in an
// encoding the bot does not know) gets the request for a form saying which,
// with the attachment's name and type, and asking for plain text in UTF-8;
// the finding is logged with the attachment's id. The cycle does not fail.
func TestUnreadableAttachmentsNoCrash(t *testing.T) {
	form := strings.ReplaceAll(hostileForm(t), "EVIL", "café")
	latin1 := []byte(strings.ReplaceAll(form, "é", "\xe9")) // the form is ASCII but for é
	win1252 := []byte(strings.ReplaceAll(strings.ReplaceAll(form, "café", "\x93caf\xe9\x94"), "é", "\xe9"))
	binary := make([]byte, 4096)
	for i := range binary {
		binary[i] = byte(i * 7 % 256)
	}
	png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), binary[:64]...)
	zipped := append([]byte("PK\x03\x04\x14\x00\x00\x00\x08\x00"), binary[:64]...)
	const (
		needsPlainText = "Please attach the completed form as a plain-text (UTF-8) attachment"
		noForm         = "but found no Data Review Request form in it"
		textOnly       = "I read forms as plain text, markdown or HTML only"
	)
	cases := []struct {
		name, contentType string
		data              []byte
		kind              string
		// want are phrases the bot's comment must hold; %d is the
		// attachment's number.
		want []string
		// quoted must appear in the analysis: the form was decoded, not
		// read as mojibake.
		quoted string
	}{
		{"latin-1 form", "text/plain", latin1, KindAnalysis,
			[]string{"`attachment-not-utf8` (attachment %d): the attachment is not UTF-8, so I read it as ISO-8859-1 (Latin-1)."}, "café"},
		{"windows-1252 form", "text/plain", win1252, KindAnalysis,
			[]string{"`attachment-not-utf8` (attachment %d): the attachment is not UTF-8, so I read it as Windows-1252."}, `"café"`}, // policy straightens the curly quotes
		{"utf-16 form", "text/plain", utf16le(form), KindAnalysis,
			[]string{"`attachment-not-utf8` (attachment %d): the attachment is not UTF-8, so I read it as UTF-16LE."}, "café"},
		{"utf-16 fragment", "text/plain", utf16le("1) What questions will you answer with this data?\n\nHow often.\n"), KindNeedsForm,
			[]string{"`attachment-not-utf8` (attachment %d, `request.txt`, `text/plain`): it is not UTF-8; I read it as UTF-16LE text, " + noForm, needsPlainText}, ""},
		{"binary labelled text", "text/plain", binary, KindNeedsForm,
			[]string{"`attachment-binary` (attachment %d, `request.txt`, `text/plain`): it is labelled as text, but its bytes are binary: " + textOnly, needsPlainText}, ""},
		{"binary", "application/octet-stream", binary, KindNeedsForm,
			[]string{"`attachment-not-text` (attachment %d, `request.txt`, `application/octet-stream`): this is a binary file, and " + textOnly, needsPlainText}, ""},
		{"png", "image/png", png, KindNeedsForm,
			[]string{"`attachment-not-text` (attachment %d, `request.txt`, `image/png`): this is a binary file", needsPlainText}, ""},
		{"zip labelled text", "text/plain", zipped, KindNeedsForm,
			[]string{"`attachment-binary` (attachment %d, `request.txt`, `text/plain`): it is labelled as text, but its bytes are binary (they look like `application/zip`)", needsPlainText}, ""},
		{"invalid utf-8, not windows-1252", "text/plain", []byte("1) What data? \x83\x66\x81\x5b\x83\x5e\n"), KindNeedsForm,
			[]string{"`attachment-unknown-encoding` (attachment %d, `request.txt`, `text/plain`): its bytes are not valid text in any encoding I know", needsPlainText}, ""},
	}
	r := newRig(t, bugzillatest.BMO)
	bugs, atts := map[string]int{}, map[string]int{}
	for _, c := range cases {
		bug := r.Fake.AddBug(bugzillatest.Bug{Summary: c.name, Creator: "dev1@example.test", Description: "See attachment."})
		atts[c.name] = r.Fake.AddAttachment(bugzillatest.Attachment{BugID: bug, FileName: "request.txt", Summary: "Data review request",
			ContentType: c.contentType, Data: c.data, Flags: []bugzillatest.Flag{bugzillatest.DataReview("steward1@example.test")}})
		bugs[c.name] = bug
	}
	r.Settle(6)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bug := bugs[c.name]
			tally, problems := Tally(r.Fake, bug, botLogin, tagPrefix)
			for _, p := range problems {
				t.Error(p)
			}
			if tally.Kinds[KindAnalysis]+tally.Kinds[KindNeedsForm] != 1 || tally.Kinds[c.kind] != 1 {
				t.Fatalf("%v, want one %s", tally.Kinds, c.kind)
			}
			var posted string
			for _, cm := range r.Fake.Comments(bug) {
				if cm.Creator != botLogin {
					continue
				}
				if !utf8.ValidString(cm.Text) || strings.ContainsAny(cm.Text, "\x00\x01\x02\x1b") {
					t.Errorf("the bot's comment is not clean UTF-8 text")
				}
				if f, ok := ParseFooter(tagPrefix, cm.Text); ok && f.Kind == c.kind {
					posted = cm.Text
				}
			}
			for _, w := range c.want {
				if w = strings.ReplaceAll(w, "%d", strconv.Itoa(atts[c.name])); !strings.Contains(posted, w) {
					t.Errorf("the %s comment does not say %q:\n%s", c.kind, w, posted)
				}
			}
			if c.quoted != "" && !strings.Contains(posted, c.quoted) {
				t.Errorf("the analysis does not quote %q: the form was not decoded:\n%s", c.quoted, posted)
			}
			if finding, _, ok := strings.Cut(strings.TrimPrefix(c.want[0], "`"), "`"); ok && c.kind == KindNeedsForm &&
				!logLineHas(r.Logs.String(), `"attachment_id":`+strconv.Itoa(atts[c.name])+`,`, `"finding":"`+finding+`"`) {
				t.Errorf("no log line with attachment_id %d and finding %s", atts[c.name], finding)
			}
			if strings.Contains(posted, "\uFFFD") || strings.Contains(posted, "Ã") {
				t.Errorf("the comment holds replacement characters or mojibake:\n%s", posted)
			}
			t.Logf("%v", tally.Kinds)
		})
	}
}

func utf16le(s string) []byte {
	out := []byte{0xff, 0xfe}
	for _, r := range s {
		out = append(out, byte(r), byte(r>>8))
	}
	return out
}

// logLineHas reports whether one log line holds every part.
func logLineHas(logs string, parts ...string) bool {
	for line := range strings.Lines(logs) {
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(line, p)
		}
		if ok {
			return true
		}
	}
	return false
}
