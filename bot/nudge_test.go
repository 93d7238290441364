package bot

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// fakeTimers stands in for time.NewTimer in the nudge loop: each timer the
// loop starts is sent on reqs, and fires when the test says so. No test
// waits for a debounce window to pass.
type fakeTimers struct{ reqs chan fakeTimer }

type fakeTimer struct {
	d time.Duration
	c chan time.Time
}

func newFakeTimers() *fakeTimers { return &fakeTimers{reqs: make(chan fakeTimer, 16)} }

func (f *fakeTimers) start(d time.Duration) (<-chan time.Time, func() bool) {
	c := make(chan time.Time, 1)
	f.reqs <- fakeTimer{d: d, c: c}
	return c, func() bool { return true }
}

func (t fakeTimer) fire() { t.c <- time.Time{} }

// recv receives from c, failing the test rather than hanging when nothing
// comes (a broken loop); the limit is a safety net, not a timing.
func recv[T any](t *testing.T, c <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-c:
		return v
	case <-time.After(20 * time.Second):
		t.Fatalf("no %s", what)
		panic("unreachable")
	}
}

// noTimer checks that the loop has not asked for another timer.
func noTimer(t *testing.T, f *fakeTimers, when string) {
	t.Helper()
	select {
	case r := <-f.reqs:
		t.Fatalf("%s: the loop started another timer (%s)", when, r.d)
	default:
	}
}

func TestNudgeState(t *testing.T) {
	var n nudgeState
	t0 := epoch
	window := 10 * time.Second
	if _, pending := n.due(t0, window); pending {
		t.Fatal("a new state has nudges pending")
	}
	n.add(1, t0)
	if wait, pending := n.due(t0, window); !pending || wait > 0 {
		t.Errorf("the first nudge: due = %s, %v; want at once, true", wait, pending)
	}
	n.add(2, t0)
	n.add(1, t0) // a duplicate delivery
	if bugs := n.take(t0); !slices.Equal(bugs, []int{1, 2}) {
		t.Errorf("take = %v, want bugs 1 and 2, each once", bugs)
	}
	if !n.cycleRunning() {
		t.Error("take does not mark a nudged cycle running")
	}
	if _, pending := n.due(t0, window); pending {
		t.Error("nudges still pending after take")
	}
	n.add(3, t0.Add(3*time.Second)) // during the cycle: waits for the window from its start
	n.done()
	if wait, pending := n.due(t0.Add(4*time.Second), window); !pending || wait != 6*time.Second || n.cycleRunning() {
		t.Errorf("after a nudge during the cycle: due %s, %v, running %v; want 6s, true, false", wait, pending, n.cycleRunning())
	}
	if wait, _ := n.due(t0.Add(-time.Hour), window); wait != window {
		t.Errorf("a clock gone back: wait %s, want at most the window", wait)
	}
	n.take(t0.Add(10 * time.Second))
	n.done()
	n.add(4, t0.Add(time.Minute)) // after a quiet spell: at once
	if wait, pending := n.due(t0.Add(time.Minute), window); !pending || wait > 0 {
		t.Errorf("a nudge after a quiet spell: due %s, %v; want at once", wait, pending)
	}
	for i := range 2 * maxNudgedBugs {
		n.add(100+i, t0.Add(time.Minute))
	}
	if bugs := n.take(t0.Add(time.Minute)); len(bugs) != maxNudgedBugs {
		t.Errorf("a burst: %d bugs looked at first, want at most %d", len(bugs), maxNudgedBugs)
	}
}

// The first nudge runs a cycle at once, with its bug; the nudges that
// follow within the window (during that cycle, or after it) share one more
// cycle when the window ends; a nudge after a quiet spell runs at once
// again. Every nudged bug is marked dirty first.
func TestRunNudgesLeadingEdge(t *testing.T) {
	e := newE2E(t, bugzillatest.Upstream, nil)
	timers := newFakeTimers()
	e.bot.nudges.newTimer = timers.start
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type cycle struct {
		bugs    []int
		release chan struct{}
	}
	cycles := make(chan cycle)
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		e.bot.runNudges(ctx, func(bugs []int) {
			release := make(chan struct{})
			cycles <- cycle{bugs, release}
			<-release
		})
	}()
	nudge := func(bug int) {
		t.Helper()
		if err := e.bot.Nudge(e.ctx, bug, e.clock.Now()); err != nil {
			t.Fatal(err)
		}
	}

	nudge(1)
	c1 := recv(t, cycles, "a cycle at once after the first nudge")
	if !slices.Equal(c1.bugs, []int{1}) {
		t.Errorf("first cycle's bugs = %v, want [1]", c1.bugs)
	}
	noTimer(t, timers, "the first nudge")
	e.clock.Advance(2 * time.Second)
	nudge(2) // during the cycle
	nudge(1)
	close(c1.release)
	r := recv(t, timers.reqs, "timer for the nudges that followed")
	if want := e.cfg.Webhooks.Debounce - 2*time.Second; r.d != want {
		t.Errorf("wait = %s, want the rest of the window from the first cycle's start, %s", r.d, want)
	}
	if got := e.dirty(); !slices.Equal(got, []int{1, 2}) {
		t.Errorf("dirty bugs = %v, want 1 and 2", got)
	}
	e.clock.Advance(e.cfg.Webhooks.Debounce)
	r.fire()
	c2 := recv(t, cycles, "one cycle for the nudges that followed")
	if !slices.Equal(c2.bugs, []int{2, 1}) {
		t.Errorf("second cycle's bugs = %v, want [2 1]", c2.bugs)
	}
	close(c2.release)
	e.clock.Advance(time.Minute)
	nudge(3) // a quiet spell later
	close(recv(t, cycles, "a cycle at once after a quiet spell").release)
	noTimer(t, timers, "a nudge after a quiet spell")
	cancel()
	recv(t, stopped, "loop end after cancel")
}

// With debounce 0 every nudge runs a cycle at once, without a timer.
func TestRunNudgesNoDebounce(t *testing.T) {
	e := newE2E(t, bugzillatest.Upstream, func(c *Config) { c.Webhooks.Debounce = 0 })
	timers := newFakeTimers()
	e.bot.nudges.newTimer = timers.start
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cycled := make(chan struct{}, 4)
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		e.bot.runNudges(ctx, func([]int) { cycled <- struct{}{} })
	}()
	for _, bug := range []int{7, 8} {
		if err := e.bot.Nudge(e.ctx, bug, e.clock.Now()); err != nil {
			t.Fatal(err)
		}
		recv(t, cycled, "cycle")
	}
	cancel()
	recv(t, stopped, "loop end")
	noTimer(t, timers, "debounce 0")
}

func TestNudgeBadBug(t *testing.T) {
	e := newE2E(t, bugzillatest.Upstream, nil)
	for _, id := range []int{0, -3} {
		if err := e.bot.Nudge(e.ctx, id, e.clock.Now()); err == nil {
			t.Errorf("Nudge(%d) = nil, want an error", id)
		}
	}
	if _, pending := e.bot.nudges.due(e.clock.Now(), 0); pending {
		t.Error("a refused nudge is pending")
	}
}

// dirty lists the queued bugs.
func (e *e2e) dirty() []int {
	e.t.Helper()
	ids, err := e.st.DirtyBugs(e.ctx, 0, 100)
	if err != nil {
		e.t.Fatal(err)
	}
	return ids
}

// cycleObserver reports each cycle's result on a channel.
type cycleObserver struct{ c chan string }

func (o cycleObserver) CycleDone(result string)  { o.c <- result }
func (cycleObserver) ActionDone(string, string)  {}
func (cycleObserver) QueueState(int, time.Time)  {}
func (cycleObserver) Parked(time.Time)           {}
func (o cycleObserver) next(t *testing.T) string { t.Helper(); return recv(t, o.c, "cycle") }
func (o cycleObserver) none(t *testing.T, w string) {
	t.Helper()
	select {
	case r := <-o.c:
		t.Fatalf("%s: an unexpected cycle (%s)", w, r)
	default:
	}
}

// The daemon with a cron schedule far away: a nudge (what a webhook
// delivery does) for a new request leads to its analysis at once, and a
// duplicate delivery to no second comment.
func TestNudgeAnalysesWithoutWaitingForCron(t *testing.T) {
	e := newE2E(t, bugzillatest.BMO, func(c *Config) { c.Poll.Schedule = "@every 24h" })
	obs := cycleObserver{make(chan string, 16)}
	posted := make(chan Posted, 16)
	timers := newFakeTimers()
	e.bot.obs = obs
	e.bot.onPost = func(p Posted) { posted <- p }
	e.bot.nudges.newTimer = timers.start
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ran := make(chan error, 1)
	go func() { ran <- e.bot.Run(ctx, "") }()
	if r := obs.next(t); r != CycleOK {
		t.Fatalf("first cycle: %s\n%s", r, e.logs.String())
	}

	bug, _ := e.request("Count tab unloads", demoForm(t, "clean-12q.md"), false, "steward1@example.test")
	e.advance(time.Minute)
	e.srv.ResetRecords()
	if err := e.bot.Nudge(ctx, bug, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	// At once: no debounce timer before the first delivery's cycle.
	p := recv(t, posted, "analysis")
	if p.BugID != bug || p.Kind != kindAnalysis || p.DryRun {
		t.Errorf("posted %+v, want the analysis of bug %d", p, bug)
	}
	if r := obs.next(t); r != CycleOK {
		t.Fatalf("nudged cycle: %s\n%s", r, e.logs.String())
	}
	noTimer(t, timers, "the first delivery")
	// The nudged bug before the poll: the analysis is posted before any
	// search or feed read.
	var before []string
	for _, q := range e.srv.Requests() {
		if q.Method == "POST" {
			break
		}
		before = append(before, q.Endpoint)
		// The poll is the feed and a search by criteria (a read of the
		// bugs' groups names them by id).
		if q.Endpoint == "GET /rest/review/flag_activity" || q.Endpoint == "GET /rest/bug" && q.Query.Has("f1") {
			t.Errorf("the nudged cycle polled before it wrote on the nudged bug: %v", before)
			break
		}
	}
	e.advance(time.Minute) // a quiet spell: the next delivery acts at once too

	// BMO delivers at least once: the same event again.
	if err := e.bot.Nudge(ctx, bug, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if r := obs.next(t); r != CycleOK {
		t.Fatalf("cycle of the duplicate: %s", r)
	}
	cancel()
	if err := recv(t, ran, "Run's end"); err != nil {
		t.Fatalf("Run = %v", err)
	}
	obs.none(t, "after shutdown")
	select {
	case p := <-posted:
		t.Errorf("a second comment after a duplicate delivery: %+v", p)
	default:
	}
	if n := len(e.botComments(bug)); n != 1 {
		t.Errorf("bot comments on bug %d = %d, want 1", bug, n)
	}
}
