package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

const (
	hour = time.Hour
	day1 = 24 * time.Hour
	week = 7 * day1
)

var reminderKinds = []string{"remind-*", kindLeadNotice, kindBlocked}

// The full schedule: three reminders 2, then 3 and 3 business days apart,
// then one notice to the lead; nothing more for weeks. Only the first sets
// needinfo (never two open from the bot); the notice moves it to the lead.
func TestRemindSchedule(t *testing.T) {
	e := newRemindE2E(t, bugzillatest.Upstream, nil)
	bug, _, _ := e.cleanRequest("Schedule", steward1)
	e.runFor(3*week, 6*hour) // every due time is at 10:00, on this grid

	want := []string{
		"remind-1@Wed Dec 2 10:00",
		"remind-2@Mon Dec 7 10:00",
		"remind-3@Thu Dec 10 10:00",
		"lead-notice@Tue Dec 15 10:00",
	}
	got := e.markedComments(bug, reminderKinds...)
	if d := cmp.Diff(kindsAt(got), want); d != "" {
		t.Errorf("reminders (-got +want):\n%s", d)
	}
	if d := cmp.Diff(e.openNeedinfos(bug), []string{"bot@example.test→" + lead}); d != "" {
		t.Errorf("open needinfos at the end (-got +want):\n%s", d)
	}
	// The notice suggests the other steward.
	if len(got) == 4 && !strings.Contains(got[3].Text, steward2) {
		t.Errorf("the lead notice does not suggest %s:\n%s", steward2, got[3].Text)
	}
}

// A comment from the steward restarts the wait: the first reminder comes 2
// business days after it, not after the request.
func TestRemindPausesWhenStewardComments(t *testing.T) {
	e := newRemindE2E(t, bugzillatest.Upstream, nil)
	bug, _, _ := e.cleanRequest("Pause", steward1)
	e.runFor(30*hour, 6*hour) // Tuesday 16:00
	e.srv.AddComment(bugzillatest.Comment{BugID: bug, Creator: steward1, Text: "Looking at it this week."})
	e.runFor(9*day1, 6*hour)
	got := kindsAt(e.markedComments(bug, "remind-1", "remind-2"))
	want := []string{"remind-1@Thu Dec 3 16:00", "remind-2@Tue Dec 8 16:00"}
	if d := cmp.Diff(got, want); d != "" {
		t.Errorf("reminders (-got +want):\n%s", d)
	}
}

// When the steward answers (+ or -), everything stops and the bot's
// needinfo on them is cleared.
func TestRemindStopsOnResolution(t *testing.T) {
	for _, status := range []string{"+", "-"} {
		t.Run(status, func(t *testing.T) {
			e := newRemindE2E(t, bugzillatest.Upstream, nil)
			bug, att, flag := e.cleanRequest("Resolved", steward1)
			e.runFor(2*day1, 6*hour) // the first reminder
			if d := cmp.Diff(e.openNeedinfos(bug), []string{"bot@example.test→" + steward1}); d != "" {
				t.Fatalf("needinfo after the first reminder (-got +want):\n%s", d)
			}
			if err := e.srv.SetAttachmentFlags(steward1, att, bugzillatest.FlagChange{ID: flag, Status: status}); err != nil {
				t.Fatal(err)
			}
			e.runFor(2*week, 6*hour)
			if got := kindsAt(e.markedComments(bug, reminderKinds...)); len(got) != 1 {
				t.Errorf("reminders after the answer: %v, want only remind-1", got)
			}
			if got := e.openNeedinfos(bug); len(got) != 0 {
				t.Errorf("open needinfos after the answer: %v, want none", got)
			}
		})
	}
}

// A person's clearing of the bot's needinfo is never undone: later
// reminders are comments only.
func TestRemindNeverResetsAClearedNeedinfo(t *testing.T) {
	e := newRemindE2E(t, bugzillatest.Upstream, nil)
	bug, _, _ := e.cleanRequest("Cleared", steward1)
	e.runFor(2*day1, 6*hour)
	b, _ := e.srv.Bug(bug)
	if len(b.Flags) != 1 {
		t.Fatalf("flags after the first reminder: %+v", b.Flags)
	}
	if err := e.srv.SetBugFlags("dev1@example.test", bug, bugzillatest.FlagChange{ID: b.Flags[0].ID, Status: "X"}); err != nil {
		t.Fatal(err)
	}
	e.runFor(2*week, 6*hour)
	got := kindsAt(e.markedComments(bug, "remind-*"))
	if len(got) != 3 {
		t.Errorf("reminders: %v, want 3", got)
	}
	for _, w := range e.srv.Writes() {
		if w.User != "bot@example.test" || w.Path != "/rest/bug/"+itoa(bug) || w.Time.Before(remindStart.Add(3*day1)) {
			continue
		}
		flags, _ := w.Body["flags"].([]any)
		for _, f := range flags {
			if m, _ := f.(map[string]any); m["requestee"] == steward1 {
				t.Errorf("at %s the bot set needinfo on %s again", w.Time, steward1)
			}
		}
	}
}

// A steward away is not reminded: the lead is told at once (suggesting the
// other steward), and reminders resume the first business day back.
func TestRemindAway(t *testing.T) {
	e := newRemindE2E(t, bugzillatest.Upstream, func(c *Config) {
		c.Stewards.Roster[0].Away = []AwayRange{{From: "2026-12-01", To: "2026-12-05"}} // Tuesday to Saturday
	})
	bug, _, _ := e.cleanRequest("Away", steward1)
	e.runFor(10*day1+2*hour, 2*hour) // the grid holds 00:00 and 10:00
	got := e.markedComments(bug, reminderKinds...)
	want := []string{
		"lead-notice@Wed Dec 2 10:00",
		"remind-1@Mon Dec 7 00:00",
		"remind-2@Thu Dec 10 00:00",
	}
	if d := cmp.Diff(kindsAt(got), want); d != "" {
		t.Errorf("reminders (-got +want):\n%s", d)
	}
	if len(got) > 0 && (!strings.Contains(got[0].Text, "away until 2026-12-06") || !strings.Contains(got[0].Text, steward2)) {
		t.Errorf("the notice does not say the steward is away and suggest %s:\n%s", steward2, got[0].Text)
	}
	e.runFor(2*week, 6*hour)
	if n := len(e.markedComments(bug, kindLeadNotice)); n != 1 {
		t.Errorf("%d lead notices, want 1", n)
	}
}

// Per-person and per-cycle caps hold reminders back to the next cycle (or
// the next day) instead of dropping them.
func TestRemindCaps(t *testing.T) {
	t.Run("per person", func(t *testing.T) {
		e := newRemindE2E(t, bugzillatest.Upstream, func(c *Config) { c.Reminders.MaxPerPerson = 1 })
		bugA, _, _ := e.cleanRequest("A", steward1)
		bugB, _, _ := e.cleanRequest("B", steward1)
		e.runFor(3*day1+2*hour, hour)
		a := kindsAt(e.markedComments(bugA, "remind-1"))
		b := kindsAt(e.markedComments(bugB, "remind-1"))
		if d := cmp.Diff([][]string{a, b}, [][]string{{"remind-1@Wed Dec 2 10:00"}, {"remind-1@Thu Dec 3 10:00"}}); d != "" {
			t.Errorf("reminders (-got +want):\n%s", d)
		}
	})
	t.Run("per cycle", func(t *testing.T) {
		e := newRemindE2E(t, bugzillatest.Upstream, func(c *Config) { c.Reminders.MaxPerCycle = 1 })
		bugA, _, _ := e.cleanRequest("A", steward1)
		bugB, _, _ := e.cleanRequest("B", steward2)
		e.runFor(2*day1+2*hour, hour)
		a := kindsAt(e.markedComments(bugA, "remind-1"))
		b := kindsAt(e.markedComments(bugB, "remind-1"))
		if d := cmp.Diff([][]string{a, b}, [][]string{{"remind-1@Wed Dec 2 10:00"}, {"remind-1@Wed Dec 2 11:00"}}); d != "" {
			t.Errorf("reminders (-got +want):\n%s", d)
		}
	})
}

// BMO says the steward blocks needinfo requests: the lead is told once and
// the reminders are comments only.
func TestRemindBlockedNeedinfo(t *testing.T) {
	e := newRemindE2E(t, bugzillatest.BMO, nil)
	e.srv.SetUserBlocks(steward1, true, false)
	bug, _, _ := e.cleanRequest("Blocked", steward1)
	e.runFor(2*week, 6*hour)
	got := kindsAt(e.markedComments(bug, reminderKinds...))
	want := []string{"blocked@Wed Dec 2 10:00", "remind-1@Wed Dec 2 10:00", "remind-2@Mon Dec 7 10:00", "remind-3@Thu Dec 10 10:00"}
	if d := cmp.Diff(got, want); d != "" {
		t.Errorf("comments (-got +want):\n%s", d)
	}
	for _, ni := range e.openNeedinfos(bug) {
		if strings.HasSuffix(ni, steward1) {
			t.Errorf("needinfo set on a steward who blocks them: %s", ni)
		}
	}
}

// Losing the store mid-way costs re-reads, never a second reminder.
func TestRemindStoreLost(t *testing.T) {
	e := newRemindE2E(t, bugzillatest.Upstream, nil)
	bug, _, _ := e.cleanRequest("Store lost", steward1)
	e.runFor(2*day1, 6*hour) // remind-1 done
	e.dropStore()
	e.runFor(6*hour, 6*hour)
	e.runFor(5*day1, 6*hour) // remind-2 done on Monday
	e.dropStore()
	e.runFor(2*week, 6*hour)
	want := []string{
		"remind-1@Wed Dec 2 10:00",
		"remind-2@Mon Dec 7 10:00",
		"remind-3@Thu Dec 10 10:00",
		"lead-notice@Tue Dec 15 10:00",
	}
	if d := cmp.Diff(kindsAt(e.markedComments(bug, reminderKinds...)), want); d != "" {
		t.Errorf("reminders (-got +want):\n%s", d)
	}
}

// A request without a form is the requester's to move: its steward is not
// reminded (the bot asked for the form instead).
func TestRemindWaitsForAForm(t *testing.T) {
	e := newRemindE2E(t, bugzillatest.Upstream, nil)
	bug, _ := e.request("No form", "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n", false, steward1)
	e.runFor(week, 6*hour)
	if got := kindsAt(e.markedComments(bug, reminderKinds...)); len(got) != 0 {
		t.Errorf("reminders about a request without a form: %v", got)
	}
	if n := len(e.markedComments(bug, kindNeedsForm)); n != 1 {
		t.Errorf("%d needs-form comments, want 1", n)
	}
}

// In dry run the reminders are logged, never written.
func TestRemindDryRun(t *testing.T) {
	e := newRemindE2E(t, bugzillatest.Upstream, func(c *Config) { c.DryRun = true })
	bug, _, _ := e.cleanRequest("Dry", steward1)
	e.runFor(2*week, 6*hour)
	for _, w := range e.srv.Writes() {
		if w.User == "bot@example.test" {
			t.Errorf("dry run wrote %s %s", w.Method, w.Path)
		}
	}
	if !strings.Contains(e.logs.String(), "stewardbot:remind-1 bug="+itoa(bug)) {
		t.Errorf("the dry run did not log the first reminder")
	}
}

// reminders.max: 0 turns reminders off: no reminder, no notice to the
// lead, no needinfo, however long the request waits.
func TestRemindMaxZeroIsOff(t *testing.T) {
	e := newRemindE2E(t, bugzillatest.Upstream, func(c *Config) { c.Reminders.Max = 0 })
	bug, _, _ := e.cleanRequest("Off", steward1)
	e.runFor(3*week, 6*hour)
	if got := e.markedComments(bug, reminderKinds...); len(got) != 0 {
		t.Errorf("with reminders.max 0: %v", kindsAt(got))
	}
	if got := e.openNeedinfos(bug); len(got) != 0 {
		t.Errorf("open needinfos with reminders.max 0: %v", got)
	}
}

// The dashboard counts business days as the reminders do: with the
// stewards' holidays. Filed Monday 10:00, Tuesday and Wednesday off: on
// Thursday 10:00 the request has waited one business day, not three, and
// is not overdue.
func TestQueueCountsHolidays(t *testing.T) {
	e := newRemindE2E(t, bugzillatest.Upstream, func(c *Config) {
		c.Stewards.Holidays = []string{"2026-12-01", "2026-12-02"}
	})
	bug, _, _ := e.cleanRequest("Holidays", steward1)
	e.runFor(3*day1, 6*hour)
	rows, err := e.bot.Status().Queue(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.BugID == bug {
			if r.BusinessDaysWaiting != 1 || r.Overdue {
				t.Errorf("on %s: waiting %v business days, overdue %v; want 1, false",
					e.clock.Now().Format("Mon Jan 2 15:04"), r.BusinessDaysWaiting, r.Overdue)
			}
			return
		}
	}
	t.Fatalf("bug %d not in the queue: %+v", bug, rows)
}
