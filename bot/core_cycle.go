package bot

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
)

// Cycle is the state one run of the task list shares: the write budget,
// what the tasks have read, and why the cycle stopped early, if it did.
//
// A duty asks the cycle, not an error, whether to go on: c.Stopped() is true
// once the writes are spent (the cap) or the cycle is halted (a rate limit
// or a lost lease). An error from a duty then always means something went
// wrong.
type Cycle struct {
	b          *Bot // the bot running the cycle (nil in tests that build one by hand)
	started    time.Time
	writesLeft int
	deferred   int // actions left for a later cycle by the write cap
	// groups are bugs' groups, for the privacy of the comments on them
	// (bugAbout), read once per cycle and bug (a write by the bot does not
	// change them); the bugs in none are in public (knowGroups).
	groups   map[int][]string
	public   map[int]struct{}
	failed   map[int]bool          // bugs that failed to load on their own this cycle (troubled.go)
	troubles map[int]store.Trouble // the bugs that keep failing, read once per cycle (troubled.go)
	// attempted are the writes sent in this cycle (by action key) whose
	// outcome was not a comment journaled as posted: unknown, or refused.
	// Perform sends none of them again in the same cycle (attempt).
	attempted map[string]Outcome
	halt      HaltReason // why the cycle stopped early; running while it goes on
	cause     error      // the error that halted it
}

// newCycle starts a cycle with the configured write budget.
func (b *Bot) newCycle() *Cycle {
	b.reads.begin()
	return &Cycle{b: b, started: b.now(), writesLeft: b.cfg.Poll.MaxWritesPerCycle}
}

// HaltReason says why a cycle stopped before its tasks were done.
type HaltReason int

const (
	running         HaltReason = iota // not halted
	HaltRateLimited                   // Bugzilla said to slow down: the bot parks
	HaltLeaseLost                     // another replica may lead now: nothing more is written
)

// Outcome is what one write action came to.
type Outcome int

const (
	// Failed: Perform returned an error (the store, building the comment
	// or the re-read failed). The zero value, so that an outcome nobody set
	// never reads as written.
	Failed Outcome = iota
	// Written: posted, or logged in dry-run.
	Written
	// AlreadyDone: the journal or the bot's marker on the bug says done.
	AlreadyDone
	// GaveUp: Bugzilla refused the write maxWriteAttempts times.
	GaveUp
	// Deferred: the write cap is reached (c.Spent()); the action waits for
	// the next cycle.
	Deferred
	// Refused: Bugzilla refused the write; logged, counted and listed as
	// troubled, and tried again next cycle. The cycle stays good.
	Refused
	// Unknown: the write's outcome is unknown and a re-read did not find the
	// marker (yet): the bug stays queued and is re-read before any retry.
	Unknown
	// Halted: the cycle is halted (c.Halted()); nothing was written.
	Halted
)

// Perform writes one marked comment at most once (perform.go) and says
// what came of it. The cap, a rate limit, a lost lease, a refused write and
// an unknown outcome are outcomes, not errors: the error says that the
// store, preparing the comment or re-reading the bug failed. Once the cycle
// is halted nothing is built or sent.
//
// A write is sent at most once per cycle, whichever duty asks for it, and
// however often (a nudged cycle runs analyze before its poll and again
// after it): one whose outcome was unknown or that Bugzilla refused comes
// back with that outcome, and nothing is read or sent. Bugzilla may still
// commit a write whose answer was lost seconds later, after the re-read
// that looked for it; the next cycle re-reads the bug before any retry, and
// a refused write is tried again one cycle apart (maxWriteAttempts).
func (c *Cycle) Perform(ctx context.Context, a *action) (Outcome, error) {
	if c.Halted() {
		return Halted, nil
	}
	if out, ok := c.attempted[a.marker.Key()]; ok {
		return out, nil
	}
	return c.b.w.perform(ctx, c, a)
}

// attempt records that the write of key was sent in this cycle and came
// to out (Unknown or Refused): Perform does not send it again before the
// next cycle.
func (c *Cycle) attempt(key string, out Outcome) {
	if c.attempted == nil {
		c.attempted = map[string]Outcome{}
	}
	c.attempted[key] = out
}

// failure is what a write makes of an error: a rate limit or a lost lease
// halts the cycle (Halted, and no error: the cause is the cycle's); any
// other error is a failure.
func (c *Cycle) failure(err error) (Outcome, error) {
	switch {
	case rateLimited(err):
		c.Halt(HaltRateLimited, err)
		return Halted, nil
	case leaseLost(err):
		c.Halt(HaltLeaseLost, err)
		return Halted, nil
	}
	return Failed, err
}

// Spent reports whether the cycle's writes are spent (poll.max_writes_per_cycle).
func (c *Cycle) Spent() bool { return c.writesLeft <= 0 }

// Take spends one write made outside Perform (resolve's flag clear); false
// when none is left, and the write counts as deferred.
func (c *Cycle) Take() bool {
	if c.writesLeft <= 0 {
		c.deferred++
		return false
	}
	c.writesLeft--
	return true
}

// Defer counts an action left for the next cycle without trying it
// (remind's budget, escalate's plan).
func (c *Cycle) Defer() { c.deferred++ }

// WritesLeft is how many writes the cycle may still make.
func (c *Cycle) WritesLeft() int { return max(c.writesLeft, 0) }

// Halt stops the cycle: no task writes after it, and RunOnce parks (a rate
// limit) or reports the lost lease once. The first reason wins.
func (c *Cycle) Halt(r HaltReason, cause error) {
	if c.halt == running {
		c.halt, c.cause = r, cause
	}
}

// Halted reports whether the cycle is halted.
func (c *Cycle) Halted() bool { return c.halt != running }

// Stopped is the one question a duty's loop asks: no write left, or halted.
func (c *Cycle) Stopped() bool { return c.Spent() || c.Halted() }

// Views returns the bugs' views for this cycle (views.read, cached in the readCache): read once per
// cycle, shared by the tasks; hidden, failing and backing-off bugs left out.
// A rate limit on the reads halts the cycle.
func (c *Cycle) Views(ctx context.Context, ids []int) (map[int]*bugView, error) {
	views, err := c.b.views.read(ctx, c, ids)
	c.haltOn(err)
	return views, err
}

// View is Views for one bug; nil when the bug is hidden from the bot.
func (c *Cycle) View(ctx context.Context, id int) (*bugView, error) {
	v, err := c.b.views.cycleView(ctx, c, id)
	c.haltOn(err)
	return v, err
}

// WaitingOut reports whether a duty must leave a bug alone in this cycle:
// it waits out its backoff after failing (core_troubles.go), or it failed
// on its own earlier in the cycle (isolate). runTasks reads the troubles.
func (c *Cycle) WaitingOut(id int) bool {
	if c.failed[id] {
		return true
	}
	if _, ok := c.troubles[id]; !ok {
		return false // also in a cycle built by hand, with no bot
	}
	return c.waitingOut(id, c.b.now())
}

// haltOn halts the cycle when a read was rate limited, and says whether
// it did.
func (c *Cycle) haltOn(err error) bool {
	if rateLimited(err) {
		c.Halt(HaltRateLimited, err)
		return true
	}
	return false
}

var outcomeNames = [...]string{"failed", "written", "already done", "gave up", "deferred", "refused", "unknown", "halted"}

func (o Outcome) String() string {
	if o < 0 || int(o) >= len(outcomeNames) {
		return "Outcome(" + strconv.Itoa(int(o)) + ")"
	}
	return outcomeNames[o]
}

var haltNames = [...]string{"running", "rate limited", "lease lost"}

func (r HaltReason) String() string {
	if r < 0 || int(r) >= len(haltNames) {
		return "HaltReason(" + strconv.Itoa(int(r)) + ")"
	}
	return haltNames[r]
}

// rateLimited reports whether err is Bugzilla's rate limit.
func rateLimited(err error) bool {
	var rl *bugzilla.RateLimitError
	return errors.As(err, &rl)
}
