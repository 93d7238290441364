package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bot"
	"github.com/stewardbot/stewardbot/internal/bottest"
)

// BenchmarkColdStartDryRun is the cold start of the default configuration,
// a dry run (nothing is written until the operator turns it off), over n
// requests: the benchmark issue 14 measured its "242 s cold start" on,
// before BenchmarkColdStart went live. It runs at 20 ms a request with
// reads one at a time and with the default 4 in flight, and without
// latency (the CPU the bot and the fake cost). Each reports its requests
// (all reads), wall time, and the wall time over those requests × 20 ms.
// It is the figure the wall-time target can be read against while writes
// stay one at a time: it has none.
func BenchmarkColdStartDryRun(b *testing.B) {
	cases := []struct {
		name     string
		inFlight int
		latency  time.Duration
	}{
		{"read-concurrency-1", 1, benchLatency},
		{"read-concurrency-4", 4, benchLatency},
		{"no-latency", 4, 0},
	}
	for _, n := range []int{1000, 10000} {
		for _, c := range cases {
			b.Run(fmt.Sprintf("%s/%d", c.name, n), func(b *testing.B) {
				for b.Loop() {
					r, wall := timedColdStart(b, n, c.latency, dryRunAnalysis(n), bottest.WithConfig(func(cfg *bot.Config) {
						cfg.Bugzilla.ReadConcurrency = c.inFlight
					}))
					reads, writes := countRequests(r.Fake)
					if writes != 0 {
						b.Fatalf("a dry run wrote %d times: %v", writes, r.Fake.RequestCounts())
					}
					b.ReportMetric(float64(reads), "requests")
					b.ReportMetric(wall.Seconds(), "wall-s")
					if c.latency > 0 {
						seq := time.Duration(reads) * c.latency
						b.ReportMetric(seq.Seconds(), "sequential-s")
						b.ReportMetric(wall.Seconds()/seq.Seconds(), "wall-vs-sequential")
					}
					b.Logf("n=%d: %d requests %v, at most %d in flight, wall %v",
						n, reads, r.Fake.RequestCounts(), r.Fake.MaxInFlight(), wall.Round(time.Millisecond))
					b.StartTimer()
				}
			})
		}
	}
}
