package bot

import (
	"context"
	"fmt"
	"maps"
	"slices"
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
//   - a look at the bug read it (noteAnalysisNumber);
//   - a read of the bug's comments through the cycle's read cache after
//     the analysis was posted (analysisNumbers.seen): commands, later in
//     the cycle, reads the comments of every bug the poll saw change, so
//     in a full cycle the number usually comes at no cost.
//
// What no read of the cycle showed is read in one batched request at the
// end of the cycle (readNumbers, the last of the cycle's tasks when it ran
// analyze). Until the number is known the dashboard links the bug.

// cachedLive returns the cycle's live read of a bug's comments since a
// time (liveComments), if it holds one: the last read alone, or the
// batched re-read; it never reads.
func (rc *readCache) cachedLive(bugID int, since time.Time) ([]bugzilla.Comment, bool) {
	if l := rc.last; l != nil && l.bug == bugID && l.since.Equal(since) {
		return l.comments, true
	}
	if l, ok := rc.rereads.read[bugID]; ok && !since.Before(l.since) {
		return commentsSince(l.comments, since), true
	}
	return nil, false
}

// analysisNumbers are the analyses the bot posted in this cycle whose
// number on their bug it does not know yet. The read cache shows it every
// comment read (seen) and empties it with the cycle (begin).
type analysisNumbers struct {
	st    numberStore
	log   zerolog.Logger
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
}

// pendingNumbers is the analyses whose numbers the cache's reads may show;
// nil for a nil cache (a Bot that only lists its tasks).
func (rc *readCache) pendingNumbers() *analysisNumbers {
	if rc == nil {
		return nil
	}
	return rc.numbers
}

// forgetAll drops what is pending: the cycle is over.
func (ns *analysisNumbers) forgetAll() {
	if ns != nil {
		ns.byBug = nil
	}
}

// posted remembers an analysis comment just posted on a bug. A nil
// analysisNumbers forgets it.
func (ns *analysisNumbers) posted(bugID int, p pendingNumber) {
	if ns == nil {
		return
	}
	if ns.byBug == nil {
		ns.byBug = map[int][]pendingNumber{}
	}
	ns.byBug[bugID] = append(ns.byBug[bugID], p)
}

// seen records the numbers of the pending analyses of a bug that a read of
// its comments holds. A nil analysisNumbers does nothing.
func (ns *analysisNumbers) seen(ctx context.Context, bugID int, cs []bugzilla.Comment) {
	if ns == nil {
		return
	}
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
	for i, p := range found {
		ns.save(ctx, bugID, p.formKey, p.formRev, counts[i])
	}
}

func (ns *analysisNumbers) save(ctx context.Context, bugID int, formKey, formRev string, n int) {
	if ns == nil {
		return
	}
	if err := ns.st.SaveAnalysisComment(ctx, formKey, formRev, n); err != nil {
		ns.log.Warn().Err(err).Int(LogBugID, bugID).Msg("cannot record the analysis comment's number for the dashboard")
	}
}

// takeAll removes and returns the analyses no read has shown since they
// were posted, with the bugs they are on, sorted, and the earliest of their
// forms' times.
func (ns *analysisNumbers) takeAll() (ids []int, since time.Time, pending map[int][]pendingNumber) {
	if ns == nil || len(ns.byBug) == 0 {
		return nil, since, nil
	}
	pending, ns.byBug = ns.byBug, nil
	for _, ps := range pending {
		for _, p := range ps {
			if since.IsZero() || p.since.Before(since) {
				since = p.since
			}
		}
	}
	return slices.Sorted(maps.Keys(pending)), since, pending
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
			an.saveAnalysisNumber(ctx, bugID, f, cm.Count)
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
			an.saveAnalysisNumber(ctx, v.id, f, cm.Count)
			return
		}
	}
}

func (an *analyzeDuty) saveAnalysisNumber(ctx context.Context, bugID int, f *foundForm, n int) {
	if err := an.st.SaveAnalysisComment(ctx, formKey(f), f.Rev, n); err != nil {
		an.log.Warn().Err(err).Int(LogBugID, bugID).Msg("cannot record the analysis comment's number for the dashboard")
	}
}

// commentsOfBugs reads the comments of several bugs in one request.
type commentsOfBugs interface {
	CommentsOfBugs(ctx context.Context, bugIDs []int, newSince time.Time) (map[int][]bugzilla.Comment, error)
}

// readNumbers is the last of a cycle's tasks when it ran analyze: it
// reads, in one batched request, the comments of the bugs with analyses
// posted in the cycle that no read of it showed, from the oldest of their
// forms, and records the numbers. It is not worth a wait: those it reads
// are no longer pending, found or not, and a failed read is only logged
// (the dashboard links the bug). A rate limit on the read is returned, so
// that the bot parks (runTasks).
type readNumbers struct {
	numbers *analysisNumbers
	bz      commentsOfBugs
	log     zerolog.Logger
}

// Run reads the numbers still pending.
func (rn readNumbers) Run(ctx context.Context, c *Cycle) error {
	ids, since, pending := rn.numbers.takeAll()
	if len(ids) == 0 || c.Halted() {
		return nil
	}
	rn.log.Debug().Ints("bug_ids", ids).Msg(msgReadingNumbers)
	read, err := rn.bz.CommentsOfBugs(ctx, ids, since)
	if rateLimited(err) {
		return err
	}
	if err != nil {
		rn.log.Warn().Err(fmt.Errorf("comments of %d bugs with analyses posted: %w", len(ids), err)).Ints("bug_ids", ids).
			Msg("cannot read the analysis comments' numbers for the dashboard")
		return nil
	}
	for bug, ps := range pending {
		for _, p := range ps {
			for _, cm := range read[bug] {
				if cm.ID == p.commentID {
					rn.numbers.save(ctx, bug, p.formKey, p.formRev, cm.Count)
				}
			}
		}
	}
	return nil
}

// msgReadingNumbers is readNumbers' log line before its read.
const msgReadingNumbers = "reading the numbers of the analyses no read of the cycle showed"

// numbersLastTasks ends tasks with readNumbers when they include analyze.
func numbersLastTasks(tasks []Task) []Task {
	for _, t := range tasks {
		if an, ok := t.Duty.(*analyzeDuty); ok {
			last := Task{Name: t.Name, Aliases: t.Aliases, Doc: "read the numbers of the analyses posted that no read of the cycle showed",
				Duty: readNumbers{numbers: an.numbers, bz: an.bz, log: an.log}}
			return append(slices.Clip(tasks), last) // tasks may be a part of a longer list
		}
	}
	return tasks
}
