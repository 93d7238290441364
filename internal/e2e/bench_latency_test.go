package e2e

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bot"
	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
	"github.com/stewardbot/stewardbot/internal/bottest"
)

// trackedSizes are the numbers of tracked requests the idle and webhook
// benchmarks run with: a real queue, and the 10,000 of the issue.
var trackedSizes = []int{44, 10000}

// trackedRig is a live bot that has analysed n seeded requests and
// settled: the cycles after write nothing. Above 1,000 requests the write
// cap is raised above the corpus (bypassing Validate, as dryRunAnalysis
// does) so that settling takes a few cycles, not dozens.
func trackedRig(b *testing.B, d bugzillatest.Dialect, n int, opts ...rigOption) *rig {
	b.Helper()
	if n > bot.MaxWritesCap {
		opts = append(opts, bottest.WithConfig(func(c *bot.Config) { c.Poll.MaxWritesPerCycle = 2 * n }))
	}
	r := newRig(b, d, opts...)
	if n > 1000 {
		r.Quiet = true // the bot's log of 10,000 analyses is not what is measured
		r.NewProcess()
	}
	r.seed(n)
	r.Settle(8)
	return r
}

// BenchmarkIdleCycle is the cost of a cycle when nothing changed (target: 1
// request upstream, at most 2 on BMO), with 44 and with 10,000 tracked
// requests, on both dialects. "Nothing changed" means within the poll's
// look-back: see ageOut.
func BenchmarkIdleCycle(b *testing.B) {
	for _, d := range []bugzillatest.Dialect{bugzillatest.Upstream, bugzillatest.BMO} {
		for _, n := range trackedSizes {
			b.Run(fmt.Sprintf("%s/%d", d, n), func(b *testing.B) {
				r := trackedRig(b, d, n)
				burst := r.ageOut(b)
				total, cycles := 0, 0
				var last map[string]int
				for b.Loop() {
					r.Fake.ResetRecords()
					if err := r.Cycle(); err != nil {
						b.Fatal(err)
					}
					last = r.Fake.RequestCounts()
					total += r.Requests()
					cycles++
				}
				if n := len(r.Fake.Writes()); n != 0 { // since the last cycle's ResetRecords
					b.Errorf("an idle cycle wrote %d times", n)
				}
				b.ReportMetric(float64(total)/float64(cycles), "requests/cycle")
				b.ReportMetric(float64(burst), "burst-poll-requests")
				b.Logf("%s, %d tracked, idle cycle: %v", d, n, last)
				// Where they go: each task alone, over the same idle state.
				for _, task := range r.bot.TaskNames() {
					r.Fake.ResetRecords()
					r.Advance(5 * time.Minute)
					if err := r.bot.RunOnce(r.Ctx, task); err != nil {
						b.Fatal(err)
					}
					if task == "poll" {
						b.ReportMetric(float64(r.Requests()), "poll-requests")
					}
					b.Logf("%s idle, task %s alone: %d requests %v", d, task, r.Requests(), r.Fake.RequestCounts())
				}
			})
		}
	}
}

// BenchmarkWebhookLatency is the time from a data-review? flag set on a
// new form to the bot's analysis on the bug, when a webhook delivery
// announces it (target: under 1 s), with the default configuration (the
// 10 s debounce included) and 20 ms per request, with 44 and with 10,000
// requests tracked. The daemon runs (Run, with its nudge loop); its cron
// schedule is set far away so that no scheduled cycle runs meanwhile. The
// delivery is what the webhook handler does with it (Bot.Nudge), at once
// after the flag is set; BMO's own delay in sending it is not counted.
// Between deliveries the clock moves a minute on, past the debounce
// window, and the nudged cycle is let finish.
func BenchmarkWebhookLatency(b *testing.B) {
	form, err := os.ReadFile(filepath.Join("..", "..", "bot", "demo", "forms", "clean-12q.md"))
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range trackedSizes {
		b.Run(fmt.Sprintf("bmo/%d", n), func(b *testing.B) {
			r := trackedRig(b, bugzillatest.BMO, n, bottest.WithConfig(func(c *bot.Config) { c.Poll.Schedule = "@every 240h" }))
			ctx, cancel := context.WithCancel(r.Ctx)
			r.Advance(time.Minute)
			first := r.lastGoodCycle(b)
			ran := make(chan error, 1)
			go func() { ran <- r.bot.Run(ctx, "") }()
			defer func() {
				cancel()
				if err := <-ran; err != nil {
					b.Error(err)
				}
			}()
			r.waitCycle(b, first) // Run's first cycle
			r.Fake.SetLatency(benchLatency)
			var total time.Duration
			count := 0
			for b.Loop() {
				b.StopTimer()
				r.Advance(time.Minute)
				last := r.lastGoodCycle(b)
				bug, _ := r.Request(fmt.Sprintf("Webhook %d", count), string(form), false, "steward1@example.test")
				path := fmt.Sprintf("/rest/bug/%d/comment", bug)
				seen := len(r.Fake.Writes())
				b.StartTimer()
				start := time.Now()
				if err := r.bot.Nudge(ctx, bug, r.Clock.Now()); err != nil {
					b.Fatal(err)
				}
				for !r.wrote(seen, path) {
					time.Sleep(time.Millisecond)
					if time.Since(start) > time.Minute {
						b.Fatalf("no comment on bug %d a minute after the delivery", bug)
					}
				}
				took := time.Since(start)
				b.StopTimer()
				total += took
				count++
				r.waitCycle(b, last) // the rest of the nudged cycle
				b.StartTimer()
			}
			b.ReportMetric(float64(total.Milliseconds())/float64(count), "ms")
			b.Logf("bmo, %d tracked: flag set to comment %v on average over %d deliveries", n, (total / time.Duration(count)).Round(time.Millisecond), count)
		})
	}
}

// ageOut runs polls until the bot's own writes of the settling are out of
// the upstream poll's look-back (two rounds of the rotation over the
// tracked bugs, bot/poll_rotation.go), and returns what the first of those
// polls cost (burst-poll-requests): right after a burst of changes, the
// polls of the next two rounds bring back every flagged bug that changed
// in it, page by page.
func (r *rig) ageOut(b *testing.B) (burst int) {
	b.Helper()
	tracked, err := r.Store.BugsWithOpenRequests(r.Ctx)
	if err != nil {
		b.Fatal(err)
	}
	rounds := (len(tracked) + 499) / 500
	for i := range 2*rounds + 1 {
		r.Fake.ResetRecords()
		r.Advance(5 * time.Minute)
		if err := r.bot.RunOnce(r.Ctx, "poll"); err != nil {
			b.Fatal(err)
		}
		if i == 0 {
			burst = r.Requests()
		}
	}
	// What those polls queued (the bot's own comments changed the bugs).
	if err := r.Cycle(); err != nil {
		b.Fatal(err)
	}
	return burst
}

// wrote reports whether the fake took a write on path after its first seen writes.
func (r *rig) wrote(seen int, path string) bool {
	w := r.Fake.Writes()
	for _, x := range w[min(seen, len(w)):] {
		if x.Method == "POST" && x.Path == path {
			return true
		}
	}
	return false
}

// lastGoodCycle is when the last clean cycle started, as the store says.
func (r *rig) lastGoodCycle(b *testing.B) string {
	b.Helper()
	v, err := r.Store.Get(r.Ctx, bot.KVLastGoodCycle)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		b.Fatal(err)
	}
	return v
}

// waitCycle waits until a clean cycle later than the one recorded as last
// has finished.
func (r *rig) waitCycle(b *testing.B, last string) {
	b.Helper()
	deadline := time.Now().Add(10 * time.Minute)
	for r.lastGoodCycle(b) == last {
		if time.Now().After(deadline) {
			b.Fatalf("no clean cycle in 10 minutes\n%s", r.Logs.Tail(4000))
		}
		time.Sleep(5 * time.Millisecond)
	}
}
