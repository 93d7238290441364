package policy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A form cut short after its first questions holds nothing of an older
// form: it is read as the current one, its last questions not found, and
// the analysis claims no old form version. A form that shows its version
// (a question or a number only that version has) keeps it, cut or not.
func TestParseRequestFormCutShort(t *testing.T) {
	first := func(v FormVersion, numbered bool, n int) string {
		parts := strings.SplitAfter(reqVersionForm(v, numbered), "\n\n")
		return strings.Join(parts[:n], "")
	}
	tests := []struct {
		name string
		text string
		want FormVersion
	}{
		{"first four, numbered", first(FormRequest12Q, true, 4), FormRequest12Q},
		{"first five, numbered", first(FormRequest12Q, true, 5), FormRequest12Q},
		{"first five, unnumbered", first(FormRequest12Q, false, 5), FormRequest12Q},
		{"9 questions without the last, numbered", first(FormRequest9Q, true, 8), FormRequest9Q},
		// the 10- and 11-question forms share their first nine questions
		// and numbers, but not with the 12-question form: those questions
		// show an old form, whose best fit, the 10-question form, is read
		// (not the 11-question form, whose Q11 this form never asked)
		{"10 questions without the last, numbered", first(FormRequest10Q, true, 9), FormRequest10Q},
		{"10 questions cut after the opt-out, numbered", first(FormRequest10Q, true, 8), FormRequest10Q},
		{"12 questions without the last two", first(FormRequest12Q, false, 10), FormRequest12Q},
		{"9 questions whole, unnumbered", reqVersionForm(FormRequest9Q, false), FormRequest9Q},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ParseRequest(tt.text)
			reqCheckInvariants(t, r)
			if r.Version != tt.want {
				t.Fatalf("version = %q, want %q", r.Version, tt.want)
			}
			a := Evaluate(r, DefaultRules(), testNow)
			old := false
			for _, f := range a.Findings {
				old = old || f.Code == "old-form-version"
			}
			if want := tt.want != FormRequest12Q; old != want {
				t.Errorf("old-form-version finding: %v, want %v", old, want)
			}
		})
	}
}

// A form cut short before its documentation question keeps a link to the
// documentation written in another answer, as an older form without that
// question does: the draft review must not say the request has none.
func TestParseRequestCutShortDocLink(t *testing.T) {
	const link = "https://dictionary.telemetry.mozilla.org/apps/fenix?search=reader_mode"
	parts := strings.SplitAfter(reqVersionForm(FormRequest12Q, true), "\n\n")
	text := strings.Join(parts[:5], "") + "Every metric is described in the Glean Dictionary: " + link + "\n"
	r := ParseRequest(text)
	reqCheckInvariants(t, r)
	if r.Version != FormRequest12Q {
		t.Fatalf("version = %q, want %q", r.Version, FormRequest12Q)
	}
	if a, _ := r.Answer(TopicDocumentation); !a.QuestionNotFound {
		t.Fatal("Q6 found in a form cut after Q5")
	}
	if diff := cmp.Diff(r.DocLinks, []string{link}); diff != "" {
		t.Errorf("documentation links (-got +want):\n%s", diff)
	}
	seen := false
	for _, d := range Evaluate(r, DefaultRules(), testNow).Draft {
		if d.Topic == ReviewDocumentation {
			seen = true
			if !strings.Contains(d.Answer, link) {
				t.Errorf("draft documentation answer = %q, want the link", d.Answer)
			}
		}
	}
	if !seen {
		t.Error("no documentation answer in the draft review")
	}
}

// A 12-question form that goes on past Q6 but whose Q6 line was edited
// beyond recognition is not cut short: the documentation links are not
// looked for in the other answers, where a design document, a spreadsheet
// or an internal wiki would be taken for the public documentation (the
// draft would then say "Yes: <link>" while Q6's answer says there is none).
func TestParseRequestDocLinkNotTakenFromOtherAnswers(t *testing.T) {
	form := reqVersionForm(FormRequest12Q, true)
	q6 := "6) " + reqTestQuestions[reqTopicIndex(TopicDocumentation)] + "\nAn answer.\n"
	if !strings.Contains(form, q6) {
		t.Fatalf("the generated form has no %q", q6)
	}
	form = strings.Replace(form, q6, "6) Public docs?\nNot yet: in the Glean Dictionary once the patch lands.\n", 1)
	for _, link := range []string{
		"https://docs.google.com/document/d/1AbCdEf/edit",
		"https://wiki.mozilla.org/Data_Collection",
		"https://mana.mozilla.org/wiki/display/FIREFOX/Strict+mode+metrics",
	} {
		t.Run(link, func(t *testing.T) {
			text := strings.Replace(form, "2) "+reqTestQuestions[1]+"\nAn answer.", "2) "+reqTestQuestions[1]+"\nSee the plan: "+link, 1)
			if text == form {
				t.Fatal("Q2's answer was not replaced")
			}
			r := ParseRequest(text)
			reqCheckInvariants(t, r)
			if r.Version != FormRequest12Q {
				t.Fatalf("version = %q, want %q", r.Version, FormRequest12Q)
			}
			if a, _ := r.Answer(TopicDocumentation); !a.QuestionNotFound {
				t.Fatal("the edited Q6 line was found")
			}
			if len(r.DocLinks) != 0 {
				t.Errorf("documentation links %q, want none: Q6 is edited, not cut off", r.DocLinks)
			}
		})
	}
}
