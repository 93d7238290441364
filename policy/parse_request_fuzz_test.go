package policy

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var (
	reqDurationValueRE = regexp.MustCompile(`^[1-9][0-9]* (day|week|month|year)s?$`)
	reqVersionValueRE  = regexp.MustCompile(`^version [1-9][0-9]*$`)
)

// reqCheckInvariants checks what must hold for any text: a known version
// with one answer per question in order, categories 0 to 4, well-formed
// expiries and yes/no values, valid UTF-8 everywhere, and JSON that encodes.
func reqCheckInvariants(t testing.TB, r *Request) {
	t.Helper()
	if r == nil {
		t.Fatal("ParseRequest returned nil")
	}
	topics, known := reqVersionTopics[r.Version]
	if r.Version != FormNone && !known {
		t.Fatalf("unknown version %q", r.Version)
	}
	if len(r.Answers) != len(topics) {
		t.Fatalf("version %s has %d answers, want %d", r.Version, len(r.Answers), len(topics))
	}
	valid := func(what, s string) {
		if !utf8.ValidString(s) {
			t.Errorf("%s is not valid UTF-8: %q", what, s)
		}
	}
	for i, a := range r.Answers {
		if a.Number != i+1 || a.Topic != topics[i] {
			t.Errorf("answer %d is Q%d %s, want Q%d %s", i, a.Number, a.Topic, i+1, topics[i])
		}
		if a.Answered && strings.TrimSpace(a.Text) == "" {
			t.Errorf("Q%d answered with no text", a.Number)
		}
		valid("answer text", a.Text)
	}
	for _, m := range r.Measurements {
		if m.Category < 0 || m.Category > 4 {
			t.Errorf("measurement %q has category %d", m.Name, m.Category)
		}
		if m.Name == "" {
			t.Errorf("measurement without a name: %+v", m)
		}
		for _, s := range []string{m.Name, m.Description, m.CategoryText, m.TrackingBug} {
			valid("measurement", s)
		}
	}
	never := false
	for _, x := range r.Expiries {
		switch x.Kind {
		case ExpiryDate:
			if _, err := time.Parse(time.DateOnly, x.Value); err != nil {
				t.Errorf("expiry date %q: %v", x.Value, err)
			}
		case ExpiryVersion:
			if !reqVersionValueRE.MatchString(x.Value) {
				t.Errorf("expiry version %q", x.Value)
			}
		case ExpiryDuration:
			if !reqDurationValueRE.MatchString(x.Value) {
				t.Errorf("expiry duration %q", x.Value)
			}
		case ExpiryNever:
			never = true
			if x.Value != "never" {
				t.Errorf("expiry never %q", x.Value)
			}
		default:
			t.Errorf("expiry kind %q", x.Kind)
		}
	}
	if never != r.Permanent {
		t.Errorf("permanent = %v but a never expiry is %v", r.Permanent, never)
	}
	for _, tri := range []Tri{r.Release, r.PreRelease, r.DefaultOn, r.ThirdParty, r.NewIdentifiers} {
		if tri != Yes && tri != No && tri != Unknown {
			t.Errorf("yes/no value %q", tri)
		}
	}
	for _, s := range append(append([]string{r.Owner, r.OptOut, r.ThirdPartyTool}, r.Channels...), r.DocLinks...) {
		valid("field", s)
	}
	if _, err := json.Marshal(r); err != nil {
		t.Errorf("json: %v", err)
	}
}

// reqHostileSnippets are short seeds for the fuzzer and building blocks of
// the hostile benchmark inputs.
var reqHostileSnippets = []string{
	"",
	"\xef\xbb\xbf\r\n\r",
	"\xff\xfe\x00garbage\x80",
	"1) What questions will you answer with this data?\n",
	"1) What questions will you answer with this data? 2) Why does Mozilla need to answer these questions? 3) What alternative methods 4) Can current instrumentation 5) List all proposed measurements <table><tr><td>a.b",
	"<table><table><tr><td><table><td>",
	"<ol start=99999999999999999999><li><ol><li><ol><li>",
	"| a | b |\n|---|---|\n| `x.y | [a]( | c\\|d |\n",
	"&amp;&#0;&#x110000;&lt;table&gt;&nbsp;&rsquo;",
	"~~I want this data to be collected for 6 months initially (potentially renewable).~~ [x]",
	"Annotation description\nData collection category\nTracking bug\nFoo\nCategory 9\n",
	"Parts of this collection expire at different times: 0, 99999999999, never, 2030-02-31.",
	"Category 1 or 2 or 3 or 4 or 5 cat 12 type 4?",
	"diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n",
}

// FuzzParseRequest checks that no text makes the parser panic or break an
// invariant. Seeds: every reference file, every fixture and the snippets.
func FuzzParseRequest(f *testing.F) {
	for _, s := range reqHostileSnippets {
		f.Add(s)
	}
	for _, fx := range reqFixtures(f) {
		if b, err := os.ReadFile(fx); err == nil {
			f.Add(string(b))
		}
	}
	realworld, _ := filepath.Glob(filepath.Join("testdata", "realworld", "p*.md"))
	for _, fx := range realworld {
		if b, err := os.ReadFile(fx); err == nil {
			f.Add(string(b))
		}
	}
	_ = filepath.WalkDir(reqRefDir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if b, err := os.ReadFile(path); err == nil {
				f.Add(string(b))
			}
		}
		return nil
	})
	f.Fuzz(func(t *testing.T, s string) {
		reqCheckInvariants(t, ParseRequest(s))
		if c := ParseCategory(s); c < 0 || c > 4 {
			t.Errorf("ParseCategory = %d", c)
		}
	})
}

// TestParseRequestHostileInputs runs the hostile shapes of the benchmark at
// a small size: they must parse without a panic and keep the invariants.
// (Their cost is measured by BenchmarkParseRequestHostile, not timed here.)
func TestParseRequestHostileInputs(t *testing.T) {
	for _, h := range reqHostileInputs(64 << 10) {
		t.Run(h.name, func(t *testing.T) {
			t.Parallel()
			reqCheckInvariants(t, ParseRequest(h.text))
		})
	}
}
