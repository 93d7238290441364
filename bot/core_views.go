package bot

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"
	"weak"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
)

// views reads the bugs' views a cycle works on: their attachments'
// metadata, contents and comments, through the cycle's read cache, with
// the bugs that keep failing left out (troubles). Cycle.Views and
// Cycle.View are its doors for the duties; prefetchWhere downloads many
// views' forms in few requests.
type views struct {
	bz       bugzillaClient // the read cache, as a client
	reads    *readCache     // the same, for the views it keeps
	store    viewStore
	troubles *troubles
	maxBytes int64 // bugzilla.max_attachment_bytes
	clock    Clock
}

// viewStore is what the views read in the store: the bugs' last change,
// for which a cached view holds.
type viewStore interface {
	BugLastChange(ctx context.Context, bugIDs []int) (map[int]time.Time, error)
}

var _ viewStore = store.Store(nil)

func (vs *views) now() time.Time { return vs.clock.Now().UTC() }

// read returns the views of bugs with their attachments' metadata,
// from the cycle's cache when it holds them for the bugs' last change, the
// rest read in one batch (loadViews). Bugs hidden from the bot are left out,
// and so are bugs that failed to load on their own: those are recorded as
// troubled (bugFailed) and noted in c.failed, and those waiting out the
// backoff after such a failure.
// A view handed out again starts a new pass: its per-pass notes are reset.
func (vs *views) read(ctx context.Context, c *Cycle, ids []int) (map[int]*bugView, error) {
	changed, err := vs.store.BugLastChange(ctx, ids)
	if err != nil {
		return nil, err
	}
	if _, err := vs.troubles.cycleTroubles(ctx, c); err != nil {
		return nil, err
	}
	now := vs.now()
	views := make(map[int]*bugView, len(ids))
	var missing []int
	for _, id := range ids {
		if c.failed[id] || c.waitingOut(id, now) {
			continue // failing: not read again before its backoff ends
		}
		if e := vs.reads.views.get(id, changed[id]); e != nil && e.atts {
			e.view.formless = nil
			views[id] = e.view
			continue
		}
		missing = append(missing, id)
	}
	if len(missing) == 0 {
		return views, nil
	}
	loaded, failed, err := vs.loadViewsApart(ctx, c, missing)
	if err != nil {
		return nil, err
	}
	for _, id := range missing {
		if ferr, ok := failed[id]; ok && !c.failed[id] {
			if c.failed == nil {
				c.failed = map[int]bool{}
			}
			c.failed[id] = true
			if err := vs.troubles.bugFailed(ctx, id, ferr); err != nil {
				return nil, err
			}
		}
	}
	batch := &viewBatch{}
	for _, id := range missing {
		v, ok := loaded[id]
		if !ok {
			continue
		}
		v.batch = batch
		batch.views = append(batch.views, weak.Make(v))
		e := vs.reads.views.get(id, changed[id])
		vs.reads.views.put(id, &cachedView{view: v, lastChange: changed[id], atts: true})
		if e != nil && e.view.loaded {
			// Comments read earlier in the cycle (commands) are kept.
			v.setComments(e.view.comments)
		}
		views[id] = v
	}
	return views, nil
}

// loadViewsApart is loadViews, except that the bugs that failed before
// are read one by one: a bug that still fails then costs one request, not
// the split of a whole batch.
func (vs *views) loadViewsApart(ctx context.Context, c *Cycle, ids []int) (map[int]*bugView, map[int]error, error) {
	var fresh, troubled []int
	for _, id := range ids {
		if _, ok := c.troubles[id]; ok {
			troubled = append(troubled, id)
		} else {
			fresh = append(fresh, id)
		}
	}
	views, failed := map[int]*bugView{}, map[int]error{}
	if len(fresh) > 0 {
		var err error
		if views, failed, err = vs.loadViews(ctx, fresh); err != nil {
			return nil, nil, err
		}
	}
	for _, id := range troubled {
		v, f, err := vs.loadViews(ctx, []int{id})
		if err != nil {
			return nil, nil, err
		}
		maps.Copy(views, v)
		maps.Copy(failed, f)
	}
	return views, failed, nil
}

// cycleView is read for one bug; nil when the bug is hidden from the bot.
func (vs *views) cycleView(ctx context.Context, c *Cycle, id int) (*bugView, error) {
	views, err := vs.read(ctx, c, []int{id})
	if err != nil {
		return nil, err
	}
	return views[id], nil
}

// viewBatch is the views read together by one read. The first of them to
// need its bug's comments reads those of every view of the batch that
// lacks them, in one request per commentsBatch bugs (CommentsOfBugs),
// rather than one request per bug as each needs them: analyze and escalate
// look for forms pasted in comments bug after bug. It costs bytes (the
// comments of bugs whose form is an attachment come too) to save requests.
//
// The batch holds its views weakly: a view the cycle's cache still holds
// must not keep its siblings, and their forms, alive past the cache's
// bound.
type viewBatch struct {
	views []weak.Pointer[bugView]
	tried bool // the batched read was made (or failed): views read alone from now on
}

// loadComments reads the comments of the batch's views that lack them,
// once. A batch of one is left to read alone, and so is every view when a
// bug is hidden from the bot (Bugzilla then fails the whole request). A nil
// batch does nothing.
func (vb *viewBatch) loadComments(ctx context.Context, bz bugzillaClient) error {
	if vb == nil || vb.tried {
		return nil
	}
	vb.tried = true
	var live []*bugView
	var ids []int
	for _, wp := range vb.views {
		if v := wp.Value(); v != nil && !v.loaded {
			live = append(live, v)
			ids = append(ids, v.id)
		}
	}
	vb.views = nil
	if len(ids) < 2 {
		return nil
	}
	read, err := bz.CommentsOfBugs(ctx, ids, zeroTime)
	switch {
	case hiddenBug(err):
		return nil
	case err != nil:
		return err
	}
	for _, v := range live {
		if cs, ok := read[v.id]; ok {
			v.setComments(cs)
		}
	}
	return nil
}

// loadViews fetches the attachment metadata (no contents) of a batch of
// bugs in one request. Bugzilla refuses a whole batch for one bad bug:
// when it is because a bug is hidden or gone, each bug is fetched alone and
// the missing ones are left out; when it is an error about one bug
// (bugSpecific), the batch is split in halves until the bugs at fault are
// found, so that the others are read: those are returned in failed. An
// error about Bugzilla as a whole (no answer, a gateway error, a rate
// limit) fails the call.
func (vs *views) loadViews(ctx context.Context, ids []int) (views map[int]*bugView, failed map[int]error, err error) {
	views, failed = make(map[int]*bugView, len(ids)), map[int]error{}
	if err := vs.loadViewsInto(ctx, ids, views, failed); err != nil {
		return nil, nil, err
	}
	return views, failed, nil
}

// maxFailedInBatch is how many bugs of one batch may fail on their own
// before the failure is taken for Bugzilla's as a whole (an overloaded
// database answering 500 to everything): the split then stops, and the
// cycle fails instead of every bug being put on backoff.
const maxFailedInBatch = 3

func (vs *views) loadViewsInto(ctx context.Context, ids []int, views map[int]*bugView, failed map[int]error) error {
	atts, err := vs.bz.Attachments(ctx, ids, bugzilla.AttachmentOptions{})
	switch {
	case err == nil:
		for _, id := range ids {
			views[id] = newBugView(id, atts[id], vs.maxBytes)
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
			if err := vs.loadViewsInto(ctx, []int{id}, views, failed); err != nil {
				return err
			}
		}
		return nil
	case bugSpecific(err):
		half := len(ids) / 2
		if err := vs.loadViewsInto(ctx, ids[:half], views, failed); err != nil {
			return err
		}
		return vs.loadViewsInto(ctx, ids[half:], views, failed)
	case len(ids) == 1:
		return fmt.Errorf("attachments of bug %d: %w", ids[0], err)
	default:
		return fmt.Errorf("attachments: %w", err)
	}
}

func hiddenBug(err error) bool {
	return errors.Is(err, bugzilla.ErrAccessDenied) || errors.Is(err, bugzilla.ErrNotFound)
}

// prefetchWhere downloads in a few batched requests the attachments of the
// views that want picks. want sees only attachments within the size cap
// (the metadata the views hold was read in this cycle), whose content the
// view does not hold yet.
func (vs *views) prefetchWhere(ctx context.Context, views map[int]*bugView, want func(a *bugzilla.Attachment) (bool, error)) error {
	var ids []int
	var size int64
	sizes := map[int]int64{}
	bugOf := map[int]int{} // attachment → its bug, for those the answer leaves out
	flush := func() error {
		if len(ids) == 0 {
			return nil
		}
		got, err := vs.bz.AttachmentsByID(ctx, ids, bugzilla.AttachmentOptions{WithData: true, CheckedSizes: sizes})
		switch {
		case errors.Is(err, bugzilla.ErrTooLarge):
			// The map is kept: those it holds without Data were sent over
			// the cap or over their size, and are not asked for again;
			// nor are those it lacks for sending more than announced (the
			// client found them alone).
			var tl *bugzilla.TooLargeError
			if errors.As(err, &tl) {
				for _, id := range tl.IDs {
					if _, ok := got[id]; !ok && views[bugOf[id]] != nil {
						views[bugOf[id]].tooLarge[id] = true
					}
				}
			}
		case hiddenBug(err):
			ids, size = nil, 0
			clear(sizes)
			clear(bugOf)
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
		clear(sizes)
		clear(bugOf)
		return nil
	}
	for _, id := range slices.Sorted(maps.Keys(views)) {
		v := views[id]
		for i := range v.atts {
			a := &v.atts[i]
			if _, have := v.data[a.ID]; have || v.tooLarge[a.ID] || !formCandidate(a, vs.maxBytes) {
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
			sizes[a.ID], bugOf[a.ID] = a.Size, v.id
		}
	}
	return flush()
}
