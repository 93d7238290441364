package policy

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRealWorldFixtures reads each form in testdata/realworld, written in
// our own words to reproduce a pattern found in real public requests (see
// SOURCES.md there), and compares its analysis under the default rules
// with the .golden.json beside it (go test ./policy -update rewrites them).
func TestRealWorldFixtures(t *testing.T) {
	forms, err := filepath.Glob(filepath.Join("testdata", "realworld", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range forms {
		if strings.EqualFold(filepath.Base(f), "SOURCES.md") {
			continue
		}
		n++
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			r := ParseRequest(string(src))
			reqCheckInvariants(t, r)
			a := Evaluate(r, nil, testNow)
			checkExplained(t, a)
			got, err := json.MarshalIndent(a, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden(t, strings.TrimSuffix(f, ".md")+".golden.json", append(got, '\n'))
		})
	}
	if n == 0 {
		t.Fatal("no forms in testdata/realworld")
	}
}
