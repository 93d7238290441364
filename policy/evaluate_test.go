package policy

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// testNow is the clock of every evaluation test.
var testNow = time.Date(2026, 1, 15, 10, 30, 0, 0, time.UTC)

var topics12 = []Topic{
	TopicQuestions, TopicWhy, TopicAlternatives, TopicInstrumentation, TopicMeasurements, TopicDocumentation,
	TopicDuration, TopicPopulations, TopicOptOut, TopicAnalysis, TopicSharing, TopicThirdParty,
}

var versionTopics = map[FormVersion][]Topic{
	FormRequest9Q: {TopicQuestions, TopicWhy, TopicAlternatives, TopicInstrumentation, TopicMeasurements,
		TopicDuration, TopicPopulations, TopicAnalysis, TopicSharing},
	FormRequest10Q: {TopicQuestions, TopicWhy, TopicAlternatives, TopicInstrumentation, TopicMeasurements,
		TopicDuration, TopicPopulations, TopicOptOut, TopicAnalysis, TopicSharing},
	FormRequest11Q: {TopicQuestions, TopicWhy, TopicAlternatives, TopicInstrumentation, TopicMeasurements,
		TopicDuration, TopicPopulations, TopicOptOut, TopicAnalysis, TopicSharing, TopicThirdParty},
	FormRequest12Q: topics12,
}

// cleanRequest is a 12-question request a steward would pass as it is:
// evaluating it gives no finding.
func cleanRequest() *Request {
	r := &Request{
		Version: FormRequest12Q,
		Measurements: []Measurement{
			{Name: "widget.cache_size", Category: 1, CategoryText: "Category 1"},
			{Name: "widget.opened", Category: 2, CategoryText: "interaction"},
		},
		Expiries:       []Expiry{{Kind: ExpiryDate, Value: "2027-01-15"}},
		Channels:       []string{"release", "beta", "nightly"},
		Release:        Yes,
		PreRelease:     Yes,
		DefaultOn:      Yes,
		OptOut:         "The \"Send technical and interaction data\" preference turns it off.",
		DocLinks:       []string{"https://dictionary.telemetry.mozilla.org/apps/widget"},
		ThirdParty:     No,
		NewIdentifiers: No,
	}
	setAnswers(r, topics12)
	return r
}

func setAnswers(r *Request, topics []Topic) {
	r.Answers = nil
	for i, t := range topics {
		r.Answers = append(r.Answers, Answer{Number: i + 1, Topic: t, Text: "An answer about " + string(t) + ".", Answered: true})
	}
}

func unanswer(r *Request, t Topic) {
	for i := range r.Answers {
		if r.Answers[i].Topic == t {
			r.Answers[i].Answered = false
			r.Answers[i].Text = ""
		}
	}
}

func setAnswerText(r *Request, t Topic, text string) {
	for i := range r.Answers {
		if r.Answers[i].Topic == t {
			r.Answers[i].Text = text
			r.Answers[i].Answered = true
		}
	}
}

func TestEvaluate(t *testing.T) {
	withRules := func(yaml string) *Rules {
		t.Helper()
		r, err := ParseRules([]byte(yaml))
		if err != nil {
			t.Fatalf("ParseRules: %v", err)
		}
		return r
	}
	tests := []struct {
		name    string
		edit    func(r *Request)
		rules   *Rules
		product string
		// want
		codes     []string
		questions []int               // of the findings, in order; nil: not checked
		escalate  map[string][]string // team -> reasons
		highest   int
		verdicts  map[Channel]Verdict // nil: not checked
	}{
		{
			name:     "clean request",
			codes:    []string{},
			highest:  2,
			verdicts: map[Channel]Verdict{ChannelRelease: VerdictAllowed, ChannelPreRelease: VerdictAllowed},
		},
		{
			name:     "not a form",
			edit:     func(r *Request) { *r = Request{Version: FormNone} },
			codes:    []string{CodeNotADataReviewForm},
			verdicts: map[Channel]Verdict{ChannelRelease: VerdictUnknown, ChannelPreRelease: VerdictUnknown},
		},
		{
			name: "question line not found is not an unanswered question",
			edit: func(r *Request) {
				unanswer(r, TopicSharing)
				r.Answers[4].Answered, r.Answers[4].Text, r.Answers[4].QuestionNotFound = false, "", true
			},
			codes:     []string{CodeQuestionNotFound, CodeMissingAnswers},
			questions: []int{5, 11},
			highest:   2,
		},
		{
			name: "a category stated once for the whole request, no measurement read",
			edit: func(r *Request) {
				r.Measurements, r.Category = nil, 2
			},
			codes:   []string{},
			highest: 2,
		},
		{
			name: "category 4 stated for the whole request",
			edit: func(r *Request) {
				r.Measurements, r.Category, r.DefaultOn = nil, 4, No
			},
			codes:    []string{CodeCategory4},
			highest:  4,
			escalate: map[string][]string{"legal": {CodeCategory4}, "trust": {CodeCategory4}},
		},
		{
			name:  "zero request is not a form",
			edit:  func(r *Request) { *r = Request{} },
			codes: []string{CodeNotADataReviewForm},
		},
		{
			name: "9-question form",
			edit: func(r *Request) {
				r.Version = FormRequest9Q
				setAnswers(r, versionTopics[FormRequest9Q])
				r.ThirdParty = Unknown
			},
			codes:   []string{CodeOldFormVersion},
			highest: 2,
		},
		{
			name: "10-question form without documentation link",
			edit: func(r *Request) {
				r.Version = FormRequest10Q
				setAnswers(r, versionTopics[FormRequest10Q])
				r.DocLinks = nil
			},
			codes:     []string{CodeOldFormVersion, CodeDocumentationMissing},
			questions: []int{0, 0},
			highest:   2,
		},
		{
			name: "11-question form",
			edit: func(r *Request) {
				r.Version = FormRequest11Q
				setAnswers(r, versionTopics[FormRequest11Q])
			},
			codes:   []string{CodeOldFormVersion},
			highest: 2,
		},
		{
			name: "unanswered questions",
			edit: func(r *Request) {
				unanswer(r, TopicAnalysis)
				unanswer(r, TopicSharing)
			},
			codes:     []string{CodeMissingAnswers, CodeMissingAnswers},
			questions: []int{10, 11},
			highest:   2,
		},
		{
			name: "opt-out may stay empty for a default-off collection",
			edit: func(r *Request) {
				r.DefaultOn = No
				r.OptOut = ""
				unanswer(r, TopicOptOut)
			},
			codes:   []string{},
			highest: 2,
		},
		{
			name: "measurement without category",
			edit: func(r *Request) {
				r.Measurements = append(r.Measurements, Measurement{Name: "widget.color"})
			},
			codes:     []string{CodeMeasurementWithoutCategory},
			questions: []int{5},
			highest:   2,
		},
		{
			name:      "measurements answered but none read",
			edit:      func(r *Request) { r.Measurements = nil },
			codes:     []string{CodeMeasurementWithoutCategory},
			questions: []int{5},
			verdicts:  map[Channel]Verdict{ChannelRelease: VerdictUnknown, ChannelPreRelease: VerdictUnknown},
		},
		{
			name: "category 3 default-on in release",
			edit: func(r *Request) {
				r.Measurements = append(r.Measurements, Measurement{Name: "widget.visited_hosts", Category: 3})
			},
			codes:     []string{CodeCategory3DefaultOnRelease},
			questions: []int{5},
			escalate:  map[string][]string{"trust": {CodeCategory3DefaultOnRelease}, "legal": {CodeCategory3DefaultOnRelease}},
			highest:   3,
			verdicts:  map[Channel]Verdict{ChannelRelease: VerdictNeedsTrust, ChannelPreRelease: VerdictAllowed},
		},
		{
			name: "category 3 default-on with channels unknown counts as release",
			edit: func(r *Request) {
				r.Measurements = []Measurement{{Name: "widget.visited_hosts", Category: 3}}
				r.Channels, r.Release, r.PreRelease = nil, Unknown, Unknown
			},
			codes:    []string{CodeCategory3DefaultOnRelease},
			escalate: map[string][]string{"trust": {CodeCategory3DefaultOnRelease}, "legal": {CodeCategory3DefaultOnRelease}},
			highest:  3,
		},
		{
			name: "category 3 default-on in pre-release only is eligible",
			edit: func(r *Request) {
				r.Measurements = []Measurement{{Name: "widget.visited_hosts", Category: 3}}
				r.Channels, r.Release, r.PreRelease = []string{"nightly", "beta"}, No, Yes
			},
			codes:   []string{CodeCategory3PreReleaseDefaultOn},
			highest: 3,
		},
		{
			name: "category 3 default-off in release",
			edit: func(r *Request) {
				r.Measurements = []Measurement{{Name: "widget.visited_hosts", Category: 3}}
				r.DefaultOn = No
			},
			codes:   []string{},
			highest: 3,
		},
		{
			name: "category 4",
			edit: func(r *Request) {
				r.DefaultOn = No
				r.Measurements = append(r.Measurements,
					Measurement{Name: "widget.precise_location", Category: 4},
					Measurement{Name: "widget.voice_sample", Category: 4})
			},
			codes:     []string{CodeCategory4, CodeCategory4},
			questions: []int{5, 5},
			escalate:  map[string][]string{"trust": {CodeCategory4}, "legal": {CodeCategory4}},
			highest:   4,
			verdicts:  map[Channel]Verdict{ChannelRelease: VerdictNotAllowed, ChannelPreRelease: VerdictNotAllowed},
		},
		{
			name: "categories that together identify a person count as 4 when the rules say so",
			edit: func(r *Request) {
				r.DefaultOn = No
				r.NewIdentifiers = Yes
				r.Measurements = []Measurement{
					{Name: "widget.opened", Category: 2},
					{Name: "widget.visited_hosts", Category: 3},
					{Name: "widget.install_id", Category: 1},
				}
			},
			rules: withRules("identifying_combinations:\n  - categories: [2, 3]\n    new_identifier: true\n    why: hosts tied to an install id\n"),
			codes: []string{CodeCategory4, CodeNewIdentifier},
			escalate: map[string][]string{
				"trust": {CodeCategory4},
				"legal": {CodeCategory4, CodeNewIdentifier},
			},
			highest: 4,
		},
		{
			name: "combination rule needs every part",
			edit: func(r *Request) {
				r.DefaultOn = No
				r.Measurements = []Measurement{{Name: "widget.opened", Category: 2}, {Name: "widget.visited_hosts", Category: 3}}
			},
			rules:   withRules("identifying_combinations:\n  - categories: [2, 3]\n    new_identifier: true\n"),
			codes:   []string{},
			highest: 3,
		},
		{
			name:      "third-party tool",
			edit:      func(r *Request) { r.ThirdParty, r.ThirdPartyTool = Yes, "Acme Analytics SDK" },
			codes:     []string{CodeThirdPartyTool},
			questions: []int{12},
			escalate:  map[string][]string{"legal": {CodeThirdPartyTool}},
			highest:   2,
		},
		{
			name: "new identifier named by a measurement",
			edit: func(r *Request) {
				r.NewIdentifiers = Yes
				r.Measurements = append(r.Measurements, Measurement{Name: "widget.session_uuid", Category: 1})
			},
			codes:    []string{CodeNewIdentifier},
			escalate: map[string][]string{"legal": {CodeNewIdentifier}},
			highest:  2,
		},
		{
			name:      "new identifier that no measurement names",
			edit:      func(r *Request) { r.NewIdentifiers = Yes },
			codes:     []string{CodeNewIdentifier},
			questions: []int{5},
			escalate:  map[string][]string{"legal": {CodeNewIdentifier}},
			highest:   2,
		},
		{
			name: "permanent without owner",
			edit: func(r *Request) {
				r.Expiries = []Expiry{{Kind: ExpiryNever, Value: "never"}}
				r.Permanent = true
			},
			codes:     []string{CodePermanentWithoutOwner},
			questions: []int{7},
			highest:   2,
		},
		{
			name: "never expiry without the permanent flag still needs an owner",
			edit: func(r *Request) {
				r.Expiries = []Expiry{{Kind: ExpiryNever, Value: "never"}}
			},
			codes:   []string{CodePermanentWithoutOwner},
			highest: 2,
		},
		{
			name: "permanent with owner",
			edit: func(r *Request) {
				r.Expiries, r.Permanent, r.Owner = []Expiry{{Kind: ExpiryNever, Value: "never"}}, true, "Jo Doe"
			},
			codes:   []string{},
			highest: 2,
		},
		{
			name: "permanent without owner allowed by the rules",
			edit: func(r *Request) {
				r.Expiries, r.Permanent = []Expiry{{Kind: ExpiryNever, Value: "never"}}, true
			},
			rules:   withRules("expiry:\n  permanent_needs_owner: false\n"),
			codes:   []string{},
			highest: 2,
		},
		{
			name:      "expiry missing",
			edit:      func(r *Request) { r.Expiries = nil },
			codes:     []string{CodeExpiryMissing},
			questions: []int{7},
			highest:   2,
		},
		{
			name: "unanswered duration is only a missing answer",
			edit: func(r *Request) {
				r.Expiries = nil
				unanswer(r, TopicDuration)
			},
			codes:     []string{CodeMissingAnswers},
			questions: []int{7},
			highest:   2,
		},
		{
			name:      "dated expiry too far",
			edit:      func(r *Request) { r.Expiries = []Expiry{{Kind: ExpiryDate, Value: "2028-01-16"}} }, // 731 days
			codes:     []string{CodeExpiryTooFar},
			questions: []int{7},
			highest:   2,
		},
		{
			name:    "dated expiry at the limit",
			edit:    func(r *Request) { r.Expiries = []Expiry{{Kind: ExpiryDate, Value: "2028-01-15"}} }, // 730 days
			codes:   []string{},
			highest: 2,
		},
		{
			name:    "limit from the rules",
			edit:    func(r *Request) { r.Expiries = []Expiry{{Kind: ExpiryDate, Value: "2026-12-31"}} },
			rules:   withRules("expiry:\n  max_days: 180\n"),
			codes:   []string{CodeExpiryTooFar},
			highest: 2,
		},
		{
			name:    "duration too long",
			edit:    func(r *Request) { r.Expiries = []Expiry{{Kind: ExpiryDuration, Value: "36 months"}} },
			codes:   []string{CodeExpiryTooFar},
			highest: 2,
		},
		{
			name: "six months and a version are fine",
			edit: func(r *Request) {
				r.Expiries = []Expiry{{Kind: ExpiryDuration, Value: "6 months"}, {Kind: ExpiryVersion, Value: "version 160"}}
			},
			codes:   []string{},
			highest: 2,
		},
		{
			name: "several expiries: permanent part and far date",
			edit: func(r *Request) {
				r.Expiries = []Expiry{{Kind: ExpiryVersion, Value: "version 140"}, {Kind: ExpiryNever, Value: "never"}, {Kind: ExpiryDate, Value: "2030-01-01"}}
				r.Permanent, r.Owner = true, "other@example.com"
			},
			codes:   []string{CodeExpiryTooFar},
			highest: 2,
		},
		{
			name:      "default-on without opt-out",
			edit:      func(r *Request) { r.OptOut = ""; setAnswerText(r, TopicOptOut, "N/A") },
			codes:     []string{CodeDefaultOnWithoutOptOut},
			questions: []int{9},
			highest:   2,
		},
		{
			name: "opt-out read from the answer",
			edit: func(r *Request) {
				r.OptOut = ""
				setAnswerText(r, TopicOptOut, "Users can disable it in Settings > Privacy.")
			},
			codes:   []string{},
			highest: 2,
		},
		{
			name: "default-on without opt-out on a 9-question form",
			edit: func(r *Request) {
				r.Version = FormRequest9Q
				setAnswers(r, versionTopics[FormRequest9Q])
				r.OptOut = ""
			},
			codes:     []string{CodeOldFormVersion, CodeDefaultOnWithoutOptOut},
			questions: []int{0, 0},
			highest:   2,
		},
		{
			name:      "documentation answered without a link",
			edit:      func(r *Request) { r.DocLinks = nil },
			codes:     []string{CodeDocumentationMissing},
			questions: []int{6},
			highest:   2,
		},
		{
			name: "documentation unanswered is only a missing answer",
			edit: func(r *Request) {
				r.DocLinks = nil
				unanswer(r, TopicDocumentation)
			},
			codes:     []string{CodeMissingAnswers},
			questions: []int{6},
			highest:   2,
		},
		{
			name: "product where category 3 is pre-release only",
			edit: func(r *Request) {
				r.Measurements = []Measurement{{Name: "widget.visited_hosts", Category: 3}}
			},
			rules:    withRules("products:\n  Example Browser:\n    default_on:\n      release: {3: not-allowed}\n"),
			product:  "example browser",
			codes:    []string{CodeCategory3DefaultOnRelease},
			escalate: map[string][]string{"trust": {CodeCategory3DefaultOnRelease}, "legal": {CodeCategory3DefaultOnRelease}},
			highest:  3,
			verdicts: map[Channel]Verdict{ChannelRelease: VerdictNotAllowed, ChannelPreRelease: VerdictAllowed},
		},
		{
			name: "product override does not apply to other products",
			edit: func(r *Request) {
				r.Measurements = []Measurement{{Name: "widget.visited_hosts", Category: 3}}
			},
			rules:    withRules("products:\n  Example Browser:\n    default_on:\n      release: {3: not-allowed}\n"),
			product:  "Other Browser",
			codes:    []string{CodeCategory3DefaultOnRelease},
			escalate: map[string][]string{"trust": {CodeCategory3DefaultOnRelease}, "legal": {CodeCategory3DefaultOnRelease}},
			highest:  3,
			verdicts: map[Channel]Verdict{ChannelRelease: VerdictNeedsTrust, ChannelPreRelease: VerdictAllowed},
		},
		{
			name: "pre-release verdict needing Trust asks Trust",
			edit: func(r *Request) {
				r.Measurements = []Measurement{{Name: "widget.visited_hosts", Category: 3}}
				r.Release, r.PreRelease = No, Yes
			},
			rules:    withRules("default_on:\n  prerelease: {3: needs-trust-approval}\n"),
			codes:    []string{CodeCategory3PreReleaseDefaultOn},
			escalate: map[string][]string{"trust": {CodeCategory3PreReleaseDefaultOn}},
			highest:  3,
		},
		{
			name:     "category 2 needing Trust under custom rules",
			rules:    withRules("default_on:\n  release: {2: needs-trust-approval}\n"),
			codes:    []string{CodeDefaultOnNotEligible},
			escalate: map[string][]string{"trust": {CodeDefaultOnNotEligible}},
			highest:  2,
		},
		{
			name:    "escalation switched off by the rules",
			edit:    func(r *Request) { r.ThirdParty = Yes },
			rules:   withRules("escalations:\n  third-party-tool: []\n"),
			codes:   []string{CodeThirdPartyTool},
			highest: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := cleanRequest()
			if tt.edit != nil {
				tt.edit(r)
			}
			a := EvaluateWith(r, tt.rules, testNow, EvalOptions{Product: tt.product})
			if diff := cmp.Diff(a.Reasons(), dedupe(tt.codes)); diff != "" {
				t.Errorf("reasons (-got +want):\n%s\nfindings: %+v", diff, a.Findings)
			}
			var codes []string
			for _, f := range a.Findings {
				codes = append(codes, f.Code)
			}
			if diff := cmp.Diff(codes, tt.codes, emptyIsNil); diff != "" {
				t.Errorf("finding codes (-got +want):\n%s", diff)
			}
			if tt.questions != nil {
				var qs []int
				for _, f := range a.Findings {
					qs = append(qs, f.Question)
				}
				if diff := cmp.Diff(qs, tt.questions); diff != "" {
					t.Errorf("finding questions (-got +want):\n%s", diff)
				}
			}
			got := map[string][]string{}
			for _, e := range a.Escalations {
				got[e.To] = e.Reasons
			}
			want := tt.escalate
			if want == nil {
				want = map[string][]string{}
			}
			if diff := cmp.Diff(got, want); diff != "" {
				t.Errorf("escalations (-got +want):\n%s", diff)
			}
			if a.HighestCategory != tt.highest {
				t.Errorf("highest category = %d, want %d", a.HighestCategory, tt.highest)
			}
			if tt.verdicts != nil {
				if diff := cmp.Diff(a.DefaultOn, tt.verdicts); diff != "" {
					t.Errorf("verdicts (-got +want):\n%s", diff)
				}
			}
			checkExplained(t, a)
		})
	}
}

var emptyIsNil = cmp.Comparer(func(a, b []string) bool {
	if len(a) == 0 && len(b) == 0 {
		return true
	}
	return cmp.Equal([]string(a), []string(b))
})

func dedupe(codes []string) []string {
	out := []string{}
	for _, c := range codes {
		if len(out) == 0 || !contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// wholeFormCodes are about the form as a whole, not one question or measurement.
var wholeFormCodes = map[string]bool{
	CodeNotADataReviewForm: true, CodeOldFormVersion: true,
	CodeDocumentationMissing: true, CodeDefaultOnWithoutOptOut: true, // when the version has no question for it
}

// checkExplained holds the explainability invariant: every finding names
// its question or measurement (or is about the whole form) and says why in
// a sentence; every escalation reason is a finding's code.
func checkExplained(t *testing.T, a *Analysis) {
	t.Helper()
	for _, f := range a.Findings {
		if !IsCode(f.Code) {
			t.Errorf("finding has unknown code %q", f.Code)
		}
		if f.Question == 0 && f.Measurement == "" && !wholeFormCodes[f.Code] {
			t.Errorf("finding %s names no question or measurement", f.Code)
		}
		if f.Question > 0 && a.Request != nil && !strings.Contains(f.Message, fmt.Sprintf("Q%d", f.Question)) && f.Measurement == "" {
			t.Errorf("finding %s about Q%d does not say so: %q", f.Code, f.Question, f.Message)
		}
		if f.Measurement != "" && !strings.Contains(f.Message, cleanText(f.Measurement, 80)) {
			t.Errorf("finding %s about %q does not name it: %q", f.Code, f.Measurement, f.Message)
		}
		if len(f.Message) < 40 || !strings.Contains(f.Message, ":") && !strings.Contains(f.Message, ".") {
			t.Errorf("finding %s message is not an explanation: %q", f.Code, f.Message)
		}
	}
	for _, e := range a.Escalations {
		if len(e.Reasons) == 0 {
			t.Errorf("escalation to %s has no reason", e.To)
		}
		for _, c := range e.Reasons {
			if !a.Has(c) {
				t.Errorf("escalation to %s gives reason %s that no finding has", e.To, c)
			}
		}
	}
}

func TestEvaluateNilInputs(t *testing.T) {
	a := Evaluate(nil, nil, testNow)
	if diff := cmp.Diff(a.Reasons(), []string{CodeNotADataReviewForm}); diff != "" {
		t.Errorf("reasons (-got +want):\n%s", diff)
	}
	if len(a.Draft) != len(draftQuestions) {
		t.Errorf("draft has %d answers, want %d", len(a.Draft), len(draftQuestions))
	}
	for _, d := range a.Draft {
		if !d.Human {
			t.Errorf("draft Q%d of a non-form is answered: %q", d.Number, d.Answer)
		}
	}
}

func TestEvaluateDoesNotChangeItsInputs(t *testing.T) {
	rules := DefaultRules()
	r := cleanRequest()
	r.Measurements = append(r.Measurements, Measurement{Name: "x", Category: 3})
	before, wantRules := *r, rules.Clone()
	_ = EvaluateWith(r, rules, testNow, EvalOptions{Product: "none"})
	if diff := cmp.Diff(*r, before); diff != "" {
		t.Errorf("request changed (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(rules, wantRules, cmp.AllowUnexported(Rules{})); diff != "" {
		t.Errorf("rules changed (-got +want):\n%s", diff)
	}
}

func TestDraftReview(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(r *Request)
		topic ReviewTopic
		want  string
		human bool
	}{
		{"documentation link", nil, ReviewDocumentation, "Yes: https://dictionary.telemetry.mozilla.org/apps/widget (check that it is public and covers every measurement).", false},
		{"no documentation", func(r *Request) { r.DocLinks = nil }, ReviewDocumentation, "No documentation link in the request (documentation-missing).", true},
		{"no documentation, Q6 unanswered", func(r *Request) { r.DocLinks = nil; unanswer(r, TopicDocumentation) }, ReviewDocumentation,
			"No documentation link in the request.", true},
		{"opt-out", nil, ReviewControl, `Yes: The "Send technical and interaction data" preference turns it off.`, false},
		{"no opt-out", func(r *Request) { r.OptOut = ""; unanswer(r, TopicOptOut) }, ReviewControl, "No opt-out is described for a default-on collection (default-on-without-opt-out).", true},
		{"default-off", func(r *Request) { r.DefaultOn, r.OptOut = No, ""; unanswer(r, TopicOptOut) }, ReviewControl, "Yes: the collection is default-off (opt-in).", false},
		{"not permanent", nil, ReviewPermanent, "Not permanent: it expires on 2027-01-15.", false},
		{"permanent owner", func(r *Request) { r.Permanent, r.Owner = true, "Jo Doe" }, ReviewPermanent, "Yes: Jo Doe.", false},
		{"permanent no owner", func(r *Request) { r.Permanent = true }, ReviewPermanent, "Permanent, but no one is named to monitor it (permanent-without-owner).", true},
		{"category", nil, ReviewCategory, "Category 2, interaction. Measurements: 1 of category 1, 1 of category 2.", false},
		{"uncategorised", func(r *Request) { r.Measurements[0].Category = 0 }, ReviewCategory, "Not every measurement has a category (measurement-without-category).", true},
		{"no measurement, Q5 unanswered", func(r *Request) { r.Measurements = nil; unanswer(r, TopicMeasurements) }, ReviewCategory,
			"No measurement was read from the request, so there is no category to review.", true},
		{"default-on", nil, ReviewDefaultOn, "Default-on (channels: release, beta, nightly).", false},
		{"default unknown", func(r *Request) { r.DefaultOn = "" }, ReviewDefaultOn, "The request does not say whether it is default-on or default-off.", true},
		{"no new identifiers", nil, ReviewIdentifiers, "No.", false},
		{"new identifiers", func(r *Request) { r.NewIdentifiers = Yes }, ReviewIdentifiers, "Yes: escalate to Legal (new-identifier).", false},
		{"privacy notice covers it", nil, ReviewPrivacyNotice, "Yes.", false},
		{"privacy notice unsure", func(r *Request) { r.ThirdParty = Yes }, ReviewPrivacyNotice, "Unsure: escalate to Legal (third-party-tool).", true},
		{"privacy notice category 4", func(r *Request) { r.Measurements[0].Category = 4 }, ReviewPrivacyNotice, "No: category 4 data needs notice and consent; Trust and Legal decide (category-4).", true},
		{"third party", func(r *Request) { r.ThirdParty, r.ThirdPartyTool = Yes, "Acme SDK" }, ReviewThirdParty, "Yes, Acme SDK: escalate to Legal (third-party-tool).", false},
		{"no third party", nil, ReviewThirdParty, "No.", false},
		{"third party unknown", func(r *Request) { r.ThirdParty = Unknown }, ReviewThirdParty, "Not determined from the request.", true},
		{"third party read from the analysis", func(r *Request) {
			r.ThirdParty, r.ThirdPartyTool, r.ThirdPartyToolTopic = Yes, "Google Analytics", TopicAnalysis
		}, ReviewThirdParty, "Yes, Google Analytics (named in Q10 (how you will analyse the data), not in an answer to a third-party question): escalate to Legal (third-party-tool).", true},
		{"third party read from a row", func(r *Request) {
			r.ThirdParty, r.ThirdPartyTool, r.ThirdPartyToolMeasurement = Yes, "Adjust", "Adjust SDK"
		}, ReviewThirdParty, `Yes, Adjust (named in measurement "Adjust SDK", not in an answer to a third-party question): escalate to Legal (third-party-tool).`, true},
		{"no third party, question unanswered", func(r *Request) { unanswer(r, TopicThirdParty) }, ReviewThirdParty,
			"No, by the request's own words; it has no answer to a third-party question.", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := cleanRequest()
			if tt.edit != nil {
				tt.edit(r)
			}
			a := Evaluate(r, nil, testNow)
			if len(a.Draft) != 8 {
				t.Fatalf("draft has %d questions, want the current form's 8", len(a.Draft))
			}
			for i, d := range a.Draft {
				if d.Number != i+1 || d.Question == "" {
					t.Errorf("draft[%d] = number %d question %q", i, d.Number, d.Question)
				}
				if d.Topic != tt.topic {
					continue
				}
				if d.Answer != tt.want || d.Human != tt.human {
					t.Errorf("Q%d = %q (human %v), want %q (human %v)", d.Number, d.Answer, d.Human, tt.want, tt.human)
				}
			}
		})
	}
}
