package policy

// CONTRACT STUB: agreed signatures so that evaluation, rendering and the bot can be
// written in parallel with the parser. Implementers replace these bodies in their own
// files and delete the stub lines they implement.

import "time"

// ParseRequest reads a Data Review Request form as people really write it.
// It never fails and never panics; runtime is linear in len(text).
func ParseRequest(text string) *Request { return &Request{Version: FormNone} }

// Channel is where a collection ships.
type Channel string

const (
	ChannelRelease    Channel = "release"
	ChannelPreRelease Channel = "prerelease"
)

// Verdict says whether a collection may be default-on in a channel.
type Verdict string

const (
	VerdictAllowed    Verdict = "allowed"
	VerdictNeedsTrust Verdict = "needs-trust-approval"
	VerdictNotAllowed Verdict = "not-allowed"
	VerdictUnknown    Verdict = "unknown"
)

// Finding is one thing a steward would point out.
type Finding struct {
	Code        string `json:"code"`                  // stable code, e.g. "missing-answers"
	Question    int    `json:"question,omitempty"`    // question number in the form's version
	Measurement string `json:"measurement,omitempty"` // measurement name
	Message     string `json:"message"`               // words a requester can act on
}

// Escalation says who must look beyond the steward, and why.
type Escalation struct {
	To      string   `json:"to"`      // "trust" or "legal"
	Reasons []string `json:"reasons"` // finding codes
}

// Analysis is the result of Evaluate.
type Analysis struct {
	Request         *Request            `json:"-"`
	HighestCategory int                 `json:"highest_category"`
	DefaultOn       map[Channel]Verdict `json:"default_on_verdict"`
	Escalations     []Escalation        `json:"escalations"`
	Findings        []Finding           `json:"findings"`
	Draft           []ReviewAnswerDraft `json:"draft_review"`
}

// ReviewAnswerDraft is one review question pre-answered from the request, or left for a human.
type ReviewAnswerDraft struct {
	Number   int    `json:"number"`
	Question string `json:"question"`
	Answer   string `json:"answer"`
	Human    bool   `json:"needs_human"` // true when the steward must answer
}

// Rules is the policy as data (YAML with embedded defaults).
type Rules struct{}

// DefaultRules returns the built-in rules.
func DefaultRules() *Rules { return &Rules{} }

// Evaluate applies rules to a parsed request at time now.
func Evaluate(r *Request, rules *Rules, now time.Time) *Analysis { return &Analysis{Request: r} }
