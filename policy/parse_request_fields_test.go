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
