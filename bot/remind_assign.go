package bot

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
)

// kvLastAssigned is the roster login the last unassigned request went to:
// the round-robin continues after it.
const kvLastAssigned = "stewards.last_assigned"

// unassigned handles an open request without a requestee: it asks the next
// free steward on the roster (stewards.assign_unassigned), or else reminds
// the lead once, after reminders.after business days.
func (d *remindDuty) unassigned(ctx context.Context, c *Cycle, budget *remindBudget, r store.Request, st *store.Reminder) (Outcome, error) {
	now := d.now()
	if d.stewards.AssignUnassigned && len(d.stewards.Roster) > 0 {
		return d.assign(ctx, c, budget, r, st, now)
	}
	lead := d.stewards.Lead
	if lead == "" {
		d.log.Warn().Int(LogBugID, r.BugID).Int(LogFlagID, r.FlagID).
			Msg("request without a requestee; no roster to assign from and no stewards.lead to tell")
		st.State = store.ReminderFinished
		return Written, d.saveReminder(ctx, st)
	}
	due := d.roster.stewardCalendar(lead).AddBusinessDays(r.RequestedAt, d.cfg.After)
	if now.Before(due) {
		st.NextDue = due
		return Written, d.saveReminder(ctx, st)
	}
	m := Marker{Kind: kindUnassigned, Bug: r.BugID, Attachment: r.AttachmentID, Flag: r.FlagID}
	a := d.requestAction(c, r, m, func(ab about) bugzilla.NewComment { return d.unassignedComment(m, r, ab) })
	if d.cfg.Mode == RemindNeedinfo {
		mine, err := d.botNeedinfos(ctx, c, r.BugID)
		if err != nil {
			return Failed, err
		}
		if len(mine) == 0 {
			a.send = d.sendWithFlags(r.BugID, []bugzilla.FlagChange{{Name: needinfoFlag, Status: "?", Requestee: &lead, New: true}})
		}
	}
	if out, err := c.Perform(ctx, a); err != nil || !out.done() {
		return out, err
	}
	budget.left--
	st.State = store.ReminderFinished
	return Written, d.saveReminder(ctx, st)
}

// assign asks the next free steward to review r: it sets them as the
// flag's requestee by flag id (which keeps the flag's id and setter, so the
// request stays the requester's) and says why in the same update.
func (d *remindDuty) assign(ctx context.Context, c *Cycle, budget *remindBudget, r store.Request, st *store.Reminder,
	now time.Time) (Outcome, error) {
	m := Marker{Kind: kindAssign, Bug: r.BugID, Attachment: r.AttachmentID, Flag: r.FlagID}
	if j, err := d.st.Action(ctx, m.Key()); err == nil && j.Status == store.ActionDone {
		// A person took the requestee off again (leave it be), or the bot
		// was stopped before it learnt of its own assignment.
		if err := d.rereadAssigned(ctx, r); err != nil {
			return Failed, err
		}
		st.State = store.ReminderFinished
		return Written, d.saveReminder(ctx, st)
	} else if err != nil && !errors.Is(err, store.ErrNotFound) {
		return Failed, err
	}
	last, err := d.st.Get(ctx, kvLastAssigned)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return Failed, err
	}
	open, err := budget.openCounts(ctx)
	if err != nil {
		return Failed, err
	}
	steward, err := d.freeSteward(ctx, c, open, now, last)
	if err != nil {
		return Failed, err
	}
	if steward == "" {
		d.log.Warn().Int(LogBugID, r.BugID).Int(LogFlagID, r.FlagID).Msg("request without a requestee, and no steward on the roster is free")
		st.NextDue = now.Add(time.Hour)
		return Written, d.saveReminder(ctx, st)
	}
	attPrivate := false // the flagged attachment is private (read when the comment is built)
	// The assignment is once per flag; any comment since the request can be it.
	a := d.requestAction(c, r, m, func(ab about) bugzilla.NewComment {
		attPrivate = len(ab.attachments) > 0 && ab.attachments[0].IsPrivate
		return d.assignComment(m, r, steward, ab)
	})
	a.send = func(ctx context.Context, nc bugzilla.NewComment) (int, error) {
		change := []bugzilla.FlagChange{{ID: r.FlagID, Status: "?", Requestee: &steward}}
		if nc.IsPrivate && !attPrivate {
			// An attachment update's comment is as private as the
			// attachment: here it must be private and the attachment
			// is not. The requestee changes first, then the private
			// comment says why. Should the comment fail, the request
			// has its steward all the same and is not assigned again.
			if _, err := d.bz.UpdateAttachmentOn(ctx, r.BugID, r.AttachmentID, bugzilla.AttachmentUpdate{Flags: change}); err != nil {
				return 0, err
			}
			return d.bz.AddComment(ctx, r.BugID, nc)
		}
		// An attachment update's comment is plain text without tags, as
		// private as the attachment (bugzilla.AttachmentUpdate): the
		// footer marks it.
		nc.IsMarkdown, nc.Tags, nc.IsPrivate = false, nil, false
		_, err := d.bz.UpdateAttachmentOn(ctx, r.BugID, r.AttachmentID, bugzilla.AttachmentUpdate{
			Comment: &nc,
			Flags:   change,
		})
		return 0, err
	}
	// Whatever the outcome, the turn passes: a steward Bugzilla refuses
	// (cannot see the bug, blocks requests) is not picked again at once.
	if err := d.st.Set(ctx, kvLastAssigned, steward); err != nil {
		return Failed, err
	}
	if out, err := c.Perform(ctx, a); err != nil || !out.done() {
		return out, err
	}
	d.log.Info().Int(LogBugID, r.BugID).Int(LogFlagID, r.FlagID).Str("steward", steward).Msg("unassigned request given to a steward")
	budget.left--
	budget.assigned(r, steward)
	if err := d.rereadAssigned(ctx, r); err != nil {
		return Failed, err
	}
	st.State = store.ReminderFinished
	return Written, d.saveReminder(ctx, st)
}

// rereadAssigned queues r's bug for analyze to read again, so that the
// store learns the requestee the assignment set (perhaps an earlier
// process's, when the marker was found on the bug: the live flag says
// which steward) and the steward's reminders start. The poll cannot be
// relied on for it: Bugzilla's times have whole seconds, so an assignment
// in the second of the bug's last change as the bot recorded it (a request
// filed, polled and assigned within one second) leaves last_change_time as
// it was, and the request would keep no requestee in the store, never
// reminded. Done before the reminder state is finished: a crash in
// between repeats it.
func (d *remindDuty) rereadAssigned(ctx context.Context, r store.Request) error {
	if d.dryRun {
		return nil // nothing changed on the bug
	}
	return d.st.MarkDirty(ctx, []store.BugMark{{BugID: r.BugID, MarkedAt: d.now()}})
}

// freeSteward is the next steward on the roster after last who is free now
// and, where the server says (BMO), accepts review requests.
func (d *remindDuty) freeSteward(ctx context.Context, c *Cycle, open map[string]int, now time.Time, last string) (string, error) {
	for _, login := range d.rosterOrder(open, now, last, "") {
		blocked, err := d.blocksReviews(ctx, c, login)
		if err != nil {
			return "", err
		}
		if !blocked {
			return login, nil
		}
		d.log.Info().Str("steward", login).Msg("steward blocks review requests: skipped")
	}
	return "", nil
}

// pickSteward suggests a free steward other than exclude, for the lead.
func (d *remindDuty) pickSteward(open map[string]int, now time.Time, exclude string) string {
	if order := d.rosterOrder(open, now, exclude, exclude); len(order) > 0 {
		return order[0]
	}
	return ""
}

// rosterOrder lists the roster's free stewards in turn, starting after
// last: not away now, under their cap of open requests (open counts them
// by lower-cased login), and not exclude.
func (d *remindDuty) rosterOrder(open map[string]int, now time.Time, last, exclude string) []string {
	roster := d.stewards.Roster
	start := 0
	for i, s := range roster {
		if strings.EqualFold(s.Login, last) {
			start = i + 1
		}
	}
	var out []string
	for k := range roster {
		s := roster[(start+k)%len(roster)]
		if strings.EqualFold(s.Login, exclude) {
			continue
		}
		if _, away := s.AwayUntil(now); away {
			continue
		}
		if s.MaxOpen > 0 && open[strings.ToLower(s.Login)] >= s.MaxOpen {
			continue
		}
		out = append(out, s.Login)
	}
	return out
}

// blocksReviews asks the server whether login refuses review requests
// (BMO's requests.review.blocked); elsewhere the answer is no.
func (d *remindDuty) blocksReviews(ctx context.Context, c *Cycle, login string) (bool, error) {
	reqs, err := d.userRequests(ctx, c, login)
	return reqs != nil && reqs.Review.Blocked, err
}
