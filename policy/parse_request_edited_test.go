package policy

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestParseRequestPartlyEditedTemplate pins the rule for template text
// partly edited (issue 11, point 10; docs/forms.md "Partly edited template
// text"): examples kept in part are the requester's pick; all of them left
// is template; the requester's own answer next to unedited choices is the
// answer; a "choose one" question with two or more plain choices left has
// not been answered by them.
func TestParseRequestPartlyEditedTemplate(t *testing.T) {
	examples := []string{
		"* Establish baselines or measure changes in product or platform quality or performance.",
		"* Provide information essential for advancing a business objective such as supporting OKRs.",
		"* Determine whether a product or platform change has an effect on user or browser behavior.",
	}
	choices := []string{
		"* This is scoped to a time-limited experiment/project until date MM-DD-YYYY.",
		"* I want this data to be collected for 6 months initially (potentially renewable).",
		"* I want to permanently monitor this data. (put someone's name here)",
	}
	lines := func(xs ...string) string { return strings.Join(xs, "\n") }
	tests := []struct {
		name      string
		topic     Topic
		answer    string
		answered  bool
		text      string
		expiries  []Expiry
		permanent bool
	}{
		{"all examples left: template", TopicWhy, lines(examples...), false, "", nil, false},
		{"one example kept: the requester's pick", TopicWhy, examples[0], true,
			"- Establish baselines or measure changes in product or platform quality or performance.", nil, false},
		{"two examples kept: both picked", TopicWhy, lines(examples[0], examples[2]), true,
			"- Establish baselines or measure changes in product or platform quality or performance.\n- Determine whether a product or platform change has an effect on user or browser behavior.", nil, false},
		{"own answer above all examples", TopicWhy, lines(append([]string{"To decide whether the panel stays."}, examples...)...), true,
			"To decide whether the panel stays.", nil, false},
		{"own answer above the three unedited choices", TopicDuration, lines(append([]string{"We will collect it for 3 months."}, choices...)...), true,
			"We will collect it for 3 months.", []Expiry{{Kind: ExpiryDuration, Value: "3 months"}}, false},
		{"own answer below the three unedited choices", TopicDuration, lines(append(choices, "Until Firefox 150.")...), true,
			"Until Firefox 150.", []Expiry{{Kind: ExpiryVersion, Value: "version 150"}}, false},
		{"one choice left, the others deleted", TopicDuration, choices[1], true,
			"- I want this data to be collected for 6 months initially (potentially renewable).", []Expiry{{Kind: ExpiryDuration, Value: "6 months"}}, false},
		{"two plain choices left: not an answer", TopicDuration, lines(choices[1], choices[2]), false, "", nil, false},
		{"two left, one of them marked", TopicDuration, lines("* [x] "+choices[1][2:], choices[2]), true,
			"- [x] I want this data to be collected for 6 months initially (potentially renewable).", []Expiry{{Kind: ExpiryDuration, Value: "6 months"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := reqQuestionNumber(FormRequest12Q, tt.topic)
			form := reqTestForm(func(k int, q string) string { return fmt.Sprintf("%d) %s\n", k, q) }, func(k int) string {
				if k == n {
					return tt.answer
				}
				return reqAnswerNumber(k)
			})
			r := ParseRequest(form)
			a, _ := r.Answer(tt.topic)
			if a.Answered != tt.answered || a.Text != tt.text {
				t.Errorf("answer = %v %q, want %v %q", a.Answered, a.Text, tt.answered, tt.text)
			}
			if tt.topic == TopicDuration {
				if diff := cmp.Diff(r.Expiries, tt.expiries, cmpopts.EquateEmpty()); diff != "" || r.Permanent != tt.permanent {
					t.Errorf("expiries (-got +want):\n%s permanent %v", diff, r.Permanent)
				}
			}
		})
	}
}

// TestParseRequestExtraSection: a section added after the last question,
// with the question lines' own heading markup, is not part of the last
// answer; a bold word opening that answer does not end it.
func TestParseRequestExtraSection(t *testing.T) {
	tests := []struct {
		name, heading, last, want string
	}{
		{"bold 13th section", "%d. **%s**", "No.\n\n13. **What are the risks, and how do you reduce them?**\n\nSentry could see crash data.", "No."},
		{"atx 13th section", "## %d) %s", "No.\n\n## 13) Risks of this collection\n\nSentry could see crash data.", "No."},
		{"a bold word opening the answer", "%d. **%s**", "**No**, we only use Glean.\n\nIt stays inside Mozilla.", "**No**, we only use Glean.\nIt stays inside Mozilla."},
		{"an answer written in bold", "%d. **%s**", "No.\n\n**No third-party tool is used.**", "No.\n**No third-party tool is used.**"},
		{"plain question lines: nothing to tell it by", "%d) %s", "No.\n\nRisks of this collection", "No.\nRisks of this collection"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := reqTestForm(func(k int, q string) string { return fmt.Sprintf(tt.heading, k, q) + "\n" }, func(k int) string {
				if k == 12 {
					return tt.last
				}
				return reqAnswerNumber(k)
			})
			r := ParseRequest(form)
			if a, _ := r.Answer(TopicThirdParty); a.Text != tt.want {
				t.Errorf("Q12 = %q, want %q", a.Text, tt.want)
			}
		})
	}
}

// TestReqIsBracketPlaceholder: a project's template placeholder is not an
// answer; a requester's answer in brackets is.
func TestReqIsBracketPlaceholder(t *testing.T) {
	for text, want := range map[string]bool{
		"(This collection is Glean so is documented [in the Glean Dictionary](https://dictionary.telemetry.mozilla.org). | [explain])": true,
		"[describe the population]":       true,
		"(#BUG-0000)":                     true,
		"<metric name>":                   true,
		"(N/A)":                           false,
		"(none)":                          false,
		"(see the metrics.yaml file)":     false,
		"(a) the panel and (b) the menu":  false,
		"We will explain it (in the doc)": false,
		"(first line)\n(second line)":     false,
	} {
		if got := reqIsBracketPlaceholder(text); got != want {
			t.Errorf("reqIsBracketPlaceholder(%q) = %v, want %v", text, got, want)
		}
	}
}

// TestParseRequestQuotedQuestionLines: a text quoting a few question lines
// without their numbers (a blog post, a note) is not a request; the same
// lines numbered, or most of the form, are.
func TestParseRequestQuotedQuestionLines(t *testing.T) {
	quoted := func(numbered bool, topics ...int) string {
		var b strings.Builder
		b.WriteString("Here is how we answered some of the review questions.\n\n")
		for _, n := range topics {
			b.WriteString("> ")
			if numbered {
				fmt.Fprintf(&b, "%d) ", n)
			}
			fmt.Fprintf(&b, "%s\n\nOur answer to it.\n\n", reqTestQuestions[n-1])
		}
		return b.String()
	}
	tests := []struct {
		name string
		text string
		form bool
	}{
		{"four quoted lines", quoted(false, 2, 3, 5, 7), false},
		{"four numbered lines", quoted(true, 2, 3, 5, 7), true},
		{"seven unnumbered lines", quoted(false, 1, 2, 3, 4, 5, 7, 8), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ParseRequest(tt.text).Version; (got != FormNone) != tt.form {
				t.Errorf("version = %s, want a form: %v", got, tt.form)
			}
		})
	}
}
