package policy

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"golang.org/x/net/html"
)

// toHTML renders markdown the way a permissive GFM renderer would: tables,
// strikethrough, task lists, autolinks, and raw HTML let through.
func toHTML(t testing.TB, md string) *html.Node {
	t.Helper()
	gm := goldmark.New(
		goldmark.WithExtensions(extension.GFM),
		goldmark.WithRendererOptions(gmhtml.WithUnsafe()),
	)
	var buf bytes.Buffer
	if err := gm.Convert([]byte(md), &buf); err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func elements(n *html.Node, tag string) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == tag {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// hostileNames are measurement names that try every markdown injection.
var hostileNames = []string{
	"[link](https://evil.example/)",
	"![img](https://evil.example/x.png)",
	"<https://evil.example/>",
	"https://evil.example/x",
	"www.evil.example",
	"someone@example.com",
	"@everyone",
	"#[markdown(off)]",
	"# Heading",
	"Setext\n===",
	"| a | b |\n|---|---|\n| c | d |",
	"a|b",
	`a\|b`,
	`a\\|b\`,
	"`",
	"``code``",
	"```` fence `` run `",
	"~~~\nfenced\n~~~",
	"<script>alert(1)</script>",
	"<img src=x onerror=alert(1)>",
	"&lt;b&gt; &#x5B;x&#x5D;(y)",
	"*bold* _em_ **strong** ~~strike~~",
	"- [ ] task",
	"1. list",
	"> quote",
	"---",
	"    indented code",
	"[x]: https://evil.example/ref",
	"[x]",
	"\u202Eevil\u202C\u200B",
	"tab\tand\x1b[31mansi",
	"\\",
	"plain.metric_name",
}

func hostileAnalysis() *Analysis {
	r := cleanRequest()
	r.Measurements = nil
	for i, n := range hostileNames {
		r.Measurements = append(r.Measurements, Measurement{Name: n, Category: i%3 + 1})
	}
	r.Measurements = append(r.Measurements, Measurement{Name: "# no category [x](y)"})
	r.ThirdParty, r.ThirdPartyTool = Yes, "#[markdown(off)] [Acme](https://evil.example/) @admin <b>x</b>"
	r.OptOut = "Click [here](https://evil.example/)\n# Heading\n```\n<img src=x>"
	r.Channels = []string{"release", "[beta](https://evil.example/)"}
	r.DocLinks = []string{"javascript:alert(1)", "https://evil.example/)](x"}
	r.Permanent, r.Owner = true, "@owner <b>x</b> [y](z)"
	return Evaluate(r, nil, testNow)
}

func TestRenderMarkdownInjection(t *testing.T) {
	a := hostileAnalysis()
	md := RenderMarkdown(a, RenderOptions{MaxMeasurements: 100})
	doc := toHTML(t, md)

	for _, tag := range []string{"a", "img", "script", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "del", "input", "blockquote", "b"} {
		if n := len(elements(doc, tag)); n > 0 {
			t.Errorf("the rendered comment has %d <%s> elements", n, tag)
		}
	}
	tables := elements(doc, "table")
	if len(tables) != 2 {
		t.Fatalf("%d tables, want 2 (measurements, default-on)", len(tables))
	}
	rows := elements(tables[0], "tr")
	if len(rows) != len(a.Request.Measurements)+1 {
		t.Fatalf("measurement table has %d rows, want %d", len(rows), len(a.Request.Measurements)+1)
	}
	for i, row := range rows[1:] {
		cells := elements(row, "td")
		if len(cells) != 2 {
			t.Errorf("row %d has %d cells, want 2", i, len(cells))
			continue
		}
		want := cleanText(a.Request.Measurements[i].Name, 100)
		if got := textOf(cells[0]); got != want {
			t.Errorf("row %d shows %q, want %q (markdown %q)", i, got, want, cellText(want))
		}
	}
	if pres := elements(doc, "pre"); len(pres) != 1 {
		t.Errorf("%d code blocks, want the draft's one", len(pres))
	} else if got := textOf(pres[0]); !strings.Contains(got, cleanText(a.Request.OptOut, 600)) {
		t.Errorf("draft block lost the opt-out text:\n%s", got)
	}
	items := elements(elements(doc, "ul")[0], "li")
	if len(items) != len(a.Findings) {
		t.Fatalf("%d finding items, want %d", len(items), len(a.Findings))
	}
	for i, li := range items {
		if msg := cleanText(a.Findings[i].Message, 1000); !strings.Contains(textOf(li), msg) {
			t.Errorf("finding %d shows\n%q\nwant it to contain\n%q", i, textOf(li), msg)
		}
	}
	checkLineStarts(t, md)
}

// checkLineStarts holds the invariant that every markdown line starts with
// text of ours, so that nothing from the request can start a block.
func checkLineStarts(t *testing.T, md string) {
	t.Helper()
	allowed := []string{"**", "- `", "- **", "- … and", "| ", "|---", "Automatic checks", "``", "    ", "… and"}
	inFence := false
	for i, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "```") {
			inFence = !inFence
			continue
		}
		if line == "" {
			continue
		}
		if inFence {
			if !strings.HasPrefix(line, "    ") && !startsWithNumber(line) {
				t.Errorf("line %d in the draft does not start with ours: %q", i+1, line)
			}
			continue
		}
		ok := false
		for _, p := range allowed {
			ok = ok || strings.HasPrefix(line, p)
		}
		if !ok {
			t.Errorf("line %d does not start with text of ours: %q", i+1, line)
		}
	}
}

func startsWithNumber(s string) bool {
	var n int
	var rest string
	_, err := fmt.Sscanf(s, "%d)%s", &n, &rest)
	return err == nil
}

func TestRenderMarkdownNotAForm(t *testing.T) {
	md := RenderMarkdown(Evaluate(nil, nil, testNow), RenderOptions{})
	if strings.Contains(md, "| ") || strings.Contains(md, "Draft review") {
		t.Errorf("a non-form gets tables or a draft:\n%s", md)
	}
	if !strings.Contains(md, CodeNotADataReviewForm) {
		t.Errorf("finding missing:\n%s", md)
	}
	if n := len(elements(toHTML(t, md), "a")); n != 0 {
		t.Errorf("the form's address became %d links", n)
	}
}

func TestRenderLimits(t *testing.T) {
	r := cleanRequest()
	r.Measurements = nil
	for i := 0; i < 30; i++ {
		r.Measurements = append(r.Measurements, Measurement{Name: fmt.Sprintf("m.n%d", i)})
	}
	a := Evaluate(r, nil, testNow)
	opts := RenderOptions{MaxFindings: 5, MaxMeasurements: 7, OmitDraft: true}
	md := RenderMarkdown(a, opts)
	// One finding code: its explanation once, then the items shown.
	if got := strings.Count(md, "- `measurement-without-category` (30): "); got != 1 {
		t.Errorf("the code's explanation is said %d times, want once:\n%s", got, md)
	}
	if got := strings.Count(md, "\n  - "); got != 5 {
		t.Errorf("%d findings shown, want 5", got)
	}
	if !strings.Contains(md, "- … and 25 more") || !strings.Contains(md, "… and 23 more measurements") {
		t.Errorf("limits not said:\n%s", md)
	}
	if strings.Contains(md, "Draft review") {
		t.Error("OmitDraft ignored")
	}
	txt := RenderText(a, opts)
	if !strings.Contains(txt, "... and 25 more") || !strings.Contains(txt, "... and 23 more") || strings.Contains(txt, "Draft review") {
		t.Errorf("text limits not applied:\n%s", txt)
	}
}

func TestRenderTextIsClean(t *testing.T) {
	txt := RenderText(hostileAnalysis(), RenderOptions{})
	for i, r := range txt {
		if r != '\n' && (r < 0x20 || r == 0x7f || invisible(r) || r >= 0x80 && r < 0xa0) {
			t.Fatalf("control or invisible rune %U at byte %d", r, i)
		}
	}
	for _, line := range strings.Split(txt, "\n") {
		if n := utf8.RuneCountInString(line); n > textWidth+20 && !strings.Contains(line, "category") {
			t.Errorf("line of %d runes not wrapped: %q", n, line)
		}
	}
}

func TestCleanText(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"  a \n\t b  ", 0, "a b"},
		{"a\x1b[31mb\x00c", 0, "a [31mb c"},
		{"\u202Eabc\u202C\u200Bd\uFEFF", 0, "abcd"},
		{"abcdef", 3, "abc…"},
		{"abc", 3, "abc"},
		{"a\xffb", 0, "ab"},
		{"", 5, ""},
	}
	for _, tt := range tests {
		if got := cleanText(tt.in, tt.max); got != tt.want {
			t.Errorf("cleanText(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
	}
}

func TestCodeSpan(t *testing.T) {
	tests := []struct{ in, want string }{
		{"x", "`x`"},
		{"a`b", "``a`b``"},
		{"``x```", "```` ``x``` ````"},
		{"`", "`` ` ``"},
		{"", "(empty)"},
	}
	for _, tt := range tests {
		if got := codeSpan(tt.in); got != tt.want {
			t.Errorf("codeSpan(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestEscapeInline(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain words. And more", "plain words. And more"},
		{"[x](y)", `\[x\](y)`},
		{"see https://a.example", `see https\://a\.example`},
		{"www.a.example", `www\.a\.example`},
		{"me@a.example", `me\@a\.example`},
		{"<b>&amp;", `\<b\>\&amp;`},
		{`a|b\c`, `a\|b\\c`},
		{"#[markdown(off)]", `\#\[markdown(off)\]`},
		{"*_~`!", "\\*\\_\\~\\`\\!"},
	}
	for _, tt := range tests {
		if got := escapeInline(tt.in); got != tt.want {
			t.Errorf("escapeInline(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzMarkdownQuoting checks the quoting for any measurement name: the
// table keeps two columns, the cell shows exactly the cleaned name, and
// nothing becomes a link, heading, image or HTML.
func FuzzMarkdownQuoting(f *testing.F) {
	for _, n := range hostileNames {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, name string) {
		r := cleanRequest()
		r.Measurements = []Measurement{{Name: name, Category: 1}}
		r.ThirdParty, r.ThirdPartyTool = Yes, name
		a := Evaluate(r, nil, testNow)
		md := RenderMarkdown(a, RenderOptions{})
		doc := toHTML(t, md)
		for _, tag := range []string{"a", "img", "h1", "h2", "h3", "h4", "h5", "h6", "script", "hr", "blockquote"} {
			if len(elements(doc, tag)) > 0 {
				t.Fatalf("name %q made a <%s>:\n%s", name, tag, md)
			}
		}
		tables := elements(doc, "table")
		if len(tables) != 2 {
			t.Fatalf("name %q: %d tables", name, len(tables))
		}
		cells := elements(tables[0], "td")
		want := cleanText(name, 100)
		if want == "" {
			want = "(no name)"
		}
		if len(cells) != 2 || textOf(cells[0]) != want {
			var got []string
			for _, c := range cells {
				got = append(got, textOf(c))
			}
			t.Fatalf("name %q: cells %q, want [%q ...]\n%s", name, got, want, md)
		}
	})
}

func TestRenderGoldenHasEverySection(t *testing.T) {
	a := Evaluate(cleanRequest(), nil, testNow)
	md := RenderMarkdown(a, RenderOptions{})
	for _, want := range []string{"**No findings**", "**Measurements (2)**", "| `widget.cache_size` | 1 (technical) |", "**Default-on**", "**Escalation**: none needed.", "**Draft review**"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	if diff := cmp.Diff(strings.Count(md, "```"), 2); diff != "" {
		t.Errorf("fences (-got +want):\n%s", diff)
	}
}

func TestRenderMarkdownFitsAComment(t *testing.T) {
	r := cleanRequest()
	r.Measurements = nil
	long := strings.Repeat("ü", 400)
	for i := 0; i < 400; i++ {
		r.Measurements = append(r.Measurements, Measurement{Name: fmt.Sprintf("m%d.%s", i, long)})
	}
	a := Evaluate(r, nil, testNow)
	if full := renderMarkdown(a, RenderOptions{MaxFindings: 400, MaxMeasurements: 400}); len(full) <= MaxCommentBytes {
		t.Fatalf("test input too small: %d bytes", len(full))
	}
	md := RenderMarkdown(a, RenderOptions{MaxFindings: 400, MaxMeasurements: 400})
	if len(md) > MaxCommentBytes {
		t.Errorf("%d bytes, want at most %d", len(md), MaxCommentBytes)
	}
	if !strings.Contains(md, "more (see the full analysis)") {
		t.Error("the cut is not said")
	}
}

// TestRenderMarkdownInjectionFromText sends a hostile form through the real
// parser: whatever the parser extracts, the comment stays inert.
func TestRenderMarkdownInjectionFromText(t *testing.T) {
	data, err := os.ReadFile("testdata/analysis/text/hostile.md")
	if err != nil {
		t.Fatal(err)
	}
	a := Evaluate(ParseRequest(string(data)), nil, testNow)
	if !isForm(a.Request.Version) || len(a.Request.Measurements) == 0 {
		t.Fatalf("the hostile form was not read as a form with measurements: %+v", a.Request)
	}
	md := RenderMarkdown(a, RenderOptions{})
	doc := toHTML(t, md)
	for _, tag := range []string{"a", "img", "script", "iframe", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "del", "b", "blockquote"} {
		if n := len(elements(doc, tag)); n > 0 {
			t.Errorf("%d <%s> elements in:\n%s", n, tag, md)
		}
	}
	if n := len(elements(doc, "table")); n != 2 {
		t.Errorf("%d tables, want 2", n)
	}
	rows := elements(elements(doc, "table")[0], "tr")
	for i, row := range rows[1:] {
		cells := elements(row, "td")
		if len(cells) != 2 || textOf(cells[0]) != cleanText(a.Request.Measurements[i].Name, 100) {
			t.Errorf("row %d: %d cells, first %q; want the name %q", i, len(cells), textOf(cells[0]), a.Request.Measurements[i].Name)
		}
	}
	checkLineStarts(t, md)
}

// TestRenderQuestionNotFound: the comment asks about a question line it
// could not find, rather than calling the question unanswered.
func TestRenderQuestionNotFound(t *testing.T) {
	r := cleanRequest()
	r.Answers[6].Answered, r.Answers[6].Text, r.Answers[6].QuestionNotFound = false, "", true
	a := Evaluate(r, nil, testNow)
	for name, out := range map[string]string{
		"markdown": RenderMarkdown(a, RenderOptions{}),
		"text":     RenderText(a, RenderOptions{}),
	} {
		if !strings.Contains(out, "I could not find the question line for Q7") {
			t.Errorf("%s rendering lacks the not-found question:\n%s", name, out)
		}
		if strings.Contains(out, "Q7 (") && strings.Contains(out, "is not answered") {
			t.Errorf("%s rendering calls Q7 unanswered:\n%s", name, out)
		}
	}
}

// Findings of one code say what they share once, then list their items:
// nine unanswered questions do not repeat "Every question is mandatory"
// nine times, nor two category 4 measurements the category 4 paragraph.
// The analysis (and so the JSON of analyze) keeps one finding per item.
func TestRenderGroupsFindingsOfACode(t *testing.T) {
	r := cleanRequest()
	for _, topic := range []Topic{TopicAlternatives, TopicInstrumentation, TopicAnalysis, TopicSharing} {
		unanswer(r, topic)
	}
	r.Measurements = append(r.Measurements, Measurement{Name: "widget.location", Category: 4},
		Measurement{Name: "widget.contacts", Category: 4})
	a := Evaluate(r, nil, testNow)
	var missing, cat4 int
	for _, f := range a.Findings {
		switch f.Code {
		case CodeMissingAnswers:
			missing++
		case CodeCategory4:
			cat4++
		}
	}
	if missing != 4 || cat4 != 2 {
		t.Fatalf("the analysis has %d missing answers and %d category 4 findings, want one per item (4 and 2)", missing, cat4)
	}
	for name, tc := range map[string]struct{ out, quote string }{
		"markdown": {RenderMarkdown(a, RenderOptions{OmitDraft: true}), "`"},
		"text":     {RenderText(a, RenderOptions{OmitDraft: true}), `"`},
	} {
		t.Run(name, func(t *testing.T) {
			out := tc.out
			flat := strings.Join(strings.Fields(strings.ReplaceAll(out, "\\", "")), " ")
			for _, once := range []string{"Every question is mandatory", "any such collection needs prior Trust approval",
				"Any such collection needs prior Trust approval"} {
				if n := strings.Count(flat, once); n > 1 {
					t.Errorf("%q is said %d times, want once:\n%s", once, n, out)
				}
			}
			for _, item := range []string{"Q3 (the alternatives you considered) is not answered", "Q10 (how you will analyse the data) is not answered",
				"Each of these measurements is category 4", "Q5, measurement " + tc.quote + "widget.location" + tc.quote,
				"Q5, measurement " + tc.quote + "widget.contacts" + tc.quote} {
				if !strings.Contains(flat, item) {
					t.Errorf("item %q is not listed:\n%s", item, out)
				}
			}
		})
	}
}

// The comment reads top down in order of need: the findings first, then the
// escalations, the tables and the caller's note, and the long draft review
// last under its own heading, in both renderings; a text that is not a form
// keeps the note.
func TestRenderDraftReviewLast(t *testing.T) {
	r := cleanRequest()
	unanswer(r, TopicAlternatives)
	a := Evaluate(r, nil, testNow)
	for name, tc := range map[string]struct {
		out   string
		order []string
	}{
		"markdown": {RenderMarkdown(a, RenderOptions{Note: "NOTE OF THE BOT"}),
			[]string{"**Findings (1)**", "**Escalation**", "**Measurements (2)**", "**Default-on**", "NOTE OF THE BOT", "**Draft review**"}},
		"text": {RenderText(a, RenderOptions{Note: "NOTE OF THE BOT"}),
			[]string{"Findings (1):", "Escalation:", "Measurements (2)", "Default-on", "NOTE OF THE BOT", "Draft review (review-8q form)\n-----"}},
	} {
		t.Run(name, func(t *testing.T) {
			at := -1
			for _, part := range tc.order {
				i := strings.Index(tc.out, part)
				if i <= at {
					t.Fatalf("%q is not after the parts before it (at %d, want after %d):\n%s", part, i, at, tc.out)
				}
				at = i
			}
		})
	}
	notForm := Evaluate(&Request{Version: FormNone}, nil, testNow)
	for _, out := range []string{RenderMarkdown(notForm, RenderOptions{Note: "NOTE OF THE BOT"}), RenderText(notForm, RenderOptions{Note: "NOTE OF THE BOT"})} {
		if !strings.Contains(out, "NOTE OF THE BOT") {
			t.Errorf("the note is lost when the text is not a form:\n%s", out)
		}
	}
}
