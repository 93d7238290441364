package policy

import (
	"regexp"
	"strings"
)

// RenewalRequest is a parsed Request for Data Collection Renewal
// (renewal_request.md). Parsing never fails: a text that is not one has
// Version ReviewNone.
type RenewalRequest struct {
	Version ReviewVersion `json:"form_version"` // RenewalRequestForm or ReviewNone
	Answers []FormAnswer  `json:"answers"`
	// InitialReview is the first link (or "bug N") in Q1: where the
	// collection was first reviewed.
	InitialReview string `json:"initial_review,omitempty"`
	// Expiry is the new expiry from Q2, normalised like a request's; its
	// Kind is ExpiryNone when none could be read.
	Expiry Expiry `json:"expiry"`
}

// RenewalReview is a parsed Data Collection Renewal Review (renewal_review.md).
type RenewalReview struct {
	Version    ReviewVersion `json:"form_version"` // RenewalReviewForm or ReviewNone
	Answers    []FormAnswer  `json:"answers"`
	Result     ReviewResult  `json:"result"`
	ResultText string        `json:"result_text,omitempty"`
}

// Answer returns the answer for a topic, and false when there is none.
func (r *RenewalRequest) Answer(t ReviewTopic) (FormAnswer, bool) { return answerOf(r.Answers, t) }

// Missing returns the numbers of the questions left unanswered.
func (r *RenewalRequest) Missing() []int { return missingOf(r.Answers) }

// Answer returns the answer for a topic, and false when there is none.
func (r *RenewalReview) Answer(t ReviewTopic) (FormAnswer, bool) { return answerOf(r.Answers, t) }

// Missing returns the numbers of the questions left unanswered.
func (r *RenewalReview) Missing() []int { return missingOf(r.Answers) }

var renewalRequestLayout = compileLayout(formLayout{RenewalRequestForm, []questionSpec{
	{
		topic:     RenewalInitialReview,
		keywords:  []string{"initial data collection review", "link to the initial", "initial review", "original review"},
		templates: []string{`Provide a link to the initial Data Collection Review Request for this collection.`},
		labels:    []string{"initial review", "link"},
	},
	{
		topic:     RenewalExpiry,
		keywords:  []string{"expire", "expiry", "expiration"},
		templates: []string{`When will this collection now expire?`},
		labels:    []string{"expiry", "expiration", "new expiry"},
	},
	{
		topic:     RenewalWhy,
		keywords:  []string{"insufficient", "initial period", "not sufficient", "not enough"},
		templates: []string{`Why was the initial period of collection insufficient?`},
		labels:    []string{"why", "reason"},
	},
}})

var renewalReviewLayout = compileLayout(formLayout{RenewalReviewForm, []questionSpec{
	{
		topic:     RenewalReviewComplete,
		keywords:  []string{"complete", "correct"},
		templates: []string{`Is the provided Data Collection Review complete, correct, and data-review+ by a Data Steward?`},
		labels:    []string{"review complete"},
	},
	{
		topic:     ReviewPrivacyNotice,
		keywords:  []string{"privacy"},
		templates: []string{`Is the data collection covered by the existing Firefox Privacy Notice?`},
		labels:    []string{"privacy notice"},
	},
}})

// ParseRenewalRequest reads a renewal request: at least two of its three
// questions must be there, numbered and in the form's words.
func ParseRenewalRequest(text string) *RenewalRequest {
	lines := scanLines(text)
	stop := make([]bool, len(lines))
	r := &RenewalRequest{Version: ReviewNone, Answers: []FormAnswer{}}
	_, strong, score := bestLayout(lines, [][]compiledSpec{renewalRequestLayout})
	if score < 2 {
		return r
	}
	headers := placeHeaders(lines, strong, len(renewalRequestLayout), stop)
	r.Version = RenewalRequestForm
	r.Answers = extractAnswers(lines, renewalRequestLayout, headers, stop)
	if a, ok := r.Answer(RenewalInitialReview); ok {
		r.InitialReview = firstReference(a.Text)
	}
	if a, ok := r.Answer(RenewalExpiry); ok {
		r.Expiry = readExpiry(a.Text)
	}
	return r
}

// ParseRenewalReview reads a renewal review: both questions must be there,
// numbered and in the form's words. The result is read as in ParseReview.
func ParseRenewalReview(text string) *RenewalReview {
	lines := scanLines(text)
	stop := make([]bool, len(lines))
	r := &RenewalReview{Version: ReviewNone, Answers: []FormAnswer{}}
	for i, fl := range lines {
		if res, ok := resultOf(fl); ok {
			stop[i] = true
			r.Result, r.ResultText = res, strings.TrimSpace(fl.body)
		}
	}
	_, strong, score := bestLayout(lines, [][]compiledSpec{renewalReviewLayout})
	if score < 2 {
		return r
	}
	headers := placeHeaders(lines, strong, len(renewalReviewLayout), stop)
	r.Version = RenewalReviewForm
	r.Answers = extractAnswers(lines, renewalReviewLayout, headers, stop)
	return r
}

var referenceRE = regexp.MustCompile(`(?i)https?://[^\s<>()\[\]"']+|\bbug\s*#?\s*\d{3,9}(?:\s*#?\s*c(?:omment)?\s*#?\d+)?`)

// firstReference returns the first URL or "bug N" in s, trailing punctuation removed.
func firstReference(s string) string {
	return strings.TrimRight(referenceRE.FindString(s), ".,;:!?")
}

// readExpiry normalises the expiry written first in s, the way a
// request's duration answer is read (parseReqExpiries, the request
// parser's): a date (YYYY-MM-DD, or the form's MM-DD-YYYY), a version, a
// duration or never. Kind is ExpiryNone when there is none.
func readExpiry(s string) Expiry {
	if xs := parseReqExpiries(s); len(xs) > 0 {
		return xs[0]
	}
	return Expiry{}
}
