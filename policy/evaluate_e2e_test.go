package policy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stewardbot/stewardbot/internal/sharedtest"
)

// TestAnalyzeTextEndToEnd runs forms written as text through ParseRequest
// and Evaluate: the whole path of "stewardbot analyze".
func TestAnalyzeTextEndToEnd(t *testing.T) {
	tests := []struct {
		file     string
		version  FormVersion
		highest  int
		missing  []int
		reasons  []string
		escalate []string // teams
	}{
		{
			file: "testdata/analysis/text/clean-12q.md", version: FormRequest12Q, highest: 2,
			missing: []int{}, reasons: []string{}, escalate: []string{},
		},
		{
			file: "testdata/analysis/text/web-activity-release.md", version: FormRequest12Q, highest: 3,
			missing: []int{}, reasons: []string{CodeCategory3DefaultOnRelease}, escalate: []string{EscalateTrust, EscalateLegal},
		},
		{
			file: "testdata/analysis/text/old-9q-partial.md", version: FormRequest9Q, highest: 2,
			missing: []int{2, 9}, reasons: []string{CodeOldFormVersion, CodeMissingAnswers, CodeDocumentationMissing}, escalate: []string{},
		},
		{
			file: filepath.Join(refDir, "glean_parser-sample/rendered-output.txt"), version: FormRequest12Q, highest: 3,
			missing:  []int{1, 2, 3, 4, 10, 11},
			reasons:  []string{CodeMissingAnswers, CodeCategory3DefaultOnRelease, CodeExpiryTooFar},
			escalate: []string{EscalateTrust, EscalateLegal},
		},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			path := tt.file
			if rel, ok := strings.CutPrefix(tt.file, refDir+"/"); ok {
				path = filepath.Join(sharedtest.Dir(t, "ref", "data-review"), rel)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			a := Evaluate(ParseRequest(string(data)), nil, testNow)
			rep := a.Report()
			if rep.FormVersion != tt.version || rep.HighestCategory != tt.highest {
				t.Errorf("version %s, highest %d; want %s, %d", rep.FormVersion, rep.HighestCategory, tt.version, tt.highest)
			}
			if diff := cmp.Diff(rep.Missing, tt.missing); diff != "" {
				t.Errorf("missing (-got +want):\n%s", diff)
			}
			if diff := cmp.Diff(rep.Reasons, tt.reasons); diff != "" {
				t.Errorf("reasons (-got +want):\n%s\n%+v", diff, a.Findings)
			}
			teams := []string{}
			for _, e := range a.Escalations {
				teams = append(teams, e.To)
			}
			if diff := cmp.Diff(teams, tt.escalate); diff != "" {
				t.Errorf("escalations (-got +want):\n%s", diff)
			}
			checkExplained(t, a)
		})
	}
}
