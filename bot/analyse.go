package bot

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/stewardbot/stewardbot/bugzilla"
)

// analyseBatch is how many queued bugs share one attachment-metadata request.
const analyseBatch = 100

// prefetchBytes bounds the content downloaded in one prefetch request.
const prefetchBytes = 4 << 20

// analyse works through the queued bugs: it records their data-review
// flags, finds each open request's form and posts what is owed (an analysis
// per form revision, or one request for the form). A bug leaves the queue
// when nothing more is owed on it; a failure leaves it for the next cycle.
func (b *Bot) analyse(ctx context.Context, c *Cycle) error {
	troubles, err := b.troubles.cycleTroubles(ctx, c)
	if err != nil {
		return err
	}
	var errs []error
	after := 0
	for {
		queued, err := b.store.DirtyBugs(ctx, after, analyseBatch)
		if err != nil {
			return err
		}
		if len(queued) == 0 {
			return errors.Join(errs...)
		}
		after = queued[len(queued)-1]
		ids, err := b.readyToAnalyse(ctx, c, queued)
		if err != nil {
			return err
		}
		views, err := b.cycleViews(ctx, c, ids)
		if err != nil {
			return errors.Join(append(errs, err)...)
		}
		if err := b.prefetch(ctx, views); err != nil {
			return errors.Join(append(errs, err)...)
		}
		// Only the bugs read: a bug that failed waits out its backoff
		// without costing another request.
		readable := make([]int, 0, len(views))
		for _, id := range ids {
			if _, ok := views[id]; ok && !c.failed[id] {
				readable = append(readable, id)
			}
		}
		b.privacy.prefetchGroups(ctx, c, readable)
		for _, id := range ids {
			if err := ctx.Err(); err != nil {
				return errors.Join(append(errs, err)...)
			}
			v, ok := views[id]
			switch {
			case c.failed[id]:
				continue // recorded as troubled (bugFailed); it stays queued
			case !ok: // gone or hidden from the bot: nothing it can do
				b.log.Info().Int(LogBugID, id).Msg("bug not visible to the bot; dropped from the queue")
				if err := b.store.ClearDirty(ctx, id); err != nil {
					return err
				}
				if _, was := troubles[id]; was { // no longer failing: gone
					if err := b.troubles.bugRecovered(ctx, id); err != nil {
						return err
					}
				}
				continue
			}
			err := b.analyseBug(ctx, c, v)
			switch {
			case err == nil:
				if err := b.store.ClearDirty(ctx, id); err != nil {
					return err
				}
				if _, was := troubles[id]; was {
					if err := b.troubles.bugRecovered(ctx, id); err != nil {
						return err
					}
				}
			case errors.Is(err, errCapReached):
				return errors.Join(append(errs, err)...)
			case b.isRateLimit(err):
				return err
			case errors.Is(err, errOutcomeUnknown):
				b.log.Warn().Int(LogBugID, id).Msg("a write's outcome is unknown; looking again next cycle")
			case errors.Is(err, errWriteRefused):
				// Logged, counted and listed by writeFailed; the bug stays
				// queued and the write is tried again next cycle.
			case bugSpecific(err):
				// This bug's own problem: retried with backoff, reported,
				// and the cycle goes on as a good one.
				if err := b.troubles.bugFailed(ctx, id, err); err != nil {
					return err
				}
			default:
				errs = append(errs, fmt.Errorf("bug %d: %w", id, err))
			}
		}
	}
}

// readyToAnalyse returns the queued bugs to look at in this cycle: not
// those waiting out a backoff after failing (they stay queued), and not an
// id no Bugzilla can hold (an old bad webhook's mark), which is dropped.
func (b *Bot) readyToAnalyse(ctx context.Context, c *Cycle, queued []int) ([]int, error) {
	now := b.now()
	ids := make([]int, 0, len(queued))
	for _, id := range queued {
		if !ValidBugID(id) {
			b.log.Warn().Int(LogBugID, id).Msg("bug id out of Bugzilla's range; dropped from the queue")
			if err := b.store.ClearDirty(ctx, id); err != nil {
				return nil, err
			}
			continue
		}
		if c.waitingOut(id, now) {
			continue
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func (b *Bot) isRateLimit(err error) bool {
	var rl *bugzilla.RateLimitError
	return errors.As(err, &rl)
}

// analyseBug handles one bug: every open request gets its form's analysis,
// or the one request for a form. Requests sharing a form share its analysis.
func (b *Bot) analyseBug(ctx context.Context, c *Cycle, v *bugView) error {
	open, err := b.syncRequests(ctx, v)
	if err != nil || len(open) == 0 {
		return err
	}
	if stopped, err := b.store.Stopped(ctx, v.id); err != nil || stopped {
		return err // "stewardbot: stop": nothing more until "resume" marks the bug again
	}
	var acts []*action
	planned := map[string]bool{}
	for _, r := range open {
		f, err := b.forms.findForm(ctx, v, r.AttachmentID)
		if err != nil {
			return err
		}
		var a *action
		if f == nil {
			v.formless = append(v.formless, r.AttachmentID)
			a = b.needsFormAction(c, v, r)
		} else {
			// For the survey report and the expiry reminder.
			if err := b.rememberCollections(ctx, v, f); err != nil {
				return err
			}
			a = b.analysisAction(c, v, r, f, nil)
			if r.FormKey != formKey(f) || r.FormRev != f.Rev {
				r.FormKey, r.FormRev, r.UpdatedAt = formKey(f), f.Rev, b.now()
				if err := b.store.SaveRequest(ctx, r); err != nil {
					return err
				}
			}
		}
		if key := a.marker.Key(); !planned[key] {
			planned[key] = true
			acts = append(acts, a)
		}
	}
	var errs []error
	for _, a := range acts {
		if err := ctx.Err(); err != nil {
			return err
		}
		err := b.perform(ctx, c, a)
		if errors.Is(err, errCapReached) || b.isRateLimit(err) {
			return err
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// formKey says where a form is, for the request record.
func formKey(f *foundForm) string {
	if f.Attachment != nil {
		return fmt.Sprintf("attachment:%d", f.Attachment.ID)
	}
	return fmt.Sprintf("comment:%d", f.Comment.ID)
}

// loadViews fetches the attachment metadata (no contents) of a batch of
// bugs in one request. Bugzilla refuses a whole batch for one bad bug:
// when it is because a bug is hidden or gone, each bug is fetched alone and
// the missing ones are left out; when it is an error about one bug
// (bugSpecific), the batch is split in halves until the bugs at fault are
// found, so that the others are read: those are returned in failed. An
// error about Bugzilla as a whole (no answer, a gateway error, a rate
// limit) fails the call.
func (b *Bot) loadViews(ctx context.Context, ids []int) (views map[int]*bugView, failed map[int]error, err error) {
	views, failed = make(map[int]*bugView, len(ids)), map[int]error{}
	if err := b.loadViewsInto(ctx, ids, views, failed); err != nil {
		return nil, nil, err
	}
	return views, failed, nil
}

// maxFailedInBatch is how many bugs of one batch may fail on their own
// before the failure is taken for Bugzilla's as a whole (an overloaded
// database answering 500 to everything): the split then stops, and the
// cycle fails instead of every bug being put on backoff.
const maxFailedInBatch = 3

func (b *Bot) loadViewsInto(ctx context.Context, ids []int, views map[int]*bugView, failed map[int]error) error {
	atts, err := b.bz.Attachments(ctx, ids, bugzilla.AttachmentOptions{})
	switch {
	case err == nil:
		for _, id := range ids {
			views[id] = newBugView(id, atts[id], b.cfg.Bugzilla.MaxAttachmentBytes)
		}
		return nil
	case len(ids) == 1 && hiddenBug(err):
		return nil
	case len(ids) == 1 && bugSpecific(err):
		failed[ids[0]] = fmt.Errorf("attachments: %w", err)
		if len(failed) > maxFailedInBatch {
			return fmt.Errorf("attachments: %d bugs of one batch failed alone, taken for a failure of Bugzilla's: %w", len(failed), err)
		}
		return nil
	case hiddenBug(err):
		for _, id := range ids {
			if err := b.loadViewsInto(ctx, []int{id}, views, failed); err != nil {
				return err
			}
		}
		return nil
	case bugSpecific(err):
		half := len(ids) / 2
		if err := b.loadViewsInto(ctx, ids[:half], views, failed); err != nil {
			return err
		}
		return b.loadViewsInto(ctx, ids[half:], views, failed)
	case len(ids) == 1:
		return fmt.Errorf("attachments of bug %d: %w", ids[0], err)
	default:
		return fmt.Errorf("attachments: %w", err)
	}
}

func hiddenBug(err error) bool {
	return errors.Is(err, bugzilla.ErrAccessDenied) || errors.Is(err, bugzilla.ErrNotFound)
}

// prefetch downloads in a few batched requests the flagged attachments that
// may be forms and whose content the store does not know yet: on a cold
// start that is one request per batch instead of one per bug. Their sizes
// were just checked against the cap (formCandidate) from the metadata
// loadViews read, so data comes without a second metadata read.
func (b *Bot) prefetch(ctx context.Context, views map[int]*bugView) error {
	return b.prefetchWhere(ctx, views, func(a *bugzilla.Attachment) (bool, error) {
		if a.IsObsolete || !formCandidate(a, b.cfg.Bugzilla.MaxAttachmentBytes) || !b.hasOpenFlag(a) {
			return false, nil
		}
		info, err := b.store.Form(ctx, a.ID)
		return err != nil || !info.IsForm, nil
	})
}

// prefetchWhere downloads in a few batched requests the attachments of the
// views that want picks. want sees only attachments within the size cap
// (the metadata the views hold was read in this cycle), whose content the
// view does not hold yet.
func (b *Bot) prefetchWhere(ctx context.Context, views map[int]*bugView, want func(a *bugzilla.Attachment) (bool, error)) error {
	var ids []int
	var size int64
	flush := func() error {
		if len(ids) == 0 {
			return nil
		}
		got, err := b.bz.AttachmentsByID(ctx, ids, bugzilla.AttachmentOptions{WithData: true, SizesChecked: true})
		switch {
		case errors.Is(err, bugzilla.ErrTooLarge):
			// The map is kept: those it holds without Data were sent over
			// the cap and are not asked for again. Those it lacks (a whole
			// answer over its bound) are fetched alone later, which finds
			// the one that lied.
		case hiddenBug(err):
			ids, size = nil, 0
			return nil // each is fetched alone later, and judged there
		case err != nil:
			return fmt.Errorf("prefetch attachments: %w", err)
		}
		for _, a := range got {
			v, ok := views[a.BugID]
			switch {
			case !ok:
			case a.Data != nil:
				v.setData(a.ID, a.Data)
			default:
				v.tooLarge[a.ID] = true
			}
		}
		ids, size = nil, 0
		return nil
	}
	for _, id := range slices.Sorted(maps.Keys(views)) {
		v := views[id]
		for i := range v.atts {
			a := &v.atts[i]
			if _, have := v.data[a.ID]; have || v.tooLarge[a.ID] || !formCandidate(a, b.cfg.Bugzilla.MaxAttachmentBytes) {
				continue
			}
			if ok, err := want(a); err != nil {
				return err
			} else if !ok {
				continue
			}
			if size+a.Size > prefetchBytes {
				if err := flush(); err != nil {
					return err
				}
			}
			ids, size = append(ids, a.ID), size+a.Size
		}
	}
	return flush()
}

func (b *Bot) hasOpenFlag(a *bugzilla.Attachment) bool {
	for _, f := range a.Flags {
		if f.Name == b.cfg.Bugzilla.FlagName && f.Status == "?" {
			return true
		}
	}
	return false
}
