package bot

import (
	"context"
	"slices"
	"time"

	"github.com/stewardbot/stewardbot/bot/store"
)

// sentNotice is a notice escalate sent with a PUT, whose answer gives no
// comment id: the chunk's end reads the ids of its notices in one request
// (learnNoticeIDs) and records them in the journal and the escalations,
// instead of one read per notice.
type sentNotice struct {
	marker Marker
	since  time.Time          // its form's time: the notice is newer
	recs   []store.Escalation // as settled saved them, without the id
}

// awaitID keeps, for the notice with marker m just settled without a
// comment id, the escalations settled saved, to record the id in them
// once it is read. A notice found already on the bug has its id.
func (d *escalateDuty) awaitID(m Marker, commentID int, recs []store.Escalation) {
	if commentID != 0 || len(d.sent) == 0 {
		return
	}
	if last := &d.sent[len(d.sent)-1]; last.marker == m {
		last.recs = recs
	}
}

// learnNoticeIDs reads, in one batched request, the comments of the bugs
// the chunk sent notices on, since the oldest of their forms, and records
// each notice's comment id. It is not worth a wait: a halted cycle reads
// nothing, a failed read or a notice not found leaves the id unknown (0),
// and a rate limit halts the cycle, as on any read, so that the bot parks.
func (d *escalateDuty) learnNoticeIDs(ctx context.Context, c *Cycle) {
	sent := d.sent
	d.sent = nil
	if len(sent) == 0 || c.Halted() || ctx.Err() != nil {
		return
	}
	since := sent[0].since
	var ids []int
	for _, n := range sent {
		if n.since.Before(since) {
			since = n.since
		}
		if !slices.Contains(ids, n.marker.Bug) {
			ids = append(ids, n.marker.Bug)
		}
	}
	read, err := d.bz.CommentsOfBugs(ctx, ids, since)
	if c.haltOn(err) {
		d.log.Warn().Err(err).Ints("bug_ids", ids).Msg("rate limited reading the notices' comment ids; parking")
		return
	}
	if err != nil {
		d.log.Warn().Err(err).Ints("bug_ids", ids).Msg("cannot read the notices' comment ids; recorded without them")
		return
	}
	for _, n := range sent {
		id, ok := markerDone(botMarkers(read[n.marker.Bug], d.login(), d.tag, n.marker.Bug), n.marker)
		if !ok {
			continue
		}
		if err := d.recordNoticeID(ctx, n, id); err != nil {
			d.log.Warn().Err(err).Int(LogBugID, n.marker.Bug).Int("comment_id", id).Msg("cannot record the notice's comment id")
		}
	}
}

// recordNoticeID records comment id in the notice's journal entry and its
// escalations.
func (d *escalateDuty) recordNoticeID(ctx context.Context, n sentNotice, id int) error {
	j, err := d.st.Action(ctx, n.marker.Key())
	if err != nil {
		return err
	}
	j.CommentID, j.UpdatedAt = id, d.now()
	if err := d.st.RecordAction(ctx, j); err != nil {
		return err
	}
	for _, rec := range n.recs {
		rec.CommentID, rec.UpdatedAt = id, d.now()
		if err := d.st.SaveEscalation(ctx, rec); err != nil {
			return err
		}
	}
	return nil
}
