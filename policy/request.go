package policy

// FormVersion names the template a request text follows.
type FormVersion string

const (
	FormNone       FormVersion = "none" // not a data review request form
	FormRequest9Q  FormVersion = "request-9q"
	FormRequest10Q FormVersion = "request-10q"
	FormRequest11Q FormVersion = "request-11q"
	FormRequest12Q FormVersion = "request-12q"
)

// Topic is the stable meaning of a request question, independent of its number
// in a given template version (the opt-out question is 8 in the 10-question
// form and 9 in the 12-question one).
type Topic string

const (
	TopicQuestions       Topic = "questions"       // What questions will you answer with this data?
	TopicWhy             Topic = "why"             // Why does Mozilla need to answer these questions?
	TopicAlternatives    Topic = "alternatives"    // What alternative methods did you consider?
	TopicInstrumentation Topic = "instrumentation" // Can current instrumentation answer these questions?
	TopicMeasurements    Topic = "measurements"    // List all proposed measurements and their categories
	TopicDocumentation   Topic = "documentation"   // Link to the public documentation (12q only)
	TopicDuration        Topic = "duration"        // How long will this data be collected?
	TopicPopulations     Topic = "populations"     // What populations will you measure?
	TopicOptOut          Topic = "opt-out"         // If default on, what is the opt-out mechanism? (10q+)
	TopicAnalysis        Topic = "analysis"        // How will you analyze this data?
	TopicSharing         Topic = "sharing"         // Where will you share the results?
	TopicThirdParty      Topic = "third-party"     // Is there a third-party tool? (11q+)
)

// Tri is a yes/no answer that may be unknown.
type Tri string

const (
	Unknown Tri = "unknown"
	Yes     Tri = "yes"
	No      Tri = "no"
)

// Answer is one question of the form as the requester filled it in.
type Answer struct {
	Number   int    `json:"number"` // number in the detected template version
	Topic    Topic  `json:"topic"`
	Text     string `json:"text"`     // the requester's own words, template text removed, whitespace normalised, capped at 64 KiB
	Answered bool   `json:"answered"` // false for nothing, TODO/TBD, or template text left unedited
	// QuestionNotFound: the question's line is not in the text at all (an
	// edit beyond recognition, or deleted), so its answer cannot be told
	// apart from the previous one's. Answered is false.
	QuestionNotFound bool `json:"question_not_found,omitempty"`
}

// Measurement is one row of the measurement table (or list item).
type Measurement struct {
	Name         string `json:"name"` // first identifier-like token, without backticks or markup
	Description  string `json:"description,omitempty"`
	Category     int    `json:"category"`                // 1..4, the highest written for the row; 0 when none
	CategoryText string `json:"category_text,omitempty"` // as written
	TrackingBug  string `json:"tracking_bug,omitempty"`
}

// ExpiryKind classifies a normalised expiry.
type ExpiryKind string

const (
	ExpiryNone     ExpiryKind = ""         // not stated
	ExpiryDate     ExpiryKind = "date"     // Value is YYYY-MM-DD
	ExpiryVersion  ExpiryKind = "version"  // Value is "version N"
	ExpiryDuration ExpiryKind = "duration" // Value like "6 months"
	ExpiryNever    ExpiryKind = "never"    // permanent
)

// Expiry is one normalised expiry; a glean_parser form may list several.
type Expiry struct {
	Kind  ExpiryKind `json:"kind"`
	Value string     `json:"value"` // "2027-03-01", "version 140", "6 months", "never"
}

// Request is a parsed Data Review Request form. Parsing never fails: a text
// that is not a form has Version FormNone, and everything unknown is marked so.
type Request struct {
	Version      FormVersion   `json:"form_version"`
	Answers      []Answer      `json:"answers"`      // one per question of Version, in order
	Measurements []Measurement `json:"measurements"` // in form order
	// Category is the category the measurement answer states once for the
	// whole request in prose ("The data falls under Category 2"), read only
	// when no measurement has one of its own; those measurements take it.
	// 0 when none is stated.
	Category       int      `json:"category,omitempty"`
	Expiries       []Expiry `json:"expiries"` // empty when not stated
	Permanent      bool     `json:"permanent"`
	Owner          string   `json:"owner,omitempty"`    // who monitors a permanent collection
	Channels       []string `json:"channels,omitempty"` // normalised: "release", "beta", "nightly", "developer edition", "preview", "esr", "all"
	Release        Tri      `json:"release"`            // collects on release channels
	PreRelease     Tri      `json:"prerelease"`         // collects on pre-release channels
	DefaultOn      Tri      `json:"default_on"`
	OptOut         string   `json:"opt_out,omitempty"` // the described mechanism
	DocLinks       []string `json:"documentation_links,omitempty"`
	ThirdParty     Tri      `json:"third_party_tool"`
	ThirdPartyTool string   `json:"third_party_tool_name,omitempty"`
	// ThirdPartyToolTopic and ThirdPartyToolMeasurement say where a tool
	// named in prose was read (the third-party question's own answer
	// leaves both empty): the answer, or the measurement row, that names it.
	ThirdPartyToolTopic       Topic  `json:"third_party_tool_topic,omitempty"`
	ThirdPartyToolMeasurement string `json:"third_party_tool_measurement,omitempty"`
	NewIdentifiers            Tri    `json:"new_identifiers"` // yes: a measurement or answer adds one (client id, uuid...); no: an answer says none; else unknown
}

// Answer returns the answer for a topic, and false when the version lacks it.
func (r *Request) Answer(t Topic) (Answer, bool) {
	for _, a := range r.Answers {
		if a.Topic == t {
			return a, true
		}
	}
	return Answer{}, false
}
