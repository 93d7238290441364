package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
)

// backfillBug is one bug of a chunk with flags in the window.
type backfillBug struct {
	bug   bugzilla.Bug
	view  *bugView
	flags []flagOn
}

// flagOn is a data-review flag and the attachment that carries it.
type flagOn struct {
	flag       bugzilla.Flag
	attachment int
}

// chunk reads a chunk of bugs in a few batched requests (their
// attachments' metadata; the content of every attachment that may be a
// form on the bugs with a flag in the window; those bugs' comments), then
// records each flag from what was read.
func (bf *Backfill) chunk(ctx context.Context, bugs []bugzilla.Bug) error {
	ids := make([]int, len(bugs))
	for i, b := range bugs {
		ids[i] = b.ID
	}
	var atts map[int][]bugzilla.Attachment
	if err := bf.retry(ctx, func() (err error) {
		atts, err = bf.bz.Attachments(ctx, ids, bugzilla.AttachmentOptions{})
		return err
	}); err != nil {
		return fmt.Errorf("attachments of bugs %d to %d: %w", ids[0], ids[len(ids)-1], err)
	}
	maxBytes := bf.b.cfg.Bugzilla.MaxAttachmentBytes
	var todo []*backfillBug
	for _, b := range bugs {
		flags := bf.flagsIn(atts[b.ID])
		if len(flags) == 0 {
			continue
		}
		todo = append(todo, &backfillBug{bug: b, view: newBugView(b.ID, atts[b.ID], maxBytes), flags: flags})
	}
	if err := bf.readForms(ctx, todo); err != nil {
		return err
	}
	if err := bf.saveBugs(ctx, todo); err != nil {
		return err
	}
	bf.read.Add(int64(len(bugs) - len(todo))) // nothing in the window
	// Comments by the client's batch, each batch's bugs recorded and let
	// go before the next is read: a chunk holds one batch's comments.
	for len(todo) > 0 {
		part := todo[:min(len(todo), backfillCommentBatch)]
		todo = todo[len(part):]
		if err := bf.readComments(ctx, part); err != nil {
			return err
		}
		for i, t := range part {
			for _, f := range t.flags {
				if err := bf.record(ctx, t, f); err != nil {
					return bugErr(t.bug.ID, err)
				}
			}
			part[i] = nil
			bf.read.Add(1)
		}
	}
	return nil
}

// flagsIn lists the data-review flags of atts changed within the window.
func (bf *Backfill) flagsIn(atts []bugzilla.Attachment) []flagOn {
	var out []flagOn
	for _, a := range atts {
		for _, f := range a.Flags {
			if f.Name != bf.b.cfg.Bugzilla.FlagName {
				continue
			}
			t := f.ModificationDate
			if (!bf.opts.Since.IsZero() && t.Before(bf.opts.Since)) || (!bf.opts.Until.IsZero() && !t.Before(bf.opts.Until)) {
				continue
			}
			out = append(out, flagOn{flag: f, attachment: a.ID})
		}
	}
	return out
}

// readForms downloads, in batches, every attachment of the bugs that the
// record of their flags may read as a form or a review: for each flag, the
// attachments findForm reads as of its answer (backfillFormCandidates) and
// the current ones its answering steward attached between the request and
// the answer. The views hold the content, so finding the form and the
// review then sends nothing.
func (bf *Backfill) readForms(ctx context.Context, todo []*backfillBug) error {
	maxBytes := bf.b.cfg.Bugzilla.MaxAttachmentBytes
	var metas []bugzilla.Attachment
	for _, t := range todo {
		want := map[int]bool{}
		for _, fo := range t.flags {
			asOf := bf.answeredAt(fo.flag)
			for _, a := range backfillFormCandidates(t.view, fo.attachment, asOf, maxBytes) {
				want[a.ID] = true
			}
			if fo.flag.Status != "+" && fo.flag.Status != "-" {
				continue
			}
			for i := range t.view.atts {
				a := &t.view.atts[i]
				if strings.EqualFold(a.Creator, fo.flag.Setter) && !a.IsObsolete && formCandidate(a, maxBytes) &&
					!a.CreationTime.Before(fo.flag.CreationDate) && !a.CreationTime.After(asOf.Add(reviewMargin)) {
					want[a.ID] = true
				}
			}
		}
		for _, a := range t.view.atts {
			if want[a.ID] {
				metas = append(metas, a)
			}
		}
	}
	if len(metas) == 0 {
		return nil
	}
	var data map[int][]byte
	err := bf.retry(ctx, func() (err error) {
		data, err = bf.bz.AttachmentData(ctx, metas)
		if errors.Is(err, bugzilla.ErrTooLarge) {
			err = nil // sent more than announced: no form, as analyze finds it
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("attachment contents: %w", err)
	}
	for _, t := range todo {
		for i := range t.view.atts {
			id := t.view.atts[i].ID
			if d, ok := data[id]; ok {
				t.view.setData(id, d)
			} else if slices.ContainsFunc(metas, func(m bugzilla.Attachment) bool { return m.ID == id }) {
				t.view.tooLarge[id] = true
			}
		}
	}
	return nil
}

// readComments reads the comments of the bugs in the client's batches.
// Bugzilla fails a whole batch when one of its bugs became hidden since
// the search: then that batch's bugs are read one by one, and a hidden
// bug is left without comments (its flags are still recorded).
func (bf *Backfill) readComments(ctx context.Context, todo []*backfillBug) error {
	if len(todo) == 0 {
		return nil
	}
	ids := make([]int, len(todo))
	for i, t := range todo {
		ids[i] = t.bug.ID
	}
	var cs map[int][]bugzilla.Comment
	err := bf.retry(ctx, func() (err error) {
		cs, err = bf.bz.CommentsOfBugs(ctx, ids, zeroTime)
		return err
	})
	if hiddenBug(err) {
		cs, err = map[int][]bugzilla.Comment{}, nil
		for _, id := range ids {
			var one []bugzilla.Comment
			err = bf.retry(ctx, func() (err error) {
				one, err = bf.bz.Comments(ctx, id, zeroTime)
				return err
			})
			if hiddenBug(err) {
				bf.b.log.Info().Int(LogBugID, id).Msg("backfill: bug hidden from the bot since the search; its comments are not read")
				err = nil
				continue
			}
			if err != nil {
				break
			}
			cs[id] = one
		}
	}
	if err != nil {
		return fmt.Errorf("comments: %w", err)
	}
	for _, t := range todo {
		t.view.setComments(cs[t.bug.ID])
	}
	return nil
}

// saveBugs records the bugs' summaries, privacy and products, which the
// report and the dashboard read beside the requests.
func (bf *Backfill) saveBugs(ctx context.Context, todo []*backfillBug) error {
	infos := make([]store.BugInfo, len(todo))
	for i, t := range todo {
		infos[i] = store.BugInfo{BugID: t.bug.ID, Summary: t.bug.Summary, Private: len(t.bug.Groups) > 0,
			Product: t.bug.Product, UpdatedAt: bf.b.now()}
	}
	return bf.b.store.SaveBugInfos(ctx, infos)
}

// retry runs call until it succeeds, fails for good, or ctx ends. A rate
// limit parks every reader (the client sends nothing until it ends), is
// recorded in the store (a daemon on it waits too), and is waited out.
// The client itself retries what may pass (5xx, resets).
func (bf *Backfill) retry(ctx context.Context, call func() error) error {
	for {
		err := call()
		if err == nil {
			return nil
		}
		if perr := bf.parked(ctx, err); perr != nil {
			return perr
		}
	}
}

// parked waits out a rate limit and returns nil when err was one; any
// other error, or the context's end, is returned.
func (bf *Backfill) parked(ctx context.Context, err error) error {
	pe := bf.b.park.note(ctx, err)
	if pe == nil {
		return err
	}
	return bf.waitUntil(ctx, pe.Until)
}

// waitPark waits out a park left in the store by the daemon or a run.
func (bf *Backfill) waitPark(ctx context.Context) error {
	until, parked, err := bf.b.park.until(ctx)
	if err != nil || !parked {
		return err
	}
	return bf.waitUntil(ctx, until)
}

func (bf *Backfill) waitUntil(ctx context.Context, until time.Time) error {
	d := until.Sub(bf.b.now())
	if d <= 0 {
		return nil
	}
	bf.b.log.Warn().Time("until", until).Msg("backfill: rate limited by Bugzilla; waiting")
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// backfillCursor moves the window's cursor over the chunks in order: to
// the last bug of a chunk once it and every chunk before it are recorded.
type backfillCursor struct {
	st       kvStore
	key      string
	mu       sync.Mutex
	at       int   // the bug id recorded in the store
	last     []int // each chunk's last bug id, by sequence
	finished []bool
	next     int // the first chunk not yet done
}

// add registers the next chunk, ending at bug id last.
func (c *backfillCursor) add(last int) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.last = append(c.last, last)
	c.finished = append(c.finished, false)
	return len(c.last) - 1
}

// done marks chunk seq recorded and moves the cursor as far as it may.
func (c *backfillCursor) done(ctx context.Context, seq int) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.finished[seq] = true
	to := c.at
	for c.next < len(c.finished) && c.finished[c.next] {
		to = c.last[c.next]
		c.next++
	}
	if to == c.at {
		return nil
	}
	if err := c.st.Set(ctx, c.key, fmt.Sprint(to)); err != nil {
		return err
	}
	c.at = to
	return nil
}
