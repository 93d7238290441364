package policy

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// reqTestQuestions are the twelve questions of the current form, as
// written in request.md.
var reqTestQuestions = []string{
	"What questions will you answer with this data?",
	"Why does Mozilla need to answer these questions?  Are there benefits for users? Do we need this information to address product or business requirements? Some example responses:",
	"What alternative methods did you consider to answer these questions? Why were they not sufficient?",
	"Can current instrumentation answer these questions?",
	"List all proposed measurements and indicate the category of data collection for each measurement, using the [Firefox data collection categories](https://wiki.mozilla.org/Data_Collection) found on the Mozilla wiki.",
	"Please provide a link to the documentation for this data collection which describes the ultimate data set in a public, complete, and accurate way.",
	"How long will this data be collected?  Choose one of the following:",
	"What populations will you measure?",
	"If this data collection is default on, what is the opt-out mechanism for users?",
	"Please provide a general description of how you will analyze this data.",
	"Where do you intend to share the results of your analysis?",
	"Is there a third-party tool (i.e. not Glean or Telemetry) that you are proposing to use for this data collection? If so:",
}

// reqTestForm writes a 12-question form: heading(n, question) writes each
// question and answer(n) each answer, which follows its question after a
// line break.
func reqTestForm(heading func(n int, q string) string, answer func(n int) string) string {
	var b strings.Builder
	b.WriteString("# Request for data collection review form\n\n")
	for i, q := range reqTestQuestions {
		b.WriteString(heading(i+1, q))
		b.WriteString("\n")
		b.WriteString(answer(i + 1))
		b.WriteString("\n\n")
	}
	return b.String()
}

func reqAnswerNumber(n int) string { return fmt.Sprintf("Answer number %d, in my words.", n) }

// reqWantAll checks a 12-question form whose answers are all reqAnswerNumber.
func reqWantAll(t *testing.T, r *Request) {
	t.Helper()
	reqCheckInvariants(t, r)
	if r.Version != FormRequest12Q {
		t.Fatalf("version = %q, want request-12q", r.Version)
	}
	for _, a := range r.Answers {
		if !a.Answered || a.Text != reqAnswerNumber(a.Number) {
			t.Errorf("Q%d = %v %q, want answered %q", a.Number, a.Answered, a.Text, reqAnswerNumber(a.Number))
		}
	}
}

// TestParseRequestHeadingStyles: questions numbered "N)" or "N.", in bold,
// as ### headings or setext headings, quoted, in bullets, hard-wrapped.
func TestParseRequestHeadingStyles(t *testing.T) {
	styles := map[string]func(n int, q string) string{
		"paren":          func(n int, q string) string { return fmt.Sprintf("%d) %s", n, q) },
		"dot":            func(n int, q string) string { return fmt.Sprintf("%d. %s", n, q) },
		"bold":           func(n int, q string) string { return fmt.Sprintf("**%d) %s**", n, q) },
		"bold-question":  func(n int, q string) string { return fmt.Sprintf("%d) **%s**", n, q) },
		"bold-number":    func(n int, q string) string { return fmt.Sprintf("**%d.** %s", n, q) },
		"underscores":    func(n int, q string) string { return fmt.Sprintf("__%d. %s__", n, q) },
		"atx":            func(n int, q string) string { return fmt.Sprintf("### %d) %s", n, q) },
		"atx-unnumbered": func(n int, q string) string { return "## " + q },
		"setext":         func(n int, q string) string { return q + "\n" + strings.Repeat("-", 20) },
		"setext-equals":  func(n int, q string) string { return fmt.Sprintf("%d. %s\n=====", n, q) },
		"q-number":       func(n int, q string) string { return fmt.Sprintf("Q%d: %s", n, q) },
		"question-word":  func(n int, q string) string { return fmt.Sprintf("Question %d: %s", n, q) },
		"parenthesised":  func(n int, q string) string { return fmt.Sprintf("(%d) %s", n, q) },
		"quoted":         func(n int, q string) string { return fmt.Sprintf("> %d) %s", n, q) },
		"bullet":         func(n int, q string) string { return fmt.Sprintf("* %d) %s", n, q) },
		"bold-unnumbered": func(n int, q string) string {
			return "**" + q + "**"
		},
		"hard-wrapped": func(n int, q string) string {
			w := strings.Fields(q)
			if len(w) < 8 {
				return fmt.Sprintf("%d. %s", n, q)
			}
			return fmt.Sprintf("%d. %s\n   %s", n, strings.Join(w[:6], " "), strings.Join(w[6:], " "))
		},
	}
	for name, style := range styles {
		t.Run(name, func(t *testing.T) {
			reqWantAll(t, ParseRequest(reqTestForm(style, reqAnswerNumber)))
		})
	}
}

// TestParseRequestAnswerPlacement: answers on the same line, on the next
// line, after a blank line, in > quotes, as bullets.
func TestParseRequestAnswerPlacement(t *testing.T) {
	paren := func(n int, q string) string { return fmt.Sprintf("%d) %s", n, q) }
	tests := []struct {
		name    string
		heading func(n int, q string) string
		answer  func(n int) string
		want    func(n int) string
	}{
		{"next line", paren, reqAnswerNumber, reqAnswerNumber},
		{"after a blank line", paren, func(n int) string { return "\n" + reqAnswerNumber(n) }, reqAnswerNumber},
		{"quoted", paren, func(n int) string { return "> " + reqAnswerNumber(n) }, reqAnswerNumber},
		{"nested quote", paren, func(n int) string { return ">> " + reqAnswerNumber(n) }, reqAnswerNumber},
		{"bullet", paren, func(n int) string { return "* " + reqAnswerNumber(n) }, func(n int) string { return "- " + reqAnswerNumber(n) }},
		{"labelled", paren, func(n int) string { return "Answer: " + reqAnswerNumber(n) }, reqAnswerNumber},
		{"same line", func(n int, q string) string { return fmt.Sprintf("%d) %s %s", n, q, reqAnswerNumber(n)) },
			func(int) string { return "" }, reqAnswerNumber},
		{"same line after bold", func(n int, q string) string { return fmt.Sprintf("**%d) %s** %s", n, q, reqAnswerNumber(n)) },
			func(int) string { return "" }, reqAnswerNumber},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ParseRequest(reqTestForm(tt.heading, tt.answer))
			reqCheckInvariants(t, r)
			if r.Version != FormRequest12Q {
				t.Fatalf("version = %q", r.Version)
			}
			for _, a := range r.Answers {
				if !a.Answered || a.Text != tt.want(a.Number) {
					t.Errorf("Q%d = %v %q, want %q", a.Number, a.Answered, a.Text, tt.want(a.Number))
				}
			}
		})
	}
}

// reqOneAnswer parses the current form with answer as the text after
// question n (the others answered) and returns the answer to n.
func reqOneAnswer(t *testing.T, n int, answer string) Answer {
	t.Helper()
	r := ParseRequest(reqTestForm(
		func(k int, q string) string { return fmt.Sprintf("%d) %s", k, q) },
		func(k int) string {
			if k == n {
				return answer
			}
			return reqAnswerNumber(k)
		}))
	reqCheckInvariants(t, r)
	if r.Version != FormRequest12Q {
		t.Fatalf("version = %q", r.Version)
	}
	return r.Answers[n-1]
}

// TestParseRequestAnswered: "N/A", "No", "None" are answers; nothing, TODO,
// TBD, glean_parser's placeholder and template text left in place are not.
func TestParseRequestAnswered(t *testing.T) {
	tests := []struct {
		name     string
		question int
		answer   string
		answered bool
		text     string
	}{
		{"N/A", 3, "N/A", true, "N/A"},
		{"n/a", 3, "n/a", true, "n/a"},
		{"No", 4, "No", true, "No"},
		{"None", 11, "None", true, "None"},
		{"a link alone", 6, "https://dictionary.telemetry.mozilla.org/", true, "https://dictionary.telemetry.mozilla.org/"},
		{"nothing", 1, "", false, ""},
		{"TODO", 1, "TODO", false, "TODO"},
		{"TBD", 1, "TBD.", false, "TBD."},
		{"todo with words", 1, "todo: ask the team", false, "todo: ask the team"},
		{"glean placeholder", 1, "TODO: Fill this in.", false, ""},
		{"glean placeholder then an answer", 1, "TODO: Fill this in.\nThe real answer.", true, "The real answer."},
		{"punctuation only", 1, "?", false, ""},
		{"a dash", 1, "-", false, ""},
		{"Q2 examples left", 2, "* Establish baselines or measure changes in product or platform quality or performance.\n\n* Provide information essential for advancing a business objective such as supporting OKRs.\n\n* Determine whether a product or platform change has an effect on user or browser behavior.", false, ""},
		{"Q2 examples then an answer", 2, "* Establish baselines or measure changes in product or platform quality or performance.\n* Provide information essential for advancing a business objective such as supporting OKRs.\n* Determine whether a product or platform change has an effect on user or browser behavior.\n\nOur own reason.", true, "Our own reason."},
		{"Q2 one example kept", 2, "* Establish baselines or measure changes in product or platform quality or performance.", true, "- Establish baselines or measure changes in product or platform quality or performance."},
		{"Q6 guidance left", 6, " * Often the Privacy Notice for your product will link to where the documentation is expected to be.\n * Common examples for Mozilla products/services:\n    * If this collection is Telemetry you can state \"This collection is documented in its definitions files Histograms.json, Scalars.yaml, and/or Events.yaml and in the Probe Dictionary at https://probes.telemetry.mozilla.org.\"\n    * If this data is collected using the Glean SDK you can state \u201cThis collection is documented in the Glean Dictionary at https://dictionary.telemetry.mozilla.org/\"\n * In some cases, documentation is included in the project\u2019s repository.", false, ""},
		{"Q7 three choices left", 7, "* This is scoped to a time-limited experiment/project until date MM-DD-YYYY.\n\n* I want this data to be collected for 6 months initially (potentially renewable).\n\n* I want to permanently monitor this data. (put someone\u2019s name here)", false, ""},
		{"Q7 one choice kept", 7, "* I want this data to be collected for 6 months initially (potentially renewable).", true, "- I want this data to be collected for 6 months initially (potentially renewable)."},
		{"Q7 a date filled in", 7, "* This is scoped to a time-limited experiment/project until date 10-01-2027.\n* I want this data to be collected for 6 months initially (potentially renewable).\n* I want to permanently monitor this data. (put someone\u2019s name here)", true, "- This is scoped to a time-limited experiment/project until date 10-01-2027."},
		{"Q7 a choice ticked", 7, "* [ ] This is scoped to a time-limited experiment/project until date MM-DD-YYYY.\n* [x] I want this data to be collected for 6 months initially (potentially renewable).\n* [ ] I want to permanently monitor this data. (put someone's name here)", true, "- [x] I want this data to be collected for 6 months initially (potentially renewable)."},
		{"Q7 two struck out", 7, "* ~~This is scoped to a time-limited experiment/project until date MM-DD-YYYY.~~\n* I want this data to be collected for 6 months initially (potentially renewable).\n* ~~I want to permanently monitor this data. (put someone's name here)~~", true, "- I want this data to be collected for 6 months initially (potentially renewable)."},
		{"Q7 name placeholder alone", 7, "(put someone's name here)", false, ""},
		{"Q8 sub-bullets left", 8, "* Which release channels?\n\n* Which countries?\n\n* Which locales?\n\n* Any other filters?  Please describe in detail below.", false, ""},
		{"Q8 answers after the sub-bullets", 8, "* Which release channels? Nightly\n* Which countries? All\n* Which locales?\n* Any other filters?  Please describe in detail below.", true, "- Nightly\n- All"},
		{"Q8 answer below the sub-bullets", 8, "* Which release channels?\n* Which countries?\n* Which locales?\n* Any other filters?  Please describe in detail below.\n\nBeta, everywhere.", true, "Beta, everywhere."},
		{"Q12 sub-bullet left", 12, "* Are you using that on the Mozilla backend? Or going directly to the third-party?", false, ""},
		{"Q12 sub-bullet then No", 12, "* Are you using that on the Mozilla backend? Or going directly to the third-party?\n\nNo.", true, "No."},
		{"Q5 empty template table", 5, "**Note that the data steward reviewing your request will characterize your data collection based on the highest (and most sensitive) category.**\n\n<table>\n  <tr>\n    <td>Measurement Description</td>\n    <td>Data Collection Category</td>\n    <td>Tracking Bug #</td>\n  </tr>\n  <tr>\n    <td></td>\n    <td></td>\n    <td></td>\n  </tr>\n</table>", false, ""},
		{"Q5 header-only pipe table", 5, "Measurement Name | Measurement Description | Data Collection Category | Tracking Bug\n---|---|---|---", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := reqOneAnswer(t, tt.question, tt.answer)
			if a.Answered != tt.answered || a.Text != tt.text {
				t.Errorf("Q%d = answered %v, text %q; want %v, %q", tt.question, a.Answered, a.Text, tt.answered, tt.text)
			}
		})
	}
}

// reqVersionForm writes a form from a version's questions (taken from the
// 12-question form), numbered as that version numbers them.
func reqVersionForm(v FormVersion, numbered bool) string {
	var b strings.Builder
	for i, t := range reqVersionTopics[v] {
		q := reqTestQuestions[reqTopicIndex(t)]
		if numbered {
			fmt.Fprintf(&b, "%d) ", i+1)
		}
		fmt.Fprintf(&b, "%s\nAn answer.\n\n", q)
	}
	return b.String()
}

// TestParseRequestVersions detects the version by the questions asked and
// their count, and says "none" for what is not a form.
func TestParseRequestVersions(t *testing.T) {
	tests := []struct {
		name string
		text string
		want FormVersion
	}{
		{"9 questions", reqVersionForm(FormRequest9Q, true), FormRequest9Q},
		{"10 questions", reqVersionForm(FormRequest10Q, true), FormRequest10Q},
		{"11 questions", reqVersionForm(FormRequest11Q, true), FormRequest11Q},
		{"12 questions", reqVersionForm(FormRequest12Q, true), FormRequest12Q},
		{"9 unnumbered", reqVersionForm(FormRequest9Q, false), FormRequest9Q},
		{"10 unnumbered", reqVersionForm(FormRequest10Q, false), FormRequest10Q},
		{"11 unnumbered", reqVersionForm(FormRequest11Q, false), FormRequest11Q},
		{"12 unnumbered", reqVersionForm(FormRequest12Q, false), FormRequest12Q},
		{"12 with Q6 deleted, numbers kept", strings.Replace(reqVersionForm(FormRequest12Q, true),
			"6) "+reqTestQuestions[5]+"\nAn answer.\n\n", "", 1), FormRequest12Q},
		{"empty", "", FormNone},
		{"a note quoting a question", "Could you tell us: what questions will you answer with this data?\n\n> 7) How long will this data be collected?\n", FormNone},
		{"three questions only", strings.Join(strings.SplitAfterN(reqVersionForm(FormRequest12Q, true), "\n\n", 4)[:3], ""), FormNone},
		{"a patch adding a form", "diff --git a/r.md b/r.md\n--- a/r.md\n+++ b/r.md\n@@ -0,0 +1,24 @@\n" +
			"+" + strings.ReplaceAll(strings.TrimSpace(reqVersionForm(FormRequest12Q, true)), "\n", "\n+") + "\n", FormNone},
		{"a patch without git header", "--- a/r.md\n+++ b/r.md\n@@ -1 +1 @@\n" + reqVersionForm(FormRequest12Q, true), FormNone},
		{"a mercurial patch", "# HG changeset patch\n# User someone\n" + reqVersionForm(FormRequest12Q, true), FormNone},
		{"a form quoting a diff", reqVersionForm(FormRequest12Q, true) + "\nThe change:\n\n```diff\ndiff --git a/m.yaml b/m.yaml\n--- a/m.yaml\n+++ b/m.yaml\n@@ -1 +1 @@\n```\n", FormRequest12Q},
		{"the review form", "1) Is there or will there be **documentation** that describes the schema?\n2) Is there a control mechanism?\n3) If the request is for permanent data collection, is there someone who will monitor the data over time?\n4) Using the category system of data types, what collection type of data do the requested measurements fall under?\n5) Is the data collection request for default-on or default-off?\n", FormNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ParseRequest(tt.text)
			reqCheckInvariants(t, r)
			if r.Version != tt.want {
				t.Fatalf("version = %q, want %q", r.Version, tt.want)
			}
			if tt.want == FormNone || strings.Contains(tt.name, "quoting") {
				return
			}
			for _, a := range r.Answers {
				if a.Topic == TopicDocumentation && strings.Contains(tt.name, "deleted") {
					if a.Answered {
						t.Errorf("deleted Q6 read as answered")
					}
					continue
				}
				if !a.Answered || a.Text != "An answer." {
					t.Errorf("Q%d (%s) = %v %q", a.Number, a.Topic, a.Answered, a.Text)
				}
			}
		})
	}
}

// TestParseRequestFlattened reads a form flattened into one paragraph.
func TestParseRequestFlattened(t *testing.T) {
	var b strings.Builder
	for i, q := range reqTestQuestions {
		fmt.Fprintf(&b, "%d) %s %s ", i+1, q, reqAnswerNumber(i+1))
	}
	reqWantAll(t, ParseRequest(b.String()))
}

// TestParseRequestFlattenedTemplate: in a flattened form the template's
// choices and sub-bullets left in place are still template.
func TestParseRequestFlattenedTemplate(t *testing.T) {
	var b strings.Builder
	for i, q := range reqTestQuestions {
		switch i + 1 {
		case 7:
			fmt.Fprintf(&b, "%d) %s * This is scoped to a time-limited experiment/project until date MM-DD-YYYY. "+
				"* I want this data to be collected for 6 months initially (potentially renewable). "+
				"* I want to permanently monitor this data. (put someone's name here) ", i+1, q)
		case 8:
			fmt.Fprintf(&b, "%d) %s * Which release channels? * Which countries? * Which locales? "+
				"* Any other filters? Please describe in detail below. ", i+1, q)
		default:
			fmt.Fprintf(&b, "%d) %s %s ", i+1, q, reqAnswerNumber(i+1))
		}
	}
	r := ParseRequest(b.String())
	reqCheckInvariants(t, r)
	for _, a := range r.Answers {
		want := a.Number != 7 && a.Number != 8
		if a.Answered != want {
			t.Errorf("Q%d answered = %v (%q), want %v", a.Number, a.Answered, a.Text, want)
		}
	}
}

// TestParseRequestRenderedHTML reads a form rendered to HTML: numbers come
// from <ol start>, text from <li> and <p>, entities are decoded.
func TestParseRequestRenderedHTML(t *testing.T) {
	var b strings.Builder
	b.WriteString("<h1>Request for data collection review form</h1>\n")
	for i, q := range reqTestQuestions {
		fmt.Fprintf(&b, "<ol start=\"%d\">\n<li>\n<p>%s</p>\n<p>%s</p>\n</li>\n</ol>\n", i+1,
			strings.ReplaceAll(q, "'", "&rsquo;"), strings.ReplaceAll(reqAnswerNumber(i+1), ",", "&#44;"))
	}
	reqWantAll(t, ParseRequest(b.String()))
}

// TestParseRequestLineEndings: CRLF, CR, a BOM, typographic quotes and
// entities read the same as plain text.
func TestParseRequestLineEndings(t *testing.T) {
	form := reqTestForm(func(n int, q string) string { return fmt.Sprintf("%d) %s", n, q) }, reqAnswerNumber)
	variants := map[string]string{
		"CRLF":       strings.ReplaceAll(form, "\n", "\r\n"),
		"CR":         strings.ReplaceAll(form, "\n", "\r"),
		"BOM":        "\uFEFF" + form,
		"typography": strings.ReplaceAll(strings.ReplaceAll(form, "'", "\u2019"), " ", "\u00a0"),
		"entities":   strings.ReplaceAll(strings.ReplaceAll(form, "'", "&rsquo;"), ",", "&#44;"),
	}
	for name, text := range variants {
		t.Run(name, func(t *testing.T) {
			reqWantAll(t, ParseRequest(text))
		})
	}
}

// TestParseRequestExtraction checks what is read out of the answers.
func TestParseRequestExtraction(t *testing.T) {
	answers := map[int]string{
		5:  "* `search.widget_clicks` - clicks on the widget (Category 2)\n* search.widget_uuid - a random UUID per profile, Category 1",
		6:  "See https://dictionary.telemetry.mozilla.org/apps/firefox_desktop and [the docs](https://firefox-source-docs.mozilla.org/x.html).",
		7:  "* I want to permanently monitor this data. (Alex Example)",
		8:  "Nightly and Beta, not release.",
		9:  "N/A: the collection is opt-in.",
		12: "Yes, we send install attribution to Adjust.",
	}
	r := ParseRequest(reqTestForm(
		func(n int, q string) string { return fmt.Sprintf("%d) %s", n, q) },
		func(n int) string {
			if a, ok := answers[n]; ok {
				return a
			}
			return reqAnswerNumber(n)
		}))
	reqCheckInvariants(t, r)
	want := &Request{
		Version: FormRequest12Q,
		Answers: r.Answers,
		Measurements: []Measurement{
			{Name: "search.widget_clicks", Description: "clicks on the widget (Category 2)", Category: 2, CategoryText: "Category 2"},
			{Name: "search.widget_uuid", Description: "a random UUID per profile, Category 1", Category: 1, CategoryText: "Category 1"},
		},
		Expiries:       []Expiry{{ExpiryNever, "never"}},
		Permanent:      true,
		Owner:          "Alex Example",
		Channels:       []string{"nightly", "beta"},
		Release:        No,
		PreRelease:     Yes,
		DefaultOn:      No,
		DocLinks:       []string{"https://dictionary.telemetry.mozilla.org/apps/firefox_desktop", "https://firefox-source-docs.mozilla.org/x.html"},
		ThirdParty:     Yes,
		ThirdPartyTool: "Adjust",
		NewIdentifiers: Yes,
	}
	if diff := cmp.Diff(r, want); diff != "" {
		t.Errorf("ParseRequest mismatch (-got +want):\n%s", diff)
	}
}
