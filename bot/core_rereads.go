package bot

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/stewardbot/stewardbot/bugzilla"
)

// rereads are the re-reads of a batch of bugs before their writes, made in
// one request instead of one per bug (perform's step 2, readCache.
// liveComments). A duty that is about to write on several bugs plans them
// (planRereads: each bug with the time its writes' re-reads start from).
// Nothing is read then: the first re-read one of those bugs needs reads
// the comments of all of them at once (CommentsOfBugs, from the earliest
// of their times), just before the batch's first write, and each bug's
// re-reads use that read until the bot writes on the bug or the batch
// ends (the function planRereads returns).
//
// The invariant of the write path holds: readCache forgets a bug's read on
// every write to it, before the write is sent, so a bug's second write in
// the batch re-reads the bug alone, after the first. A batch that fails as
// a whole (a hidden bug fails it) is not retried: each bug is re-read alone,
// as before.
type rereads struct {
	planned map[int]time.Time     // bug → the time its re-reads start from; not read yet
	read    map[int]*liveComments // bug → its comments from the batch's time, read before any write on it since
}

// planRereads names the bugs a duty is about to write on, each with the
// time its writes' re-reads start from (action.since; the earliest when
// several). It replaces an earlier plan that was not read.
//
// With fromViews, a bug whose view the cycle holds with every comment read
// (the forms pasted in comments are looked for in one batched read of the
// views) is not read again: the view was read after the bot's last write
// on the bug, since every write drops the bug's view first (forget), so
// its comments serve as the bug's re-read, as the batch's own read would,
// one request per 100 bugs fewer.
func (rc *readCache) planRereads(plan map[int]time.Time, fromViews bool) {
	rr := &rc.rereads
	rr.planned = make(map[int]time.Time, len(plan))
	for id, since := range plan {
		if e := rc.views.byBug[id]; fromViews && e != nil && e.view.loaded {
			if rr.read == nil {
				rr.read = map[int]*liveComments{}
			}
			rr.read[id] = &liveComments{bug: id, since: zeroTime, comments: e.view.comments}
			continue
		}
		rr.planned[id] = since
	}
}

// batchComments returns a bug's comments since a time from the batched
// re-read, reading the planned bugs first when the bug is one of them; ok
// is false when the batch cannot serve it (then it is read alone).
func (rc *readCache) batchComments(ctx context.Context, bugID int, since time.Time) (cs []bugzilla.Comment, ok bool, err error) {
	rr := &rc.rereads
	if _, planned := rr.planned[bugID]; planned && len(rr.planned) > 1 {
		if err := rc.readPlanned(ctx); err != nil {
			return nil, false, err
		}
	}
	l, have := rr.read[bugID]
	if !have || since.Before(l.since) {
		return nil, false, nil
	}
	return commentsSince(l.comments, since), true, nil
}

// readPlanned reads the planned bugs' comments in one request (the client
// splits a long list), from the earliest time planned.
func (rc *readCache) readPlanned(ctx context.Context) error {
	rr := &rc.rereads
	plan := rr.planned
	rr.planned = nil
	ids := slices.Sorted(maps.Keys(plan))
	since := plan[ids[0]]
	for _, t := range plan {
		if t.Before(since) {
			since = t
		}
	}
	read, err := rc.CommentsOfBugs(ctx, ids, since)
	switch {
	case rateLimited(err):
		return err
	case err != nil:
		return nil // read alone, where the error is the bug's own
	}
	if rr.read == nil {
		rr.read = make(map[int]*liveComments, len(read))
	}
	for id, cs := range read {
		rr.read[id] = &liveComments{bug: id, since: since, comments: cs}
	}
	return nil
}

// forget drops what the batch read of a bug: the bot is about to write on
// it.
func (rr *rereads) forget(bugID int) {
	delete(rr.read, bugID)
	delete(rr.planned, bugID)
}

// commentsSince is the comments Bugzilla would answer for new_since since:
// created strictly after it, to the second (it is sent to the second).
func commentsSince(cs []bugzilla.Comment, since time.Time) []bugzilla.Comment {
	if since.IsZero() {
		return cs
	}
	cut := since.Truncate(time.Second)
	out := make([]bugzilla.Comment, 0, len(cs))
	for _, c := range cs {
		if c.Time.After(cut) {
			out = append(out, c)
		}
	}
	return out
}

// planRereads names the bugs a duty is about to write on (readCache.
// planRereads) and returns the function that ends the batch: what the
// batch read is dropped then, so that no later work of the cycle takes it
// for a live read. The comments of the views the duty has just read stand
// in for their bugs' re-reads. A cycle built by hand, with no bot, reads
// each bug alone.
func (c *Cycle) planRereads(plan map[int]time.Time) (end func()) {
	return c.plan(plan, true)
}

// planLooks is planRereads for looks that decide from the bug's latest
// state, remind's (a steward's comment resets the clock): views read
// earlier in the cycle, maybe minutes ago in a long one, do not stand in
// for them; the batch is read at the first look.
func (c *Cycle) planLooks(plan map[int]time.Time) (end func()) {
	return c.plan(plan, false)
}

func (c *Cycle) plan(plan map[int]time.Time, fromViews bool) (end func()) {
	if c.b == nil || c.b.reads == nil {
		return func() {}
	}
	rc := c.b.reads
	rc.planRereads(plan, fromViews)
	return func() { rc.rereads = rereads{} }
}
