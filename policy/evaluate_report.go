package policy

import "encoding/json"

// ReportSchema names the version of the Report JSON. Fields may be added
// within a version; none is renamed, removed or changes meaning.
const ReportSchema = "stewardbot.analysis/v1"

// Report is the stable JSON form of an Analysis: what `stewardbot analyze
// --format json` prints and what the bot stores. docs/analyze-json.md
// documents every field. Lists are never null: an empty list is [].
type Report struct {
	Schema          string              `json:"schema"`
	FormVersion     FormVersion         `json:"form_version"`
	Product         string              `json:"product"`
	Answered        []int               `json:"answered"`
	Missing         []int               `json:"missing"`
	Measurements    []ReportMeasurement `json:"measurements"`
	HighestCategory int                 `json:"highest_category"`
	// DefaultOn is what the request asks for: "yes", "no" or "unknown".
	DefaultOn Tri `json:"default_on"`
	// DefaultOnVerdict may a collection of the highest category be default-on, per channel.
	DefaultOnVerdict     map[Channel]Verdict `json:"default_on_verdict"`
	Channels             []string            `json:"channels"`
	Release              Tri                 `json:"release"`
	PreRelease           Tri                 `json:"prerelease"`
	Expiry               []Expiry            `json:"expiry"`
	Permanent            bool                `json:"permanent"`
	Owner                string              `json:"owner"`
	OptOut               string              `json:"opt_out"`
	DocumentationLinks   []string            `json:"documentation_links"`
	ThirdPartyTool       Tri                 `json:"third_party_tool"`
	ThirdPartyToolName   string              `json:"third_party_tool_name"`
	NewIdentifiers       Tri                 `json:"new_identifiers"`
	NeedsTrustEscalation bool                `json:"needs_trust_escalation"`
	NeedsLegalEscalation bool                `json:"needs_legal_escalation"`
	Escalations          []Escalation        `json:"escalations"`
	Reasons              []string            `json:"reasons"`
	Findings             []Finding           `json:"findings"`
	DraftReviewVersion   ReviewVersion       `json:"draft_review_version"`
	DraftReview          []ReviewAnswerDraft `json:"draft_review"`
}

// ReportMeasurement is one measurement in a Report.
type ReportMeasurement struct {
	Name         string `json:"name"`
	Category     int    `json:"category"` // 1..4; 0 when none was written
	CategoryText string `json:"category_text,omitempty"`
}

// Report returns the stable JSON form of the analysis.
func (a *Analysis) Report() Report {
	r := a.Request
	if r == nil {
		r = &Request{Version: FormNone}
	}
	version := r.Version
	if version == "" {
		version = FormNone
	}
	rep := Report{
		Schema:               ReportSchema,
		FormVersion:          version,
		Product:              a.Product,
		Answered:             a.Answered(),
		Missing:              a.Missing(),
		Measurements:         []ReportMeasurement{},
		HighestCategory:      a.HighestCategory,
		DefaultOn:            tri(r.DefaultOn),
		DefaultOnVerdict:     map[Channel]Verdict{},
		Channels:             nonNil(r.Channels),
		Release:              tri(r.Release),
		PreRelease:           tri(r.PreRelease),
		Expiry:               nonNil(r.Expiries),
		Permanent:            r.Permanent,
		Owner:                r.Owner,
		OptOut:               r.OptOut,
		DocumentationLinks:   nonNil(r.DocLinks),
		ThirdPartyTool:       tri(r.ThirdParty),
		ThirdPartyToolName:   r.ThirdPartyTool,
		NewIdentifiers:       tri(r.NewIdentifiers),
		NeedsTrustEscalation: a.NeedsEscalation(EscalateTrust),
		NeedsLegalEscalation: a.NeedsEscalation(EscalateLegal),
		Escalations:          []Escalation{},
		Reasons:              a.Reasons(),
		Findings:             nonNil(a.Findings),
		DraftReviewVersion:   DraftReviewVersion,
		DraftReview:          nonNil(a.Draft),
	}
	for _, x := range r.Expiries {
		if x.Kind == ExpiryNever {
			rep.Permanent = true
		}
	}
	for _, m := range r.Measurements {
		rep.Measurements = append(rep.Measurements, ReportMeasurement{Name: m.Name, Category: m.Category, CategoryText: m.CategoryText})
	}
	for _, ch := range Channels() {
		v, ok := a.DefaultOn[ch]
		if !ok {
			v = VerdictUnknown
		}
		rep.DefaultOnVerdict[ch] = v
	}
	for _, e := range a.Escalations {
		rep.Escalations = append(rep.Escalations, Escalation{To: e.To, Reasons: nonNil(e.Reasons)})
	}
	return rep
}

// MarshalJSON encodes the analysis as its Report.
func (a Analysis) MarshalJSON() ([]byte, error) {
	return json.Marshal(a.Report())
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
