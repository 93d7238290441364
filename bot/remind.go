package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
	"github.com/stewardbot/stewardbot/policy"
)

// remindBudget is what one cycle may still send of reminders, notices and
// assignments (reminders.max_per_cycle), and how many each person got.
type remindBudget struct {
	left      int
	perPerson map[string]int // reminders in the last 24 hours, filled lazily
	// openFor counts the open requests of each requestee (lower-cased)
	// as the task read them, with the assignments it made since:
	// stewards.roster max_open compares with them. They are counted when
	// a steward is first picked (openCounts), walking the open requests a
	// page at a time: most cycles pick none, and the list of 10,000 open
	// requests would be 2 MB where the counts are a few stewards'.
	openFor  map[string]int
	openWalk openPager
}

// openCounts is the open requests of each requestee, counted on the first
// call. A steward is picked before any assignment is made, so none is
// missed.
func (bg *remindBudget) openCounts(ctx context.Context) (map[string]int, error) {
	if bg.openFor == nil {
		counts := map[string]int{}
		err := eachOpenRequest(ctx, bg.openWalk, func(r store.Request) error {
			if r.Requestee != "" {
				counts[strings.ToLower(r.Requestee)]++
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		bg.openFor = counts
	}
	return bg.openFor, nil
}

// assigned counts in the budget that the task gave r to steward.
func (bg *remindBudget) assigned(r store.Request, steward string) {
	if bg.openFor == nil {
		return // not counted yet: the count will read the assignment
	}
	if r.Requestee != "" {
		bg.openFor[strings.ToLower(r.Requestee)]--
	}
	bg.openFor[strings.ToLower(steward)]++
}

// remindStore is what reminders, assignments and their end read and
// record in the store.
type remindStore interface {
	OpenRequestsAfter(ctx context.Context, afterBug, afterFlag, limit int) ([]store.Request, error)
	Request(ctx context.Context, flagID int) (store.Request, error)
	RequestsOnBug(ctx context.Context, bugID int) ([]store.Request, error)
	Reminder(ctx context.Context, flagID int) (store.Reminder, error)
	SaveReminder(ctx context.Context, r store.Reminder) error
	RemindersSentSince(ctx context.Context, requestee string, since time.Time, dryRun bool) (int, error)
	RemindersToStop(ctx context.Context) ([]store.Reminder, error)
	Control(ctx context.Context, bugID int) (store.Control, error)
	Action(ctx context.Context, key string) (store.Action, error)
	Get(ctx context.Context, key string) (string, error)
	Set(ctx context.Context, key, value string) error
	MarkDirty(ctx context.Context, marks []store.BugMark) error
}

// remindClient is what they read and write on Bugzilla itself: the live
// bug's history and flags, the flag changes, an assignment's comment.
type remindClient interface {
	Bugs(ctx context.Context, ids []int, fields ...string) ([]bugzilla.Bug, error)
	History(ctx context.Context, bugID int, newSince time.Time) ([]bugzilla.HistoryEntry, error)
	AddComment(ctx context.Context, bugID int, nc bugzilla.NewComment) (int, error)
	UpdateBug(ctx context.Context, bugID int, u bugzilla.BugUpdate) (*bugzilla.UpdateResult, error)
	// UpdateAttachmentOn updates an attachment of bugID (readCache: only
	// that bug's reads are forgotten).
	UpdateAttachmentOn(ctx context.Context, bugID, attachmentID int, u bugzilla.AttachmentUpdate) (*bugzilla.UpdateResult, error)
}

// remindCore is what they still borrow from the core: the cycle's reads of
// a bug's comments and of accounts (cyclereads.go).
type remindCore interface {
	liveComments(ctx context.Context, c *Cycle, bugID int, since time.Time) ([]bugzilla.Comment, error)
	cycleUsers(ctx context.Context, c *Cycle, logins []string) (map[string]bugzilla.User, error)
}

var (
	_ remindStore  = store.Store(nil)
	_ remindClient = (*readCache)(nil)
	_ remindCore   = lent{}
)

// remindDuty keeps requests moving (the "remind" task): it reminds
// stewards, tells the lead, assigns requests without a requestee
// (remind_assign.go) and stops for answered ones (remind_resolve.go).
type remindDuty struct {
	cfg      RemindersConfig
	stewards StewardsConfig
	dryRun   bool
	flagName string // bugzilla.flag_name: the request flag
	tag      string // comments.tag
	bz       remindClient
	st       remindStore
	core     remindCore
	privacy  privacyRule
	marks    marker
	roster   stewardRoster
	login    func() string
	now      func() time.Time
	log      zerolog.Logger
}

func newRemindDuty(d deps, core remindCore) *remindDuty {
	return &remindDuty{
		cfg: d.cfg.Reminders, stewards: d.cfg.Stewards, dryRun: d.cfg.DryRun,
		flagName: d.cfg.Bugzilla.FlagName, tag: d.cfg.Comments.Tag,
		bz: d.reads, st: d.store, core: core, privacy: d.privacy, marks: d.marks, roster: d.roster,
		login: d.login, now: func() time.Time { return d.clock.Now().UTC() }, log: d.log,
	}
}

// Run stops everything for requests answered since the last cycle (and
// clears the bot's needinfos on them), gives requests without a requestee a
// steward (or tells the lead), and reminds stewards of requests that have
// waited. It looks at the live bug only for requests the store says are
// due, and after each look records when the request is next due (in a dry
// run too, as if the logged reminder had been posted), so an idle cycle
// costs no request at all. Requests held back by a cap stay due, but are
// not read while the cap holds: a cycle reads at most about the caps' worth
// of them.
//
// The steps below return the outcome of the write that ended them early
// (Deferred, Halted, Refused, Unknown), Written otherwise; a failed read
// that was rate limited halts the cycle (c.haltOn).
func (d *remindDuty) Run(ctx context.Context, c *Cycle) error {
	var errs []error
	if out, err := d.stopAnswered(ctx, c); out.stops() {
		return err
	} else if err != nil {
		errs = append(errs, err)
	}
	budget := &remindBudget{left: d.cfg.MaxPerCycle, perPerson: map[string]int{}, openWalk: d.st}
	now := d.now()
	due, err := d.dueReminders(ctx, now)
	if err != nil {
		errs = append(errs, err)
	}
	defer c.planLooks(remindLooks(c, due, min(budget.left, c.WritesLeft())))()
	for _, dr := range due {
		if ctx.Err() != nil {
			return errors.Join(append(errs, ctx.Err())...)
		}
		if budget.left <= 0 {
			c.Defer()
			d.log.Info().Int("cap", d.cfg.MaxPerCycle).Msg("reminder cap reached; the rest waits for the next cycle")
			break
		}
		if c.WaitingOut(dr.ref.bugID) {
			continue // failing: tried again after its backoff
		}
		r, open, err := stillOpen(ctx, d.st, dr.ref)
		if err != nil {
			errs = append(errs, err)
			continue
		} else if !open {
			continue // gone or answered since the list was made
		}
		st, ok, err := d.dueState(ctx, r, now)
		if err != nil || !ok {
			if err != nil {
				errs = append(errs, err)
			}
			continue
		}
		if hold, err := d.onHold(ctx, r, &st, now); err != nil || hold {
			if err != nil {
				errs = append(errs, err)
			}
			continue
		}
		if c.Spent() {
			// Nothing more is read for what the write cap defers anyway: the
			// most overdue go first next cycle.
			c.Defer()
			return errors.Join(errs...)
		}
		var out Outcome
		switch {
		case r.Requestee == "":
			out, err = d.unassigned(ctx, c, budget, r, &st)
		case r.FormKey == "":
			// No form found yet: the bot has asked the requester for it,
			// and the steward has nothing to review. Looked at again
			// once analyze finds one.
			continue
		default:
			out, err = d.remindOne(ctx, c, budget, r, &st)
		}
		c.haltOn(err)
		switch {
		case out.stops() || c.Halted():
			return errors.Join(append(errs, err)...)
		case out == Unknown:
			d.log.Warn().Int(LogBugID, r.BugID).Int(LogFlagID, r.FlagID).Msg("a reminder's outcome is unknown; looking again next cycle")
		case err != nil:
			errs = append(errs, bugErr(r.BugID, fmt.Errorf("flag %d: %w", r.FlagID, err)))
		}
	}
	return errors.Join(errs...)
}

// remindLooks plans the looks at the live bugs of the first n due
// requests not waiting out a backoff, each from its request's time: the
// first look reads all their comments in one batched request (planLooks),
// which is also each write's re-read, instead of one request per bug. A
// planned request the loop then skips (on hold, answered, no form yet)
// costs its comments' bytes in the batch, no request; one past the n
// planned is read alone.
func remindLooks(c *Cycle, due []dueReminder, n int) map[int]time.Time {
	plan := map[int]time.Time{}
	for _, dr := range due {
		if len(plan) >= n {
			break
		}
		if c.WaitingOut(dr.ref.bugID) {
			continue // failing: not looked at before its backoff ends
		}
		since := dr.ref.requestedAt.Add(-time.Second)
		if t, ok := plan[dr.ref.bugID]; !ok || since.Before(t) {
			plan[dr.ref.bugID] = since
		}
	}
	return plan
}

// dueReminder is an open request whose reminders may be due: a reference
// to it and when it fell due. The request and its stored state are read
// again when its turn comes: with 10,000 open requests due at once (a
// cold start), copies of the requests and their states were 3.7 MB, and
// the list of all open requests behind them another 2 MB, live for the
// whole task.
type dueReminder struct {
	ref requestRef
	due time.Time
}

// dueReminders lists, from the store alone, the open requests whose
// reminder state is active and due now, the most overdue first: when a cap
// holds work back, what has waited longest goes out first.
func (d *remindDuty) dueReminders(ctx context.Context, now time.Time) ([]dueReminder, error) {
	var out []dueReminder
	var errs []error
	err := eachOpenRequest(ctx, d.st, func(r store.Request) error {
		st, ok, err := d.dueState(ctx, r, now)
		switch {
		case err != nil:
			errs = append(errs, err)
		case ok:
			out = append(out, dueReminder{ref: refOf(r), due: d.dueSince(r, st, now)})
		} // else finished, or not due: no request to Bugzilla
		return nil
	})
	if err != nil {
		return nil, errors.Join(append(errs, err)...)
	}
	slices.SortFunc(out, func(x, y dueReminder) int {
		if c := x.due.Compare(y.due); c != 0 {
			return c
		}
		return mostOverdueFirst(x.ref, y.ref)
	})
	return out, errors.Join(errs...)
}

// dueState is r's stored reminder state (reminderState), and whether it is
// active and due now.
func (d *remindDuty) dueState(ctx context.Context, r store.Request, now time.Time) (store.Reminder, bool, error) {
	st, err := d.reminderState(ctx, r)
	if err != nil {
		return store.Reminder{}, false, err
	}
	return st, st.State == store.ReminderActive && (st.NextDue.IsZero() || !now.Before(st.NextDue)), nil
}

// dueSince is when r, due now with state st, fell due. A request never
// looked at falls due at its first reminder, as early as it can be
// (waitUnread); one without a requestee when it was made.
func (d *remindDuty) dueSince(r store.Request, st store.Reminder, now time.Time) time.Time {
	if !st.NextDue.IsZero() {
		return st.NextDue
	}
	if r.Requestee != "" && st.Sent == 0 {
		if first, ok := d.roster.stewardCalendar(r.Requestee).NextReminder(r.RequestedAt, time.Time{}, 0, time.Time{},
			d.cfg.Policy(), now); ok {
			return first
		}
	}
	return r.RequestedAt
}

// reminderState is the stored state of r's reminders; a new one (due at
// once: the live bug decides) when there is none, the requestee changed, or
// the other mode made it: what a dry run only logged, a live bot still sends,
// so it does not wait on the dry run's schedule (as escalation's modeKey).
func (d *remindDuty) reminderState(ctx context.Context, r store.Request) (store.Reminder, error) {
	st, err := d.st.Reminder(ctx, r.FlagID)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return store.Reminder{}, err
	case strings.EqualFold(st.Requestee, r.Requestee) && st.DryRun == d.dryRun:
		return st, nil
	}
	return store.Reminder{FlagID: r.FlagID, BugID: r.BugID, Requestee: r.Requestee, DryRun: d.dryRun}, nil
}

func (d *remindDuty) saveReminder(ctx context.Context, st *store.Reminder) error {
	st.UpdatedAt = d.now()
	return d.st.SaveReminder(ctx, *st)
}

// onHold applies the comment commands: "stop" holds the bug's requests,
// "snooze" holds them until its time.
func (d *remindDuty) onHold(ctx context.Context, r store.Request, st *store.Reminder, now time.Time) (bool, error) {
	ctl, err := d.st.Control(ctx, r.BugID)
	if err != nil {
		return false, err
	}
	switch {
	case ctl.Stopped:
		return true, nil
	case now.Before(ctl.SnoozedUntil):
		st.NextDue = ctl.SnoozedUntil
		return true, d.saveReminder(ctx, st)
	}
	return false, nil
}

// remindOne reads r's bug and does what is due: the next reminder, or the
// notice to the lead once the reminders are spent or the steward is away.
func (d *remindDuty) remindOne(ctx context.Context, c *Cycle, budget *remindBudget, r store.Request, st *store.Reminder) (Outcome, error) {
	log := d.log.With().Int(LogBugID, r.BugID).Int(LogAttachmentID, r.AttachmentID).Int(LogFlagID, r.FlagID).
		Str("requestee", r.Requestee).Logger()
	if d.cfg.Max == 0 { // reminders.max: 0 turns reminders (and the lead's notice) off
		st.State = store.ReminderFinished
		return Written, d.saveReminder(ctx, st)
	}
	if wait, err := d.waitUnread(ctx, budget, r, st, d.now()); err != nil || wait {
		return Written, err
	}
	live, err := d.readLive(ctx, c, r)
	if hiddenBug(err) {
		log.Info().Msg("bug no longer visible to the bot; no more reminders")
		st.State = store.ReminderStopped
		return Written, d.saveReminder(ctx, st)
	}
	if err != nil {
		return Failed, err
	}
	now := d.now()
	cfg := d.cfg
	cal := d.roster.stewardCalendar(r.Requestee)
	if d.dryRun && st.Sent > live.sent {
		// The reminders this dry run logged count as sent: the schedule
		// moves on as it would live, instead of logging reminder 1 again
		// (and reading the bug) every cycle.
		live.sent, live.lastSent = st.Sent, later(live.lastSent, st.LastSent)
	}
	st.Sent, st.LastSent = live.sent, live.lastSent

	if live.sent >= cfg.Max {
		if live.noticeDone {
			st.State = store.ReminderFinished
			return Written, d.saveReminder(ctx, st)
		}
		// The notice is due when one more reminder would be.
		p := cfg.Policy()
		p.Max++
		due, _ := cal.NextReminder(r.RequestedAt, live.lastLife, live.sent, live.lastSent, p, now)
		if now.Before(due) {
			st.NextDue = due
			return Written, d.saveReminder(ctx, st)
		}
		if out, err := d.leadNotice(ctx, c, budget, r, live, noticeSpent, time.Time{}); err != nil || !out.done() {
			return out, err
		}
		st.State = store.ReminderFinished
		return Written, d.saveReminder(ctx, st)
	}

	due, _ := cal.NextReminder(r.RequestedAt, live.lastLife, live.sent, live.lastSent, cfg.Policy(), now)
	if now.Before(due) {
		st.NextDue = due
		return Written, d.saveReminder(ctx, st)
	}
	if s, ok := d.roster.rosterEntry(r.Requestee); ok {
		if back, away := s.AwayUntil(now); away {
			log.Info().Time("back", back).Msg("steward away: not reminded")
			if !live.noticeDone {
				if out, err := d.leadNotice(ctx, c, budget, r, live, noticeAway, back); err != nil || !out.done() {
					return out, err
				}
			}
			st.NextDue = firstBusinessDay(cal, back)
			return Written, d.saveReminder(ctx, st)
		}
	}
	if n, err := d.remindedToday(ctx, budget, r.Requestee, now); err != nil {
		return Failed, err
	} else if n >= cfg.MaxPerPerson {
		// Reached by this cycle's own reminders (waitUnread checks first).
		log.Info().Int("cap", cfg.MaxPerPerson).Msg("per-person reminder cap reached; this one waits")
		return Written, nil // still due: looked at again once the cap allows
	}

	needinfo := cfg.Mode == RemindNeedinfo && !live.humanCleared && !live.hasBotNeedinfo() && !live.blockedDone
	if needinfo {
		blocked, err := d.blocksNeedinfo(ctx, c, r.Requestee)
		if err != nil {
			return Failed, err
		}
		if blocked {
			log.Info().Msg("steward blocks needinfo requests: reminding by comment, telling the lead")
			if out, err := d.blockedNotice(ctx, c, budget, r, live); err != nil || !out.done() {
				return out, err
			}
			needinfo = false
		}
	}
	n := live.sent + 1
	act := d.reminderAction(c, r, n, needinfo)
	var sendErr error
	keepSendError(act, &sendErr)
	out, err := c.Perform(ctx, act)
	if needinfo && out == Refused && errors.Is(sendErr, bugzilla.ErrRequestsBlocked) {
		// Refused, not failed: never asked again. The next cycle reminds
		// by comment, once the lead has been told.
		log.Warn().Err(sendErr).Msg("Bugzilla refused the needinfo: the steward blocks requests")
		if out, err := d.blockedNotice(ctx, c, budget, r, live); err != nil || !out.done() {
			return out, err
		}
		return Written, nil
	}
	if err != nil || !out.done() {
		return out, err
	}
	budget.left--
	budget.perPerson[strings.ToLower(r.Requestee)]++
	st.Sent, st.LastSent = n, now
	st.NextDue = cal.AddBusinessDays(now, cfg.Every)
	return Written, d.saveReminder(ctx, st)
}

// keepSendError has a's send, when it has its own, keep its error in
// *err: Perform reports a refused write as an outcome, and a reminder must
// know whether Bugzilla refused the needinfo because the steward blocks
// requests.
func keepSendError(a *action, err *error) {
	send := a.send
	if send == nil {
		return
	}
	a.send = func(ctx context.Context, nc bugzilla.NewComment) (int, error) {
		id, e := send(ctx, nc)
		*err = e
		return id, e
	}
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
func (d *remindDuty) waitUnread(ctx context.Context, budget *remindBudget, r store.Request, st *store.Reminder, now time.Time) (bool, error) {
	cfg := d.cfg
	if st.NextDue.IsZero() && st.Sent == 0 {
		due, ok := d.roster.stewardCalendar(r.Requestee).NextReminder(r.RequestedAt, time.Time{}, 0, time.Time{}, cfg.Policy(), now)
		if ok && now.Before(due) {
			st.NextDue = due
			return true, d.saveReminder(ctx, st)
		}
	}
	if st.Sent >= cfg.Max {
		return false, nil
	}
	if s, ok := d.roster.rosterEntry(r.Requestee); ok {
		if _, away := s.AwayUntil(now); away {
			return false, nil
		}
	}
	n, err := d.remindedToday(ctx, budget, r.Requestee, now)
	if err != nil || n < cfg.MaxPerPerson {
		return false, err
	}
	d.log.Debug().Int(LogBugID, r.BugID).Int(LogFlagID, r.FlagID).Str("requestee", r.Requestee).
		Int("cap", cfg.MaxPerPerson).Msg("per-person reminder cap reached; this one waits, unread")
	return true, nil
}

// remindedToday counts the reminders login got in the last 24 hours: the
// store's count, read once per cycle, plus this cycle's.
func (d *remindDuty) remindedToday(ctx context.Context, budget *remindBudget, login string, now time.Time) (int, error) {
	key := strings.ToLower(login)
	if n, ok := budget.perPerson[key]; ok {
		return n, nil
	}
	n, err := d.st.RemindersSentSince(ctx, login, now.Add(-24*time.Hour), d.dryRun)
	if err != nil {
		return 0, err
	}
	budget.perPerson[key] = n
	return n, nil
}

// blocksNeedinfo asks the server whether login refuses needinfo requests.
// Only BMO says; elsewhere the answer is no, and a refusal is caught when
// the write is tried.
func (d *remindDuty) blocksNeedinfo(ctx context.Context, c *Cycle, login string) (bool, error) {
	reqs, err := d.userRequests(ctx, c, login)
	return reqs != nil && reqs.Needinfo.Blocked, err
}

// userRequests returns which kinds of request login accepts, as BMO's
// /rest/user says (requests.{needinfo,review,feedback}); nil on servers
// that do not say. The account is read once per cycle (cycleUsers), not
// once per reminder; an unknown login is an error (ErrNotFound).
func (d *remindDuty) userRequests(ctx context.Context, c *Cycle, login string) (*bugzilla.UserRequests, error) {
	users, err := d.core.cycleUsers(ctx, c, []string{login})
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
func (d *remindDuty) reminderAction(c *Cycle, r store.Request, n int, needinfo bool) *action {
	m := Marker{Kind: remindKind(n), Bug: r.BugID, Attachment: r.AttachmentID, Flag: r.FlagID, Rev: seriesRev(r.Requestee)}
	a := d.requestAction(c, r, m, func(ab about) bugzilla.NewComment { return d.reminderComment(m, r, n, needinfo, ab) })
	if needinfo {
		a.send = d.sendWithFlags(r.BugID, []bugzilla.FlagChange{
			{Name: needinfoFlag, Status: "?", Requestee: &r.Requestee, New: true},
		})
	}
	return a
}

// sendWithFlags writes a marked comment and flag changes in one
// transaction (PUT /rest/bug). That call takes no comment tags: the footer
// marker alone identifies the comment.
func (d *remindDuty) sendWithFlags(bugID int, flags []bugzilla.FlagChange) func(context.Context, bugzilla.NewComment) (int, error) {
	return func(ctx context.Context, nc bugzilla.NewComment) (int, error) {
		nc.Tags = nil
		_, err := d.bz.UpdateBug(ctx, bugID, bugzilla.BugUpdate{Comment: &nc, Flags: flags})
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
func (d *remindDuty) leadNotice(ctx context.Context, c *Cycle, budget *remindBudget, r store.Request, live *liveRequest,
	why string, back time.Time) (Outcome, error) {
	lead := d.stewards.Lead
	if lead == "" {
		d.log.Warn().Int(LogBugID, r.BugID).Int(LogFlagID, r.FlagID).Str("why", why).
			Msg("a request needs the steward team's lead, and stewards.lead is not set")
		return Written, nil
	}
	open, err := budget.openCounts(ctx)
	if err != nil {
		return Failed, err
	}
	suggest := d.pickSteward(open, d.now(), r.Requestee)
	m := Marker{Kind: kindLeadNotice, Bug: r.BugID, Attachment: r.AttachmentID, Flag: r.FlagID, Rev: seriesRev(r.Requestee)}
	a := d.requestAction(c, r, m, func(ab about) bugzilla.NewComment {
		return d.leadNoticeComment(m, r, live.sent, why, back, suggest, ab)
	})
	if d.cfg.Mode == RemindNeedinfo && !strings.EqualFold(lead, r.Requestee) {
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
			a.send = d.sendWithFlags(r.BugID, flags)
		}
	}
	if out, err := c.Perform(ctx, a); err != nil || !out.done() {
		return out, err
	}
	budget.left--
	live.noticeDone = true
	return Written, nil
}

// blockedNotice tells the lead, once per request and requestee, that the
// steward does not accept needinfo requests, so reminders go by comment.
func (d *remindDuty) blockedNotice(ctx context.Context, c *Cycle, budget *remindBudget, r store.Request, live *liveRequest) (Outcome, error) {
	if live.blockedDone {
		return Written, nil
	}
	if d.stewards.Lead == "" {
		d.log.Warn().Int(LogBugID, r.BugID).Str("requestee", r.Requestee).
			Msg("steward blocks needinfo requests, and stewards.lead is not set to tell")
		live.blockedDone = true
		return Written, nil
	}
	m := Marker{Kind: kindBlocked, Bug: r.BugID, Attachment: r.AttachmentID, Flag: r.FlagID, Rev: seriesRev(r.Requestee)}
	a := d.requestAction(c, r, m, func(ab about) bugzilla.NewComment { return d.blockedComment(m, r, ab) })
	if out, err := c.Perform(ctx, a); err != nil || !out.done() {
		return out, err
	}
	budget.left--
	live.blockedDone = true
	return Written, nil
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

// requestAction is the action for one comment about a request: marked m,
// written after the request was made, its privacy read when it is built
// (the request's bug and attachments, as they are then).
func (d *remindDuty) requestAction(c *Cycle, r store.Request, m Marker, comment func(ab about) bugzilla.NewComment) *action {
	return &action{
		marker: m,
		flagID: r.FlagID,
		since:  r.RequestedAt.Add(-time.Second),
		build: func(ctx context.Context) (bugzilla.NewComment, error) {
			ab, err := d.privacy.requestAbout(ctx, c, r)
			if err != nil {
				return bugzilla.NewComment{}, err
			}
			return comment(ab), nil
		},
	}
}
