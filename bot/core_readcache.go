package bot

import (
	"context"
	"strings"
	"time"

	"github.com/stewardbot/stewardbot/bugzilla"
)

// readCache is the bot's Bugzilla client within a cycle. It keeps what the
// cycle's tasks read, so that they do not read it again:
//
//   - views: the bugs' views (their attachments' metadata, the contents
//     downloaded, their comments), for the bug's last change as the store
//     knew it when the view was read (viewCache);
//   - last: the last live read of a bug's comments since a time (perform's
//     re-read before a write, remind's look at the live bug): an
//     escalation's notices to Trust and to Legal, or a reminder and the look
//     that decided it, are checked against one read;
//   - rereads: the comments of a batch of bugs a duty is about to write
//     on, read in one request just before the batch's first write, or
//     taken from the bugs' views when the cycle read all their comments
//     since the bot last wrote on them (core_rereads.go);
//   - users: the accounts of escalation contacts and stewards (/rest/user),
//     read once per cycle and login. A change to them within the cycle is
//     seen at the next cycle. Where a needinfo is set, Bugzilla checks it
//     again (contactCheck.refused).
//
// It forgets a bug on every write to it (AddComment, UpdateBug,
// UpdateAttachmentOn; UpdateAttachment, which does not name the bug,
// forgets every bug), before the write is sent, whichever task makes it:
// so every write follows a read of the live bug made after the bot's own
// last write on it. Within a cycle only this process writes as the bot
// (leader.go), so nothing a re-read looks for (the bot's markers) can
// appear in between unseen. Other reads pass through; the comment reads
// are shown to the analyses whose numbers are pending (numbers,
// analyze_number.go).
//
// RunOnce empties it at the start and the end of each cycle (begin).
type readCache struct {
	bugzillaClient // the client (lease-guarded with replicas): writes and uncached reads go there
	views          viewCache
	last           *liveComments
	rereads        rereads                   // the batched re-reads before a batch's writes (core_rereads.go)
	users          map[string]*bugzilla.User // lower-case login → account; nil: no such account
	numbers        *analysisNumbers          // the analyses posted whose numbers no read has shown yet (analyze_number.go)
}

// begin empties the cache: a new cycle reads everything afresh, and
// between cycles nothing is held.
func (rc *readCache) begin() {
	rc.views = viewCache{}
	rc.last = nil
	rc.rereads = rereads{}
	rc.users = nil
	rc.numbers.forgetAll()
}

// forget drops what the cycle read of a bug: it is about to change.
func (rc *readCache) forget(bugID int) {
	if rc.last != nil && rc.last.bug == bugID {
		rc.last = nil
	}
	rc.rereads.forget(bugID)
	rc.views.forget(bugID)
}

// Comments reads a bug's comments and shows them to the analyses whose
// numbers are pending.
func (rc *readCache) Comments(ctx context.Context, bugID int, since time.Time) ([]bugzilla.Comment, error) {
	cs, err := rc.bugzillaClient.Comments(ctx, bugID, since)
	if err == nil {
		rc.numbers.seen(ctx, bugID, cs)
	}
	return cs, err
}

// CommentsOfBugs reads the comments of bugs and shows them to the analyses
// whose numbers are pending.
func (rc *readCache) CommentsOfBugs(ctx context.Context, bugIDs []int, since time.Time) (map[int][]bugzilla.Comment, error) {
	read, err := rc.bugzillaClient.CommentsOfBugs(ctx, bugIDs, since)
	if err == nil {
		for id, cs := range read {
			rc.numbers.seen(ctx, id, cs)
		}
	}
	return read, err
}

// AddComment forgets the bug, then writes.
func (rc *readCache) AddComment(ctx context.Context, bugID int, nc bugzilla.NewComment) (int, error) {
	rc.forget(bugID)
	return rc.bugzillaClient.AddComment(ctx, bugID, nc)
}

// UpdateBug forgets the bug, then writes.
func (rc *readCache) UpdateBug(ctx context.Context, bugID int, u bugzilla.BugUpdate) (*bugzilla.UpdateResult, error) {
	rc.forget(bugID)
	return rc.bugzillaClient.UpdateBug(ctx, bugID, u)
}

// UpdateAttachment forgets the bug of the attachment, then writes. The
// cache may not know which bug that is (a view of comments alone lists no
// attachments, and the attachment may be newer than a view), and an
// attachment update may carry a comment: so it forgets every view, the
// batched re-reads and the last live read. A view forgotten costs a read,
// never a duplicate; a caller that knows the bug uses UpdateAttachmentOn,
// which keeps what the cycle read of the other bugs.
func (rc *readCache) UpdateAttachment(ctx context.Context, attachmentID int, u bugzilla.AttachmentUpdate) (*bugzilla.UpdateResult, error) {
	rc.last = nil
	rc.rereads.read = nil
	for id := range rc.views.byBug {
		rc.views.forget(id)
	}
	return rc.bugzillaClient.UpdateAttachment(ctx, attachmentID, u)
}

// UpdateAttachmentOn forgets bugID, the bug of the attachment, then writes.
func (rc *readCache) UpdateAttachmentOn(ctx context.Context, bugID, attachmentID int, u bugzilla.AttachmentUpdate) (*bugzilla.UpdateResult, error) {
	rc.forget(bugID)
	return rc.bugzillaClient.UpdateAttachment(ctx, attachmentID, u)
}

// viewCache shares, within one cycle, what the tasks have read of a bug:
// its attachments' metadata, the contents downloaded and its comments.
// Without it, commands and escalate would read again the comments and
// forms that analyze has just read. An entry holds for the bug's last
// change as the store knew it when the view was read, and is dropped when
// the cycle writes on the bug (its own comment changes the bug). A stale
// view cannot cause a duplicate: perform re-reads the live bug before
// every write.
type viewCache struct {
	byBug map[int]*cachedView
	order []*cachedView // oldest first, the first to go when over maxCycleViewBytes
	bytes int64         // what the views hold, as bugView.size counts it
}

// maxCycleViewBytes bounds what the cycle keeps of the bugs it has read,
// as bugView.size estimates it: past it, the views read first are dropped
// (and read again if needed), so that a cycle over 10,000 bugs does not
// hold all their forms at once. In BenchmarkMemory10k, a 2 MB bound on the
// text alone cost 2% more requests in the cycle after the cold start than
// no bound, and added about 4 MB to the peak heap instead of 33 MB.
// Counting the views' structures too (about half as much again as their
// text) and bounding them at 1 MB cost 0.8% more requests over all the
// runs of BenchmarkMemoryRSS10k (16,655 instead of 16,519; 622 instead of
// 607 in the cycle after the 1,000-request cold start, the same at 10,000)
// and took about 9 MB off their peak RSS: the Go heap grows to twice what
// is live, so each megabyte kept costs two.
const maxCycleViewBytes = 1 << 20

// cachedView is one bug's view and what it holds for.
type cachedView struct {
	view       *bugView
	lastChange time.Time // the bug's last change in the store when the view was read
	atts       bool      // the attachments' metadata was read (not only comments)
}

// get returns the cached entry of a bug still valid at lastChange.
func (cv *viewCache) get(id int, lastChange time.Time) *cachedView {
	e := cv.byBug[id]
	if e == nil || !e.lastChange.Equal(lastChange) {
		return nil
	}
	return e
}

// put caches a view, then drops the oldest while the views hold too much
// (the newest is always kept).
func (cv *viewCache) put(id int, e *cachedView) {
	if cv.byBug == nil {
		cv.byBug = map[int]*cachedView{}
	}
	cv.forget(id)
	cv.byBug[id] = e
	cv.order = append(cv.order, e)
	e.view.held = &cv.bytes
	cv.bytes += e.view.size
	for cv.bytes > maxCycleViewBytes && len(cv.order) > 1 {
		old := cv.order[0]
		cv.order = cv.order[1:]
		if cv.byBug[old.view.id] == old {
			cv.forget(old.view.id)
		}
	}
}

// forget drops what the cycle knows of a bug, for example one it has
// written on.
func (cv *viewCache) forget(id int) {
	e := cv.byBug[id]
	if e == nil {
		return
	}
	delete(cv.byBug, id)
	cv.bytes -= e.view.size
	e.view.held = nil
}

// cachedComments returns the comments of a bug the cycle read at its last
// change lastChange, if it did.
func (rc *readCache) cachedComments(id int, lastChange time.Time) ([]bugzilla.Comment, bool) {
	if e := rc.views.get(id, lastChange); e != nil && e.view.loaded {
		return e.view.comments, true
	}
	return nil, false
}

// keepComments keeps the comments of a bug read at its last change
// lastChange, so that a later task of the cycle reads them no more: in the
// bug's cached view when there is one for that change, else in a new view
// without attachments (whose contents it reads up to maxBytes).
func (rc *readCache) keepComments(id int, lastChange time.Time, cs []bugzilla.Comment, maxBytes int64) {
	rc.views.keepComments(id, lastChange, cs, maxBytes)
}

// keepComments is readCache.keepComments.
func (cv *viewCache) keepComments(id int, lastChange time.Time, cs []bugzilla.Comment, maxBytes int64) {
	if e := cv.get(id, lastChange); e != nil {
		if !e.view.loaded {
			e.view.setComments(cs)
		}
		return
	}
	v := newBugView(id, nil, maxBytes)
	v.setComments(cs)
	cv.put(id, &cachedView{view: v, lastChange: lastChange})
}

// liveComments is a bug's comments since a time, as last read.
type liveComments struct {
	bug      int
	since    time.Time
	comments []bugzilla.Comment
}

// liveComments reads a bug's comments since a time, or returns the last
// read of them when it was of the same bug from the same time, or the
// batched re-read of the bugs a duty planned (planRereads) when it holds
// the bug from that time or earlier, in both cases when the bot has not
// written on the bug since. A nil cycle always reads.
func (rc *readCache) liveComments(ctx context.Context, c *Cycle, bugID int, since time.Time) ([]bugzilla.Comment, error) {
	if c == nil {
		return rc.Comments(ctx, bugID, since)
	}
	if l := rc.last; l != nil && l.bug == bugID && l.since.Equal(since) {
		return l.comments, nil
	}
	if cs, ok, err := rc.batchComments(ctx, bugID, since); err != nil || ok {
		return cs, err
	}
	cs, err := rc.Comments(ctx, bugID, since)
	if err != nil {
		return nil, err
	}
	rc.last = &liveComments{bug: bugID, since: since, comments: cs}
	return cs, nil
}

// cycleUsers returns the accounts of logins by lower-case login (an
// unknown login is absent), reading only those the cycle has not read:
// in one request, or one by one when the batch fails because a login is
// unknown (404, code 51). A nil cycle always reads. A failure is not the
// bug's own (sharedReadError): the same accounts serve every bug.
func (rc *readCache) cycleUsers(ctx context.Context, c *Cycle, logins []string) (map[string]bugzilla.User, error) {
	cache := rc
	if c == nil {
		cache = &readCache{bugzillaClient: rc.bugzillaClient}
	}
	users, err := cache.accounts(ctx, logins)
	if err != nil {
		return nil, &sharedReadError{err: err}
	}
	return users, nil
}

// accounts is cycleUsers within the cycle.
func (rc *readCache) accounts(ctx context.Context, logins []string) (map[string]bugzilla.User, error) {
	if rc.users == nil {
		rc.users = map[string]*bugzilla.User{}
	}
	cache := rc.users
	var missing []string
	for _, login := range logins {
		if _, ok := cache[strings.ToLower(login)]; !ok {
			missing = append(missing, login)
		}
	}
	if len(missing) > 0 {
		read, err := rc.readUsers(ctx, missing)
		if err != nil {
			return nil, err
		}
		for _, login := range missing {
			key := strings.ToLower(login)
			if u, ok := read[key]; ok {
				cache[key] = &u
			} else {
				cache[key] = nil
			}
		}
	}
	out := make(map[string]bugzilla.User, len(logins))
	for _, login := range logins {
		if u := cache[strings.ToLower(login)]; u != nil {
			out[strings.ToLower(login)] = *u
		}
	}
	return out, nil
}

// readUsers reads accounts by lower-case login (users_lookup.go).
func (rc *readCache) readUsers(ctx context.Context, logins []string) (map[string]bugzilla.User, error) {
	return lookUpUsers(ctx, rc.bugzillaClient, logins)
}
