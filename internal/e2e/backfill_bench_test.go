package e2e

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bot/demo"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

var benchBackfillReviews = flag.Int("backfill.bench.reviews", 10000, "BenchmarkBackfill: how many past reviews the fake holds")

// backfillMinimalRequests is the fewest requests a batched backfill of n
// bugs, each with one data-review flag, can make with the client's
// batches (docs/backfill.md): the authentication (auth), search pages of
// 1,000 bugs and the empty one that ends the walk (a server may answer
// fewer than asked: only an empty page says the end), attachment metadata
// by 250 bugs, the contents of the text attachments (texts) by 250 when
// they fit the client's 4 MiB a request, and comments by 100 bugs; then,
// for the withdrawn requests, search pages of 1,000 of the bugs whose
// flags changed in the window (changed: each of the n here) and the empty
// one, and their histories by 100.
func backfillMinimalRequests(n, changed, texts, auth int) int {
	up := func(a, b int) int { return (a + b - 1) / b }
	return auth + up(n, 1000) + 1 + up(n, 250) + up(texts, 250) + up(n, 100) + up(changed, 1000) + 1 + up(changed, 100)
}

// BenchmarkBackfill runs the real binary's backfill (through rsswrap, for
// its peak RSS: getrusage's maxrss, the kernel's VmHWM) against a fake
// Bugzilla answering every request 20 ms late, holding 10,000 past reviews
// (-backfill.bench.reviews), with the default concurrency. It reports the
// requests made, the minimal batched count and their ratio (target: within
// 1.1), the requests a per-bug read would make (the baseline: a search,
// then per bug its attachments, their contents, its comments and its
// history), and the peak RSS (target: under 60 MB). ns/op is the wall time of one backfill.
func BenchmarkBackfill(b *testing.B) {
	n := *benchBackfillReviews
	bin := buildBinary(b, "github.com/stewardbot/stewardbot/cmd/stewardbot", deployBuildFlags...)
	wrap := buildBinary(b, "./testdata/rsswrap")
	srv := bugzillatest.NewServer(b)
	if _, err := demo.SeedPast(srv, demo.Past{N: n, Seed: 1, From: srv.Now().AddDate(-8, 0, 0), To: srv.Now()}); err != nil {
		b.Fatal(err)
	}
	texts := 0
	for _, id := range srv.BugIDs() {
		for _, a := range srv.Attachments(id) {
			if !a.IsPatch {
				texts++
			}
		}
	}
	srv.SetLatency(20 * time.Millisecond)
	env := append(envWithout(os.Environ(), "STEWARDBOT_", "CREDENTIALS_DIRECTORY="),
		"STEWARDBOT_BUGZILLA_URL="+srv.URL(), "STEWARDBOT_BUGZILLA_LOGIN="+botLogin,
		"STEWARDBOT_BUGZILLA_API_KEY=bot-api-key", "STEWARDBOT_LOG_LEVEL=warn", "STEWARDBOT_LOG_FORMAT=json")
	var requests, auth int
	var peak int64
	for b.Loop() {
		b.StopTimer()
		dir := b.TempDir()
		srv.ResetRecords()
		rssPath := filepath.Join(dir, "maxrss")
		cmd := exec.Command(wrap, rssPath, bin, "backfill")
		var out strings.Builder
		cmd.Env, cmd.Stdout, cmd.Stderr = append(env, "STEWARDBOT_STORE_DSN="+filepath.Join(dir, "stewardbot.db")), &out, &out
		b.StartTimer()
		err := cmd.Run()
		b.StopTimer()
		if err != nil {
			b.Fatalf("stewardbot backfill: %v\n%s", err, out.String())
		}
		if !strings.Contains(out.String(), fmt.Sprintf("%d requests recorded", n)) {
			b.Fatalf("backfill did not record %d requests:\n%s", n, out.String())
		}
		raw, err := os.ReadFile(rssPath)
		if err != nil {
			b.Fatal(err)
		}
		var rss, anon, file, cpu int64
		if _, err := fmt.Sscanf(string(raw), "maxrss=%d anon=%d file=%d cpu_ms=%d", &rss, &anon, &file, &cpu); err != nil {
			b.Fatalf("rsswrap wrote %q: %v", raw, err)
		}
		peak = max(peak, rss)
		requests, auth = 0, 0
		for ep, c := range srv.RequestCounts() {
			requests += c
			switch ep {
			case "GET /rest/bug", "GET /rest/bug/{id}/attachment", "GET /rest/bug/attachment/{id}", "GET /rest/bug/{id}/comment",
				"GET /rest/bug/{id}/history":
			default:
				auth += c // whoami, login check, version
			}
		}
		b.Logf("%d requests by endpoint: %v; %s", requests, srv.RequestCounts(), strings.TrimSpace(out.String()))
		b.StartTimer()
	}
	minimal := backfillMinimalRequests(n, len(srv.BugIDs()), texts, auth)
	b.ReportMetric(float64(requests), "requests")
	b.ReportMetric(float64(minimal), "minimal-requests")
	b.ReportMetric(float64(requests)/float64(minimal), "ratio")
	b.ReportMetric(float64(1+n/500+4*n), "per-bug-requests")
	b.ReportMetric(float64(peak)/(1<<20), "peak-rss-MB")
}
