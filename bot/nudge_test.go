package bot

import (
	"context"
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
	if _, pending := n.due(t0, 10*time.Second); pending {
		t.Fatal("a new state has nudges pending")
	}
	n.add(t0)
	n.add(t0.Add(3 * time.Second)) // joins the window the first opened
	if wait, pending := n.due(t0.Add(4*time.Second), 10*time.Second); !pending || wait != 6*time.Second {
		t.Errorf("due = %s, %v; want 6s, true", wait, pending)
	}
	if wait, _ := n.due(t0.Add(time.Minute), 10*time.Second); wait > 0 {
		t.Errorf("past the window: wait %s, want none", wait)
	}
	if wait, _ := n.due(t0.Add(-time.Hour), 10*time.Second); wait != 10*time.Second {
		t.Errorf("a nudge stamped ahead of the clock: wait %s, want at most the window", wait)
	}
	n.take()
	if !n.cycleRunning() {
		t.Error("take does not mark a nudged cycle running")
	}
	if _, pending := n.due(t0, 10*time.Second); pending {
		t.Error("nudges still pending after take")
	}
	n.add(t0.Add(20 * time.Second)) // during the cycle: a new window
	n.done()
	if wait, pending := n.due(t0.Add(20*time.Second), 10*time.Second); !pending || wait != 10*time.Second || n.cycleRunning() {
		t.Errorf("after a nudge during the cycle: due %s, %v, running %v; want 10s, true, false", wait, pending, n.cycleRunning())
	}
}

// Several nudges within the window share one cycle; a nudge during a
// cycle gets one more after it; every nudged bug is marked dirty first.
func TestRunNudgesDebounces(t *testing.T) {
	e := newE2E(t, bugzillatest.Upstream, nil)
	timers := newFakeTimers()
	e.bot.nudges.newTimer = timers.start
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cycles := make(chan chan struct{})
	ran := 0
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		e.bot.runNudges(ctx, func() {
			ran++
			release := make(chan struct{})
			cycles <- release
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
	r1 := recv(t, timers.reqs, "timer after the first nudge")
	if r1.d != e.cfg.Webhooks.Debounce {
		t.Errorf("first wait = %s, want the debounce window %s", r1.d, e.cfg.Webhooks.Debounce)
	}
	e.clock.Advance(2 * time.Second)
	nudge(2)
	nudge(1) // a duplicate delivery
	noTimer(t, timers, "nudges within the window")
	if got := e.dirty(); len(got) != 2 {
		t.Errorf("dirty bugs = %v, want 1 and 2", got)
	}
	r1.fire()
	release := recv(t, cycles, "cycle after the window")
	e.clock.Advance(10 * time.Second)
	nudge(3) // during the cycle
	noTimer(t, timers, "a nudge during the cycle")
	close(release)
	r2 := recv(t, timers.reqs, "timer for the nudge during the cycle")
	if r2.d != e.cfg.Webhooks.Debounce {
		t.Errorf("second wait = %s, want %s (the window starts at that nudge)", r2.d, e.cfg.Webhooks.Debounce)
	}
	r2.fire()
	close(recv(t, cycles, "one more cycle"))
	cancel()
	recv(t, stopped, "loop end after cancel")
	if ran != 2 {
		t.Errorf("cycles = %d, want 2", ran)
	}
	noTimer(t, timers, "after the last cycle")
}

// With debounce 0 a nudge runs a cycle at once, without a timer.
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
		e.bot.runNudges(ctx, func() { cycled <- struct{}{} })
	}()
	if err := e.bot.Nudge(e.ctx, 7, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	recv(t, cycled, "cycle")
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
	if err := e.bot.Nudge(ctx, bug, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	recv(t, timers.reqs, "debounce timer").fire()
	p := recv(t, posted, "analysis")
	if p.BugID != bug || p.Kind != kindAnalysis || p.DryRun {
		t.Errorf("posted %+v, want the analysis of bug %d", p, bug)
	}
	if r := obs.next(t); r != CycleOK {
		t.Fatalf("nudged cycle: %s\n%s", r, e.logs.String())
	}

	// BMO delivers at least once: the same event again.
	if err := e.bot.Nudge(ctx, bug, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	recv(t, timers.reqs, "debounce timer").fire()
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
