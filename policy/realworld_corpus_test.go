package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestRealWorldCorpus scores the parser and the default policy on a corpus of
// real public Data Review Request forms kept OUTSIDE the repository (other
// people's text may not be copied here; testdata/realworld/SOURCES.md lists
// where each form comes from). It fetches nothing and runs only when
// STEWARDBOT_CORPUS names a folder of FORM.md files, each with a hand-made
// label FORM.want.json beside it:
//
//	STEWARDBOT_CORPUS=/path/to/forms go test ./policy -run TestRealWorldCorpus -v
//
// It logs every form's mismatches and a per-field summary. Mismatches fail the
// test only when STEWARDBOT_CORPUS_STRICT=1, so the score can be measured
// before the parser reads every form right. A label field that is null is not
// scored (the form is genuinely ambiguous there).
func TestRealWorldCorpus(t *testing.T) {
	dir := os.Getenv("STEWARDBOT_CORPUS")
	if dir == "" {
		t.Skip("STEWARDBOT_CORPUS is not set: no corpus of real forms to score")
	}
	forms, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil || len(forms) == 0 {
		t.Fatalf("STEWARDBOT_CORPUS=%q: no *.md forms found (err %v)", dir, err)
	}
	// A fixed day, so that expiry-too-far does not drift with the calendar.
	now := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	rules := DefaultRules()

	right := map[string]int{}  // field -> forms read right
	scored := map[string]int{} // field -> forms where the field is labelled
	allRight := 0
	for _, path := range forms {
		name := strings.TrimSuffix(filepath.Base(path), ".md")
		want, err := readCorpusLabel(strings.TrimSuffix(path, ".md") + ".want.json")
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		text, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		got := corpusFields(Evaluate(ParseRequest(string(text)), rules, now).Report())

		var diffs []string
		for _, f := range corpusFieldNames {
			w, ok := want[f]
			if !ok {
				continue // null: not scored
			}
			scored[f]++
			if got[f] == w {
				right[f]++
			} else {
				diffs = append(diffs, fmt.Sprintf("%s: got %s, want %s", f, got[f], w))
			}
		}
		if len(diffs) == 0 {
			allRight++
			continue
		}
		t.Logf("%s:\n\t%s", name, strings.Join(diffs, "\n\t"))
		if os.Getenv("STEWARDBOT_CORPUS_STRICT") == "1" {
			t.Errorf("%s: %d field(s) read wrong", name, len(diffs))
		}
	}

	var sum strings.Builder
	fmt.Fprintf(&sum, "real-world corpus: %d forms, %d with all labelled fields exactly right\n", len(forms), allRight)
	for _, f := range corpusFieldNames {
		fmt.Fprintf(&sum, "  %-17s %3d/%-3d right\n", f, right[f], scored[f])
	}
	t.Log("\n" + sum.String())
}

// corpusFieldNames are the scored fields of a label, in report order.
var corpusFieldNames = []string{
	"version", "missing", "measurements", "categories", "highest_category",
	"default_on", "channels", "expiry", "third_party_tool", "new_identifiers",
	"escalations", "finding_codes",
}

// readCorpusLabel reads a FORM.want.json label into canonical strings, one per
// labelled field; a null field is left out. Unknown fields are an error, so a
// typo in a label cannot silently stop a field from being scored.
func readCorpusLabel(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("label: %w", err)
	}
	var l struct {
		Source          string    `json:"source"`
		Version         *string   `json:"version"`
		Missing         *[]int    `json:"missing"`
		Measurements    *int      `json:"measurements"`
		Categories      *[]int    `json:"categories"`
		HighestCategory *int      `json:"highest_category"`
		DefaultOn       *bool     `json:"default_on"`
		Channels        *string   `json:"channels"`
		Expiry          *string   `json:"expiry"`
		ThirdPartyTool  *bool     `json:"third_party_tool"`
		NewIdentifiers  *bool     `json:"new_identifiers"`
		Escalations     *[]string `json:"escalations"`
		FindingCodes    *[]string `json:"finding_codes"`
		Notes           string    `json:"notes"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&l); err != nil {
		return nil, fmt.Errorf("label %s: %w", filepath.Base(path), err)
	}
	if l.Source == "" {
		return nil, fmt.Errorf("label %s: no source", filepath.Base(path))
	}
	m := map[string]string{}
	put := func(field string, isSet bool, v string) {
		if isSet {
			m[field] = v
		}
	}
	if l.Version != nil {
		v := *l.Version
		if v == "glean" { // glean_parser's skeleton is the 12-question form
			v = "12q"
		}
		m["version"] = v
	}
	put("missing", l.Missing != nil, corpusInts(corpusDeref(l.Missing)))
	put("measurements", l.Measurements != nil, fmt.Sprint(corpusDeref(l.Measurements)))
	put("categories", l.Categories != nil, corpusInts(corpusDeref(l.Categories)))
	put("highest_category", l.HighestCategory != nil, fmt.Sprint(corpusDeref(l.HighestCategory)))
	put("default_on", l.DefaultOn != nil, fmt.Sprint(corpusDeref(l.DefaultOn)))
	put("channels", l.Channels != nil, corpusDeref(l.Channels))
	put("expiry", l.Expiry != nil, corpusDeref(l.Expiry))
	put("third_party_tool", l.ThirdPartyTool != nil, fmt.Sprint(corpusDeref(l.ThirdPartyTool)))
	put("new_identifiers", l.NewIdentifiers != nil, fmt.Sprint(corpusDeref(l.NewIdentifiers)))
	put("escalations", l.Escalations != nil, corpusStrs(corpusDeref(l.Escalations)))
	put("finding_codes", l.FindingCodes != nil, corpusStrs(corpusDeref(l.FindingCodes)))
	return m, nil
}

// corpusFields reduces a report to the same canonical strings as a label.
func corpusFields(r Report) map[string]string {
	var cats []int
	for _, m := range r.Measurements {
		if m.Category > 0 && !slices.Contains(cats, m.Category) {
			cats = append(cats, m.Category)
		}
	}
	defaultOn := "unknown" // never equal to a labelled true/false
	if r.DefaultOn != Unknown {
		defaultOn = fmt.Sprint(r.DefaultOn == Yes)
	}
	channels := "unknown"
	switch {
	case r.Release == Yes:
		channels = "release"
	case r.Release == No && r.PreRelease == Yes:
		channels = "prerelease"
	}
	var escalations []string
	for _, e := range r.Escalations {
		escalations = append(escalations, e.To)
	}
	return map[string]string{
		"version":          strings.TrimPrefix(string(r.FormVersion), "request-"),
		"missing":          corpusInts(r.Missing),
		"measurements":     fmt.Sprint(len(r.Measurements)),
		"categories":       corpusInts(cats),
		"highest_category": fmt.Sprint(r.HighestCategory),
		"default_on":       defaultOn,
		"channels":         channels,
		"expiry":           corpusExpiry(r),
		"third_party_tool": fmt.Sprint(r.ThirdPartyTool == Yes),
		"new_identifiers":  fmt.Sprint(r.NewIdentifiers == Yes),
		"escalations":      corpusStrs(escalations),
		"finding_codes":    corpusStrs(r.Reasons),
	}
}

// corpusExpiry names the kind of expiry that matters most to a steward:
// permanent, else a date, a version, a duration, or none.
func corpusExpiry(r Report) string {
	if r.Permanent {
		return "permanent"
	}
	for _, k := range []struct {
		kind ExpiryKind
		name string
	}{{ExpiryDate, "dated"}, {ExpiryVersion, "version"}, {ExpiryDuration, "duration"}} {
		for _, x := range r.Expiry {
			if x.Kind == k.kind {
				return k.name
			}
		}
	}
	return "none"
}

func corpusDeref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// corpusInts and corpusStrs print a set sorted and without repeats, so order never counts.
func corpusInts(xs []int) string {
	s := slices.Compact(slices.Sorted(slices.Values(xs)))
	return fmt.Sprint(s)
}

func corpusStrs(xs []string) string {
	s := slices.Compact(slices.Sorted(slices.Values(xs)))
	return "[" + strings.Join(s, " ") + "]"
}
