package bot

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/stewardbot/stewardbot/bot/store"
)

// A nudge is a hint, usually from a BMO webhook, that one bug changed: the
// bot marks it dirty at once and runs one cycle soon, instead of waiting for
// the next poll. Nudges are only ever an optimisation. Polling still runs on
// its schedule and finds everything a lost, late or refused delivery would
// have said; a duplicate delivery marks a dirty bug dirty again, and the
// cycle's writes are checked against the markers on the live bug, so nothing
// is written twice.
//
// The dirty mark goes to the store first, because with several replicas a
// delivery may land on a follower: the mark in the shared store is then
// what makes the leader look, on its next cycle. The immediate cycle runs
// only in the process that holds Run (a follower's cycles do nothing).

// Nudge marks bugID dirty and asks Run for a cycle that looks at it first,
// before the poll: at once when no nudged cycle started within the
// debounce window (webhooks.debounce), else when that window ends, so that
// the nudges following a first one share one cycle (leading edge, then
// trailing coalescing). A nudge during a running cycle gets one more cycle
// after it. at is when the nudge arrived (the bot's clock). Only the store
// can fail, and then nothing is scheduled: the caller should answer so that
// the sender retries.
func (b *Bot) Nudge(ctx context.Context, bugID int, at time.Time) error {
	if !ValidBugID(bugID) {
		return fmt.Errorf("bot: nudge: bug id %d out of range (1 to %d)", bugID, MaxBugID)
	}
	if err := b.store.MarkDirty(ctx, []store.BugMark{{BugID: bugID, MarkedAt: at.UTC()}}); err != nil {
		return fmt.Errorf("bot: nudge: %w", err)
	}
	b.nudges.add(bugID, at)
	return nil
}

// Login is the account the bot acts as: the one Bugzilla confirmed at Start,
// else the configured bugzilla.login. The webhook handler ignores events
// this account caused.
func (b *Bot) Login() string {
	if b.sess == nil {
		return b.cfg.Bugzilla.Login // a Bot built without New, as tests that render comments do
	}
	return b.sess.botLogin()
}

// nudgeState holds the nudges not yet served by a cycle. Its zero value is
// ready to use. Safe for concurrent use.
type nudgeState struct {
	mu      sync.Mutex
	pending bool      // a nudge arrived since the last nudged cycle started
	bugs    []int     // the bugs those nudges named, in order, each once (at most maxNudgedBugs)
	lastRun time.Time // when the last nudged cycle started (the bot's clock); zero before the first
	running bool      // a nudged cycle is running
	wake    chan struct{}
	// newTimer starts a timer; nil is the real one. Tests replace it, so
	// that no test waits for a debounce window to pass.
	newTimer func(d time.Duration) (c <-chan time.Time, stop func() bool)
}

// maxNudgedBugs bounds the bugs a nudged cycle looks at before its poll: a
// burst of deliveries beyond it is served by the cycle's usual work on the
// queue, where every nudged bug is marked dirty.
const maxNudgedBugs = 100

// wakeChan returns the channel that says "something is pending", made on
// first use. The caller holds mu.
func (n *nudgeState) wakeChan() chan struct{} {
	if n.wake == nil {
		n.wake = make(chan struct{}, 1)
	}
	return n.wake
}

// add records a nudge for bugID that arrived at at, and wakes the loop.
func (n *nudgeState) add(bugID int, at time.Time) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if len(n.bugs) < maxNudgedBugs && !slices.Contains(n.bugs, bugID) {
		n.bugs = append(n.bugs, bugID)
	}
	if n.pending {
		return
	}
	n.pending = true
	select {
	case n.wakeChan() <- struct{}{}:
	default: // already signalled
	}
}

// due says whether nudges are pending and how long the loop must still wait
// at now before their cycle (zero or less: run now): none when no nudged
// cycle started within the window, else until the window from that
// cycle's start ends. The wait is never longer than the window, even when
// the clock went back.
func (n *nudgeState) due(now time.Time, window time.Duration) (wait time.Duration, pending bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if !n.pending {
		return 0, false
	}
	if n.lastRun.IsZero() {
		return 0, true
	}
	return min(n.lastRun.Add(window).Sub(now), window), true
}

// take serves the pending nudges with the cycle about to start at now, and
// returns the bugs they named: nudges from now on need another cycle (the
// one starting may already be past their bug).
func (n *nudgeState) take(now time.Time) []int {
	n.mu.Lock()
	defer n.mu.Unlock()
	bugs := n.bugs
	n.pending, n.bugs, n.lastRun, n.running = false, nil, now, true
	return bugs
}

// done ends a nudged cycle.
func (n *nudgeState) done() {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.running = false
}

// cycleRunning reports whether a nudged cycle is running, so that a cron
// tick meanwhile can be skipped like one during a scheduled cycle.
func (n *nudgeState) cycleRunning() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.running
}

func (n *nudgeState) timer(d time.Duration) (<-chan time.Time, func() bool) {
	n.mu.Lock()
	nt := n.newTimer
	n.mu.Unlock()
	if nt != nil {
		return nt(d)
	}
	t := time.NewTimer(d)
	return t.C, t.Stop
}

// runNudges serves nudges until ctx ends: it waits for one, waits out what
// is left of the debounce window of the last nudged cycle (nothing, after
// a quiet spell), and calls cycle with the nudged bugs. It never runs two
// cycles at once; the cycles themselves are serialised with cron's by
// RunOnce's cycleMu.
func (b *Bot) runNudges(ctx context.Context, cycle func(bugs []int)) {
	n := &b.nudges
	n.mu.Lock()
	wake := n.wakeChan()
	n.mu.Unlock()
	for {
		wait, pending := n.due(b.clock.Now(), b.cfg.Webhooks.Debounce)
		if !pending {
			select {
			case <-ctx.Done():
				return
			case <-wake:
				continue
			}
		}
		if wait > 0 {
			c, stop := n.timer(wait)
			select {
			case <-ctx.Done():
				stop()
				return
			case <-c:
			}
		}
		if ctx.Err() != nil {
			return
		}
		bugs := n.take(b.clock.Now())
		b.log.Debug().Ints("bugs", bugs).Msg("cycle for webhook nudges")
		cycle(bugs)
		n.done()
	}
}
