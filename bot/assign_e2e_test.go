package bot

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// unassignedRequest files a request whose data-review? has no requestee.
func (e *e2e) unassignedRequest(summary string) (bugID, attID, flagID int) {
	return e.cleanRequest(summary, "")
}

// Requests without a requestee go round the roster, skipping a steward away
// and one at their cap; the flag keeps its id and setter, and a comment
// says why. Reminders then start from the assignment.
func TestAssignRoundRobin(t *testing.T) {
	e := newRemindE2E(t, bugzillatest.Upstream, func(c *Config) {
		c.Stewards.Roster = []Steward{
			{Login: steward1, MaxOpen: 2},
			{Login: "trust@example.test", Away: []AwayRange{{From: "2026-11-30", To: "2026-12-31"}}},
			{Login: steward2},
		}
	})
	e.srv.AddUser(bugzillatest.User{Login: "steward3@example.test"}) // not on the roster: never picked
	var atts, flags []int
	var bugs []int
	for _, s := range []string{"A", "B", "C", "D"} {
		bug, att, flag := e.unassignedRequest(s)
		bugs, atts, flags = append(bugs, bug), append(atts, att), append(flags, flag)
	}
	e.runFor(hour, hour)
	var got []string
	for i, att := range atts {
		f := e.flagOf(att)
		if f.ID != flags[i] || f.Setter != "dev1@example.test" || f.Status != "?" {
			t.Errorf("attachment %d: flag %+v, want id %d, setter dev1, status ?", att, f, flags[i])
		}
		got = append(got, f.Requestee)
		cs := e.markedComments(bugs[i], kindAssign)
		if len(cs) != 1 || !strings.Contains(cs[0].Text, f.Requestee) {
			t.Errorf("bug %d: assignment comments %v, want one naming %s", bugs[i], kindsAt(cs), f.Requestee)
		}
	}
	// steward1, (trust away) steward2, steward1 (now at 2), steward2.
	if d := cmp.Diff(got, []string{steward1, steward2, steward1, steward2}); d != "" {
		t.Errorf("requestees (-got +want):\n%s", d)
	}
	// The first reminder counts from the assignment (Monday 11:00).
	e.runFor(2*day1, hour)
	if d := cmp.Diff(kindsAt(e.markedComments(bugs[0], "remind-1")), []string{"remind-1@Wed Dec 2 11:00"}); d != "" {
		t.Errorf("first reminder after the assignment (-got +want):\n%s", d)
	}
	// A person who takes the requestee off again is not overruled.
	if err := e.srv.SetAttachmentFlags("dev1@example.test", atts[3], bugzillatest.FlagChange{ID: flags[3], Status: "?"}); err != nil {
		t.Fatal(err)
	}
	e.runFor(week, 6*hour)
	if f := e.flagOf(atts[3]); f.Requestee != "" {
		t.Errorf("the bot assigned again a request a person had unassigned: %+v", f)
	}
}

// With assign_unassigned off the lead is reminded once, after the wait.
func TestAssignOffRemindsLead(t *testing.T) {
	e := newRemindE2E(t, bugzillatest.Upstream, func(c *Config) { c.Stewards.AssignUnassigned = false })
	bug, att, _ := e.unassignedRequest("Nobody")
	e.runFor(2*week, 6*hour)
	if d := cmp.Diff(kindsAt(e.markedComments(bug, kindUnassigned, kindAssign, "remind-*")),
		[]string{"unassigned@Wed Dec 2 10:00"}); d != "" {
		t.Errorf("comments (-got +want):\n%s", d)
	}
	if d := cmp.Diff(e.openNeedinfos(bug), []string{"bot@example.test→" + lead}); d != "" {
		t.Errorf("needinfos (-got +want):\n%s", d)
	}
	if f := e.flagOf(att); f.Requestee != "" {
		t.Errorf("flag assigned with assign_unassigned off: %+v", f)
	}
}

// An assignment made in the same second as the bug's last change the bot
// recorded (a request filed, polled and assigned within one second, as one
// filed just before a cycle is) leaves the bug's last_change_time as it
// was: Bugzilla's times have whole seconds, so the next poll finds nothing
// new on the bug. The bot still learns which steward it set and reminds
// them once, also when it was killed between the assignment and recording
// it, when the answer was lost, and when its store is lost.
func TestAssignSameSecondStillReminds(t *testing.T) {
	for _, tt := range []sameSecondCase{
		{name: "clean"},
		killedAfter("killed between the assignment and its journal", store.ActionIntent),
		killedAfter("killed once the assignment was journaled", store.ActionDone),
		{
			name:   "answer lost",
			before: func(e *e2e) { e.srv.LoseNextWrite("PUT", "/rest/bug/attachment/*") },
		},
		{name: "store lost", after: func(e *e2e) { e.dropStore() }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newRemindE2E(t, bugzillatest.Upstream, nil)
			bug, att, _ := e.unassignedRequest("Filed just before a cycle")
			if tt.before != nil {
				tt.before(e)
			}
			// No time passes: the poll, analysis and assignment happen in
			// the filing's second.
			_ = e.bot.RunOnce(e.ctx, "") // fails where the process is killed
			if f := e.flagOf(att); f.Requestee != steward1 {
				t.Fatalf("flag after the first cycle: %+v, want it assigned to %s\nlogs:\n%s", f, steward1, e.logs.String())
			}
			if tt.after != nil {
				tt.after(e)
			}
			e.runFor(2*day1+hour, hour)
			if d := cmp.Diff(kindsAt(e.markedComments(bug, kindAssign, "remind-*")),
				[]string{"assign@Mon Nov 30 10:00", "remind-1@Wed Dec 2 10:00"}); d != "" {
				t.Errorf("comments (-got +want):\n%s", d)
			}
		})
	}
}

type sameSecondCase struct {
	name   string
	before func(e *e2e) // sets up what goes wrong in the first cycle
	after  func(e *e2e) // restarts
}

// killedAfter is a case of TestAssignSameSecondStillReminds: the process
// is killed once the assignment is journaled with status.
func killedAfter(name string, status store.ActionStatus) sameSecondCase {
	return sameSecondCase{
		name: name,
		before: func(e *e2e) {
			e.st = &crashAtJournal{Store: e.st, kind: kindAssign, status: status}
			e.newProcess()
		},
		after: func(e *e2e) {
			e.st = e.st.(*crashAtJournal).Store
			e.newProcess()
		},
	}
}

// crashAtJournal is a store that dies (refuses every write) once an action
// of kind is journaled with status: for an intent, the write goes out and
// nothing after it is recorded, as when the process is killed during the
// request; for done, as when it is killed right after.
type crashAtJournal struct {
	store.Store
	kind    string
	status  store.ActionStatus
	crashed bool
}

func (s *crashAtJournal) RecordAction(ctx context.Context, a store.Action) error {
	if s.crashed {
		return errKilled
	}
	if a.Status == s.status && strings.HasPrefix(a.Key, s.kind+":") {
		s.crashed = true
	}
	return s.Store.RecordAction(ctx, a)
}

func (s *crashAtJournal) SaveReminder(ctx context.Context, r store.Reminder) error {
	if s.crashed {
		return errKilled
	}
	return s.Store.SaveReminder(ctx, r)
}

func (s *crashAtJournal) SaveRequest(ctx context.Context, r store.Request) error {
	if s.crashed {
		return errKilled
	}
	return s.Store.SaveRequest(ctx, r)
}

func (s *crashAtJournal) MarkDirty(ctx context.Context, marks []store.BugMark) error {
	if s.crashed {
		return errKilled
	}
	return s.Store.MarkDirty(ctx, marks)
}

func (s *crashAtJournal) ClearDirty(ctx context.Context, bugID int) error {
	if s.crashed {
		return errKilled
	}
	return s.Store.ClearDirty(ctx, bugID)
}

func (s *crashAtJournal) Set(ctx context.Context, key, value string) error {
	if s.crashed {
		return errKilled
	}
	return s.Store.Set(ctx, key, value)
}

var errKilled = errors.New("process killed")

// stewards.roster max_open counts the assignments made earlier in the same
// cycle: three requests without a requestee arriving together, two
// stewards who take one each, and the third waits.
func TestAssignMaxOpenInOneCycle(t *testing.T) {
	e := newRemindE2E(t, bugzillatest.Upstream, func(c *Config) {
		c.Stewards.Roster = []Steward{{Login: steward1, MaxOpen: 1}, {Login: steward2, MaxOpen: 1}}
	})
	var atts []int
	for _, s := range []string{"One", "Two", "Three"} {
		_, att, _ := e.unassignedRequest(s)
		atts = append(atts, att)
	}
	e.runFor(hour, hour)
	perSteward := map[string]int{}
	for _, att := range atts {
		perSteward[e.flagOf(att).Requestee]++
	}
	if perSteward[steward1] != 1 || perSteward[steward2] != 1 || perSteward[""] != 1 {
		t.Errorf("requestees after one cycle: %v; want one each and one waiting\n%s", perSteward, e.logs.String())
	}
}
