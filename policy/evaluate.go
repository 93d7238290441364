package policy

import (
	"time"
)

// Escalation says who must look beyond the steward, and why.
type Escalation struct {
	To      string   `json:"to"`      // "trust" or "legal"
	Reasons []string `json:"reasons"` // finding codes, in finding order
}

// Analysis is the result of Evaluate: what a data steward would check first.
// Its JSON form is the documented Report (see Report and docs/analyze-json.md).
type Analysis struct {
	Request *Request
	// Product is the product whose overrides were applied, "" for none.
	Product string
	// HighestCategory characterises the request: the highest data collection
	// category among its measurements (4 when a rules combination says its
	// categories together identify a person); 0 when none is known.
	HighestCategory int
	// DefaultOn is the verdict for a default-on collection of HighestCategory
	// in each channel, whatever the request asks for.
	DefaultOn   map[Channel]Verdict
	Escalations []Escalation
	Findings    []Finding
	// Draft is the steward's review form (the current 8-question version)
	// pre-answered from the request, each answer either filled in or marked
	// as needing a human.
	Draft []ReviewAnswerDraft
}

// EvalOptions are the optional inputs of EvaluateWith.
type EvalOptions struct {
	// Product selects per-product overrides from the rules (matched without
	// regard to case). An unknown product uses the base rules: callers that
	// take a product name from a person should check it with Rules.ForProduct.
	Product string
}

// Evaluate applies rules to a parsed request at time now. A nil request is
// treated as a text that is not a form; nil rules mean DefaultRules().
func Evaluate(r *Request, rules *Rules, now time.Time) *Analysis {
	return EvaluateWith(r, rules, now, EvalOptions{})
}

// EvaluateWith is Evaluate with options. It is a pure function of its inputs.
func EvaluateWith(r *Request, rules *Rules, now time.Time, opts EvalOptions) *Analysis {
	if r == nil {
		r = &Request{Version: FormNone}
	}
	if rules == nil {
		rules = DefaultRules()
	}
	eff, known := rules.ForProduct(opts.Product)
	e := &evaluation{req: r, rules: eff, now: now}
	a := &Analysis{Request: r, DefaultOn: map[Channel]Verdict{}}
	if known {
		a.Product = eff.product
	}
	e.run()
	a.HighestCategory = e.highest
	for _, ch := range Channels() {
		a.DefaultOn[ch] = eff.DefaultOn.Verdict(ch, e.highest)
	}
	a.Findings = e.findings
	if a.Findings == nil {
		a.Findings = []Finding{}
	}
	a.Escalations = e.escalations()
	a.Draft = draftReview(e)
	return a
}

// Reasons returns the distinct finding codes, in finding order.
func (a *Analysis) Reasons() []string {
	out := []string{}
	seen := map[string]bool{}
	for _, f := range a.Findings {
		if !seen[f.Code] {
			seen[f.Code] = true
			out = append(out, f.Code)
		}
	}
	return out
}

// NeedsEscalation reports whether the analysis escalates to team ("trust" or "legal").
func (a *Analysis) NeedsEscalation(team string) bool {
	for _, e := range a.Escalations {
		if e.To == team {
			return true
		}
	}
	return false
}

// Has reports whether some finding has the code.
func (a *Analysis) Has(code string) bool {
	for _, f := range a.Findings {
		if f.Code == code {
			return true
		}
	}
	return false
}

// Answered returns the numbers of the questions the requester answered.
func (a *Analysis) Answered() []int { return a.questions(true) }

// Missing returns the numbers of the questions left unanswered.
func (a *Analysis) Missing() []int { return a.questions(false) }

func (a *Analysis) questions(answered bool) []int {
	out := []int{}
	if a.Request == nil || !isForm(a.Request.Version) {
		return out
	}
	for _, ans := range a.Request.Answers {
		if ans.Answered == answered {
			out = append(out, ans.Number)
		}
	}
	return out
}

// isForm reports whether a version names a request form (any version,
// including one newer than this code knows).
func isForm(v FormVersion) bool { return v != FormNone && v != "" }

// tri maps the zero value of Tri to Unknown.
func tri(t Tri) Tri {
	if t == Yes || t == No {
		return t
	}
	return Unknown
}
