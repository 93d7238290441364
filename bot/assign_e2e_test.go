package bot

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// unassignedRequest files a request whose data-review? has no requestee.
func (e *e2e) unassignedRequest(summary string) (bugID, attID, flagID int) {
	return e.cleanRequest(summary, "")
}

// flagOf returns a data-review flag as the fake holds it.
func (e *e2e) flagOf(attID int) bugzillatest.Flag {
	e.t.Helper()
	a, ok := e.srv.Attachment(attID)
	if !ok || len(a.Flags) != 1 {
		e.t.Fatalf("attachment %d: no single flag", attID)
	}
	return a.Flags[0]
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
