package policy

import (
	"regexp"
	"strings"
)

// ReviewVersion names the steward-side form a text follows: a data review
// (review.md and its history) or a renewal form.
type ReviewVersion string

const (
	ReviewNone ReviewVersion = "none"
	// Review8Q is an eight-question review: the current form (since 2021,
	// Q8 the third-party tool) or the first one (2017, Q8 the renewal
	// check-in). The answers' topics say which.
	Review8Q ReviewVersion = "review-8q"
	// Review9Q is the 2019-2020 form: Q8 the renewal check-in, Q9 the third-party tool.
	Review9Q ReviewVersion = "review-9q"
	// RenewalRequestForm and RenewalReviewForm are the renewal forms.
	RenewalRequestForm ReviewVersion = "renewal-request"
	RenewalReviewForm  ReviewVersion = "renewal-review"
)

// ReviewTopic is the stable meaning of a review or renewal question,
// independent of its number in a version.
type ReviewTopic string

const (
	ReviewDocumentation ReviewTopic = "documentation"    // Is there public documentation?
	ReviewControl       ReviewTopic = "control"          // Is there a control mechanism (opt-out)?
	ReviewPermanent     ReviewTopic = "permanent"        // Who monitors a permanent collection?
	ReviewCategory      ReviewTopic = "category"         // Which data collection category?
	ReviewDefaultOn     ReviewTopic = "default-on"       // Default-on or default-off?
	ReviewIdentifiers   ReviewTopic = "new-identifiers"  // Any new identifiers?
	ReviewPrivacyNotice ReviewTopic = "privacy-notice"   // Covered by the privacy notice? (also renewal review Q2)
	ReviewCheckIn       ReviewTopic = "renewal-check-in" // Check in before renewing? (2017-2020)
	ReviewThirdParty    ReviewTopic = "third-party"      // A third-party collection tool?

	RenewalInitialReview  ReviewTopic = "initial-review"  // renewal request Q1: link to the first review
	RenewalExpiry         ReviewTopic = "expiry"          // renewal request Q2: the new expiry
	RenewalWhy            ReviewTopic = "why-renew"       // renewal request Q3: why the first period was not enough
	RenewalReviewComplete ReviewTopic = "review-complete" // renewal review Q1: is the first review complete and data-review+?
)

// ReviewResult is a steward's verdict.
type ReviewResult string

const (
	ResultNone    ReviewResult = ""
	ResultGranted ReviewResult = "data-review+"
	ResultDenied  ReviewResult = "data-review-"
)

// FormAnswer is one question of a review or renewal form as written.
type FormAnswer struct {
	Number   int         `json:"number"` // in the detected version
	Topic    ReviewTopic `json:"topic"`
	Text     string      `json:"text"`     // the writer's words, question text removed; lines joined with \n
	Answered bool        `json:"answered"` // false for nothing, TODO/TBD, or the template left as it was
}

// Review is a parsed Data Review form. Parsing never fails: a text that is
// not a review has Version ReviewNone and no answers.
type Review struct {
	Version ReviewVersion `json:"form_version"`
	Answers []FormAnswer  `json:"answers"` // one per question of Version, in order
	// Result is read from a line such as "data-review+", "r-", "Result:
	// datareview+" or "**data-review+** ✓" whether or not the text follows
	// the form; the last such line wins. ResultNone when there is none.
	Result     ReviewResult `json:"result"`
	ResultText string       `json:"result_text,omitempty"` // that line, as written
}

// Answer returns the answer for a topic, and false when the version lacks it.
func (r *Review) Answer(t ReviewTopic) (FormAnswer, bool) { return answerOf(r.Answers, t) }

// Missing returns the numbers of the questions left unanswered.
func (r *Review) Missing() []int { return missingOf(r.Answers) }

func answerOf(answers []FormAnswer, t ReviewTopic) (FormAnswer, bool) {
	for _, a := range answers {
		if a.Topic == t {
			return a, true
		}
	}
	return FormAnswer{}, false
}

func missingOf(answers []FormAnswer) []int {
	out := []int{}
	for _, a := range answers {
		if !a.Answered {
			out = append(out, a.Number)
		}
	}
	return out
}

var (
	reviewDocumentation = questionSpec{
		topic:    ReviewDocumentation,
		keywords: []string{"document", "schema"},
		templates: []string{
			`Is there or will there be **documentation** that describes the schema for the ultimate data set in a public, complete, and accurate way? Click the documentation link provided in Q6 and ensure it is publicly accessible and does or will contain documentation for the data collection. (see [here](x), [here](x), and [here](x) for examples).  Refer to the appendix for "documentation" if more detail about documentation standards is needed.`,
			`Is there or will there be **documentation** that describes the schema for the ultimate data set available publicly, complete and accurate? (see [here](x), [here](x), and [here](x) for examples).  Refer to the appendix for "documentation" if more detail about documentation standards is needed.`,
		},
		labels: []string{"documentation", "public documentation"},
	}
	reviewControl = questionSpec{
		topic:    ReviewControl,
		keywords: []string{"control", "opt-out", "opt out", "turn the data collection"},
		templates: []string{
			`Is there a control mechanism that allows the user to turn the data collection on and off? (Note, for data collection not needed for security purposes, Mozilla provides such a control mechanism) Provide details as to the control mechanism available.`,
			`If the answer to either of the first two questions is no, reviewers give an r-. **Incremental changes to measurements or systems that have previously gone through analysis review may not require additional review.**`,
		},
		labels: []string{"control mechanism", "control", "opt-out"},
	}
	reviewPermanent = questionSpec{
		topic:     ReviewPermanent,
		keywords:  []string{"permanent", "monitor"},
		templates: []string{`If the request is for permanent data collection, is there someone who will monitor the data over time?**`},
		labels:    []string{"permanent collection", "permanent", "monitoring"},
	}
	reviewCategory = questionSpec{
		topic:     ReviewCategory,
		keywords:  []string{"categor", "collection type", "type of data"},
		templates: []string{`Using the **[category system of data types](x)** on the Mozilla wiki, what collection type of data do the requested measurements fall under?  **`},
		labels:    []string{"category", "data category", "categories", "collection type"},
	}
	reviewDefaultOn = questionSpec{
		topic:     ReviewDefaultOn,
		keywords:  []string{"default"},
		templates: []string{`Is the data collection request for default-on or default-off?`},
		labels:    []string{"default-on or default-off", "default on or default off", "default on/off", "default-on/off", "default on or off"},
	}
	reviewIdentifiers = questionSpec{
		topic:     ReviewIdentifiers,
		keywords:  []string{"identifier"},
		templates: []string{`Does the instrumentation include the addition of **any *new* identifiers** (whether anonymous or otherwise; e.g., username, random IDs, etc.  See the appendix for more details)?`},
		labels:    []string{"new identifiers", "identifiers"},
	}
	reviewPrivacyNotice = questionSpec{
		topic:    ReviewPrivacyNotice,
		keywords: []string{"privacy"},
		templates: []string{
			`Is the data collection covered by the existing Firefox privacy notice? **If unsure: escalate to legal if:**`,
			`The data includes new identifiers; OR`,
			`The data falls within the Web activity category AND is default-on.`,
		},
		labels: []string{"privacy notice", "privacy policy"},
	}
	reviewCheckIn = questionSpec{
		topic:     ReviewCheckIn,
		keywords:  []string{"check-in", "check in", "renew"},
		templates: []string{`Does there need to be a check-in in the future to determine whether to renew the data? (Yes/No) (If yes, set a todo reminder or file a bug if appropriate)**`},
		labels:    []string{"check-in", "renewal check-in", "renewal"},
	}
	reviewThirdParty = questionSpec{
		topic:     ReviewThirdParty,
		keywords:  []string{"third-party", "third party", "3rd party", "3rd-party"},
		templates: []string{`Does the data collection use a third-party collection tool? **If yes, escalate to legal.**`},
		labels:    []string{"third-party tool", "third party tool", "third-party collection tool", "third-party"},
	}
)

// reviewLayouts are the review form's versions, in the order a tie is
// broken: the current form first. The indexes are layoutCurrent8,
// layoutFirst8 and layoutNine.
var reviewLayouts = []formLayout{
	{Review8Q, []questionSpec{reviewDocumentation, reviewControl, reviewPermanent, reviewCategory, reviewDefaultOn, reviewIdentifiers, reviewPrivacyNotice, reviewThirdParty}},
	{Review8Q, []questionSpec{reviewDocumentation, reviewControl, reviewPermanent, reviewCategory, reviewDefaultOn, reviewIdentifiers, reviewPrivacyNotice, reviewCheckIn}},
	{Review9Q, []questionSpec{reviewDocumentation, reviewControl, reviewPermanent, reviewCategory, reviewDefaultOn, reviewIdentifiers, reviewPrivacyNotice, reviewCheckIn, reviewThirdParty}},
}

const (
	layoutCurrent8 = iota // 2021 on: Q8 the third-party tool
	layoutFirst8          // 2017: Q8 the renewal check-in
	layoutNine            // 2019-2020: Q8 check-in, Q9 third-party tool
)

var compiledReviewLayouts = func() [][]compiledSpec {
	out := make([][]compiledSpec, len(reviewLayouts))
	for i, l := range reviewLayouts {
		out[i] = compileLayout(l)
	}
	return out
}()

// minNamedReviewQuestions is how many questions a text must name (numbered
// and with the question's words) to be a review form: a comment that quotes
// one or two questions is not a review.
const minNamedReviewQuestions = 3

// ParseReview reads a Data Review form (the 8- and 9-question versions) as
// stewards write it: questions numbered "1)", "1.", "Q1:", in bold or as
// headings, answers on the same line or below, in quotes or bullets, and the
// result anywhere. Short reviews that are only "1) ... 8) ..." under a
// result line are read as the current form (the 9-question one for nine
// items). It never fails and never panics; runtime is linear in len(text).
func ParseReview(text string) *Review {
	lines := scanLines(text)
	stop := make([]bool, len(lines))
	rev := &Review{Version: ReviewNone, Answers: []FormAnswer{}}
	for i, fl := range lines {
		if res, ok := resultOf(fl); ok {
			stop[i] = true
			rev.Result, rev.ResultText = res, strings.TrimSpace(fl.body)
		}
	}
	li, strong, score := bestLayout(lines, compiledReviewLayouts)
	if score < minNamedReviewQuestions {
		// A bare numbered review under a result line.
		switch {
		case rev.Result == ResultNone:
			return rev
		case bareSequence(lines, 9, stop):
			li = layoutNine
		case bareSequence(lines, 8, stop):
			li = layoutCurrent8
		default:
			return rev
		}
		strong = make([][]bool, len(lines))
	}
	specs := compiledReviewLayouts[li]
	headers := placeHeaders(lines, strong, len(specs), stop)
	rev.Version = reviewLayouts[li].version
	rev.Answers = extractAnswers(lines, specs, headers, stop)
	return rev
}

// resultRE matches a result line: an optional label ("Result:"), then
// data-review+/-, datareview+/-, "data review+" or r+/r- with no space before
// the sign ("Data review - notes" is a title, not a verdict), then nothing
// that continues the word.
var resultRE = regexp.MustCompile(`(?i)^[^\pL\pN]*(?:(?:data[- ]?review\s+)?(?:final\s+)?(?:result|outcome|verdict|decision|status)\s*[:=]?\s*)?(data[- _]?review|r)([+\-])(?:$|[^\pL\pN+\-])`)

// resultOf reads a result line; numbered lines are questions, not results.
func resultOf(fl formLine) (ReviewResult, bool) {
	if fl.num != 0 || fl.text == "" {
		return ResultNone, false
	}
	m := resultRE.FindStringSubmatch(fl.text)
	if m == nil {
		return ResultNone, false
	}
	if m[2] == "+" {
		return ResultGranted, true
	}
	return ResultDenied, true
}
