package bot

import (
	"context"
	"slices"
	"time"

	"github.com/stewardbot/stewardbot/bugzilla"
)

// The dashboard links each request to the bot's analysis comment by its
// number on the bug (show_bug.cgi?id=N#cN): Bugzilla's count, which its
// answer to a new comment does not give (only the id). The bot records the
// number when it has the bug's comments in hand anyway (perform found the
// analysis already on the bug, or a later look at the bug read them), and
// reads the numbers of the analyses it posted in a cycle in one batched
// request at the end of the analyze task. Until the number is known the
// dashboard links the bug.

// cachedLive returns the cycle's last live read of a bug's comments since
// a time (liveComments), if that is what it holds; it never reads.
func (rc *readCache) cachedLive(bugID int, since time.Time) ([]bugzilla.Comment, bool) {
	if l := rc.last; l != nil && l.bug == bugID && l.since.Equal(since) {
		return l.comments, true
	}
	return nil, false
}

// rememberAnalysisComment records the number of analysis comment
// commentID when the cycle's last read of the bug holds it (perform found
// the comment on the bug). A failure is only logged.
func (an *analyzeDuty) rememberAnalysisComment(ctx context.Context, bugID int, f *foundForm, commentID int) {
	if commentID == 0 {
		return // a dry run, or an id the server did not say
	}
	since := f.Created.Add(-time.Second)
	cs, ok := an.comments.cachedLive(bugID, since)
	if !ok { // just posted: read with the others at the end of the task
		an.posted = append(an.posted, postedAnalysis{bugID: bugID, f: f, commentID: commentID, since: since})
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

// postedAnalysis is an analysis comment posted in this cycle whose number
// is not known yet.
type postedAnalysis struct {
	bugID     int
	f         *foundForm
	commentID int
	since     time.Time // its form's time: the comment is newer
}

// readPostedNumbers reads, in one batched request, the comments of the
// bugs the task posted an analysis on since the oldest of their forms, and
// records the analyses' numbers. It is not worth a wait: a halted cycle
// (rate limit) or a failed read leaves the numbers for a later look. A rate
// limit on the read halts the cycle, as on any read, so that the bot parks
// (runTasks); another failure is only logged.
func (an *analyzeDuty) readPostedNumbers(ctx context.Context, c *Cycle) {
	posted := an.posted
	an.posted = nil
	if len(posted) == 0 || c.Halted() || ctx.Err() != nil {
		return
	}
	since := posted[0].since
	ids := make([]int, 0, len(posted))
	for _, p := range posted {
		if p.since.Before(since) {
			since = p.since
		}
		if !slices.Contains(ids, p.bugID) {
			ids = append(ids, p.bugID)
		}
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
	for _, p := range posted {
		for _, cm := range read[p.bugID] {
			if cm.ID == p.commentID {
				an.saveAnalysisNumber(ctx, p.bugID, p.f, cm.Count)
			}
		}
	}
}
