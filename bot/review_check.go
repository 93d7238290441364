package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
	"github.com/stewardbot/stewardbot/policy"
)

// kindReviewCheck marks the one comment listing where a steward's review
// form contradicts the request it grants.
const kindReviewCheck = "review-check"

// reviewWindow is how long after a data-review+ the bot looks for the
// review form that goes with it.
const reviewWindow = 30 * 24 * time.Hour

func kvReviewScanned(flagID int) string { return fmt.Sprintf("review.scanned:%d", flagID) }

// reviewCheck looks at the requests granted (data-review+) in the last
// reviewWindow: when the granting steward attached or pasted a review form,
// it is compared with the request's form, and the contradictions, if any,
// are posted in one comment per review form. A bug is read again only when
// it changed.
func (b *Bot) reviewCheck(ctx context.Context, c *Cycle) error {
	reqs, err := b.store.DecidedRequests(ctx, "+", b.now().Add(-reviewWindow))
	if err != nil {
		return err
	}
	ids := make([]int, len(reqs))
	for i, r := range reqs {
		ids[i] = r.BugID
	}
	changed, err := b.store.BugLastChange(ctx, ids)
	if err != nil {
		return err
	}
	var errs []error
	for _, r := range reqs {
		if err := ctx.Err(); err != nil {
			return err
		}
		lc := changed[r.BugID].UTC().Format(time.RFC3339Nano)
		key := b.kvMode(kvReviewScanned(r.FlagID))
		if v, err := b.store.Get(ctx, key); err == nil && v == lc && !changed[r.BugID].IsZero() {
			continue
		} else if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if stopped, err := b.store.Stopped(ctx, r.BugID); err != nil || stopped {
			if err != nil {
				return err
			}
			continue
		}
		err := b.reviewCheckRequest(ctx, c, r)
		switch {
		case err == nil:
			if err := b.store.Set(ctx, key, lc); err != nil {
				return err
			}
		case errors.Is(err, errCapReached), b.isRateLimit(err):
			return errors.Join(append(errs, err)...)
		case errors.Is(err, errOutcomeUnknown):
		default:
			errs = append(errs, fmt.Errorf("bug %d: %w", r.BugID, err))
		}
	}
	return errors.Join(errs...)
}

// foundReview is a review form on a bug.
type foundReview struct {
	Review     *policy.Review
	Attachment *bugzilla.Attachment // nil when pasted in a comment
	Comment    *bugzilla.Comment
	Private    bool
	Created    time.Time
}

func (r *foundReview) place() string {
	if r.Attachment != nil {
		return fmt.Sprintf("the review in attachment %d", r.Attachment.ID)
	}
	return fmt.Sprintf("the review in comment %d", r.Comment.Count)
}

// reviewCheckRequest compares one granted request's form with the review.
func (b *Bot) reviewCheckRequest(ctx context.Context, c *Cycle, r store.Request) error {
	v, err := b.cycleView(ctx, c, r.BugID)
	if err != nil || v == nil {
		return err
	}
	rv, err := b.findReview(ctx, v, r)
	if err != nil || rv == nil {
		return err
	}
	f, err := b.findForm(ctx, v, r.AttachmentID)
	if err != nil || f == nil {
		return err
	}
	if err := b.loadForm(ctx, v, f); err != nil {
		return err
	}
	found := policy.ReviewContradictions(f.Request, rv.Review)
	if len(found) == 0 {
		return nil
	}
	m := Marker{Kind: kindReviewCheck, Bug: r.BugID, Flag: r.FlagID}
	if rv.Attachment != nil {
		m.Attachment = rv.Attachment.ID
	} else {
		m.Comment = rv.Comment.ID
	}
	act := &action{
		marker: m,
		flagID: r.FlagID,
		since:  rv.Created.Add(-time.Second),
		build: func(ctx context.Context) (bugzilla.NewComment, error) {
			ab, err := b.bugAbout(ctx, c, r.BugID)
			if err != nil {
				return bugzilla.NewComment{}, err
			}
			ab.forms, ab.quotesPrivate = []*foundForm{f}, rv.Private
			return b.marked(m, reviewCheckText(rv, f, found, b.commentFormat()), ab), nil
		},
	}
	return b.perform(ctx, c, act)
}

// findReview finds the newest review form the granting steward attached or
// pasted since the request, that does not say data-review-. nil when none.
func (b *Bot) findReview(ctx context.Context, v *bugView, r store.Request) (*foundReview, error) {
	isReview := func(rv *policy.Review) bool {
		return rv.Version != policy.ReviewNone && rv.Result != policy.ResultDenied
	}
	by := func(who string) bool { return r.Setter != "" && strings.EqualFold(who, r.Setter) }
	var best *foundReview
	cs, err := v.allComments(ctx, b.bz)
	if err != nil {
		return nil, err
	}
	for i := len(cs) - 1; i >= 0; i-- {
		cm := cs[i]
		if !by(cm.Creator) || cm.Time.Before(r.RequestedAt) || int64(len(cm.Text)) > b.cfg.Bugzilla.MaxAttachmentBytes {
			continue
		}
		if rv := policy.ParseReview(cm.Text); isReview(rv) {
			best = &foundReview{Review: rv, Comment: &cm, Private: cm.IsPrivate, Created: cm.Time}
			break
		}
	}
	for i := range v.atts {
		a := &v.atts[i]
		if !by(a.Creator) || a.IsObsolete || a.CreationTime.Before(r.RequestedAt) ||
			!formCandidate(a, b.cfg.Bugzilla.MaxAttachmentBytes) || (best != nil && !a.CreationTime.After(best.Created)) {
			continue
		}
		data, err := v.download(ctx, b.bz, a.ID)
		if errors.Is(err, bugzilla.ErrTooLarge) || hiddenBug(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if rv := policy.ParseReview(reviewText(data)); isReview(rv) {
			best = &foundReview{Review: rv, Attachment: a, Private: a.IsPrivate, Created: a.CreationTime}
		}
	}
	return best, nil
}

// reviewCheckText is the review check's text: what the review and the
// request it reviews say differently, in words of ours.
func reviewCheckText(rv *foundReview, f *foundForm, found []policy.Contradiction, ft textFormat) string {
	var s strings.Builder
	s.WriteString(ft.strong("stewardbot: the review and the request disagree") + "\n\n")
	fmt.Fprintf(&s, "Comparing %s with %s:\n\n", rv.place(), formPlace(f))
	for _, ct := range found {
		fmt.Fprintf(&s, "- Q%d of the review (%s): %s.\n", ct.Question, ct.Topic, ct.Message())
	}
	s.WriteString("\nOne of the two may need correcting, so that the record of this review says what is collected.")
	return s.String()
}
