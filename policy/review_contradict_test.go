package policy

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func bareReview(answers ...string) *Review {
	text := "data-review+\n\n"
	for i, a := range answers {
		text += string(rune('1'+i)) + ") " + a + "\n"
	}
	return ParseReview(text)
}

func TestReviewContradictions(t *testing.T) {
	optOutReq := &Request{Version: FormRequest12Q, DefaultOn: Yes, OptOut: "The telemetry preference in Settings.",
		Measurements: []Measurement{{Name: "a.b", Category: 2}}, ThirdParty: No, Expiries: []Expiry{{Kind: ExpiryDuration, Value: "6 months"}}}
	tests := []struct {
		name string
		req  *Request
		rev  *Review
		want []Contradiction
	}{
		{"agrees", optOutReq, bareReview("Yes.", "Yes.", "Not permanent.", "Category 2.", "Default-on.", "No.", "Yes.", "No."),
			[]Contradiction{}},
		{"default-off against an opt-out", optOutReq,
			bareReview("Yes.", "Yes.", "Not permanent.", "Category 2.", "Default-off.", "No.", "Yes.", "No."),
			[]Contradiction{{Topic: ReviewDefaultOn, Question: 5, Review: "default-off", Request: "describes an opt-out, so it is default-on"}}},
		{"category, permanence, third party", optOutReq,
			bareReview("Yes.", "Yes.", "Yes, the team monitors it.", "Category 3, stored content.", "Default-on.", "No.", "Yes.", "Yes, Adjust."),
			[]Contradiction{
				{Topic: ReviewPermanent, Question: 3, Review: "the collection is permanent", Request: "gives an expiry"},
				{Topic: ReviewCategory, Question: 4, Review: "category 3 (stored content & communications)",
					Request: "lists measurements up to category 2 (interaction)"},
				{Topic: ReviewThirdParty, Question: 8, Review: "a third-party tool is used", Request: "says none is"},
			}},
		{"permanent request, review says not", &Request{Version: FormRequest12Q, Permanent: true, DefaultOn: No, ThirdParty: Yes},
			bareReview("Yes.", "Yes.", "No.", "Category 1.", "Default-on.", "No.", "Yes.", "No."),
			[]Contradiction{
				{Topic: ReviewPermanent, Question: 3, Review: "the collection is not permanent", Request: "asks for a permanent collection"},
				{Topic: ReviewDefaultOn, Question: 5, Review: "default-on", Request: "says default-off"},
				{Topic: ReviewThirdParty, Question: 8, Review: "no third-party tool is used", Request: "says a third-party tool collects the data"},
			}},
		{"unclear sides say nothing", &Request{Version: FormRequest12Q},
			bareReview("Yes.", "Yes.", "Ask the team.", "See above.", "Depends.", "No.", "Yes.", "Maybe."),
			[]Contradiction{}},
		{"not a review", optOutReq, ParseReview("LGTM"), []Contradiction{}},
		{"not a request", &Request{Version: FormNone}, bareReview("Yes.", "Yes.", "No.", "Category 4.", "Default-off.", "No.", "Yes.", "No."),
			[]Contradiction{}},
		{"nil", nil, nil, []Contradiction{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ReviewContradictions(tt.req, tt.rev)
			if d := cmp.Diff(got, tt.want); d != "" {
				t.Errorf("(-got +want):\n%s", d)
			}
		})
	}
}
