package bot

import (
	"context"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/stewardbot/stewardbot/bugzilla"
)

// The dashboard links each request to the bot's analysis comment by its
// number on the bug (show_bug.cgi?id=N#cN): Bugzilla's count, which its
// answer to a new comment does not give (only the id). The bot records the
// number when it has the bug's comments in hand anyway:
//
//   - perform found the analysis already on the bug (rememberAnalysisComment);
//   - a later look at the bug read it (noteAnalysisNumber);
//   - any read of the bug's comments through the cycle's read cache after
//     the analysis was posted (analysisNumbers.seen): commands reads the
//     comments of every bug that changed, and the bot's own comment
//     changed it, so the number usually comes in the same cycle at no
//     cost.
//
// Analyses still without a number a cycle after they were posted (commands
// disabled, or not reached) are read in one batched request at the end of
// the next analyze. Until the number is known the dashboard links the bug.
// A restart forgets what is pending: those rows link the bug until a later
// look at it reads the analysis.

// cachedLive returns the cycle's last live read of a bug's comments since
// a time (liveComments), if that is what it holds; it never reads.
func (rc *readCache) cachedLive(bugID int, since time.Time) ([]bugzilla.Comment, bool) {
	if l := rc.last; l != nil && l.bug == bugID && l.since.Equal(since) {
		return l.comments, true
	}
	return nil, false
}

// analysisNumbers are the analyses the bot posted whose number on their
// bug it does not know yet. It outlives cycles; the read cache shows it
// every comment read (seen).
type analysisNumbers struct {
	st    numberStore
	log   zerolog.Logger
	mu    sync.Mutex
	cycle int                     // counts the cycles begun (readCache.begin)
	byBug map[int][]pendingNumber // bug → its analyses without a number
}

// numberStore records an analysis comment's number.
type numberStore interface {
	SaveAnalysisComment(ctx context.Context, formKey, formRev string, number int) error
}

// pendingNumber is an analysis comment whose number is not known yet.
type pendingNumber struct {
	commentID int
	formKey   string
	formRev   string
	since     time.Time // its form's time: the comment is newer
	cycle     int       // the cycle it was posted in
}

// pendingNumbers is the analyses whose numbers the cache's reads may show;
// nil for a nil cache (a Bot that only lists its tasks).
func (rc *readCache) pendingNumbers() *analysisNumbers {
	if rc == nil {
		return nil
	}
	return rc.numbers
}

// newCycle starts a cycle: what was posted before it is old from now on.
func (ns *analysisNumbers) newCycle() {
	if ns == nil {
		return
	}
	ns.mu.Lock()
	ns.cycle++
	ns.mu.Unlock()
}

// posted remembers an analysis comment just posted on a bug.
func (ns *analysisNumbers) posted(bugID int, p pendingNumber) {
	ns.mu.Lock()
	defer ns.mu.Unlock()
	if ns.byBug == nil {
		ns.byBug = map[int][]pendingNumber{}
	}
	p.cycle = ns.cycle
	ns.byBug[bugID] = append(ns.byBug[bugID], p)
}

// seen records the numbers of the pending analyses of a bug that a read of
// its comments holds. A nil analysisNumbers does nothing.
func (ns *analysisNumbers) seen(ctx context.Context, bugID int, cs []bugzilla.Comment) {
	if ns == nil {
		return
	}
	ns.mu.Lock()
	pending := ns.byBug[bugID]
	var found []pendingNumber
	var counts []int
	left := pending[:0]
	for _, p := range pending {
		i := slices.IndexFunc(cs, func(c bugzilla.Comment) bool { return c.ID == p.commentID })
		if i < 0 {
			left = append(left, p)
			continue
		}
		found, counts = append(found, p), append(counts, cs[i].Count)
	}
	if len(left) == 0 {
		delete(ns.byBug, bugID)
	} else {
		ns.byBug[bugID] = left
	}
	ns.mu.Unlock()
	for i, p := range found {
		ns.save(ctx, bugID, p.formKey, p.formRev, counts[i])
	}
}

func (ns *analysisNumbers) save(ctx context.Context, bugID int, formKey, formRev string, n int) {
	if err := ns.st.SaveAnalysisComment(ctx, formKey, formRev, n); err != nil {
		ns.log.Warn().Err(err).Int(LogBugID, bugID).Msg("cannot record the analysis comment's number for the dashboard")
	}
}

// takeOld removes and returns the analyses posted before this cycle that
// no read has shown since, with the bugs they are on, sorted, and the
// earliest of their forms' times.
func (ns *analysisNumbers) takeOld() (ids []int, since time.Time, old map[int][]pendingNumber) {
	ns.mu.Lock()
	defer ns.mu.Unlock()
	for bug, ps := range ns.byBug {
		var keep []pendingNumber
		for _, p := range ps {
			if p.cycle == ns.cycle {
				keep = append(keep, p)
				continue
			}
			if old == nil {
				old = map[int][]pendingNumber{}
			}
			old[bug] = append(old[bug], p)
			if since.IsZero() || p.since.Before(since) {
				since = p.since
			}
		}
		if len(keep) == 0 {
			delete(ns.byBug, bug)
		} else {
			ns.byBug[bug] = keep
		}
	}
	return slices.Sorted(maps.Keys(old)), since, old
}

// rememberAnalysisComment records the number of analysis comment
// commentID when the cycle's last read of the bug holds it (perform found
// the comment on the bug); else it waits for a later read (seen). A
// failure is only logged.
func (an *analyzeDuty) rememberAnalysisComment(ctx context.Context, bugID int, f *foundForm, commentID int) {
	if commentID == 0 {
		return // a dry run, or an id the server did not say
	}
	since := f.Created.Add(-time.Second)
	cs, ok := an.comments.cachedLive(bugID, since)
	if !ok { // just posted: a later read will hold it
		an.numbers.posted(bugID, pendingNumber{commentID: commentID, formKey: formKey(f), formRev: f.Rev, since: since})
		return
	}
	for _, cm := range cs {
		if cm.ID == commentID {
			an.numbers.save(ctx, bugID, formKey(f), f.Rev, cm.Count)
			return
		}
	}
}

// noteAnalysisNumber records the number of f's analysis comment when the
// bug's view has read the comments and the analysis is among them.
func (an *analyzeDuty) noteAnalysisNumber(ctx context.Context, v *bugView, f *foundForm) {
	if !v.loaded {
		return
	}
	id, ok := markerDone(botMarkers(v.comments, an.login(), an.tag, v.id), f.marker(v.id))
	if !ok {
		return
	}
	for _, cm := range v.comments {
		if cm.ID == id {
			an.numbers.save(ctx, v.id, formKey(f), f.Rev, cm.Count)
			return
		}
	}
}

// commentsOfBugs reads the comments of several bugs in one request.
type commentsOfBugs interface {
	CommentsOfBugs(ctx context.Context, bugIDs []int, newSince time.Time) (map[int][]bugzilla.Comment, error)
}

// readOldNumbers reads, in one batched request, the comments of the bugs
// with analyses posted in an earlier cycle whose numbers no read has shown
// since, from the oldest of their forms, and records the numbers. It is
// not worth a wait: a halted cycle (rate limit) reads nothing, and a failed
// read drops them (a later look at the bugs may still find them). A rate
// limit on the read halts the cycle, as on any read, so that the bot parks
// (runTasks); another failure is only logged.
func (an *analyzeDuty) readOldNumbers(ctx context.Context, c *Cycle) {
	if c.Halted() || ctx.Err() != nil {
		return
	}
	ids, since, old := an.numbers.takeOld()
	if len(ids) == 0 {
		return
	}
	read, err := an.bz.CommentsOfBugs(ctx, ids, since)
	if c.haltOn(err) {
		an.log.Warn().Err(err).Ints("bug_ids", ids).Msg("rate limited reading the analysis comments' numbers; parking")
		return
	}
	if err != nil {
		an.log.Warn().Err(err).Ints("bug_ids", ids).Msg("cannot read the analysis comments' numbers for the dashboard")
		return
	}
	for bug, ps := range old {
		for _, p := range ps {
			for _, cm := range read[bug] {
				if cm.ID == p.commentID {
					an.numbers.save(ctx, bug, p.formKey, p.formRev, cm.Count)
				}
			}
		}
	}
}
