package bot

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/rs/zerolog"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
	"github.com/stewardbot/stewardbot/policy"
)

// A bug that keeps failing must not stop the others, nor fail every cycle
// (and so the heartbeat) for as long as it is broken. Its failure is
// recorded in the store (a store.Trouble: it survives restarts), logged at
// error level, counted (TroubleObserver) and listed on the dashboard, and
// the bug is tried again after a backoff that doubles from troubleBackoff's
// first delay up to its limit. A refused write is tried maxWriteAttempts
// times, one cycle apart, and listed until it succeeds or forever once
// given up on.

// troubleBackoff paces the retries of a bug that keeps failing.
var troubleBackoff = backoff{first: 5 * time.Minute, limit: 6 * time.Hour}

// maxTroubleReason bounds the error text kept for the dashboard.
const maxTroubleReason = 500

// TroubleObserver is an Observer that is also told of work that keeps
// failing (bot/metrics: stewardbot_bug_failures_total, stewardbot_troubled).
type TroubleObserver interface {
	// Failed counts one failure of a kind (store.TroubleRead, store.TroubleWrite).
	Failed(kind string)
	// Troubled reports how many records of a kind the store holds.
	Troubled(kind string, n int)
}

// TroubledBug is one line of the dashboard's list of work that keeps failing.
type TroubledBug struct {
	BugID    int
	BugURL   string
	Kind     string // store.TroubleRead or store.TroubleWrite
	Reason   string // the last error; the dashboard hides it for a private bug
	Failures int
	Since    time.Time // the first failure in a row
	RetryAt  time.Time // zero: given up
	Private  bool      // the bug is known to be private
}

// troubles records the work that keeps failing (read troubles by bug,
// refused writes by action), in the store, and counts it.
type troubles struct {
	st     troubleStore
	clock  Clock
	log    zerolog.Logger
	obs    func() Observer
	server string // the Bugzilla URL, for the dashboard's links
}

// troubleStore is the part of the store troubles keeps its records in.
type troubleStore interface {
	Troubles(ctx context.Context) ([]store.Trouble, error)
	Trouble(ctx context.Context, key string) (store.Trouble, error)
	SaveTrouble(ctx context.Context, t store.Trouble) error
	ClearTrouble(ctx context.Context, key string) (bool, error)
}

var _ troubleStore = store.Store(nil)

func (tr *troubles) now() time.Time { return tr.clock.Now().UTC() }

// list is Status.TroubledBugs.
func (tr *troubles) list(ctx context.Context) ([]TroubledBug, error) {
	ts, err := tr.st.Troubles(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]TroubledBug, 0, len(ts))
	for _, t := range ts {
		out = append(out, TroubledBug{BugID: t.BugID, BugURL: bugURL(tr.server, t.BugID), Kind: t.Kind,
			Reason: policy.PlainText(t.Reason, maxTroubleReason), Failures: t.Failures,
			Since: t.FirstFailedAt, RetryAt: t.RetryAt, Private: t.Private})
	}
	return out, nil
}

// bugKey is the trouble key of reading and handling a bug.
func bugKey(bugID int) string { return "bug:" + strconv.Itoa(bugID) }

// bugSpecific reports whether an error is about one bug rather than about
// Bugzilla as a whole: Bugzilla answered, and refused this request (a 4xx
// other than a rate limit or an authentication failure, or a 500 from
// within Bugzilla, with its error code, as a bug it cannot load gives). A gateway's 502, 503 or
// 504, no answer at all, a rate limit or a store failure are not: they
// would fail every bug, and fail the cycle instead.
func bugSpecific(err error) bool {
	var api *bugzilla.APIError
	var shared *sharedReadError
	switch {
	case errors.As(err, &shared):
		return false
	case err == nil, errors.Is(err, bugzilla.ErrRateLimited), errors.Is(err, bugzilla.ErrLoginRequired),
		errors.Is(err, bugzilla.ErrInvalidAPIKey), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return false
	case errors.As(err, &api):
		// A 500 counts only when Bugzilla itself answered it (an error
		// code in its JSON body); a proxy's or server's bare 500 page says
		// nothing about the bug.
		return (api.Status == http.StatusInternalServerError && api.Code != 0) || (api.Status >= 400 && api.Status < 500)
	}
	return false
}

// cycleTroubles returns the read troubles by bug, read once per cycle: to
// skip the bugs waiting out their backoff and to clear those that recover.
func (tr *troubles) cycleTroubles(ctx context.Context, c *Cycle) (map[int]store.Trouble, error) {
	if c.troubles != nil {
		return c.troubles, nil
	}
	ts, err := tr.st.Troubles(ctx)
	if err != nil {
		return nil, err
	}
	out := map[int]store.Trouble{}
	for _, t := range ts {
		if t.Kind == store.TroubleRead && t.Key == bugKey(t.BugID) {
			out[t.BugID] = t
		}
	}
	c.troubles = out
	return out, nil
}

// waitingOut reports whether a bug is waiting out its backoff in this cycle.
func (c *Cycle) waitingOut(id int, now time.Time) bool {
	t, ok := c.troubles[id]
	return ok && now.Before(t.RetryAt)
}

// bugFailed records that reading or handling a bug failed, and when to try
// again. Only a store failure is returned.
func (tr *troubles) bugFailed(ctx context.Context, bugID int, cause error) error {
	t, err := tr.noteTrouble(ctx, store.Trouble{Key: bugKey(bugID), BugID: bugID, Kind: store.TroubleRead}, cause,
		func(failures int) time.Time { return tr.now().Add(troubleBackoff.delay(failures - 1)) })
	if err != nil {
		return err
	}
	tr.log.Error().Err(cause).Int(LogBugID, bugID).Int("failures", t.Failures).Time("retry_at", t.RetryAt).
		Msg("bug keeps failing: the others go on; retrying it with backoff (see the dashboard)")
	return nil
}

// bugRecovered clears a bug's trouble after it was handled.
func (tr *troubles) bugRecovered(ctx context.Context, bugID int) error {
	had, err := tr.st.ClearTrouble(ctx, bugKey(bugID))
	if had {
		tr.log.Info().Int(LogBugID, bugID).Msg("bug that was failing handled again")
	}
	return err
}

// writeFailed records a write Bugzilla refused; given up says it will not
// be tried again.
func (tr *troubles) writeFailed(ctx context.Context, a *action, cause error, attempts int) error {
	givenUp := attempts >= maxWriteAttempts
	t, err := tr.noteTrouble(ctx, store.Trouble{Key: a.marker.Key(), BugID: a.marker.Bug, Kind: store.TroubleWrite}, cause,
		func(int) time.Time {
			if givenUp {
				return time.Time{}
			}
			return tr.now() // the next cycle
		})
	if err != nil {
		return err
	}
	entry := tr.log.Error().Err(cause).Int(LogBugID, a.marker.Bug).Int(LogAttachmentID, a.marker.Attachment).
		Str(LogAction, a.marker.Kind).Str("key", a.marker.Key()).Int("attempts", attempts).Int("failures", t.Failures)
	if givenUp {
		entry.Msg("Bugzilla refused this write every time: given up (see the dashboard)")
	} else {
		entry.Msg("Bugzilla refused the write; trying again next cycle")
	}
	return nil
}

// writeSucceeded clears a write's trouble once it is done.
func (tr *troubles) writeSucceeded(ctx context.Context, key string) error {
	_, err := tr.st.ClearTrouble(ctx, key)
	return err
}

// noteTrouble records one more failure of t's work, retryAt saying when to
// try again after that many failures in a row, and counts it.
func (tr *troubles) noteTrouble(ctx context.Context, t store.Trouble, cause error, retryAt func(failures int) time.Time) (store.Trouble, error) {
	now := tr.now()
	prev, err := tr.st.Trouble(ctx, t.Key)
	switch {
	case errors.Is(err, store.ErrNotFound):
		t.FirstFailedAt = now
	case err != nil:
		return t, err
	default:
		t.FirstFailedAt, t.Failures = prev.FirstFailedAt, prev.Failures
	}
	t.Failures++
	t.LastFailedAt = now
	t.Reason = policy.PlainText(cause.Error(), maxTroubleReason)
	t.RetryAt = retryAt(t.Failures)
	if err := tr.st.SaveTrouble(ctx, t); err != nil {
		return t, err
	}
	if o, ok := tr.obs().(TroubleObserver); ok {
		o.Failed(t.Kind)
	}
	return t, nil
}

// observeTroubles reports how many troubles of each kind the store holds.
func (tr *troubles) observeTroubles(ctx context.Context) {
	o, ok := tr.obs().(TroubleObserver)
	if !ok {
		return
	}
	ts, err := tr.st.Troubles(ctx)
	if err != nil {
		return
	}
	n := map[string]int{store.TroubleRead: 0, store.TroubleWrite: 0}
	for _, t := range ts {
		n[t.Kind]++
	}
	for kind, count := range n {
		o.Troubled(kind, count)
	}
}

// sharedReadError is the failure of a read that serves every bug of the
// cycle rather than the one a duty was working on (the accounts of the
// escalation contacts and stewards, read once per cycle): whatever Bugzilla
// answered, it says nothing about that bug, so it fails the cycle instead of
// marking the bug troubled and leaving it alone for hours.
type sharedReadError struct{ err error }

func (e *sharedReadError) Error() string { return e.err.Error() }
func (e *sharedReadError) Unwrap() error { return e.err }
