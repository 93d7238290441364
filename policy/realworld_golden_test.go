package policy

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The fixtures in testdata/realworld reproduce, in our own words, the
// patterns that real public request forms show (issue 11; docs/forms.md).
// Each pNN-*.md or .txt fixture is named after the point it covers
// and has a golden file holding the parsed request and the analysis under
// the default rules (go test ./policy -run TestRealWorldGolden -update
// rewrites them).

type realWorldGolden struct {
	Request  *Request  `json:"request"`
	Analysis *Analysis `json:"analysis"`
}

func TestRealWorldGolden(t *testing.T) {
	all, err := filepath.Glob(filepath.Join("testdata", "realworld", "p*"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range all {
		if ext := filepath.Ext(f); ext != ".md" && ext != ".txt" {
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
			got, err := json.MarshalIndent(realWorldGolden{r, Evaluate(r, DefaultRules(), testNow)}, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden(t, strings.TrimSuffix(f, filepath.Ext(f))+".golden.json", append(got, '\n'))
		})
	}
	if n == 0 {
		t.Fatal("no fixtures in testdata/realworld")
	}
}
