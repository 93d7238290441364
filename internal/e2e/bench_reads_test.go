package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bugzilla"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// BenchmarkBatchedReads is what bugzilla.read_concurrency buys where the
// bot reads in batches: the reads a cold start makes of 1,000 requests'
// bugs as analyze makes them, through the bot's client at 20 ms per
// request, with 1 and 4 requests in flight: the attachments' metadata
// (one request per 250 bugs), the flagged attachments' contents (their
// sizes checked: at most 63 a request at the 1 MiB cap) and the bugs'
// comments (50 bugs a request). It reports the requests, the wall time and
// wall-vs-sequential: the wall time over the requests times the latency.
// The cold start's other reads (one re-read of a bug's comments before
// each write, the obsolete forms read one by one) are one request each,
// which no concurrency shortens.
func BenchmarkBatchedReads(b *testing.B) {
	const n = 1000
	for _, concurrency := range []int{1, 4} {
		b.Run(fmt.Sprintf("read-concurrency-%d", concurrency), func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				r := newRig(b, bugzillatest.Upstream)
				r.Quiet = true
				r.seed(n)
				client, err := r.NewClient(bugzilla.WithReadConcurrency(concurrency), bugzilla.WithKeyPlacement(bugzilla.KeyQuery))
				if err != nil {
					b.Fatal(err)
				}
				bugs := map[int]bool{}
				var ids []int
				for _, e := range r.exps {
					if !bugs[e.Bug] {
						bugs[e.Bug] = true
						ids = append(ids, e.Bug)
					}
				}
				r.Fake.SetLatency(benchLatency)
				r.Fake.ResetRecords()
				b.StartTimer()
				start := time.Now()
				atts, err := client.Attachments(r.Ctx, ids, bugzilla.AttachmentOptions{})
				if err != nil {
					b.Fatal(err)
				}
				var flagged []int
				sizes := map[int]int64{}
				for _, list := range atts {
					for _, a := range list {
						if len(a.Flags) > 0 && a.Size <= bugzilla.DefaultMaxAttachmentBytes {
							flagged = append(flagged, a.ID)
							sizes[a.ID] = a.Size
						}
					}
				}
				if _, err := client.AttachmentsByID(r.Ctx, flagged, bugzilla.AttachmentOptions{WithData: true, CheckedSizes: sizes}); err != nil {
					b.Fatal(err)
				}
				if _, err := client.CommentsOfBugs(r.Ctx, ids, time.Time{}); err != nil {
					b.Fatal(err)
				}
				wall := time.Since(start)
				b.StopTimer()
				requests := r.Requests()
				seq := time.Duration(requests) * benchLatency
				b.ReportMetric(float64(requests), "requests")
				b.ReportMetric(wall.Seconds(), "wall-s")
				b.ReportMetric(wall.Seconds()/seq.Seconds(), "wall-vs-sequential")
				b.Logf("%d bugs, %d flagged attachments: %d requests %v, at most %d in flight, wall %v",
					len(ids), len(flagged), requests, r.Fake.RequestCounts(), r.Fake.MaxInFlight(), wall.Round(time.Millisecond))
				b.StartTimer()
			}
		})
	}
}
