package policy

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stewardbot/stewardbot/internal/sharedtest"
)

// refDir holds the reference forms (verbatim mozilla/data-review files),
// beside the repository as ../shared in development and in CI. They are not
// ours to copy: the tests that read them are extra checks (see sharedtest),
// and the fuzz tests use them as seeds when they are there.
const refDir = "../../shared/ref/data-review"

// readRef reads a reference form, skipping the test without ../shared
// (failing it in CI).
func readRef(t testing.TB, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(sharedtest.Dir(t, "ref", "data-review"), name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func topicsOf(answers []FormAnswer) []ReviewTopic {
	var out []ReviewTopic
	for _, a := range answers {
		out = append(out, a.Topic)
	}
	return out
}

var (
	current8Topics = []ReviewTopic{ReviewDocumentation, ReviewControl, ReviewPermanent, ReviewCategory, ReviewDefaultOn, ReviewIdentifiers, ReviewPrivacyNotice, ReviewThirdParty}
	first8Topics   = []ReviewTopic{ReviewDocumentation, ReviewControl, ReviewPermanent, ReviewCategory, ReviewDefaultOn, ReviewIdentifiers, ReviewPrivacyNotice, ReviewCheckIn}
	nineTopics     = []ReviewTopic{ReviewDocumentation, ReviewControl, ReviewPermanent, ReviewCategory, ReviewDefaultOn, ReviewIdentifiers, ReviewPrivacyNotice, ReviewCheckIn, ReviewThirdParty}
)

// TestParseReviewReferenceForms reads the blank forms: each is its version
// with nothing answered (the template's own text is never an answer).
func TestParseReviewReferenceForms(t *testing.T) {
	tests := []struct {
		file    string
		version ReviewVersion
		topics  []ReviewTopic
	}{
		{"review.md", Review8Q, current8Topics},
		{"history/review.2017-10-23.429935b.md", Review8Q, first8Topics},
		{"history/review.2019-02-05.ac2ae6f.md", Review9Q, nineTopics},
		{"history/review.2020-06-11.144c7b4.md", Review9Q, nineTopics},
		{"request.md", ReviewNone, nil},
		{"renewal_review.md", ReviewNone, nil},
		{"appendix.md", ReviewNone, nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			r := ParseReview(readRef(t, tt.file))
			if r.Version != tt.version {
				t.Fatalf("version = %s, want %s", r.Version, tt.version)
			}
			if diff := cmp.Diff(topicsOf(r.Answers), tt.topics); diff != "" {
				t.Errorf("topics (-got +want):\n%s", diff)
			}
			for _, a := range r.Answers {
				if a.Answered || a.Text != "" {
					t.Errorf("blank form Q%d read as answered: %q", a.Number, a.Text)
				}
			}
			if r.Result != ResultNone {
				t.Errorf("blank form has result %q from %q", r.Result, r.ResultText)
			}
		})
	}
}

func TestParseRenewalReferenceForms(t *testing.T) {
	req := ParseRenewalRequest(readRef(t, "renewal_request.md"))
	if req.Version != RenewalRequestForm || len(req.Answers) != 3 || len(req.Missing()) != 3 {
		t.Errorf("renewal request template = %+v", req)
	}
	rev := ParseRenewalReview(readRef(t, "renewal_review.md"))
	if rev.Version != RenewalReviewForm || len(rev.Answers) != 2 || len(rev.Missing()) != 2 || rev.Result != ResultNone {
		t.Errorf("renewal review template = %+v", rev)
	}
	for _, f := range []string{"review.md", "request.md", "renewal_review.md"} {
		if got := ParseRenewalRequest(readRef(t, f)).Version; got != ReviewNone {
			t.Errorf("ParseRenewalRequest(%s) = %s, want none", f, got)
		}
	}
	for _, f := range []string{"review.md", "request.md", "renewal_request.md", "history/review.2019-02-05.ac2ae6f.md"} {
		if got := ParseRenewalReview(readRef(t, f)).Version; got != ReviewNone {
			t.Errorf("ParseRenewalReview(%s) = %s, want none", f, got)
		}
	}
}

// TestParseReviewFixtures states what matters in each fixture; the golden
// files in testdata/review hold the whole parse.
func TestParseReviewFixtures(t *testing.T) {
	tests := []struct {
		file    string
		version ReviewVersion
		topics  []ReviewTopic
		result  ReviewResult
		missing []int
		answers map[int]string // some answers, exactly
	}{
		{
			file: "current-8q.md", version: Review8Q, topics: current8Topics, result: ResultGranted, missing: []int{},
			answers: map[int]string{
				1: "Yes, the metrics are listed in the [Glean Dictionary](https://dictionary.telemetry.mozilla.org/apps/widget).",
				2: "Yes, the usual data collection preference in Settings.",
				7: "Yes.",
				8: "No.",
			},
		},
		{
			file: "nine-bold-quotes.md", version: Review9Q, topics: nineTopics, result: ResultGranted, missing: []int{},
			answers: map[int]string{1: "Yes: Scalars.yaml and the probe dictionary.", 6: "None.", 9: "No"},
		},
		{
			file: "first-8q-headings.md", version: Review8Q, topics: first8Topics, result: ResultDenied, missing: []int{1},
			answers: map[int]string{
				3: "N/A",
				5: "Default-on\nRelease and beta",
				8: "Yes, before it expires.",
			},
		},
		{
			file: "bare-numbered.md", version: Review8Q, topics: current8Topics, result: ResultGranted, missing: []int{},
			answers: map[int]string{1: "Yes, Glean Dictionary.", 8: "No."},
		},
		{
			file: "same-line-q-numbers.md", version: Review8Q, topics: current8Topics, result: ResultDenied, missing: []int{},
			answers: map[int]string{
				1: "Yes, in the repository's docs/metrics.md.",
				2: "The add-on's own settings page.",
				3: "n/a",
				4: "2",
				5: "Default-off.",
			},
		},
		// The blank form, without ../shared/ref: the template's own text,
		// such as the note after Q2, is never an answer.
		{file: "blank-8q.md", version: Review8Q, topics: current8Topics, result: ResultNone, missing: []int{1, 2, 3, 4, 5, 6, 7, 8}},
		// "r+ from me for the code" is a code review, not a result line.
		{file: "not-a-review.md", version: ReviewNone, result: ResultNone, missing: []int{}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata/review", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			r := ParseReview(string(data))
			if r.Version != tt.version || r.Result != tt.result {
				t.Errorf("version %s result %q, want %s %q", r.Version, r.Result, tt.version, tt.result)
			}
			if diff := cmp.Diff(topicsOf(r.Answers), tt.topics); diff != "" {
				t.Errorf("topics (-got +want):\n%s", diff)
			}
			if diff := cmp.Diff(r.Missing(), tt.missing); diff != "" {
				t.Errorf("missing (-got +want):\n%s", diff)
			}
			for n, want := range tt.answers {
				a := r.Answers[n-1]
				if a.Text != want {
					t.Errorf("Q%d = %q, want %q", n, a.Text, want)
				}
			}
		})
	}
}

// TestParseRenewalBlankFixtures: the renewal forms of testdata with their
// answers removed read as their forms with nothing answered, and neither
// reads as the other (the reference templates in ../shared/ref are an
// extra check, TestParseRenewalReferenceForms).
func TestParseRenewalBlankFixtures(t *testing.T) {
	read := func(name string) string {
		t.Helper()
		data, err := os.ReadFile(filepath.Join("testdata/review", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	reqText, revText := read("blank-renewal-request.md"), read("blank-renewal-review.md")
	req := ParseRenewalRequest(reqText)
	if req.Version != RenewalRequestForm || len(req.Answers) != 3 || len(req.Missing()) != 3 {
		t.Errorf("blank renewal request = %+v", req)
	}
	rev := ParseRenewalReview(revText)
	if rev.Version != RenewalReviewForm || len(rev.Answers) != 2 || len(rev.Missing()) != 2 || rev.Result != ResultNone {
		t.Errorf("blank renewal review = %+v", rev)
	}
	if got := ParseRenewalRequest(revText).Version; got != ReviewNone {
		t.Errorf("ParseRenewalRequest(blank review) = %s, want none", got)
	}
	if got := ParseRenewalReview(reqText).Version; got != ReviewNone {
		t.Errorf("ParseRenewalReview(blank request) = %s, want none", got)
	}
}

func TestParseRenewalFixtures(t *testing.T) {
	data, err := os.ReadFile("testdata/review/renewal-request.md")
	if err != nil {
		t.Fatal(err)
	}
	req := ParseRenewalRequest(string(data))
	if req.Version != RenewalRequestForm || len(req.Missing()) != 0 {
		t.Errorf("renewal request = %+v", req)
	}
	if req.InitialReview != "https://bugzilla.mozilla.org/show_bug.cgi?id=1234567#c12" {
		t.Errorf("initial review = %q", req.InitialReview)
	}
	if req.Expiry != (Expiry{Kind: ExpiryVersion, Value: "version 152"}) {
		t.Errorf("expiry = %+v, want the version written first", req.Expiry)
	}

	data, err = os.ReadFile("testdata/review/renewal-review.md")
	if err != nil {
		t.Fatal(err)
	}
	rev := ParseRenewalReview(string(data))
	if rev.Version != RenewalReviewForm || rev.Result != ResultGranted || len(rev.Missing()) != 0 {
		t.Errorf("renewal review = %+v", rev)
	}
	if a, _ := rev.Answer(RenewalReviewComplete); a.Text != "Yes, see bug 1234567 comment 12." {
		t.Errorf("Q1 = %q", a.Text)
	}
}

func TestReviewGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/review/*.md")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".md")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var v any
			switch {
			case strings.HasPrefix(name, "renewal-request"):
				v = ParseRenewalRequest(string(data))
			case strings.HasPrefix(name, "renewal-review"):
				v = ParseRenewalReview(string(data))
			default:
				v = ParseReview(string(data))
			}
			got, err := json.MarshalIndent(v, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("testdata/review", name+".json"), append(got, '\n'))
		})
	}
}

func TestReviewResult(t *testing.T) {
	tests := []struct {
		text string
		want ReviewResult
	}{
		{"data-review+", ResultGranted},
		{"data-review-", ResultDenied},
		{"datareview+", ResultGranted},
		{"Result: datareview+", ResultGranted},
		{"**Result:** data-review-", ResultDenied},
		{"data-review+ ✓", ResultGranted},
		{"✅ data-review+", ResultGranted},
		{"r+", ResultGranted},
		{"r-, see Q3", ResultDenied},
		{"R+ thanks!", ResultGranted},
		{"Data review result: data review+", ResultGranted},
		{"> data-review+", ResultGranted},
		{"- `data-review-`", ResultDenied},
		{"data-review – (typographic dash)", ResultNone},
		{"data-review–", ResultDenied},
		{"r-\n\nFixed now.\n\ndata-review+", ResultGranted},
		{"then after the fix: r+", ResultNone},
		// Not results.
		{"Data review - notes below", ResultNone},
		{"reviewers give an r- and point to the questions", ResultNone},
		{"If the answer to either of the first two questions is no, reviewers give an r-.", ResultNone},
		{"1) Is the provided Data Collection Review complete, correct, and data-review+ by a Data Steward?", ResultNone},
		{"r-value of the fit", ResultNone},
		{"r++ is not a thing", ResultNone},
		{"the steward should give a `data-review-`", ResultNone},
		{"", ResultNone},
	}
	for _, tt := range tests {
		if got := ParseReview(tt.text).Result; got != tt.want {
			t.Errorf("result of %q = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestParseReviewVariants(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		version ReviewVersion
		answers []string // every answer's text, in order
	}{
		{
			name: "answers on the question's line, CRLF, a lone CR and a BOM",
			text: "\uFEFF1) Is there documentation? Yes\r\n2) Control mechanism: the pref\r\n3) Permanent? No\r\n" +
				"4) Category? 1\r5) Default-on or default-off? on\r\n6) New identifiers? no\r\n7) Privacy notice? yes\r\n8) Third-party tool? no\r\n",
			version: Review8Q,
			answers: []string{"Yes", "the pref", "No", "1", "on", "no", "yes", "no"},
		},
		{
			name: "answers after the question in quotes, bullets and bold",
			text: "1. Is there documentation?\n> yes\n2. Control mechanism?\n- a pref\n- and a policy\n3. Permanent?\n**No**\n" +
				"4. Category?\n2\n5. Default?\noff\n6. Identifiers?\nnone\n7. Privacy notice?\nyes\n8. Check-in needed?\nno\n",
			version: Review8Q,
			answers: []string{"yes", "a pref\nand a policy", "**No**", "2", "off", "none", "yes", "no"},
		},
		{
			name:    "setext headings and rules between questions",
			text:    "1) Documentation\n---\nyes\n\n***\n2) Control mechanism\n===\nyes\n3) Permanent\nn/a\n4) Category\n1\n",
			version: Review8Q,
			answers: []string{"yes", "yes", "n/a", "1", "", "", "", ""},
		},
		{
			name:    "unnumbered sub-list inside an answer",
			text:    "1) Documentation? yes\n2) Control? yes\n   1. a pref\n   2. a policy\n3) Permanent? TBD\n4) Category? TODO: fill this in\n5) Default? on\n",
			version: Review8Q,
			answers: []string{"yes", "yes\n1. a pref\n2. a policy", "TBD", "TODO: fill this in", "on", "", "", ""},
		},
		{
			name:    "entities and typographic quotes",
			text:    "1) Is there documentation? Yes &amp; it&#39;s public\n2) Control mechanism? “the pref”\n3) Permanent? No\n",
			version: Review8Q,
			answers: []string{"Yes & it's public", `"the pref"`, "No", "", "", "", "", ""},
		},
		{
			name:    "two questions quoted in a comment are not a review",
			text:    "About the review form:\n1) Is there documentation? I think so.\n2) Control mechanism? The pref.\n",
			version: ReviewNone,
		},
		{
			name:    "numbered list under a result but not eight items",
			text:    "r+\n1) fine\n2) fine\n3) fine\n",
			version: ReviewNone,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ParseReview(tt.text)
			if r.Version != tt.version {
				t.Fatalf("version = %s, want %s", r.Version, tt.version)
			}
			var got []string
			for _, a := range r.Answers {
				got = append(got, a.Text)
			}
			if diff := cmp.Diff(got, tt.answers); diff != "" {
				t.Errorf("answers (-got +want):\n%s", diff)
			}
			for _, a := range r.Answers {
				if a.Answered == (a.Text == "" || strings.HasPrefix(a.Text, "TBD") || strings.HasPrefix(a.Text, "TODO")) {
					t.Errorf("Q%d %q answered = %v", a.Number, a.Text, a.Answered)
				}
			}
		})
	}
}

func TestReadExpiry(t *testing.T) {
	tests := []struct {
		in   string
		want Expiry
	}{
		{"2027-03-01", Expiry{ExpiryDate, "2027-03-01"}},
		{"until 03-01-2027", Expiry{ExpiryDate, "2027-03-01"}},
		{"until 3/1/2027 or so", Expiry{ExpiryDate, "2027-03-01"}},
		{"02-30-2027", Expiry{}},
		{"Firefox 140", Expiry{ExpiryVersion, "version 140"}},
		{"6 Months", Expiry{ExpiryDuration, "6 months"}},
		{"1 year", Expiry{ExpiryDuration, "1 year"}},
		{"It will never expire", Expiry{ExpiryNever, "never"}},
		{"permanently", Expiry{ExpiryNever, "never"}},
		{"version 152, shipping 11-30-2026", Expiry{ExpiryVersion, "version 152"}},
		{"when we are done", Expiry{}},
	}
	for _, tt := range tests {
		if got := readExpiry(tt.in); got != tt.want {
			t.Errorf("readExpiry(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

// TestParseReviewLinear parses hostile shapes that would be quadratic for
// a careless scanner, at two sizes four times apart. The result must not
// depend on the size (the same version, answers and result), and the
// parsers' allocations must grow with the input, not with its square: for
// 4 times the input, at most 5 times as many allocations and 8 times as
// many bytes (a quadratic scanner that copies what it rescans makes 16
// times more). Counting allocations keeps the check exact on a busy
// machine, where a timing would not be.
func TestParseReviewLinear(t *testing.T) {
	type outcome struct {
		Version          ReviewVersion
		Answers          int
		Result           ReviewResult
		Renewal, Review2 ReviewVersion
	}
	tests := []struct {
		name  string
		shape func(n int) string
		want  outcome
	}{
		{"brackets", func(n int) string { return strings.Repeat("[", n) }, outcome{ReviewNone, 0, ResultNone, ReviewNone, ReviewNone}},
		{"unclosed links", func(n int) string { return "1) " + strings.Repeat("](", n/2) }, outcome{ReviewNone, 0, ResultNone, ReviewNone, ReviewNone}},
		{"numbered lines", func(n int) string { return strings.Repeat("1) documentation? yes\n", n/22) }, outcome{ReviewNone, 0, ResultNone, ReviewNone, ReviewNone}},
		{"long line", func(n int) string { return "1) Is there documentation? " + strings.Repeat("a ", n/2) }, outcome{ReviewNone, 0, ResultNone, ReviewNone, ReviewNone}},
		{"results", func(n int) string { return strings.Repeat("r+\n", n/3) }, outcome{ReviewNone, 0, ResultGranted, ReviewNone, ReviewNone}},
		{"many questions", func(n int) string {
			return strings.Repeat("1) documentation\n2) control\n3) permanent\n4) category\n5) default\n6) identifier\n7) privacy\n8) third-party\n", n/100)
		}, outcome{Review8Q, 8, ResultNone, ReviewNone, ReviewNone}},
	}
	const small, large = 1 << 16, 1 << 18
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			allocs, bytes := map[int]float64{}, map[int]uint64{}
			for _, n := range []int{small, large} {
				in := tt.shape(n)
				var got outcome
				parse := func() {
					r := ParseReview(in)
					got = outcome{r.Version, len(r.Answers), r.Result, ParseRenewalRequest(in).Version, ParseRenewalReview(in).Version}
				}
				allocs[n] = testing.AllocsPerRun(1, parse)
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				parse()
				runtime.ReadMemStats(&after)
				bytes[n] = after.TotalAlloc - before.TotalAlloc
				if got != tt.want {
					t.Errorf("%d bytes: %+v, want %+v", len(in), got, tt.want)
				}
			}
			if limit := 5*allocs[small] + 16; allocs[large] > limit {
				t.Errorf("%.0f allocations for %d bytes of input, %.0f for %d: more than linear (limit %.0f)",
					allocs[small], small, allocs[large], large, limit)
			}
			if limit := 8*bytes[small] + 4096; bytes[large] > limit {
				t.Errorf("%d bytes allocated for %d bytes of input, %d for %d: more than linear (limit %d)",
					bytes[small], small, bytes[large], large, limit)
			}
		})
	}
}

func FuzzParseReview(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/review/*.md")
	for _, pattern := range []string{"*.md", "history/*.md"} {
		ref, _ := filepath.Glob(filepath.Join(refDir, pattern))
		seeds = append(seeds, ref...)
	}
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(string(data))
		}
	}
	f.Add("1) documentation? **yes**\n> r+\n")
	f.Fuzz(func(t *testing.T, text string) {
		r := ParseReview(text)
		want := map[ReviewVersion]int{ReviewNone: 0, Review8Q: 8, Review9Q: 9}
		n, ok := want[r.Version]
		if !ok || len(r.Answers) != n {
			t.Fatalf("version %q with %d answers", r.Version, len(r.Answers))
		}
		for i, a := range r.Answers {
			if a.Number != i+1 || a.Answered && strings.TrimSpace(a.Text) == "" {
				t.Fatalf("answer %d = %+v", i, a)
			}
		}
		if r.Result != ResultNone && r.Result != ResultGranted && r.Result != ResultDenied {
			t.Fatalf("result %q", r.Result)
		}
		if rr := ParseRenewalRequest(text); rr.Version != ReviewNone && len(rr.Answers) != 3 {
			t.Fatalf("renewal request %+v", rr)
		}
		if rv := ParseRenewalReview(text); rv.Version != ReviewNone && len(rv.Answers) != 2 {
			t.Fatalf("renewal review %+v", rv)
		}
	})
}

func BenchmarkParseReview(b *testing.B) {
	data, err := os.ReadFile("testdata/review/current-8q.md")
	if err != nil {
		b.Fatal(err)
	}
	text := strings.Repeat(string(data), 10)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		ParseReview(text)
	}
}
