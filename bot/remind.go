package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
	"github.com/stewardbot/stewardbot/policy"
)

// remindBudget is what one cycle may still send of reminders, notices and
// assignments (reminders.max_per_cycle), and how many each person got.
type remindBudget struct {
	left      int
	perPerson map[string]int // reminders in the last 24 hours, filled lazily
	// open is the open requests as the task read them, with the
	// assignments it made since: stewards.roster max_open counts them.
	open []store.Request
}

// assigned records in the budget's open requests that the task gave the
// request of flagID to steward.
func (bg *remindBudget) assigned(flagID int, steward string) {
	for i := range bg.open {
		if bg.open[i].FlagID == flagID {
			bg.open[i].Requestee = steward
		}
	}
}

// remind is the task that keeps requests moving: it stops everything for
// requests answered since the last cycle (and clears the bot's needinfos on
// them), gives requests without a requestee a steward (or tells the lead),
// and reminds stewards of requests that have waited. It looks at the live
// bug only for requests the store says are due, and after each look records
// when the request is next due (in a dry run too, as if the logged reminder
// had been posted), so an idle cycle costs no request at all. Requests held
// back by a cap stay due, but are not read while the cap holds: a cycle reads
// at most about the caps' worth of them.
func (b *Bot) remind(ctx context.Context, c *Cycle) error {
	var errs []error
	if err := b.stopAnswered(ctx, c); err != nil {
		if errors.Is(err, errCapReached) || b.isRateLimit(err) {
			return err
		}
		errs = append(errs, err)
	}
	open, err := b.store.OpenRequests(ctx)
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	budget := &remindBudget{left: b.cfg.Reminders.MaxPerCycle, perPerson: map[string]int{}, open: open}
	now := b.now()
	due, err := b.dueReminders(ctx, open, now)
	if err != nil {
		errs = append(errs, err)
	}
	for _, d := range due {
		r, st := d.r, d.st
		if ctx.Err() != nil {
			return errors.Join(append(errs, ctx.Err())...)
		}
		if budget.left <= 0 {
			c.deferred++
			b.log.Info().Int("cap", b.cfg.Reminders.MaxPerCycle).Msg("reminder cap reached; the rest waits for the next cycle")
			break
		}
		if hold, err := b.onHold(ctx, r, &st, now); err != nil || hold {
			if err != nil {
				errs = append(errs, err)
			}
			continue
		}
		if c.writesLeft <= 0 {
			// Nothing more is read for what the write cap defers anyway: the
			// most overdue go first next cycle.
			c.deferred++
			return errors.Join(append(errs, errCapReached)...)
		}
		switch {
		case r.Requestee == "":
			err = b.unassigned(ctx, c, budget, r, &st)
		case r.FormKey == "":
			// No form found yet: the bot has asked the requester for it,
			// and the steward has nothing to review. Looked at again
			// once analyse finds one.
			continue
		default:
			err = b.remindOne(ctx, c, budget, r, &st)
		}
		switch {
		case err == nil:
		case errors.Is(err, errCapReached) || b.isRateLimit(err):
			return errors.Join(append(errs, err)...)
		case errors.Is(err, errOutcomeUnknown):
			b.log.Warn().Int(LogBugID, r.BugID).Int(LogFlagID, r.FlagID).Msg("a reminder's outcome is unknown; looking again next cycle")
		default:
			errs = append(errs, fmt.Errorf("bug %d flag %d: %w", r.BugID, r.FlagID, err))
		}
	}
	return errors.Join(errs...)
}

// dueReminder is an open request whose reminders may be due, with its
// stored state and when it fell due.
type dueReminder struct {
	r   store.Request
	st  store.Reminder
	due time.Time
}

// dueReminders lists, from the store alone, the open requests whose
// reminder state is active and due now, the most overdue first: when a cap
// holds work back, what has waited longest goes out first. A request never
// looked at falls due at its first reminder, as early as it can be
// (waitUnread); one without a requestee when it was made.
func (b *Bot) dueReminders(ctx context.Context, open []store.Request, now time.Time) ([]dueReminder, error) {
	var out []dueReminder
	var errs []error
	for _, r := range open {
		st, err := b.reminderState(ctx, r)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if st.State != store.ReminderActive || (!st.NextDue.IsZero() && now.Before(st.NextDue)) {
			continue // finished, or not due: no request to Bugzilla
		}
		due := st.NextDue
		if due.IsZero() {
			due = r.RequestedAt
			if r.Requestee != "" && st.Sent == 0 {
				if first, ok := b.stewardCalendar(r.Requestee).NextReminder(r.RequestedAt, time.Time{}, 0, time.Time{},
					b.cfg.Reminders.policy(), now); ok {
					due = first
				}
			}
		}
		out = append(out, dueReminder{r: r, st: st, due: due})
	}
	slices.SortStableFunc(out, func(x, y dueReminder) int {
		if c := x.due.Compare(y.due); c != 0 {
			return c
		}
		return mostOverdueFirst(x.r, y.r)
	})
	return out, errors.Join(errs...)
}

// reminderState is the stored state of r's reminders; a new one (due at
// once: the live bug decides) when there is none, the requestee changed, or
// the other mode made it: what a dry run only logged, a live bot still sends,
// so it does not wait on the dry run's schedule (as escalation's kvMode).
func (b *Bot) reminderState(ctx context.Context, r store.Request) (store.Reminder, error) {
	st, err := b.store.Reminder(ctx, r.FlagID)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return store.Reminder{}, err
	case strings.EqualFold(st.Requestee, r.Requestee) && st.DryRun == b.cfg.DryRun:
		return st, nil
	}
	return store.Reminder{FlagID: r.FlagID, BugID: r.BugID, Requestee: r.Requestee, DryRun: b.cfg.DryRun}, nil
}

func (b *Bot) saveReminder(ctx context.Context, st *store.Reminder) error {
	st.UpdatedAt = b.now()
	return b.store.SaveReminder(ctx, *st)
}

// onHold applies the comment commands: "stop" holds the bug's requests,
// "snooze" holds them until its time.
func (b *Bot) onHold(ctx context.Context, r store.Request, st *store.Reminder, now time.Time) (bool, error) {
	ctl, err := b.store.Control(ctx, r.BugID)
	if err != nil {
		return false, err
	}
	switch {
	case ctl.Stopped:
		return true, nil
	case now.Before(ctl.SnoozedUntil):
		st.NextDue = ctl.SnoozedUntil
		return true, b.saveReminder(ctx, st)
	}
	return false, nil
}

// remindOne reads r's bug and does what is due: the next reminder, or the
// notice to the lead once the reminders are spent or the steward is away.
func (b *Bot) remindOne(ctx context.Context, c *Cycle, budget *remindBudget, r store.Request, st *store.Reminder) error {
	log := b.log.With().Int(LogBugID, r.BugID).Int(LogAttachmentID, r.AttachmentID).Int(LogFlagID, r.FlagID).
		Str("requestee", r.Requestee).Logger()
	if b.cfg.Reminders.Max == 0 { // reminders.max: 0 turns reminders (and the lead's notice) off
		st.State = store.ReminderFinished
		return b.saveReminder(ctx, st)
	}
	if wait, err := b.waitUnread(ctx, budget, r, st, b.now()); err != nil || wait {
		return err
	}
	live, err := b.readLive(ctx, c, r)
	if hiddenBug(err) {
		log.Info().Msg("bug no longer visible to the bot; no more reminders")
		st.State = store.ReminderStopped
		return b.saveReminder(ctx, st)
	}
	if err != nil {
		return err
	}
	now := b.now()
	cfg := b.cfg.Reminders
	cal := b.stewardCalendar(r.Requestee)
	if b.cfg.DryRun && st.Sent > live.sent {
		// The reminders this dry run logged count as sent: the schedule
		// moves on as it would live, instead of logging reminder 1 again
		// (and reading the bug) every cycle.
		live.sent, live.lastSent = st.Sent, later(live.lastSent, st.LastSent)
	}
	st.Sent, st.LastSent = live.sent, live.lastSent

	if live.sent >= cfg.Max {
		if live.noticeDone {
			st.State = store.ReminderFinished
			return b.saveReminder(ctx, st)
		}
		// The notice is due when one more reminder would be.
		p := cfg.policy()
		p.Max++
		due, _ := cal.NextReminder(r.RequestedAt, live.lastLife, live.sent, live.lastSent, p, now)
		if now.Before(due) {
			st.NextDue = due
			return b.saveReminder(ctx, st)
		}
		if err := b.leadNotice(ctx, c, budget, r, live, noticeSpent, time.Time{}); err != nil {
			return err
		}
		st.State = store.ReminderFinished
		return b.saveReminder(ctx, st)
	}

	due, _ := cal.NextReminder(r.RequestedAt, live.lastLife, live.sent, live.lastSent, cfg.policy(), now)
	if now.Before(due) {
		st.NextDue = due
		return b.saveReminder(ctx, st)
	}
	if s, ok := b.rosterEntry(r.Requestee); ok {
		if back, away := s.awayUntil(now); away {
			log.Info().Time("back", back).Msg("steward away: not reminded")
			if !live.noticeDone {
				if err := b.leadNotice(ctx, c, budget, r, live, noticeAway, back); err != nil {
					return err
				}
			}
			st.NextDue = firstBusinessDay(cal, back)
			return b.saveReminder(ctx, st)
		}
	}
	if n, err := b.remindedToday(ctx, budget, r.Requestee, now); err != nil {
		return err
	} else if n >= cfg.MaxPerPerson {
		// Reached by this cycle's own reminders (waitUnread checks first).
		log.Info().Int("cap", cfg.MaxPerPerson).Msg("per-person reminder cap reached; this one waits")
		return nil // still due: looked at again once the cap allows
	}

	needinfo := cfg.Mode == RemindNeedinfo && !live.humanCleared && !live.hasBotNeedinfo() && !live.blockedDone
	if needinfo {
		blocked, err := b.blocksNeedinfo(ctx, c, r.Requestee)
		if err != nil {
			return err
		}
		if blocked {
			log.Info().Msg("steward blocks needinfo requests: reminding by comment, telling the lead")
			if err := b.blockedNotice(ctx, c, budget, r, live); err != nil {
				return err
			}
			needinfo = false
		}
	}
	n := live.sent + 1
	err = b.perform(ctx, c, b.reminderAction(c, r, n, needinfo))
	if needinfo && errors.Is(err, bugzilla.ErrRequestsBlocked) {
		// Refused, not failed: never asked again. The next cycle reminds
		// by comment, once the lead has been told.
		log.Warn().Err(err).Msg("Bugzilla refused the needinfo: the steward blocks requests")
		if err := b.blockedNotice(ctx, c, budget, r, live); err != nil {
			return err
		}
		return nil
	}
	if err != nil {
		return err
	}
	budget.left--
	budget.perPerson[strings.ToLower(r.Requestee)]++
	st.Sent, st.LastSent = n, now
	st.NextDue = cal.AddBusinessDays(now, cfg.Every)
	return b.saveReminder(ctx, st)
}

// waitUnread decides, from the store alone, that r's live bug is not worth
// reading yet:
//   - never looked at, and not due even at the earliest: a sign of life and
//     the reminders already sent only move the first reminder later, so the
//     request is next due then (recorded: the next cycle skips it);
//   - a reminder is what comes next and its steward has had the day's
//     reminders: it stays due, unread until the cap allows. Without this a
//     capped request would cost three requests every cycle for a day.
//
// The notice to the lead (reminders spent) and an away steward are not
// reminders to the steward, so the cap does not hold them back.
func (b *Bot) waitUnread(ctx context.Context, budget *remindBudget, r store.Request, st *store.Reminder, now time.Time) (bool, error) {
	cfg := b.cfg.Reminders
	if st.NextDue.IsZero() && st.Sent == 0 {
		due, ok := b.stewardCalendar(r.Requestee).NextReminder(r.RequestedAt, time.Time{}, 0, time.Time{}, cfg.policy(), now)
		if ok && now.Before(due) {
			st.NextDue = due
			return true, b.saveReminder(ctx, st)
		}
	}
	if st.Sent >= cfg.Max {
		return false, nil
	}
	if s, ok := b.rosterEntry(r.Requestee); ok {
		if _, away := s.awayUntil(now); away {
			return false, nil
		}
	}
	n, err := b.remindedToday(ctx, budget, r.Requestee, now)
	if err != nil || n < cfg.MaxPerPerson {
		return false, err
	}
	b.log.Debug().Int(LogBugID, r.BugID).Int(LogFlagID, r.FlagID).Str("requestee", r.Requestee).
		Int("cap", cfg.MaxPerPerson).Msg("per-person reminder cap reached; this one waits, unread")
	return true, nil
}

// remindedToday counts the reminders login got in the last 24 hours: the
// store's count, read once per cycle, plus this cycle's.
func (b *Bot) remindedToday(ctx context.Context, budget *remindBudget, login string, now time.Time) (int, error) {
	key := strings.ToLower(login)
	if n, ok := budget.perPerson[key]; ok {
		return n, nil
	}
	n, err := b.store.RemindersSentSince(ctx, login, now.Add(-24*time.Hour), b.cfg.DryRun)
	if err != nil {
		return 0, err
	}
	budget.perPerson[key] = n
	return n, nil
}

// blocksNeedinfo asks the server whether login refuses needinfo requests.
// Only BMO says; elsewhere the answer is no, and a refusal is caught when
// the write is tried.
func (b *Bot) blocksNeedinfo(ctx context.Context, c *Cycle, login string) (bool, error) {
	reqs, err := b.userRequests(ctx, c, login)
	return reqs != nil && reqs.Needinfo.Blocked, err
}

// userRequests returns which kinds of request login accepts, as BMO's
// /rest/user says (requests.{needinfo,review,feedback}); nil on servers
// that do not say. The account is read once per cycle (cycleUsers), not
// once per reminder; an unknown login is an error (ErrNotFound).
func (b *Bot) userRequests(ctx context.Context, c *Cycle, login string) (*bugzilla.UserRequests, error) {
	users, err := b.cycleUsers(ctx, c, []string{login})
	if err != nil {
		return nil, err
	}
	u, ok := users[strings.ToLower(login)]
	if !ok {
		return nil, fmt.Errorf("look up %s: %w", login, bugzilla.ErrNotFound)
	}
	return u.Requests, nil
}

// reminderAction plans reminder n about r: a marked comment, with a new
// needinfo on the steward when needinfo is set ("new": true, or Bugzilla
// would re-target an existing needinfo: recording 69).
func (b *Bot) reminderAction(c *Cycle, r store.Request, n int, needinfo bool) *action {
	m := Marker{Kind: remindKind(n), Bug: r.BugID, Attachment: r.AttachmentID, Flag: r.FlagID, Rev: seriesRev(r.Requestee)}
	a := &action{
		marker: m,
		flagID: r.FlagID,
		since:  r.RequestedAt.Add(-time.Second),
		build: func(ctx context.Context) (bugzilla.NewComment, error) {
			ab, err := b.requestAbout(ctx, c, r)
			if err != nil {
				return bugzilla.NewComment{}, err
			}
			return b.reminderComment(m, r, n, needinfo, ab), nil
		},
	}
	if needinfo {
		a.send = b.sendWithFlags(r.BugID, []bugzilla.FlagChange{
			{Name: needinfoFlag, Status: "?", Requestee: &r.Requestee, New: true},
		})
	}
	return a
}

// sendWithFlags writes a marked comment and flag changes in one
// transaction (PUT /rest/bug). That call takes no comment tags: the footer
// marker alone identifies the comment.
func (b *Bot) sendWithFlags(bugID int, flags []bugzilla.FlagChange) func(context.Context, bugzilla.NewComment) (int, error) {
	return func(ctx context.Context, nc bugzilla.NewComment) (int, error) {
		nc.Tags = nil
		_, err := b.bz.UpdateBug(ctx, bugID, bugzilla.BugUpdate{Comment: &nc, Flags: flags})
		return 0, err
	}
}

// Why the lead hears about a request.
const (
	noticeSpent = "spent" // the reminders ran out
	noticeAway  = "away"  // the steward is away
)

// leadNotice tells the lead, once per request and requestee, that the
// request needs someone else, suggesting a steward from the roster. The
// lead gets a needinfo when the bot has none open on the bug; in needinfo
// mode the bot's own needinfo on the silent steward moves to the lead, so
// that the bug never holds two of the bot's.
func (b *Bot) leadNotice(ctx context.Context, c *Cycle, budget *remindBudget, r store.Request, live *liveRequest, why string, back time.Time) error {
	lead := b.cfg.Stewards.Lead
	if lead == "" {
		b.log.Warn().Int(LogBugID, r.BugID).Int(LogFlagID, r.FlagID).Str("why", why).
			Msg("a request needs the steward team's lead, and stewards.lead is not set")
		return nil
	}
	suggest := b.pickSteward(budget.open, b.now(), r.Requestee)
	m := Marker{Kind: kindLeadNotice, Bug: r.BugID, Attachment: r.AttachmentID, Flag: r.FlagID, Rev: seriesRev(r.Requestee)}
	a := &action{
		marker: m,
		flagID: r.FlagID,
		since:  r.RequestedAt.Add(-time.Second),
		build: func(ctx context.Context) (bugzilla.NewComment, error) {
			ab, err := b.requestAbout(ctx, c, r)
			if err != nil {
				return bugzilla.NewComment{}, err
			}
			return b.leadNoticeComment(m, r, live.sent, why, back, suggest, ab), nil
		},
	}
	if b.cfg.Reminders.Mode == RemindNeedinfo && !strings.EqualFold(lead, r.Requestee) {
		var flags []bugzilla.FlagChange
		mine := true
		for _, f := range live.botNeedinfos {
			if !strings.EqualFold(f.Requestee, r.Requestee) {
				mine = false // the bot's needinfo is about something else: leave it
				continue
			}
			flags = append(flags, bugzilla.FlagChange{ID: f.ID, Status: "X"})
		}
		if mine {
			flags = append(flags, bugzilla.FlagChange{Name: needinfoFlag, Status: "?", Requestee: &lead, New: true})
			a.send = b.sendWithFlags(r.BugID, flags)
		}
	}
	if err := b.perform(ctx, c, a); err != nil {
		return err
	}
	budget.left--
	live.noticeDone = true
	return nil
}

// blockedNotice tells the lead, once per request and requestee, that the
// steward does not accept needinfo requests, so reminders go by comment.
func (b *Bot) blockedNotice(ctx context.Context, c *Cycle, budget *remindBudget, r store.Request, live *liveRequest) error {
	if live.blockedDone {
		return nil
	}
	if b.cfg.Stewards.Lead == "" {
		b.log.Warn().Int(LogBugID, r.BugID).Str("requestee", r.Requestee).
			Msg("steward blocks needinfo requests, and stewards.lead is not set to tell")
		live.blockedDone = true
		return nil
	}
	m := Marker{Kind: kindBlocked, Bug: r.BugID, Attachment: r.AttachmentID, Flag: r.FlagID, Rev: seriesRev(r.Requestee)}
	a := &action{
		marker: m,
		flagID: r.FlagID,
		since:  r.RequestedAt.Add(-time.Second),
		build: func(ctx context.Context) (bugzilla.NewComment, error) {
			ab, err := b.requestAbout(ctx, c, r)
			if err != nil {
				return bugzilla.NewComment{}, err
			}
			return b.blockedComment(m, r, ab), nil
		},
	}
	if err := b.perform(ctx, c, a); err != nil {
		return err
	}
	budget.left--
	live.blockedDone = true
	return nil
}

// firstBusinessDay is t, or 00:00 of the first business day after it when
// t falls on a weekend or a holiday: a steward back on a Saturday is
// reminded on Monday.
func firstBusinessDay(cal *policy.Calendar, t time.Time) time.Time {
	t = t.In(cal.Location())
	for i := 0; i < 366 && !cal.IsBusinessDay(t); i++ {
		y, m, d := t.Date()
		t = time.Date(y, m, d+1, 0, 0, 0, 0, t.Location())
	}
	return t
}
