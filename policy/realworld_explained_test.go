package policy

import (
	"os"
	"path/filepath"
	"testing"
)

// TestRealWorldFindingsExplained: every finding on a realworld fixture
// names its question or measurement and explains itself, and every
// escalation has a finding for its reason.
func TestRealWorldFindingsExplained(t *testing.T) {
	all, err := filepath.Glob(filepath.Join("testdata", "realworld", "p*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range all {
		if ext := filepath.Ext(f); ext != ".md" && ext != ".txt" {
			continue
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			checkExplained(t, Evaluate(ParseRequest(string(src)), nil, testNow))
		})
	}
}
