package policy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReqIsEmptyFields(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       bool
	}{
		{"template fields under an instruction", "(Use this template for each proposed annotation.)\n- Annotation description:\n- Data collection category:\n- Tracking bug #:", true},
		{"bold empty fields", "**Probe name:**\n**Category:**", true},
		{"a field with a value", "- Annotation description: the GPU vendor\n- Data collection category:", false},
		{"a value on the next line", "- Annotation description:\nthe GPU vendor\n- Data collection category:", false},
		{"one lone label is the requester's", "See below:", false},
		{"a requester's note in brackets", "(N/A)\n- Description:\n- Category:", false},
		{"a requester's words in brackets", "(no annotation is added yet)\n- Description:\n- Category:", false},
		{"a sentence ending in a colon", "We will collect the following values from every client:\n- Category:", false},
		{"no field at all", "(Use this template for each proposed annotation.)", false},
		{"a requester's note in brackets below the fields", "Release channels:\nCountries and locales:\n(Include every channel, country and locale)", false},
		{"links in brackets under labels", "- Glean Dictionary:\n- (https://dictionary.telemetry.mozilla.org/apps/firefox_desktop#reader_view)\n- Definition:\n- (https://searchfox.org/x/metrics.yaml#L12)", false},
		{"a link in brackets above the fields", "(https://example.org/template#fields)\n- Description:\n- Category:", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := reqIsEmptyFields(tc.text); got != tc.want {
				t.Errorf("reqIsEmptyFields(%q) = %v, want %v", tc.text, got, tc.want)
			}
		})
	}
}

// A reworded question hard-wrapped over several lines: the lines that go
// on with the template's words are the question, an answer on the next
// line is the answer, and empty fields under an instruction are no answer.
func TestParseRequestWrappedRewordedQuestion(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "realworld", "p10-empty-label-fields.md"))
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	const fields = "    (Copy the three lines below once for every annotation you add.)\n\n    * Annotation description:\n    * Data collection category:\n    * Tracking bug #:\n"
	if !strings.Contains(src, fields) {
		t.Fatal("fixture changed: its Q5 fields are not where the test expects them")
	}
	for _, tc := range []struct {
		name, q5     string
		wantAnswered bool
		wantText     string
	}{
		{"empty fields", fields, false, "(Copy the three lines below once for every annotation you add.)"},
		{"fields filled in", "    * Annotation description: the printer backend's name\n    * Data collection category: 1\n    * Tracking bug #: 1234567\n", true,
			"- Annotation description: the printer backend's name\n- Data collection category: 1\n- Tracking bug #: 1234567"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := ParseRequest(strings.Replace(src, fields, tc.q5, 1))
			a, ok := r.Answer(TopicMeasurements)
			if !ok {
				t.Fatal("no Q5")
			}
			if a.Answered != tc.wantAnswered || a.Text != tc.wantText {
				t.Errorf("Q5 = answered %v %q, want answered %v %q", a.Answered, a.Text, tc.wantAnswered, tc.wantText)
			}
		})
	}
	// reworded after its opening words, it is found by its opening, not by
	// similarity: its wrapped lines are the question all the same
	opening := strings.Replace(src, "List all proposed annotations and indicate", "List all proposed measurements and give", 1)
	if a, _ := ParseRequest(opening).Answer(TopicMeasurements); a.Answered {
		t.Errorf("Q5 reworded after its opening = answered %q, want the empty fields unanswered", a.Text)
	}
	// the reworded, wrapped question with its answer on the line after it
	wrapped := strings.Replace(src, "\n    wiki.\n\n"+fields, "\n    wiki.\n    Printer backend name, category 1, bug 1234567\n", 1)
	a, _ := ParseRequest(wrapped).Answer(TopicMeasurements)
	if want := "Printer backend name, category 1, bug 1234567"; !a.Answered || a.Text != want {
		t.Errorf("Q5 = answered %v %q, want the answer line %q", a.Answered, a.Text, want)
	}
}

// Lines in brackets a requester wrote under field labels are answers: a
// note starting with an instruction's verb under "Release channels:" /
// "Countries and locales:" (Q8), links in brackets under "Glean
// Dictionary:" / "Definition:" (Q6, their "#" no blank to fill).
func TestParseRequestBracketedAnswerLines(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "realworld", "p10-bracketed-answer-lines.md"))
	if err != nil {
		t.Fatal(err)
	}
	r := ParseRequest(string(b))
	for _, topic := range []Topic{TopicDocumentation, TopicPopulations} {
		if a, ok := r.Answer(topic); !ok || !a.Answered {
			t.Errorf("%v = found %v, answered %v %q, want answered", topic, ok, a.Answered, a.Text)
		}
	}
	if len(r.DocLinks) != 2 {
		t.Errorf("documentation links = %q, want the two links in brackets", r.DocLinks)
	}
	// fields under an instruction above them outside the measurements are
	// read as the requester's answer: only measurements' templates were
	// seen with empty fields, and a wrong "not answered" is a false finding
	q8 := "Release channels:\nCountries and locales:\n(Include every channel, country and locale)\n"
	if !strings.Contains(string(b), q8) {
		t.Fatal("fixture changed: its Q8 is not where the test expects it")
	}
	above := strings.Replace(string(b), q8, "(List every one below.)\nRelease channels:\nCountries and locales:\n", 1)
	if a, _ := ParseRequest(above).Answer(TopicPopulations); !a.Answered {
		t.Errorf("Q8 of fields under an instruction = unanswered %q, want answered", a.Text)
	}
}
