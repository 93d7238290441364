package policy

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// Channel is where a collection ships.
type Channel string

const (
	ChannelRelease    Channel = "release"
	ChannelPreRelease Channel = "prerelease" // Nightly, Beta, Developer Edition, Preview...
)

// Channels lists the channels the default-on table covers, in display order.
func Channels() []Channel { return []Channel{ChannelRelease, ChannelPreRelease} }

// Verdict says whether a collection may be default-on in a channel.
type Verdict string

const (
	VerdictAllowed    Verdict = "allowed"
	VerdictNeedsTrust Verdict = "needs-trust-approval"
	VerdictNotAllowed Verdict = "not-allowed"
	VerdictUnknown    Verdict = "unknown" // the highest category is not known
)

// Escalation targets.
const (
	EscalateTrust = "trust"
	EscalateLegal = "legal"
)

// DefaultOnTable gives, per channel, the verdict for a default-on collection
// whose highest category is 1 to 4.
type DefaultOnTable map[Channel]map[int]Verdict

// Verdict looks up one cell; VerdictUnknown for category 0 or a missing cell.
func (t DefaultOnTable) Verdict(ch Channel, category int) Verdict {
	if v, ok := t[ch][category]; ok {
		return v
	}
	return VerdictUnknown
}

// Rules is the data collection policy as data. Load it with DefaultRules or
// ParseRules (which merges a file over the defaults) and evaluate requests
// against it with Evaluate; nothing in it is code.
type Rules struct {
	Version int `yaml:"version"`
	// DefaultOn is the default-on eligibility table (DESIGN.md).
	DefaultOn DefaultOnTable `yaml:"default_on"`
	// Escalations maps a finding code to the teams it escalates to (trust, legal).
	Escalations map[string][]string `yaml:"escalations"`
	Expiry      ExpiryRules         `yaml:"expiry"`
	// IdentifyingCombinations lists category combinations that together
	// identify a person and so count as category 4. Empty by default.
	IdentifyingCombinations []Combination `yaml:"identifying_combinations"`
	// ThirdPartyTools are the collection tools (analytics, crash, attribution
	// and survey vendors) that make a request's prose name a third-party
	// tool, whatever the form version asks.
	ThirdPartyTools []ThirdPartyTool `yaml:"third_party_tools"`
	// Products holds per-product overrides, keyed by Bugzilla product name.
	Products map[string]ProductRules `yaml:"products"`

	product string // set by ForProduct: whose overrides are applied
}

// ExpiryRules are the expiry norms.
type ExpiryRules struct {
	MaxDays             int  `yaml:"max_days"`              // a dated expiry further away than this is flagged
	PermanentNeedsOwner bool `yaml:"permanent_needs_owner"` // a permanent collection must name its owner
}

// Combination is a set of categories that together identify a person.
type Combination struct {
	Categories    []int  `yaml:"categories"`               // all must appear among the measurements
	NewIdentifier bool   `yaml:"new_identifier,omitempty"` // and the request must add a new identifier
	Why           string `yaml:"why,omitempty"`            // shown in the finding
}

// ThirdPartyTool is one known third-party collection tool.
type ThirdPartyTool struct {
	Name string `yaml:"name"`
	// MatchCase is for names that are also English words ("Adjust",
	// "Segment"): they count only written with their capitals, and not as
	// the first word of a sentence unless a tool word follows ("Adjust
	// SDK").
	MatchCase bool `yaml:"match_case,omitempty"`
}

// ProductRules overrides parts of the rules for one product.
type ProductRules struct {
	DefaultOn   DefaultOnTable      `yaml:"default_on,omitempty"`  // cells replace the base table's
	Escalations map[string][]string `yaml:"escalations,omitempty"` // codes replace the base's
	Expiry      ExpiryOverride      `yaml:"expiry,omitempty"`
}

// ExpiryOverride sets some expiry norms; nil fields keep the base value.
type ExpiryOverride struct {
	MaxDays             *int  `yaml:"max_days,omitempty"`
	PermanentNeedsOwner *bool `yaml:"permanent_needs_owner,omitempty"`
}

// rulesFile is what a rules YAML file says: every field optional, so that
// what it leaves out keeps the default.
type rulesFile struct {
	Version                 *int                    `yaml:"version"`
	DefaultOn               DefaultOnTable          `yaml:"default_on"`
	Escalations             map[string][]string     `yaml:"escalations"`
	Expiry                  ExpiryOverride          `yaml:"expiry"`
	IdentifyingCombinations *[]Combination          `yaml:"identifying_combinations"`
	ThirdPartyTools         *[]ThirdPartyTool       `yaml:"third_party_tools"`
	Products                map[string]ProductRules `yaml:"products"`
}

//go:embed rules_default.yaml
var defaultRulesYAML []byte

// DefaultRulesYAML returns the built-in rules file, comments included: the
// starting point for a custom rules file.
func DefaultRulesYAML() []byte { return bytes.Clone(defaultRulesYAML) }

var defaultRulesFile = sync.OnceValue(func() *rulesFile {
	f, err := decodeRulesFile(defaultRulesYAML)
	if err != nil {
		panic("policy: built-in rules_default.yaml does not parse: " + err.Error())
	}
	return f
})

// DefaultRules returns the built-in rules (rules_default.yaml). Each call
// returns a fresh copy that the caller may change.
func DefaultRules() *Rules {
	r := &Rules{}
	r.apply(defaultRulesFile())
	return r
}

// ParseRules reads a rules YAML file and merges it over the defaults. Unknown
// keys are errors; the merged rules must pass Validate. Empty input gives the
// defaults.
func ParseRules(data []byte) (*Rules, error) {
	f, err := decodeRulesFile(data)
	if err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	r := DefaultRules()
	r.apply(f)
	if err := r.Validate(); err != nil {
		return nil, err
	}
	return r, nil
}

func decodeRulesFile(data []byte) (*rulesFile, error) {
	f := &rulesFile{}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(f); err != nil {
		if errors.Is(err, io.EOF) {
			return f, nil // empty file: nothing overridden
		}
		return nil, err
	}
	var extra any
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, errors.New("more than one YAML document; put all rules in one")
	}
	return f, nil
}

// apply merges a rules file over r: what the file sets replaces r's value.
func (r *Rules) apply(f *rulesFile) {
	if f.Version != nil {
		r.Version = *f.Version
	}
	r.DefaultOn = mergeTable(r.DefaultOn, f.DefaultOn)
	r.Escalations = mergeEscalations(r.Escalations, f.Escalations)
	r.Expiry = r.Expiry.with(f.Expiry)
	if f.IdentifyingCombinations != nil {
		r.IdentifyingCombinations = cloneCombinations(*f.IdentifyingCombinations)
	}
	if r.IdentifyingCombinations == nil {
		r.IdentifyingCombinations = []Combination{}
	}
	if f.ThirdPartyTools != nil {
		r.ThirdPartyTools = slices.Clone(*f.ThirdPartyTools)
	}
	if r.ThirdPartyTools == nil {
		r.ThirdPartyTools = []ThirdPartyTool{}
	}
	if r.Products == nil {
		r.Products = map[string]ProductRules{}
	}
	for name, p := range f.Products {
		r.Products[name] = p.clone()
	}
}

// Clone returns a deep copy.
func (r *Rules) Clone() *Rules {
	c := *r
	c.DefaultOn = mergeTable(nil, r.DefaultOn)
	c.Escalations = mergeEscalations(nil, r.Escalations)
	c.IdentifyingCombinations = cloneCombinations(r.IdentifyingCombinations)
	c.ThirdPartyTools = slices.Clone(r.ThirdPartyTools)
	c.Products = make(map[string]ProductRules, len(r.Products))
	for name, p := range r.Products {
		c.Products[name] = p.clone()
	}
	return &c
}

// ProductNames returns the names of the products with overrides, sorted.
func (r *Rules) ProductNames() []string {
	return slices.Sorted(maps.Keys(r.Products))
}

// ForProduct returns the rules with the product's overrides applied, and
// whether the product has any. The product name is matched without regard to
// case; an empty or unknown name gives r itself and false.
func (r *Rules) ForProduct(product string) (*Rules, bool) {
	name, ok := r.productKey(product)
	if !ok {
		return r, false
	}
	p := r.Products[name]
	c := r.Clone()
	c.DefaultOn = mergeTable(c.DefaultOn, p.DefaultOn)
	c.Escalations = mergeEscalations(c.Escalations, p.Escalations)
	c.Expiry = c.Expiry.with(p.Expiry)
	c.product = name
	return c, true
}

// productKey finds the key of a product's overrides: the exact name, or
// the one equal to it without regard to case and surrounding space.
func (r *Rules) productKey(product string) (string, bool) {
	if strings.TrimSpace(product) == "" {
		return "", false
	}
	if _, ok := r.Products[product]; ok {
		return product, true
	}
	for _, name := range r.ProductNames() {
		if strings.EqualFold(strings.TrimSpace(name), strings.TrimSpace(product)) {
			return name, true
		}
	}
	return "", false
}

func (e ExpiryRules) with(o ExpiryOverride) ExpiryRules {
	if o.MaxDays != nil {
		e.MaxDays = *o.MaxDays
	}
	if o.PermanentNeedsOwner != nil {
		e.PermanentNeedsOwner = *o.PermanentNeedsOwner
	}
	return e
}

func (p ProductRules) clone() ProductRules {
	c := ProductRules{
		DefaultOn:   mergeTable(nil, p.DefaultOn),
		Escalations: mergeEscalations(nil, p.Escalations),
	}
	if p.Expiry.MaxDays != nil {
		v := *p.Expiry.MaxDays
		c.Expiry.MaxDays = &v
	}
	if p.Expiry.PermanentNeedsOwner != nil {
		v := *p.Expiry.PermanentNeedsOwner
		c.Expiry.PermanentNeedsOwner = &v
	}
	return c
}

// mergeTable returns a new table: base's cells, then over's cells.
func mergeTable(base, over DefaultOnTable) DefaultOnTable {
	out := DefaultOnTable{}
	for _, t := range []DefaultOnTable{base, over} {
		for ch, row := range t {
			if out[ch] == nil {
				out[ch] = map[int]Verdict{}
			}
			maps.Copy(out[ch], row)
		}
	}
	return out
}

// mergeEscalations returns a new map: base's codes, then over's (a code in
// over replaces base's targets for it, even with an empty list).
func mergeEscalations(base, over map[string][]string) map[string][]string {
	out := map[string][]string{}
	for _, m := range []map[string][]string{base, over} {
		for code, to := range m {
			out[code] = append([]string{}, to...)
		}
	}
	return out
}

func cloneCombinations(cs []Combination) []Combination {
	out := make([]Combination, 0, len(cs))
	for _, c := range cs {
		c.Categories = slices.Clone(c.Categories)
		out = append(out, c)
	}
	return out
}
