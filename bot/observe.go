package bot

import (
	"context"
	"errors"
	"time"
)

// Observer is told what the bot does, for metrics (see bot/metrics). The
// bot calls it synchronously, so its methods must be cheap and safe for
// concurrent use. Labels it receives are bounded sets: never a bug id.
type Observer interface {
	// CycleDone reports a cycle's result: CycleOK, CycleError or CycleParked.
	CycleDone(result string)
	// ActionDone reports one marked action of a kind ("analysis",
	// "needs-form", ...) and what became of it (Action* results).
	ActionDone(kind, result string)
	// QueueState reports the open requests after a cycle and when the
	// oldest of them was made (zero when none is open).
	QueueState(pending int, oldest time.Time)
	// Parked reports the end of the rate-limit park, zero when none.
	Parked(until time.Time)
}

// Cycle results.
const (
	CycleOK     = "ok"
	CycleError  = "error"
	CycleParked = "parked"
)

// Action results.
const (
	ActionPosted      = "posted"       // the comment was written
	ActionDryRun      = "dry_run"      // logged instead of written
	ActionAlreadyDone = "already_done" // the live bug had its marker
	ActionFailed      = "failed"       // Bugzilla refused the write
	ActionUnknown     = "unknown"      // the write's outcome is unknown
	ActionRateLimited = "rate_limited" // refused by a rate limit, to be retried
)

// WithObserver sets who is told about cycles and actions (default nobody).
func WithObserver(o Observer) Option { return func(b *Bot) { b.obs = o } }

// nopObserver is the default Observer.
type nopObserver struct{}

func (nopObserver) CycleDone(string)          {}
func (nopObserver) ActionDone(string, string) {}
func (nopObserver) QueueState(int, time.Time) {}
func (nopObserver) Parked(time.Time)          {}
func (b *Bot) observer() Observer {
	if b.obs == nil {
		return nopObserver{}
	}
	return b.obs
}

// observeCycle reports a finished cycle, the queue it left and any park.
// The store reads are best effort: metrics must never fail a cycle.
func (b *Bot) observeCycle(ctx context.Context, err error) {
	o := b.observer()
	if _, ok := o.(nopObserver); ok {
		return
	}
	var park *ParkedError
	switch {
	case err == nil:
		o.CycleDone(CycleOK)
	case errors.As(err, &park):
		o.CycleDone(CycleParked)
	default:
		o.CycleDone(CycleError)
	}
	b.observeState(ctx)
}

// observeState reports the queue and any park, as the store has them.
func (b *Bot) observeState(ctx context.Context) {
	o := b.observer()
	ctx = context.WithoutCancel(ctx)
	if until, parked, perr := b.park.until(ctx); perr == nil {
		if !parked {
			until = time.Time{}
		}
		o.Parked(until)
	}
	if n, oldest, qerr := b.store.QueueSize(ctx); qerr == nil {
		o.QueueState(n, oldest)
	}
	b.troubles.observeTroubles(ctx)
}
