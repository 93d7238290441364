package policy

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
)

// TestDraftCitesOnlyHeldFindings: a draft answer that names a finding code
// in parentheses ("(documentation-missing)") must name one the analysis
// holds; the posted comment would contradict itself otherwise. Checked on
// every real-world fixture and on the unfilled template.
func TestDraftCitesOnlyHeldFindings(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "realworld", "p*"))
	if err != nil {
		t.Fatal(err)
	}
	cited := regexp.MustCompile(`\(([a-z0-9]+(?:-[a-z0-9]+)+)\)`)
	n := 0
	for _, f := range files {
		if ext := filepath.Ext(f); ext != ".md" && ext != ".txt" {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		a := Evaluate(ParseRequest(string(src)), DefaultRules(), testNow)
		var held []string
		for _, x := range a.Findings {
			held = append(held, x.Code)
		}
		for _, d := range a.Draft {
			for _, m := range cited.FindAllStringSubmatch(d.Answer, -1) {
				if code := m[1]; slices.Contains(Codes(), code) && !slices.Contains(held, code) {
					t.Errorf("%s: draft Q%d cites %s, which the findings %v do not hold: %q", filepath.Base(f), d.Number, code, held, d.Answer)
				}
			}
		}
		n++
	}
	if n == 0 {
		t.Fatal("no fixtures")
	}
}
