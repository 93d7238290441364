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

// reviewStore is what the review check reads and records in the store.
type reviewStore interface {
	DecidedRequests(ctx context.Context, status string, since time.Time) ([]store.Request, error)
	BugLastChange(ctx context.Context, bugIDs []int) (map[int]time.Time, error)
	Stopped(ctx context.Context, bugID int) (bool, error)
	Get(ctx context.Context, key string) (string, error)
	Set(ctx context.Context, key, value string) error
}

// reviewCore is what it still borrows from the core: the comments' format
// (format.go).
type reviewCore interface {
	commentFormat() textFormat
}

var (
	_ reviewStore = store.Store(nil)
	_ reviewCore  = lent{}
)

// reviewDuty points out where a steward's review form contradicts the
// request it grants (the "review" task).
type reviewDuty struct {
	dryRun   bool
	maxBytes int64 // bugzilla.max_attachment_bytes: larger texts are no review form
	// bz reads the review forms through the bug's view (bugview.go), which
	// takes the whole client.
	bz      bugzillaClient
	st      reviewStore
	core    reviewCore
	forms   formFinder
	privacy privacyRule
	marks   marker
	now     func() time.Time
}

func newReviewDuty(d deps, core reviewCore) *reviewDuty {
	return &reviewDuty{
		dryRun: d.cfg.DryRun, maxBytes: d.cfg.Bugzilla.MaxAttachmentBytes,
		bz: d.bz, st: d.store, core: core, forms: d.forms, privacy: d.privacy, marks: d.marks,
		now: func() time.Time { return d.clock.Now().UTC() },
	}
}

// Run looks at the requests granted (data-review+) in the last
// reviewWindow: when the granting steward attached or pasted a review form,
// it is compared with the request's form, and the contradictions, if any,
// are posted in one comment per review form. A bug is read again only when
// it changed.
func (d *reviewDuty) Run(ctx context.Context, c *Cycle) error {
	reqs, err := d.st.DecidedRequests(ctx, "+", d.now().Add(-reviewWindow))
	if err != nil {
		return err
	}
	ids := make([]int, len(reqs))
	for i, r := range reqs {
		ids[i] = r.BugID
	}
	changed, err := d.st.BugLastChange(ctx, ids)
	if err != nil {
		return err
	}
	var errs []error
	for _, r := range reqs {
		if err := ctx.Err(); err != nil {
			return err
		}
		if c.WaitingOut(r.BugID) {
			continue // failing: tried again after its backoff
		}
		lc := changed[r.BugID].UTC().Format(time.RFC3339Nano)
		key := modeKey(d.dryRun, kvReviewScanned(r.FlagID))
		if v, err := d.st.Get(ctx, key); err == nil && v == lc && !changed[r.BugID].IsZero() {
			continue
		} else if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if stopped, err := d.st.Stopped(ctx, r.BugID); err != nil || stopped {
			if err != nil {
				return err
			}
			continue
		}
		act, err := d.plan(ctx, c, r)
		out := Written // nothing to post counts as done
		if err == nil && act != nil {
			out, err = c.Perform(ctx, act)
		}
		if err != nil {
			c.haltOn(err) // a read's rate limit halts the cycle
		}
		switch {
		case out.stops() || c.Halted():
			// The cap, a rate limit or a lost lease: the rest waits.
			return errors.Join(errs...)
		case err != nil:
			errs = append(errs, bugErr(r.BugID, err))
		case out.done():
			if err := d.st.Set(ctx, key, lc); err != nil {
				return err
			}
		}
		// Refused or unknown: looked at again next cycle.
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

// plan compares one granted request's form with the review: the comment
// to post about what they say differently, nil when there is nothing to
// say (no review form, no request form, or no contradiction).
func (d *reviewDuty) plan(ctx context.Context, c *Cycle, r store.Request) (*action, error) {
	v, err := c.View(ctx, r.BugID)
	if err != nil || v == nil {
		return nil, err
	}
	rv, err := d.findReview(ctx, v, r)
	if err != nil || rv == nil {
		return nil, err
	}
	f, err := d.forms.findForm(ctx, v, r.AttachmentID)
	if err != nil || f == nil {
		return nil, err
	}
	if err := d.forms.loadForm(ctx, v, f); err != nil {
		return nil, err
	}
	found := policy.ReviewContradictions(f.Request, rv.Review)
	if len(found) == 0 {
		return nil, nil
	}
	m := Marker{Kind: kindReviewCheck, Bug: r.BugID, Flag: r.FlagID}
	if rv.Attachment != nil {
		m.Attachment = rv.Attachment.ID
	} else {
		m.Comment = rv.Comment.ID
	}
	return &action{
		marker: m,
		flagID: r.FlagID,
		since:  rv.Created.Add(-time.Second),
		build: func(ctx context.Context) (bugzilla.NewComment, error) {
			ab, err := d.privacy.bugAbout(ctx, c, r.BugID)
			if err != nil {
				return bugzilla.NewComment{}, err
			}
			ab.forms, ab.quotesPrivate = []*foundForm{f}, rv.Private
			return d.marks.marked(m, reviewCheckText(rv, f, found, d.core.commentFormat()), ab), nil
		},
	}, nil
}

// findReview finds the newest review form the granting steward attached or
// pasted since the request, that does not say data-review-. nil when none.
func (d *reviewDuty) findReview(ctx context.Context, v *bugView, r store.Request) (*foundReview, error) {
	return newestReview(ctx, d.bz, d.maxBytes, v, r, time.Time{}, func(rv *policy.Review) bool {
		return rv.Version != policy.ReviewNone && rv.Result != policy.ResultDenied
	})
}

// newestReview finds the newest review form that the request's setter (the
// steward who answered) pasted in a comment or attached since the request
// (and no later than until, unless it is zero), among those isReview
// accepts. nil when none. Texts over maxBytes are passed over.
func newestReview(ctx context.Context, bz bugzillaClient, maxBytes int64, v *bugView, r store.Request, until time.Time, isReview func(*policy.Review) bool) (*foundReview, error) {
	by := func(who string) bool { return r.Setter != "" && strings.EqualFold(who, r.Setter) }
	late := func(t time.Time) bool { return !until.IsZero() && t.After(until) }
	var best *foundReview
	cs, err := v.allComments(ctx, bz)
	if err != nil {
		return nil, err
	}
	for i := len(cs) - 1; i >= 0; i-- {
		cm := cs[i]
		if !by(cm.Creator) || cm.Time.Before(r.RequestedAt) || late(cm.Time) || int64(len(cm.Text)) > maxBytes {
			continue
		}
		if rv := policy.ParseReview(cm.Text); isReview(rv) {
			best = &foundReview{Review: rv, Comment: &cm, Private: cm.IsPrivate, Created: cm.Time}
			break
		}
	}
	for i := range v.atts {
		a := &v.atts[i]
		if !by(a.Creator) || a.IsObsolete || a.CreationTime.Before(r.RequestedAt) || late(a.CreationTime) ||
			!formCandidate(a, maxBytes) || (best != nil && !a.CreationTime.After(best.Created)) {
			continue
		}
		data, err := v.download(ctx, bz, a.ID)
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
