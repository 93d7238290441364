package policy

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stewardbot/stewardbot/internal/sharedtest"
)

// The -update flag rewrites golden files. Other tests of this package may
// declare the same flag as a package variable (initialised before any init
// function), so it is only declared here when nobody else did.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files in testdata")
	}
}

func reqUpdateGolden() bool {
	f := flag.Lookup("update")
	if f == nil {
		return false
	}
	g, ok := f.Value.(flag.Getter)
	if !ok {
		return false
	}
	b, _ := g.Get().(bool)
	return b
}

// reqFixtures returns the request texts in testdata/requests.
func reqFixtures(t testing.TB) []string {
	t.Helper()
	all, err := filepath.Glob(filepath.Join("testdata", "requests", "*"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range all {
		switch filepath.Ext(f) {
		case ".md", ".txt", ".html":
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		t.Fatal("no fixtures in testdata/requests")
	}
	return out
}

func reqGoldenPath(fixture string) string {
	return strings.TrimSuffix(fixture, filepath.Ext(fixture)) + ".golden.json"
}

// TestParseRequestGolden parses every fixture in testdata/requests and
// compares the result with its .golden.json (go test ./policy -update
// rewrites them).
func TestParseRequestGolden(t *testing.T) {
	for _, f := range reqFixtures(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			got := ParseRequest(string(src))
			golden := reqGoldenPath(f)
			if reqUpdateGolden() {
				b, err := json.MarshalIndent(got, "", "  ")
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, append(b, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			b, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./policy -update to create it)", err)
			}
			var want Request
			if err := json.Unmarshal(b, &want); err != nil {
				t.Fatalf("%s: %v", golden, err)
			}
			if diff := cmp.Diff(got, &want, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ParseRequest(%s) mismatch (-got +want):\n%s", f, diff)
			}
			reqCheckInvariants(t, got)
		})
	}
}

// TestParseRequestGoldenFilesHaveFixtures catches golden files left behind
// by a renamed fixture.
func TestParseRequestGoldenFilesHaveFixtures(t *testing.T) {
	goldens, _ := filepath.Glob(filepath.Join("testdata", "requests", "*.golden.json"))
	have := map[string]bool{}
	for _, f := range reqFixtures(t) {
		have[reqGoldenPath(f)] = true
	}
	for _, g := range goldens {
		if !have[g] {
			t.Errorf("%s has no fixture", g)
		}
	}
}

// reqRefDir is the shared reference folder, relative to the package.
var reqRefDir = filepath.Join("..", "..", "shared", "ref", "data-review")

// TestParseRequestReferenceForms reads the blank templates of every version
// (and the other reference files, which are not requests): each template is
// detected as its version, with every question unanswered.
func TestParseRequestReferenceForms(t *testing.T) {
	dir := sharedtest.Dir(t, "ref", "data-review")
	tests := []struct {
		file string
		want FormVersion
	}{
		{"request.md", FormRequest12Q},
		{"history/request.2017-10-23.429935b.md", FormRequest9Q},
		{"history/request.2017-11-23.f22816b.md", FormRequest10Q},
		{"history/request.2019-02-12.11379ec.md", FormRequest11Q},
		{"history/request.2020-06-11.3664428.md", FormRequest12Q},
		{"history/request.2021-04-29.9dcf62c.md", FormRequest12Q},
		{"review.md", FormNone},
		{"history/review.2017-10-23.429935b.md", FormNone},
		{"history/review.2019-02-05.ac2ae6f.md", FormNone},
		{"history/review.2020-06-11.144c7b4.md", FormNone},
		{"renewal_request.md", FormNone},
		{"renewal_review.md", FormNone},
		{"appendix.md", FormNone},
		{"SOURCES.md", FormNone},
		{"glean_parser-sample/synthetic-metrics.yaml", FormNone},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join(dir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			r := ParseRequest(string(src))
			reqCheckInvariants(t, r)
			if r.Version != tt.want {
				t.Fatalf("version = %q, want %q", r.Version, tt.want)
			}
			for _, a := range r.Answers {
				if a.Answered || a.Text != "" {
					t.Errorf("blank template: Q%d (%s) read as answered %v with text %q", a.Number, a.Topic, a.Answered, a.Text)
				}
			}
			if len(r.Measurements) != 0 || len(r.Expiries) != 0 || r.Permanent || r.Owner != "" ||
				len(r.Channels) != 0 || len(r.DocLinks) != 0 || r.OptOut != "" {
				t.Errorf("blank template read with content: %+v", r)
			}
			for _, tri := range []Tri{r.Release, r.PreRelease, r.DefaultOn, r.ThirdParty, r.NewIdentifiers} {
				if tri != Unknown {
					t.Errorf("blank template has a yes/no that is not unknown: %+v", r)
				}
			}
		})
	}
}

// TestParseRequestGleanSample checks glean_parser's real output: N.
// numbering, hard-wrapped questions, a pipe table without outer pipes,
// comma-joined sensitivities, the unbalanced backtick of an event extra,
// several expiries and the owner of the permanent ones.
func TestParseRequestGleanSample(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(sharedtest.Dir(t, "ref", "data-review"), "glean_parser-sample", "rendered-output.txt"))
	if err != nil {
		t.Fatal(err)
	}
	r := ParseRequest(string(src))
	reqCheckInvariants(t, r)
	if r.Version != FormRequest12Q {
		t.Fatalf("version = %q, want request-12q", r.Version)
	}
	var answered []int
	for _, a := range r.Answers {
		if a.Answered {
			answered = append(answered, a.Number)
		}
	}
	if diff := cmp.Diff(answered, []int{5, 6, 7, 8, 9, 12}); diff != "" {
		t.Errorf("answered questions (-got +want):\n%s", diff)
	}
	wantMs := []Measurement{
		{Name: "sample_feature.cache_size", Description: "Size of the widget cache.", Category: 1, CategoryText: "technical",
			TrackingBug: "https://bugzilla.mozilla.org/show_bug.cgi?id=1111111"},
		{Name: "sample_feature.visited_hosts", Description: "Hosts visited through the widget.", Category: 3,
			CategoryText: "interaction, stored_content", TrackingBug: "https://bugzilla.mozilla.org/show_bug.cgi?id=1111111"},
		{Name: "sample_feature.widget_opened#source", Description: "Where the widget was opened from.", Category: 2,
			CategoryText: "interaction", TrackingBug: "https://bugzilla.mozilla.org/show_bug.cgi?id=1111111"},
	}
	if diff := cmp.Diff(r.Measurements, wantMs); diff != "" {
		t.Errorf("measurements (-got +want):\n%s", diff)
	}
	wantX := []Expiry{{ExpiryVersion, "version 140"}, {ExpiryNever, "never"}, {ExpiryDate, "2030-01-01"}}
	if diff := cmp.Diff(r.Expiries, wantX); diff != "" {
		t.Errorf("expiries (-got +want):\n%s", diff)
	}
	if !r.Permanent || r.Owner != "other@example.com" {
		t.Errorf("permanent, owner = %v, %q; want true, other@example.com", r.Permanent, r.Owner)
	}
	if r.Release != Yes || r.PreRelease != Yes || r.DefaultOn != Yes || r.ThirdParty != No {
		t.Errorf("release %s prerelease %s default-on %s third-party %s; want yes yes yes no",
			r.Release, r.PreRelease, r.DefaultOn, r.ThirdParty)
	}
	if diff := cmp.Diff(r.DocLinks, []string{"https://dictionary.telemetry.mozilla.org"}); diff != "" {
		t.Errorf("documentation links (-got +want):\n%s", diff)
	}
}
