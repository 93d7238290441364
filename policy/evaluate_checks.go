package policy

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// evaluation holds one Evaluate call's state: the checks below append
// findings in the order a requester reads the form.
type evaluation struct {
	req   *Request
	rules *Rules
	now   time.Time

	highest  int
	findings []Finding
	// trustVerdict marks codes raised in a channel whose verdict is
	// needs-trust-approval: they ask Trust whatever the escalation table says.
	trustVerdict map[string]bool
}

func (e *evaluation) run() {
	e.trustVerdict = map[string]bool{}
	if !isForm(e.req.Version) {
		e.add(CodeNotADataReviewForm, 0, "",
			"This text does not follow the Data Review Request form, so nothing in it can be checked. "+
				"Attach the filled-in request form (https://github.com/mozilla/data-review/blob/main/request.md) as text, "+
				"or paste it into a comment, with each question's number and your answer after it.")
		return
	}
	e.checkVersion()
	e.checkAnswers()
	e.checkCategories()
	e.checkDefaultOn()
	e.checkThirdParty()
	e.checkIdentifiers()
	e.checkExpiry()
	e.checkDocumentation()
}

func (e *evaluation) add(code string, question int, measurement, message string) {
	e.findings = append(e.findings, Finding{Code: code, Question: question, Measurement: measurement, Message: message})
}

// num returns the question number of a topic in the request's version, 0 when
// the version has no such question.
func (e *evaluation) num(t Topic) int {
	if a, ok := e.req.Answer(t); ok {
		return a.Number
	}
	return 0
}

// ref names a question for a message: "Q7 (how long the data will be collected)".
func (e *evaluation) ref(t Topic) string {
	if n := e.num(t); n > 0 {
		return fmt.Sprintf("Q%d (%s)", n, topicLabel[t])
	}
	return "the form"
}

// quote shows requester text inside a message: cleaned of control
// characters, on one line and cut to a readable length.
func quote(s string) string { return `"` + cleanText(s, 80) + `"` }

var oldFormLacks = map[FormVersion]string{
	FormRequest9Q:  "the documentation link, the opt-out mechanism and the third-party tool",
	FormRequest10Q: "the documentation link and the third-party tool",
	FormRequest11Q: "the documentation link",
}

func (e *evaluation) checkVersion() {
	lacks, old := oldFormLacks[e.req.Version]
	if !old {
		return
	}
	n := strings.TrimSuffix(strings.TrimPrefix(string(e.req.Version), "request-"), "q")
	e.add(CodeOldFormVersion, 0, "", fmt.Sprintf(
		"This request uses an older %s-question form. The current form has 12 questions and also asks for %s: "+
			"copy your answers into the current form (https://github.com/mozilla/data-review/blob/main/request.md) and answer the new questions.",
		n, lacks))
}

func (e *evaluation) checkAnswers() {
	for _, a := range e.req.Answers {
		if a.Answered {
			continue
		}
		if a.Topic == TopicOptOut && tri(e.req.DefaultOn) == No {
			continue // the question only applies to default-on collections
		}
		label, hint := topicLabel[a.Topic], topicHint[a.Topic]
		if label == "" {
			label, hint = "this question", "answer it in your own words"
		}
		if a.QuestionNotFound {
			// not "unanswered": its answer may well be there, under the
			// previous question
			e.add(CodeQuestionNotFound, a.Number, "", fmt.Sprintf(
				"I could not find the question line for Q%d (%s); was it edited or removed? "+
					"Keep each question of the form on a line of its own, followed by your answer.",
				a.Number, label))
			continue
		}
		e.add(CodeMissingAnswers, a.Number, "", fmt.Sprintf(
			"Q%d (%s) is not answered: %s. Every question is mandatory; \"N/A\" or \"No\" are answers when they are true.",
			a.Number, label, hint))
	}
}

// checkCategories finds the highest category and flags uncategorised and
// category 4 measurements.
func (e *evaluation) checkCategories() {
	q := e.num(TopicMeasurements)
	present := map[int]bool{}
	for _, m := range e.req.Measurements {
		c := m.Category
		if c < 1 || c > 4 {
			e.add(CodeMeasurementWithoutCategory, q, m.Name, fmt.Sprintf(
				"Measurement %s has no data collection category: give it one of category 1 (technical), 2 (interaction), "+
					"3 (stored content & communications) or 4 (highly sensitive). The request is characterised by its highest category.",
				quote(m.Name)))
			continue
		}
		present[c] = true
		e.highest = max(e.highest, c)
	}
	if c := e.req.Category; c >= 1 && c <= 4 {
		e.highest = max(e.highest, c) // stated for the whole request in prose
	}
	if len(e.req.Measurements) == 0 && e.req.Category == 0 {
		if a, ok := e.req.Answer(TopicMeasurements); ok && a.Answered {
			e.add(CodeMeasurementWithoutCategory, q, "", fmt.Sprintf(
				"%s is answered, but no measurement with a category could be read from it: "+
					"list each measurement on its own row or line with its category, for example \"search.engine_used, category 2 (interaction)\".",
				e.ref(TopicMeasurements)))
		}
	}
	for _, m := range e.req.Measurements {
		if m.Category == 4 {
			e.add(CodeCategory4, q, m.Name, fmt.Sprintf(
				"Measurement %s is category 4 (highly sensitive): any such collection needs prior Trust approval, advance notice to users, "+
					"their consent and an opt-out, and it cannot be default-on. The request goes to Trust and Legal; "+
					"if the data is less sensitive than that, explain why and correct its category.",
				quote(m.Name)))
		}
	}
	if len(e.req.Measurements) == 0 && e.req.Category == 4 {
		e.add(CodeCategory4, q, "", fmt.Sprintf(
			"%s says the data is category 4 (highly sensitive): any such collection needs prior Trust approval, advance notice to users, "+
				"their consent and an opt-out, and it cannot be default-on. The request goes to Trust and Legal.",
			e.ref(TopicMeasurements)))
	}
	if e.highest == 4 {
		return
	}
	for i, c := range e.rules.IdentifyingCombinations {
		if !e.combines(c, present) {
			continue
		}
		e.highest = 4
		why := c.Why
		if why == "" {
			why = "the rules count this combination as identifying"
		}
		with := ""
		if c.NewIdentifier {
			with = " together with a new identifier"
		}
		e.add(CodeCategory4, q, "", fmt.Sprintf(
			"The measurements in %s combine categories %s%s, which together identify a person (%s; rule identifying_combinations[%d]), "+
				"so the request counts as category 4: it needs prior Trust approval, notice, consent and an opt-out. "+
				"Drop one of the parts, or explain why the combination cannot identify anyone.",
			e.ref(TopicMeasurements), joinInts(c.Categories), with, why, i))
		return
	}
}

func (e *evaluation) combines(c Combination, present map[int]bool) bool {
	if len(c.Categories) == 0 {
		return false
	}
	for _, cat := range c.Categories {
		if !present[cat] {
			return false
		}
	}
	return !c.NewIdentifier || tri(e.req.NewIdentifiers) == Yes
}

func (e *evaluation) checkThirdParty() {
	if tri(e.req.ThirdParty) != Yes {
		return
	}
	tool := "a third-party tool"
	if t := strings.TrimSpace(e.req.ThirdPartyTool); t != "" {
		tool = "a third-party tool, " + quote(t) + ","
	}
	const then = "so the request goes to Legal. Make sure the %s says what the tool receives and " +
		"whether the data goes through Mozilla's backend or directly to the third party."
	switch r := e.req; {
	case r.ThirdPartyToolMeasurement != "":
		e.add(CodeThirdPartyTool, e.num(TopicMeasurements), r.ThirdPartyToolMeasurement, fmt.Sprintf(
			"Measurement %s names %s that collects this data, "+then, quote(r.ThirdPartyToolMeasurement), tool, "request"))
	case r.ThirdPartyToolTopic != "" && e.num(r.ThirdPartyToolTopic) > 0:
		e.add(CodeThirdPartyTool, e.num(r.ThirdPartyToolTopic), "", fmt.Sprintf(
			"%s names %s that collects this data, "+then, e.ref(r.ThirdPartyToolTopic), tool, "request"))
	default:
		e.add(CodeThirdPartyTool, e.num(TopicThirdParty), "", fmt.Sprintf(
			"%s says %s collects this data, "+then, e.ref(TopicThirdParty), tool, "answer"))
	}
}

// looksLikeIdentifier reports a measurement that holds a new identifier,
// read as the parser reads it (parse_request_identifiers.go): named or
// described as one, neither denied nor called existing.
func looksLikeIdentifier(m Measurement) bool {
	return reqNamesNewIdentifier(reqSplitCamel(m.Name) + " " + m.Description)
}

func (e *evaluation) checkIdentifiers() {
	if tri(e.req.NewIdentifiers) != Yes {
		return
	}
	q := e.num(TopicMeasurements)
	found := false
	for _, m := range e.req.Measurements {
		if !looksLikeIdentifier(m) {
			continue
		}
		found = true
		e.add(CodeNewIdentifier, q, m.Name, fmt.Sprintf(
			"Measurement %s looks like a new identifier (a value tied to one user or device, random or not), so the request goes to Legal. "+
				"If it is not new (for example the existing Telemetry client_id), say so in its description.",
			quote(m.Name)))
	}
	if !found {
		e.add(CodeNewIdentifier, q, "", fmt.Sprintf(
			"The request adds a new identifier (a value tied to one user or device, random or not), so it goes to Legal. "+
				"Name the measurement that holds it in %s and say why it is needed.", e.ref(TopicMeasurements)))
	}
}

func (e *evaluation) checkDocumentation() {
	if len(e.req.DocLinks) > 0 {
		return
	}
	a, has := e.req.Answer(TopicDocumentation)
	switch {
	case !has:
		e.add(CodeDocumentationMissing, 0, "",
			"The request links to no public documentation of the data, and this form version has no question for it: "+
				"add a link (for Glean metrics the Glean Dictionary, for Telemetry the Probe Dictionary), "+
				"since the steward must check that the collection is documented publicly.")
	case a.Answered:
		e.add(CodeDocumentationMissing, a.Number, "", fmt.Sprintf(
			"%s gives no link: add the address of the public documentation of this data "+
				"(for Glean metrics the Glean Dictionary, for Telemetry the Probe Dictionary).", e.ref(TopicDocumentation)))
	}
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}
