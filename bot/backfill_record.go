package bot

import (
	"context"
	"errors"
	"fmt"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/policy"
)

// record records one flag as the analyze task records a request it sees
// (syncRequests, then the form's collections), with what Bugzilla says of
// its past: requested when the flag was made (its creation date), and,
// once answered, decided when it last changed (its modification date,
// which the report shows as the answer's date). The steward's review
// form, when the answering steward pasted or attached one, is recorded
// beside it. A request open both in Bugzilla and in the store is the
// daemon's (or an earlier run's): left alone until Bugzilla says it was
// answered, then recorded answered.
func (bf *Backfill) record(ctx context.Context, t *backfillBug, fo flagOn) error {
	b, fl := bf.b, fo.flag
	now := b.now()
	r := store.Request{FlagID: fl.ID, BugID: t.bug.ID, AttachmentID: fo.attachment, Requestee: fl.Requestee,
		Setter: fl.Setter, Status: fl.Status, FirstStatus: "?", RequestedAt: fl.CreationDate, FirstSeen: now,
		UpdatedAt: fl.ModificationDate}
	if fl.Status == "?" { // open: recorded as syncRequests would on first sight
		r.RequestedAt, r.UpdatedAt = fl.ModificationDate, now
	}
	if r.RequestedAt.IsZero() {
		r.RequestedAt = fl.CreationDate
	}
	old, err := b.store.Request(ctx, fl.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return err
	case fl.Status == "?" && old.Status == "?" && old.FirstStatus == "?":
		return nil // open still, held by the daemon (or an earlier run): the daemon's analyze records it
	default:
		r.FirstSeen, r.FormKey, r.FormRev = old.FirstSeen, old.FormKey, old.FormRev
	}
	f, err := bf.findForm(ctx, t.view, fo.attachment, bf.answeredAt(fl))
	if err != nil {
		return fmt.Errorf("form of flag %d: %w", fl.ID, err)
	}
	if f != nil {
		if err := recordCollections(ctx, b.store, b.forms, b.now, t.view, f); err != nil {
			return fmt.Errorf("collections of flag %d: %w", fl.ID, err)
		}
		r.FormKey, r.FormRev = formKey(f), f.Rev
		bf.forms.Add(1)
	}
	if err := b.store.SaveRequest(ctx, r); err != nil {
		return err
	}
	bf.flags.Add(1)
	b.log.Debug().Int(LogBugID, t.bug.ID).Int(LogAttachmentID, fo.attachment).Int(LogFlagID, fl.ID).
		Str("status", fl.Status).Bool("form", f != nil).Msg("backfill: request recorded")
	if fl.Status != "+" && fl.Status != "-" {
		return nil
	}
	bf.answered.Add(1)
	return bf.recordReview(ctx, t, r)
}

// recordReview records the newest review form the answering steward
// pasted or attached between the request and its answer (reviewMargin
// after: the form comes with the flag change), whatever its result; a
// review of the bug's later request is not this one's.
func (bf *Backfill) recordReview(ctx context.Context, t *backfillBug, r store.Request) error {
	b := bf.b
	rv, err := newestReview(ctx, b.bz, b.cfg.Bugzilla.MaxAttachmentBytes, t.view, r, r.UpdatedAt.Add(reviewMargin), func(rv *policy.Review) bool {
		return rv.Version != policy.ReviewNone
	})
	if err != nil || rv == nil {
		return err
	}
	key := ""
	if rv.Attachment != nil {
		key = fmt.Sprintf("attachment:%d", rv.Attachment.ID)
	} else {
		key = fmt.Sprintf("comment:%d", rv.Comment.ID)
	}
	if err := b.store.SaveReviewForm(ctx, store.ReviewForm{FlagID: r.FlagID, BugID: r.BugID, FormKey: key,
		Version: string(rv.Review.Version), Result: string(rv.Review.Result), Private: rv.Private,
		ReviewedAt: rv.Created, RecordedAt: b.now()}); err != nil {
		return err
	}
	bf.reviews.Add(1)
	return nil
}
