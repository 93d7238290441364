package policy

import (
	"strings"
	"testing"
)

// A question line that does not end its sentence is followed onto the
// next line only when that line goes on with the question's wording from
// where the line stopped: an answer whose first line repeats words of the
// question ("This data collection is default on") is the answer, kept
// whole, whatever the line endings.
func TestParseRequestWrappedQuestionKeepsAnswer(t *testing.T) {
	const optOut = "9) If this data collection is default on, what is the opt-out mechanism for users?\nAn answer.\n"
	form := reqVersionForm(FormRequest12Q, true)
	if !strings.Contains(form, optOut) {
		t.Fatal("reqVersionForm changed: its Q9 is not where the test expects it")
	}
	const answer = "This data collection is default on\nPeople turn it off with the telemetry preference."
	for _, tc := range []struct {
		name, q9, want string
	}{
		{"reworded question, unfinished, answer repeating its words",
			"9) If this data collection is default on, what is the opt-out mechanism\n" + answer + "\n", answer},
		{"whole question, answer repeating its words",
			"9) If this data collection is default on, what is the opt-out mechanism for users?\n" + answer + "\n", answer},
		{"reworded question, unfinished, answer repeating the question's start",
			"9) If this data collection is default on, what is the opt-out mechanism\nIf this data collection is default on\nthe telemetry preference turns it off.\n",
			"If this data collection is default on\nthe telemetry preference turns it off."},
		{"question hard-wrapped where the wording goes on",
			"9) If this data collection is default on, what is the opt-out\nmechanism for users?\n" + answer + "\n", answer},
	} {
		for _, crlf := range []bool{false, true} {
			name := tc.name
			text := strings.Replace(form, optOut, tc.q9, 1)
			if crlf {
				name += ", CRLF"
				text = strings.ReplaceAll(text, "\n", "\r\n")
			}
			t.Run(name, func(t *testing.T) {
				r := ParseRequest(text)
				reqCheckInvariants(t, r)
				a, _ := r.Answer(TopicOptOut)
				if !a.Answered || a.Text != tc.want {
					t.Errorf("Q9 = answered %v %q, want %q", a.Answered, a.Text, tc.want)
				}
			})
		}
	}
}

// reqWrappedQuestionEnd stops at a question line that ends its sentence,
// its line ending "\r\n" or "\n" (the parser's text has "\n" only today;
// the rule must not hang on that), and follows one that does not.
func TestReqWrappedQuestionEnd(t *testing.T) {
	const q = "List all proposed measurements and indicate the category of data"
	for _, tc := range []struct {
		name, region string
		want         string // the region's text up to the question's end
	}{
		{"sentence ended", q + " collection.\nfor each measurement\nrest", q + " collection"},
		{"sentence ended, CRLF", q + " collection.\r\nfor each measurement\r\nrest", q + " collection"},
		{"wrapped", q + "\ncollection for each measurement\nrest", q + "\ncollection for each measurement"},
		{"wrapped, CRLF", q + "\r\ncollection for each measurement\r\nrest", q + "\r\ncollection for each measurement"},
		{"next line is not where the wording goes on", q + "\nproposed measurements and indicate\nrest", q},
		{"words after the wording on the next line", q + "\ncollection for each measurement: two counters\nrest", q},
		{"words after the question on its line", q + " two counters\ncollection for each measurement\nrest", q},
		// as a project's template wraps it (corpus form 023): the wording
		// fills the next line and goes on over the one after
		{"wording over the whole next line and beyond",
			q + "\ncollection for each measurement, using the \"Firefox data collection\ncategories\" (https://example.org/cats) found on the wiki.\nrest",
			q + "\ncollection for each measurement, using the \"Firefox data collection\ncategories\" (https://example.org/cats) found on the"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			best := len(q) // where the question's words on its first line end
			if strings.HasPrefix(tc.region, q+" collection") {
				best = len(q + " collection")
			}
			if got := tc.region[:reqWrappedQuestionEnd(reqTemplates[TopicMeasurements], tc.region, best)]; got != tc.want {
				t.Errorf("question = %q, want %q", got, tc.want)
			}
		})
	}
}
