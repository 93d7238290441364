package bot

import (
	"context"
	"slices"
	"time"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/policy"
)

// Status is what the dashboard and the health checks read of the bot
// (web.Source): the queue, the store's health, whether the bot started,
// the last good cycle, the park, the troubled work and the role. It reads
// the store and the bot's state, and is safe for concurrent use with
// cycles.
type Status struct {
	st       statusStore
	server   string                              // the Bugzilla URL, for links
	calendar func(login string) *policy.Calendar // a steward's calendar, as reminders count business days
	away     func(login string, t time.Time) (back time.Time, away bool)
	clock    Clock
	sess     *session
	lead     *leadership
	park     *parking
	troubles *troubles
	owners   bool // survey.owner_activity: the survey shows the owners' activity
}

// statusStore is the part of the store Status reads.
type statusStore interface {
	kvStore
	Queue(ctx context.Context) ([]store.QueueRow, error)
	BlockedEscalations(ctx context.Context) ([]store.Escalation, error)
	Ping(ctx context.Context) error
}

var _ statusStore = store.Store(nil)

// Status is the bot as the dashboard and health checks see it.
func (b *Bot) Status() *Status {
	ro := newRoster(b.cfg.Stewards)
	return &Status{st: b.store, server: b.cfg.Bugzilla.URL, calendar: ro.stewardCalendar, away: ro.awayUntil, clock: b.clock,
		sess: b.sess, lead: &b.lead, park: b.park, troubles: b.troubles,
		owners: b.cfg.Survey.OwnerActivity}
}

func (s *Status) now() time.Time { return s.clock.Now().UTC() }

// Queue lists the open requests, oldest first, for the dashboard, with the
// reminders and escalations the store recorded for them and where each
// stands (DeriveStatus).
func (s *Status) Queue(ctx context.Context) ([]QueueEntry, error) {
	rows, err := s.st.Queue(ctx)
	if err != nil {
		return nil, err
	}
	blocked, err := s.st.BlockedEscalations(ctx)
	if err != nil {
		return nil, err
	}
	byBug := map[int][]store.Escalation{}
	for _, e := range blocked {
		byBug[e.BugID] = append(byBug[e.BugID], e)
	}
	now := s.now()
	out := make([]QueueEntry, 0, len(rows))
	for _, r := range rows {
		// The steward's calendar (time zone, holidays), as the reminders count.
		waiting := max(s.calendar(r.Requestee).BusinessDaysBetween(r.Since(), now), 0)
		mine := escalationsOf(byBug[r.BugID], r.Request)
		facts := StatusFacts{HasForm: r.FormKey != "", AskedForForm: r.AskedForForm, Stopped: r.Stopped,
			SnoozedUntil: r.SnoozedUntil, Escalated: r.EscalationsMade > 0, ContactAsked: contactAsked(r, mine),
			RemindersSent: r.RemindersSent, AssignedByBot: r.AssignedByBot, BusinessDaysWaiting: waiting}
		if back, away := s.away(r.Requestee, now); away && r.Requestee != "" {
			facts.AwayBack = back
		}
		status := DeriveStatus(facts, now)
		out = append(out, QueueEntry{
			BugID: r.BugID, FlagID: r.FlagID, BugURL: bugURL(s.server, r.BugID), Summary: policy.PlainText(r.Summary, maxSummaryRunes),
			Private: r.Private(), Requester: r.Setter, Steward: r.Requestee, RequestedAt: r.Since(),
			BusinessDaysWaiting: waiting, Status: status, Overdue: status.Overdue,
			RemindersSent: r.RemindersSent, HighestCategory: r.HighestCategory,
			Escalations: r.Escalations, EscalationsMade: r.EscalationsMade, EscalationsBlocked: r.EscalationsBlocked,
			Blocked: blockedContacts(mine), Analysed: r.Analysed, Findings: r.Findings,
			AnalysisURL: commentURL(s.server, r.BugID, r.AnalysisComment),
		})
	}
	return out, nil
}

// contactAsked reports whether a notice about r's current form asked
// anyone: a notice made (every contact asked), or a blocked one that still
// asked some (blocked lists the revision's blocked escalations).
func contactAsked(r store.QueueRow, blocked []store.Escalation) bool {
	return r.EscalationsMade > r.EscalationsBlocked ||
		slices.ContainsFunc(blocked, func(e store.Escalation) bool { return len(e.Asked) > 0 })
}

// escalationsOf picks, of the escalations on r's bug, those about its
// current form revision.
func escalationsOf(escs []store.Escalation, r store.Request) []store.Escalation {
	var out []store.Escalation
	for _, e := range escs {
		if e.BugID == r.BugID && e.FormKey == r.FormKey && e.Rev == r.FormRev {
			out = append(out, e)
		}
	}
	return out
}

// Ping checks that the bot's store answers, for health checks.
func (s *Status) Ping(ctx context.Context) error { return s.st.Ping(ctx) }

// Started reports whether the bot has authenticated (Start succeeded).
func (s *Status) Started() bool { return s.sess.started() }

// StartError says why the bot has not started yet, while Run waits to try
// again; nil once started, or before the first try.
func (s *Status) StartError() error { return s.sess.startError() }

// Role says whether this process leads, follows, or is the only one.
func (s *Status) Role() string { return s.lead.currentRole() }

// LastGoodCycle is when the last complete cycle without errors started
// (zero when none has), for health checks.
func (s *Status) LastGoodCycle(ctx context.Context) (time.Time, error) {
	return storedTime(ctx, s.st, KVLastGoodCycle, "last good cycle")
}

// ParkedUntil reports the end of a rate-limit park in force, for health
// checks: while parked the bot sends Bugzilla nothing, checks included.
func (s *Status) ParkedUntil(ctx context.Context) (until time.Time, parked bool, err error) {
	return s.park.until(ctx)
}

// TroubledBugs lists the work that keeps failing, for the dashboard.
func (s *Status) TroubledBugs(ctx context.Context) ([]TroubledBug, error) {
	return s.troubles.list(ctx)
}

// Now is the bot's clock, for servers that must agree with it (the
// heartbeat's cycle age, the dashboard's time).
func (s *Status) Now() time.Time { return s.now() }
