package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bot"
	"github.com/stewardbot/stewardbot/bugzilla"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
	"github.com/stewardbot/stewardbot/internal/bottest"
	"github.com/stewardbot/stewardbot/policy"
)

// The benchmarks behind BENCHMARKS.md. They only run with -bench; the big
// ones want -benchtime=1x. The parse throughput is policy's
// BenchmarkParseRequest (policy/parse_request_bench_test.go).

// benchLatency is the injected latency of every request in the cold starts.
const benchLatency = 20 * time.Millisecond

// countRequests splits what the fake received into reads and writes.
func countRequests(srv *bugzillatest.Server) (reads, writes int) {
	for ep, n := range srv.RequestCounts() {
		if strings.HasPrefix(ep, "GET ") {
			reads += n
		} else {
			writes += n
		}
	}
	return reads, writes
}

// dryRunAnalysis sets the bot to analyse everything in one cycle without
// writing: dry-run (it still re-reads each bug before it would write, as
// live) and a write cap above the corpus (Validate caps it at 1000 for a
// configured bot; the benchmark bypasses Validate on purpose).
func dryRunAnalysis(n int) rigOption {
	return bottest.WithConfig(func(c *bot.Config) {
		c.DryRun = true
		c.Poll.MaxWritesPerCycle = n + 1
	})
}

// coldStart runs poll and analyse once over a fresh store.
func (r *rig) coldStart() error {
	r.Advance(5 * time.Minute)
	if err := r.bot.RunOnce(r.Ctx, "poll"); err != nil {
		return err
	}
	return r.bot.RunOnce(r.Ctx, "analyse")
}

// minimalRequests is the least a bot can send, by this design's rules, to
// analyse the requests on n bugs from scratch, of which owed are still
// open: authenticate, the server time, one search page per 1000, one
// batched attachment read (metadata and data) per 100 bugs, and one re-read
// of the comments of each bug it will write on (invariant 1; it is also
// where a form pasted in a comment is found). The writes themselves (one per
// request) are the same for every bot and not counted here.
func minimalRequests(n, owed int) int {
	return 1 + 1 + (n+999)/1000 + (n+99)/100 + owed
}

// owed is how many of the rig's bugs are owed a comment.
func (r *rig) owed() int {
	n := 0
	for _, e := range r.exps {
		if len(e.Want) > 0 {
			n++
		}
	}
	return n
}

func BenchmarkColdStart(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("stewardbot/%d", n), func(b *testing.B) { benchBotColdStart(b, n, benchLatency) })
		// The same without latency: what the bot and the fake cost in CPU,
		// and the requests of the full cycle that follows (the same with
		// latency, which changes no count).
		b.Run(fmt.Sprintf("stewardbot-no-latency/%d", n), func(b *testing.B) { benchBotColdStart(b, n, 0) })
		b.Run(fmt.Sprintf("bugbot-baseline/%d", n), func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				r := newRig(b, bugzillatest.Upstream)
				r.seed(n)
				r.Fake.SetLatency(benchLatency)
				r.Fake.ResetRecords()
				b.StartTimer()
				start := time.Now()
				forms, err := bugbotBaseline(r.Ctx, r.Fake)
				if err != nil {
					b.Fatal(err)
				}
				wall := time.Since(start)
				b.StopTimer()
				reads, writes := countRequests(r.Fake)
				b.ReportMetric(float64(reads+writes), "requests")
				b.ReportMetric(wall.Seconds(), "wall-s")
				b.Logf("n=%d: %d requests %v, %d forms parsed, wall %v", n, reads+writes, r.Fake.RequestCounts(), forms, wall.Round(time.Millisecond))
				b.StartTimer()
			}
		})
	}
}

// benchBotColdStart is one dry-run cold start of the bot over n requests.
func benchBotColdStart(b *testing.B, n int, latency time.Duration) {
	for b.Loop() {
		b.StopTimer()
		r := newRig(b, bugzillatest.Upstream, dryRunAnalysis(n))
		r.seed(n)
		r.Fake.SetLatency(latency)
		r.Fake.ResetRecords()
		b.StartTimer()
		start := time.Now()
		if err := r.coldStart(); err != nil {
			b.Fatal(err)
		}
		wall := time.Since(start)
		b.StopTimer()
		reads, writes := countRequests(r.Fake)
		b.ReportMetric(float64(reads+writes), "requests")
		minimal := minimalRequests(n, r.owed())
		b.ReportMetric(float64(minimal), "minimal-requests")
		b.ReportMetric(wall.Seconds(), "wall-s")
		b.Logf("n=%d: %d requests %v (minimal %d), wall %v", n, reads+writes, r.Fake.RequestCounts(), minimal, wall.Round(time.Millisecond))
		if latency == 0 {
			next, writes := r.nextCycle(b)
			b.ReportMetric(float64(next), "requests/next-cycle")
			b.ReportMetric(float64(writes), "writes/next-cycle")
		}
		b.StartTimer()
	}
}

// nextCycle runs the full cycle after a cold start (every task: the first
// look of commands, escalate and remind at what poll and analyse
// recorded) and returns its requests and the writes it would make (the
// comments dry-run logs instead of posting); then it checks that the cycle
// after is idle.
func (r *rig) nextCycle(b *testing.B) (requests, writes int) {
	b.Helper()
	r.Fake.ResetRecords()
	logged := len(r.Logs.String())
	if err := r.Cycle(); err != nil {
		b.Fatal(err)
	}
	next, counts := r.Requests(), r.Fake.RequestCounts()
	writes = strings.Count(r.Logs.String()[logged:], `"message":"dry run: would post`)
	r.Fake.ResetRecords()
	if err := r.Cycle(); err != nil {
		b.Fatal(err)
	}
	b.Logf("the cycle after the cold start: %d requests %v, %d writes (dry run); the one after: %d %v",
		next, counts, writes, r.Requests(), r.Fake.RequestCounts())
	return next, writes
}

// bugbotBaseline finds and reads the open data-review requests the way
// Mozilla's BugBot rules do: a count query, then the bugs in pages of 100,
// then for each bug its comments and its attachments (with data, which
// Bugzilla includes by default), one request each. It parses every text attachment as a form, so that it does
// the same reading work as the bot. It returns how many forms it found.
func bugbotBaseline(ctx context.Context, srv *bugzillatest.Server) (int, error) {
	hc := srv.Client()
	get := func(path string, q url.Values, into any) error {
		q.Set("Bugzilla_api_key", testAPIKey)
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL()+path+"?"+q.Encode(), nil)
		if err != nil {
			return err
		}
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("baseline: GET %s: %s", path, resp.Status)
		}
		if into == nil {
			_, err = io.Copy(io.Discard, resp.Body)
			return err
		}
		return json.NewDecoder(resp.Body).Decode(into)
	}
	search := url.Values{"f1": {"flagtypes.name"}, "o1": {"equals"}, "v1": {"data-review?"}}
	count := url.Values{"count_only": {"1"}}
	for k, v := range search {
		count[k] = v
	}
	if err := get("/rest/bug", count, nil); err != nil {
		return 0, err
	}
	// The pages and the per-bug reads go through the real client, so that
	// decoding costs the same as for the bot.
	client, err := bugzilla.NewClient(srv.URL(), bugzilla.WithAPIKey(testAPIKey), bugzilla.WithHTTPClient(hc),
		bugzilla.WithKeyPlacement(bugzilla.KeyQuery), bugzilla.WithRetries(0, 0, 0))
	if err != nil {
		return 0, err
	}
	q := bugzilla.SearchQuery{
		Criteria:      []bugzilla.Criterion{{Field: "flagtypes.name", Op: "equals", Value: "data-review?"}},
		IncludeFields: []string{"id"}, Limit: 100, Order: "bug_id",
	}
	var ids []int
	for {
		page, err := client.SearchBugsPage(ctx, q)
		if err != nil {
			return 0, err
		}
		for _, bug := range page {
			ids = append(ids, bug.ID)
		}
		if len(page) < q.Limit {
			break
		}
		q.Offset += q.Limit
	}
	forms := 0
	for _, id := range ids {
		if _, err := client.Comments(ctx, id, time.Time{}); err != nil {
			return 0, err
		}
		// BugBot reads a bug's attachments with their data in one request.
		var atts struct {
			Bugs map[string][]struct {
				ContentType string `json:"content_type"`
				IsPatch     int    `json:"is_patch"`
				Data        []byte `json:"data"`
			} `json:"bugs"`
		}
		if err := get(fmt.Sprintf("/rest/bug/%d/attachment", id), url.Values{}, &atts); err != nil {
			return 0, err
		}
		for _, a := range atts.Bugs[strconv.Itoa(id)] {
			if strings.HasPrefix(a.ContentType, "text/") && a.IsPatch == 0 {
				if req := policy.ParseRequest(string(a.Data)); req != nil && req.Version != "" && req.Version != policy.FormNone {
					forms++
				}
			}
		}
	}
	return forms, nil
}

// BenchmarkMemory10k tracks 10,000 requests in-process (a dry-run cold
// start over them, so the fake's database does not grow) and reports the
// Go heap: kept after the cold start (the heap in use then, after GC, minus
// the heap in use with the seeded fake alone), and the peak during the
// cold start (runtime/metrics' /memory/classes/heap/objects:bytes sampled
// every 5 ms, minus the same baseline). The peak includes the fake's
// allocations (it renders JSON for 10,000 bugs) and garbage not yet
// collected, so it is an upper bound; BenchmarkMemoryRSS10k measures the
// bot's process alone. It also reports the requests of the two cycles that
// follow, with that many requests open.
func BenchmarkMemory10k(b *testing.B) {
	const n = 10000
	for _, d := range []bugzillatest.Dialect{bugzillatest.Upstream, bugzillatest.BMO} {
		b.Run(d.String(), func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				r := newRig(b, d, dryRunAnalysis(n))
				r.Quiet = true // dry-run logs every comment; that is not the bot's memory
				r.NewProcess()
				r.seed(n)
				r.Fake.ResetRecords()
				before := heapObjects(true)
				peak := sampleHeap()
				b.StartTimer()
				if err := r.coldStart(); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				peakObjects := peak()
				// Neither the fake's request log nor the test's copy of the
				// bot's log lines (dry-run logs every comment) is the bot's memory.
				r.Fake.ResetRecords()
				r.Logs.Reset()
				after := heapObjects(true)
				// The next cycle reads what poll and analyse recorded (the
				// other tasks' first look); the one after is idle.
				if err := r.Cycle(); err != nil {
					b.Fatal(err)
				}
				next := r.Requests()
				r.Fake.ResetRecords()
				if err := r.Cycle(); err != nil {
					b.Fatal(err)
				}
				idle := r.Requests()
				b.ReportMetric(float64(after-before)/(1<<20), "bot-heap-MB")
				b.ReportMetric(float64(peakObjects-before)/(1<<20), "bot-peak-heap-MB")
				b.ReportMetric(float64(after)/(1<<20), "total-heap-MB")
				b.ReportMetric(float64(next), "requests/next-cycle")
				b.ReportMetric(float64(idle), "idle-requests")
				b.Logf("%s: heap objects %.1f MB with the seeded fake, at most %.1f MB during the cold start, %.1f MB after tracking %d requests; next cycle %d requests, then idle: %v",
					d, float64(before)/(1<<20), float64(peakObjects)/(1<<20), float64(after)/(1<<20), n, next, r.Fake.RequestCounts())
				b.StartTimer()
			}
		})
	}
}

// heapObjectsMetric is the Go heap occupied by objects, live or not yet
// swept: what a peak of the heap's use means.
const heapObjectsMetric = "/memory/classes/heap/objects:bytes"

// heapObjects reads heapObjectsMetric, after two collections when gc is
// set (then it is the live heap).
func heapObjects(gc bool) uint64 {
	if gc {
		runtime.GC()
		runtime.GC()
	}
	sample := []metrics.Sample{{Name: heapObjectsMetric}}
	metrics.Read(sample)
	return sample[0].Value.Uint64()
}

// sampleHeap samples heapObjects every 5 ms until the returned function is
// called, which returns the largest sample. runtime/metrics does not stop
// the world, so sampling does not slow the cycle it watches.
func sampleHeap() (stop func() uint64) {
	done := make(chan struct{})
	result := make(chan uint64)
	go func() {
		var peak uint64
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			peak = max(peak, heapObjects(false))
			select {
			case <-done:
				result <- peak
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { close(done); return <-result }
}

// BenchmarkMemoryRSS10k measures the bot's whole memory with 10,000
// tracked requests: the real binary, `stewardbot once` in dry-run, run
// against the fake (in this process, so none of its memory counts) until a
// cycle is idle, each run a new process, as cron would start it. Each run's
// maximum resident set size comes from getrusage, through rsswrap (Go heap,
// runtime, stacks, and SQLite's page cache, which lives outside the Go
// heap); Linux reports it in kilobytes, which the wrapper assumes. It
// reports the largest over the runs (the first: the sweep of 10,000 bugs
// and the first 1,000 analyses) and the last (an idle cycle with all
// 10,000 tracked), and the CPU time of all the runs (what a smaller heap
// costs in garbage collection). The binary is built as deploy/Dockerfile
// builds it (static, stripped): its pages are part of the RSS. The child
// gets this process's environment, so GOMEMLIMIT or GOGC set for the
// benchmark apply to the bot too. Target: under 40 MB.
func BenchmarkMemoryRSS10k(b *testing.B) {
	const n = 10000
	bin := buildBinary(b, "github.com/stewardbot/stewardbot/cmd/stewardbot", deployBuildFlags...)
	wrap := buildBinary(b, "./testdata/rsswrap")
	for b.Loop() {
		b.StopTimer()
		srv := bugzillatest.NewServer(b, bugzillatest.WithDialect(bugzillatest.Upstream), bugzillatest.WithClock(time.Now))
		srv.SetAPIKey(botLogin, testAPIKey)
		if _, err := SeedCorpus(srv, 0, n, false); err != nil {
			b.Fatal(err)
		}
		dir := b.TempDir()
		cfgPath := filepath.Join(dir, "config.yaml")
		config := fmt.Sprintf(`dry_run: true
bugzilla:
  url: %s
  login: %s
  timeout: 30s
poll:
  max_writes_per_cycle: %d
store:
  dsn: %s
log:
  level: warn
  format: json
http:
  listen: 127.0.0.1:0
`, srv.URL(), botLogin, bot.MaxWritesCap, filepath.Join(dir, "stewardbot.db"))
		if err := os.WriteFile(cfgPath, []byte(config), 0o600); err != nil {
			b.Fatal(err)
		}
		logFile, err := os.Create(filepath.Join(dir, "bot.log"))
		if err != nil {
			b.Fatal(err)
		}
		env := append(envWithout(os.Environ(), "STEWARDBOT_", "CREDENTIALS_DIRECTORY="),
			"STEWARDBOT_BUGZILLA_API_KEY="+testAPIKey)
		var peak, last, peakAnon, lastAnon, cpuMillis int64
		prevReqs := -1
		var runs []string
		for i := 0; ; i++ {
			if i == 30 {
				b.Fatalf("not idle after 30 runs: %v", runs)
			}
			srv.ResetRecords()
			// Through rsswrap: a child of this process would count the
			// fake's memory as its own (see testdata/rsswrap).
			rssPath := filepath.Join(dir, "maxrss")
			cmd := exec.Command(wrap, rssPath, bin, "once", "--config", cfgPath)
			cmd.Env, cmd.Stdout, cmd.Stderr = env, logFile, logFile
			b.StartTimer()
			err := cmd.Run()
			b.StopTimer()
			if err != nil {
				b.Fatalf("stewardbot once, run %d: %v\n%s", i+1, err, tail(logFile.Name()))
			}
			out, err := os.ReadFile(rssPath)
			if err != nil {
				b.Fatal(err)
			}
			var anon, file, cpu int64
			if _, err := fmt.Sscanf(string(out), "maxrss=%d anon=%d file=%d cpu_ms=%d", &last, &anon, &file, &cpu); err != nil {
				b.Fatalf("rsswrap wrote %q: %v", out, err)
			}
			peak, peakAnon, lastAnon = max(peak, last), max(peakAnon, anon), anon
			cpuMillis += cpu
			reqs := 0
			for _, c := range srv.RequestCounts() {
				reqs += c
			}
			runs = append(runs, fmt.Sprintf("%d requests %.1f MB (anon %.1f, file %.1f) %.2f s CPU", reqs,
				float64(last)/(1<<20), float64(anon)/(1<<20), float64(file)/(1<<20), float64(cpu)/1000))
			// Idle: the authentication and the poll alone, or a few
			// requests the same as the run before (a poll that also checks
			// the tracked requests costs some per cycle, however idle).
			if reqs <= 4 || (reqs == prevReqs && reqs < n/100) {
				break
			}
			prevReqs = reqs
		}
		logFile.Close()
		b.ReportMetric(float64(peak)/(1<<20), "peak-rss-MB")
		b.ReportMetric(float64(last)/(1<<20), "idle-rss-MB")
		b.ReportMetric(float64(peakAnon)/(1<<20), "peak-anon-MB")
		b.ReportMetric(float64(lastAnon)/(1<<20), "idle-anon-MB")
		b.ReportMetric(float64(len(runs)), "runs")
		b.ReportMetric(float64(cpuMillis)/1000, "cpu-s")
		b.Logf("runs of `stewardbot once` over %d requests (requests, max RSS, its largest anonymous and file-backed parts, CPU time): %s",
			n, strings.Join(runs, "; "))
		b.StartTimer()
	}
}

// deployBuildFlags build the binary as deploy/Dockerfile does (with
// CGO_ENABLED=0 in buildBinary): a static binary maps no C library, and
// the stripped tables are not loaded anyway.
var deployBuildFlags = []string{"-trimpath", "-ldflags=-s -w"}

// buildBinary builds a command (a package path) for a benchmark, without
// the race detector (GOFLAGS is dropped), as buildStewardbot does for tests.
// With flags, it builds with them and with cgo off, as deployed.
func buildBinary(tb testing.TB, pkg string, flags ...string) string {
	tb.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		tb.Skip("no go tool on PATH to build the binary")
	}
	bin := filepath.Join(tb.TempDir(), filepath.Base(pkg))
	args := append(append([]string{"build"}, flags...), "-o", bin, pkg)
	cmd := exec.Command(goTool, args...)
	cmd.Env = envWithout(os.Environ(), "GOFLAGS=")
	if len(flags) > 0 {
		cmd.Env = append(envWithout(cmd.Env, "CGO_ENABLED="), "CGO_ENABLED=0")
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}
