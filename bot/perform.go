package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
)

// maxWriteAttempts is how often a refused write is tried, one cycle apart,
// before the bot gives up on it. Each refusal is logged at error level,
// counted and listed on the dashboard until the write succeeds (troubled.go).
const maxWriteAttempts = 3

// writer is the write path: every marked comment the bot posts goes
// through perform, which journals it, re-reads the live bug, spends the
// cycle's write budget and checks the lease before it sends.
type writer struct {
	client   func() bugzillaClient // the bot's client (the read cache, lease-guarded with replicas; WithLeader may wrap it after New)
	reads    *readCache
	store    writeStore
	lead     *leadership
	troubles *troubles
	dryRun   bool   // dry_run: log the comment, write nothing
	tag      string // comments.tag
	login    func() string
	obs      func() Observer
	notify   func(Posted)
	clock    Clock
	log      zerolog.Logger
}

// writeStore is the journal of the bot's writes.
type writeStore interface {
	Action(ctx context.Context, key string) (store.Action, error)
	RecordAction(ctx context.Context, a store.Action) error
}

var _ writeStore = store.Store(nil)

func (w *writer) now() time.Time { return w.clock.Now().UTC() }

// perform writes one marked comment at most once:
//
//  1. the journal says done: nothing to do, no request;
//  2. re-read the bug's comments since the action could have happened: a
//     marker by the bot's login means done (the journal catches up);
//  3. within the cycle's write cap, build the comment;
//  4. dry-run: log the exact comment (a private one by length and hash
//     only, see logDryRun) and write nothing;
//  5. check that this process still leads (leader.go; always true with
//     one process), journal the intent, post, journal done. When the outcome is unknown,
//     re-read at once; without the marker, the bug stays queued and the next
//     cycle starts again at 2: within this cycle the write is not sent
//     again (Cycle.Perform), and that re-read is not kept for a later look.
//
// A crash anywhere leaves at worst an intent in the journal, and step 2
// finds the comment if it landed. Deleting the journal only costs step 2.
func (w *writer) perform(ctx context.Context, c *Cycle, a *action) (Outcome, error) {
	key := a.marker.Key()
	log := w.log.With().Int(LogBugID, a.marker.Bug).Int(LogAttachmentID, a.marker.Attachment).
		Int(LogFlagID, a.flagID).Str(LogAction, a.marker.Kind).Str("key", key).Logger()
	j, err := w.store.Action(ctx, key)
	switch {
	case errors.Is(err, store.ErrNotFound):
		j = a.journal("")
	case err != nil:
		return c.failure(err)
	}
	switch {
	case j.Status == store.ActionDone:
		return AlreadyDone, nil
	case j.Status == store.ActionDryRun && w.dryRun:
		return AlreadyDone, nil
	case j.Status == store.ActionFailed && j.Attempts >= maxWriteAttempts:
		log.Debug().Int("attempts", j.Attempts).Msg("gave up on this write earlier")
		return GaveUp, nil
	}

	if done, err := w.alreadyOnBug(ctx, c, a, &j, log); err != nil {
		return c.failure(err)
	} else if done {
		return AlreadyDone, nil
	}
	if c.Spent() {
		c.Defer()
		return Deferred, nil
	}
	nc, err := a.build(ctx)
	if err != nil {
		return c.failure(fmt.Errorf("prepare %s: %w", key, err))
	}
	c.writesLeft--
	nc = w.fit(nc, a.marker, log)
	if w.dryRun {
		j.Status = store.ActionDryRun
		if err := w.record(ctx, &j); err != nil {
			return c.failure(err)
		}
		logDryRun(log, a.marker.Kind, nc)
		if err := a.settle(ctx, j.Status, 0); err != nil {
			return c.failure(err)
		}
		w.obs().ActionDone(a.marker.Kind, ActionDryRun)
		w.notify(Posted{BugID: a.marker.Bug, Kind: a.marker.Kind, Key: key, Comment: nc, DryRun: true})
		return Written, nil
	}

	// Only the leader writes: ask the database, now, that this process
	// still holds the lease (leader.go). The Bugzilla client asks again
	// right at the write; this check keeps a lost lead out of the journal.
	if err := w.lead.checkLease(ctx); err != nil {
		log.Warn().Err(err).Msg("not the leader: write refused")
		return c.failure(err)
	}
	j.Status, j.Error = store.ActionIntent, ""
	j.Attempts++
	if err := w.record(ctx, &j); err != nil {
		return c.failure(err)
	}
	// From here on a shutdown waits: the write in flight is finished and
	// journaled, not abandoned halfway.
	wctx := context.WithoutCancel(ctx)
	send := a.send
	if send == nil {
		send = func(ctx context.Context, nc bugzilla.NewComment) (int, error) {
			return w.client().AddComment(ctx, a.marker.Bug, nc)
		}
	}
	// The write goes through the read cache, which forgets what the cycle
	// read of the bug before sending it (readCache): the bug's next write
	// re-reads it.
	id, err := send(wctx, nc)
	switch {
	case err == nil:
		j.Status, j.CommentID = store.ActionDone, id
		if err := w.record(wctx, &j); err != nil {
			return c.failure(err)
		}
		log.Info().Int("comment_id", id).Bool("private", nc.IsPrivate).Msg("posted")
		if j.Attempts > 1 {
			// Refused before: no longer listed as troubled.
			if err := w.troubles.writeSucceeded(wctx, key); err != nil {
				return c.failure(err)
			}
		}
		if err := a.settle(wctx, j.Status, id); err != nil {
			return c.failure(err)
		}
		w.obs().ActionDone(a.marker.Kind, ActionPosted)
		w.notify(Posted{BugID: a.marker.Bug, CommentID: id, Kind: a.marker.Kind, Key: key, Comment: nc})
		return Written, nil

	case errors.Is(err, bugzilla.ErrWriteOutcomeUnknown):
		j.Status, j.Error = store.ActionUnknown, err.Error()
		if err := w.record(wctx, &j); err != nil {
			return c.failure(err)
		}
		log.Warn().Err(err).Msg("write outcome unknown; re-reading the bug")
		w.obs().ActionDone(a.marker.Kind, ActionUnknown)
		done, rerr := w.alreadyOnBug(wctx, c, a, &j, log)
		if !done {
			// Not sent again in this cycle, and that re-read, which may
			// have come before Bugzilla committed the write, is no read
			// of the bug after it: the next look reads the bug afresh.
			c.attempt(key, Unknown)
			w.reads.forget(a.marker.Bug)
		}
		switch {
		case rerr != nil:
			if out, _ := c.failure(rerr); out == Halted {
				return Halted, nil
			}
			// The bug stays queued and is re-read before any retry.
			log.Warn().Err(rerr).Msg("re-read after an unknown outcome failed")
			return Unknown, nil
		case done:
			w.notify(Posted{BugID: a.marker.Bug, CommentID: j.CommentID, Kind: a.marker.Kind, Key: key, Comment: nc})
			return Written, nil
		}
		return Unknown, nil

	default:
		var rl *bugzilla.RateLimitError
		refused := false
		if leaseLost(err) {
			// Refused here, before anything was sent: not an attempt. The
			// intent stays, so the next leader re-reads first.
			j.Attempts--
			log.Warn().Err(err).Msg("lost the lead: write refused")
		} else if errors.As(err, &rl) {
			// Refused before it was applied: not an attempt. The intent
			// stays, so the next try re-reads first anyway.
			j.Attempts--
			w.obs().ActionDone(a.marker.Kind, ActionRateLimited)
		} else {
			j.Status, j.Error = store.ActionFailed, err.Error()
			w.obs().ActionDone(a.marker.Kind, ActionFailed)
			if terr := w.troubles.writeFailed(wctx, a, err, j.Attempts); terr != nil {
				return c.failure(errors.Join(err, terr))
			}
			refused = true
			c.attempt(key, Refused) // one cycle apart: not again in this one
		}
		if rerr := w.record(wctx, &j); rerr != nil {
			if refused {
				// Logged, counted and listed as troubled already; the
				// journal catches up at the next try.
				log.Error().Err(rerr).Msg("cannot journal the refused write")
				return Refused, nil
			}
			return c.failure(fmt.Errorf("post %s: %w", key, errors.Join(err, rerr)))
		}
		if refused {
			// Logged, counted and listed as troubled (writeFailed): tried
			// again next cycle, and the cycle stays good.
			return Refused, nil
		}
		return c.failure(fmt.Errorf("post %s: %w", key, err))
	}
}

// fit makes the comment fit Bugzilla's limit (fitComment), and says so in
// the log when it had to cut.
func (w *writer) fit(nc bugzilla.NewComment, m Marker, log zerolog.Logger) bugzilla.NewComment {
	nc, cut := fitComment(nc, m.Footer(w.tag), nc.IsMarkdown)
	if cut > 0 {
		log.Warn().Int("lines_cut", cut).Int("length", bugzilla.CommentLength(nc.Text)).
			Msg("comment over Bugzilla's limit: its last lines are left out")
	}
	return nc
}

// alreadyOnBug re-reads the bug's comments since the action could have
// happened and, when the bot's marker for it is there, journals it done.
// Actions in a row on one bug share a re-read until the bot writes on the
// bug (readCache.liveComments).
func (w *writer) alreadyOnBug(ctx context.Context, c *Cycle, a *action, j *store.Action, log zerolog.Logger) (bool, error) {
	comments, err := w.reads.liveComments(ctx, c, a.marker.Bug, a.since)
	if err != nil {
		return false, fmt.Errorf("re-read bug %d: %w", a.marker.Bug, err)
	}
	id, ok := markerDone(botMarkers(comments, w.login(), w.tag, a.marker.Bug), a.marker)
	if !ok {
		return false, nil
	}
	j.Status, j.CommentID, j.Error = store.ActionDone, id, ""
	if err := w.record(ctx, j); err != nil {
		return true, err
	}
	log.Info().Int("comment_id", id).Msg("already on the bug; journal updated")
	w.obs().ActionDone(a.marker.Kind, ActionAlreadyDone)
	return true, a.settle(ctx, j.Status, id)
}

func (w *writer) record(ctx context.Context, j *store.Action) error {
	j.UpdatedAt = w.now()
	if j.CreatedAt.IsZero() {
		j.CreatedAt = j.UpdatedAt
	}
	return w.store.RecordAction(ctx, *j)
}
