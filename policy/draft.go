package policy

import (
	"fmt"
	"strings"
)

// ReviewAnswerDraft is one review question pre-answered from the request, or left for a human.
type ReviewAnswerDraft struct {
	Number   int         `json:"number"`
	Topic    ReviewTopic `json:"topic"`
	Question string      `json:"question"`
	Answer   string      `json:"answer"`      // a proposed answer, or what the steward must look at
	Human    bool        `json:"needs_human"` // true when the steward must answer
}

// DraftReviewVersion is the review form the draft follows: the current one
// (review.md since 2021), whose eight questions end with the third-party
// tool; the 2019-2020 nine-question form also asked about a renewal check-in.
const DraftReviewVersion = Review8Q

// draftQuestions are the current review form's questions, shortened to the
// sentence a steward answers.
var draftQuestions = []struct {
	topic ReviewTopic
	text  string
}{
	{ReviewDocumentation, "Is there or will there be documentation that describes the schema for the ultimate data set in a public, complete, and accurate way?"},
	{ReviewControl, "Is there a control mechanism that allows the user to turn the data collection on and off?"},
	{ReviewPermanent, "If the request is for permanent data collection, is there someone who will monitor the data over time?"},
	{ReviewCategory, "Using the category system of data types on the Mozilla wiki, what collection type of data do the requested measurements fall under?"},
	{ReviewDefaultOn, "Is the data collection request for default-on or default-off?"},
	{ReviewIdentifiers, "Does the instrumentation include the addition of any new identifiers?"},
	{ReviewPrivacyNotice, "Is the data collection covered by the existing Firefox privacy notice?"},
	{ReviewThirdParty, "Does the data collection use a third-party collection tool?"},
}

// draftReview pre-answers the review form from an evaluated request.
func draftReview(e *evaluation) []ReviewAnswerDraft {
	out := make([]ReviewAnswerDraft, 0, len(draftQuestions))
	for i, q := range draftQuestions {
		d := ReviewAnswerDraft{Number: i + 1, Topic: q.topic, Question: q.text, Human: true}
		if isForm(e.req.Version) {
			d.Answer, d.Human = e.draftAnswer(q.topic)
		} else {
			d.Answer = "The text is not a data review request form."
		}
		out = append(out, d)
	}
	return out
}

// draftAnswer returns a proposed answer and whether a human must decide.
func (e *evaluation) draftAnswer(t ReviewTopic) (string, bool) {
	r := e.req
	switch t {
	case ReviewDocumentation:
		if len(r.DocLinks) == 0 && e.has(CodeDocumentationMissing) {
			return "No documentation link in the request (documentation-missing).", true
		}
		if len(r.DocLinks) == 0 {
			// the documentation question is unanswered or not found,
			// which the findings say (missing-answers, question-not-found)
			return "No documentation link in the request.", true
		}
		links := make([]string, len(r.DocLinks))
		for i, l := range r.DocLinks {
			links[i] = cleanText(l, 200)
		}
		return "Yes: " + strings.Join(links, ", ") + " (check that it is public and covers every measurement).", false

	case ReviewControl:
		optOut := e.optOutText()
		switch {
		case tri(r.DefaultOn) == Yes && e.hasOptOut():
			return "Yes: " + optOut, false
		case tri(r.DefaultOn) == Yes:
			return "No opt-out is described for a default-on collection (default-on-without-opt-out).", true
		case tri(r.DefaultOn) == No && optOut != "":
			return "Yes: the collection is default-off (opt-in). " + optOut, false
		case tri(r.DefaultOn) == No:
			return "Yes: the collection is default-off (opt-in).", false
		}
		return "The request does not say clearly whether the collection is default-on or how users turn it off.", true

	case ReviewPermanent:
		owner := strings.TrimSpace(r.Owner)
		switch {
		case e.permanent() && owner != "":
			return "Yes: " + cleanText(owner, 120) + ".", false
		case e.permanent():
			return "Permanent, but no one is named to monitor it (permanent-without-owner).", true
		case len(r.Expiries) > 0:
			return "Not permanent: it expires " + expiryList(r.Expiries) + ".", false
		}
		return "The request gives no expiry and does not ask for permanent collection.", true

	case ReviewCategory:
		if e.has(CodeMeasurementWithoutCategory) {
			return "Not every measurement has a category (measurement-without-category).", true
		}
		if e.highest == 0 {
			// no measurement at all: Q5 unanswered or not found, which the
			// findings say; naming a finding they do not hold would not do
			return "No measurement was read from the request, so there is no category to review.", true
		}
		ans := fmt.Sprintf("Category %d, %s.", e.highest, categoryName[e.highest])
		if counts := categoryCounts(r.Measurements); counts != "" {
			ans += " Measurements: " + counts + "."
		}
		return ans, false

	case ReviewDefaultOn:
		switch tri(r.DefaultOn) {
		case Yes:
			return "Default-on" + channelsNote(r) + ".", false
		case No:
			return "Default-off" + channelsNote(r) + ".", false
		}
		return "The request does not say whether it is default-on or default-off.", true

	case ReviewIdentifiers:
		switch tri(r.NewIdentifiers) {
		case Yes:
			return "Yes: escalate to Legal (new-identifier).", false
		case No:
			return "No.", false
		}
		return "Not determined from the request.", true

	case ReviewPrivacyNotice:
		if e.highest == 4 {
			return "No: category 4 data needs notice and consent; Trust and Legal decide (category-4).", true
		}
		var legal []string
		for _, c := range []string{CodeNewIdentifier, CodeCategory3DefaultOnRelease, CodeThirdPartyTool} {
			if e.has(c) {
				legal = append(legal, c)
			}
		}
		if len(legal) > 0 {
			return "Unsure: escalate to Legal (" + strings.Join(legal, ", ") + ").", true
		}
		if e.highest > 0 && tri(r.NewIdentifiers) == No && tri(r.ThirdParty) != Yes {
			return "Yes.", false
		}
		return "Not determined from the request.", true

	case ReviewThirdParty:
		// read from the prose rather than from a third-party answer: a
		// steward confirms it
		prose := r.ThirdPartyToolTopic != "" || r.ThirdPartyToolMeasurement != ""
		if a, ok := r.Answer(TopicThirdParty); !ok || !a.Answered {
			prose = true
		}
		switch tri(r.ThirdParty) {
		case Yes:
			ans := "Yes"
			if tool := strings.TrimSpace(r.ThirdPartyTool); tool != "" {
				ans += ", " + cleanText(tool, 120)
			}
			if prose {
				ans += " (named in " + e.toolSource() + ", not in an answer to a third-party question)"
			}
			return ans + ": escalate to Legal (third-party-tool).", prose
		case No:
			if prose {
				return "No, by the request's own words; it has no answer to a third-party question.", true
			}
			return "No.", false
		}
		return "Not determined from the request.", true
	}
	return "", true
}

// toolSource names where a third-party tool was read from the prose.
func (e *evaluation) toolSource() string {
	switch r := e.req; {
	case r.ThirdPartyToolMeasurement != "":
		return "measurement " + quote(r.ThirdPartyToolMeasurement)
	case r.ThirdPartyToolTopic != "" && e.num(r.ThirdPartyToolTopic) > 0:
		return e.ref(r.ThirdPartyToolTopic)
	}
	return "the request"
}

func (e *evaluation) has(code string) bool {
	for _, f := range e.findings {
		if f.Code == code {
			return true
		}
	}
	return false
}

func (e *evaluation) permanent() bool {
	if e.req.Permanent {
		return true
	}
	for _, x := range e.req.Expiries {
		if x.Kind == ExpiryNever {
			return true
		}
	}
	return false
}

func (e *evaluation) optOutText() string {
	if s := strings.TrimSpace(e.req.OptOut); s != "" {
		return cleanText(s, 300)
	}
	if a, ok := e.req.Answer(TopicOptOut); ok && a.Answered {
		return cleanText(a.Text, 300)
	}
	return ""
}

// expiryList says when expiries end: "on 2027-03-01, in version 140".
func expiryList(xs []Expiry) string {
	var parts []string
	for _, x := range xs {
		v := cleanText(x.Value, 60)
		switch x.Kind {
		case ExpiryDate:
			v = "on " + v
		case ExpiryVersion:
			v = "in " + v
		case ExpiryDuration:
			v = "after " + v
		}
		parts = append(parts, v)
	}
	return strings.Join(parts, ", ")
}

// categoryCounts says how many measurements fall in each category: "2 of category 1, 1 of category 3".
func categoryCounts(ms []Measurement) string {
	var n [5]int
	for _, m := range ms {
		if m.Category >= 1 && m.Category <= 4 {
			n[m.Category]++
		}
	}
	var parts []string
	for c := 1; c <= 4; c++ {
		if n[c] > 0 {
			parts = append(parts, fmt.Sprintf("%d of category %d", n[c], c))
		}
	}
	return strings.Join(parts, ", ")
}

func channelsNote(r *Request) string {
	if len(r.Channels) == 0 {
		return ""
	}
	var cs []string
	for _, c := range r.Channels {
		cs = append(cs, cleanText(c, 40))
	}
	return " (channels: " + strings.Join(cs, ", ") + ")"
}
