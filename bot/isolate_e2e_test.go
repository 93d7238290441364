package bot

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// A bug that fails on its own in a duty other than analyze (here Bugzilla
// refuses to give remind its history, every time) is isolated the way
// analyze isolates one: the others are reminded, once; the cycle stays
// good (the heartbeat's last good cycle); the bad bug is logged at error
// level, counted, listed with a backoff and left alone until it ends; and
// once Bugzilla answers again it is reminded and no longer listed.
func TestE2EBugFailingInRemindIsIsolated(t *testing.T) {
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			e := newRemindE2E(t, d, nil)
			obs := newTroubleCounter()
			e.bot.obs = obs
			bugA, _, _ := e.cleanRequest("A", steward1)
			bugB, _, _ := e.cleanRequest("B", steward2)
			bad, _, _ := e.cleanRequest("Bad", steward1)
			historyPath := "/rest/bug/" + strconv.Itoa(bad) + "/history"
			remove := e.srv.InjectFault(bugzillatest.Fault{Method: "GET", Path: historyPath, Status: 400})
			historyReads := func() int {
				n := 0
				for _, r := range e.srv.Requests() {
					if r.Path == historyPath {
						n++
					}
				}
				return n
			}
			reminders := func(bug int) int { return len(e.markedComments(bug, "remind-1")) }

			e.runFor(2*day1, 6*hour) // every cycle good; the first reminders fall due in the last
			if historyReads() == 0 {
				t.Fatal("the fault never fired: remind did not read the bad bug's history")
			}
			for _, bug := range []int{bugA, bugB} {
				if n := reminders(bug); n != 1 {
					t.Errorf("bug %d: %d first reminders, want 1", bug, n)
				}
			}
			if n := reminders(bad); n != 0 {
				t.Errorf("bad bug %d: %d reminders, want 0", bad, n)
			}
			now := e.clock.Now().UTC()
			if last, err := e.bot.Status().LastGoodCycle(e.ctx); err != nil || !last.Equal(now) {
				t.Errorf("last good cycle = %v, %v; want the cycle just run (%v)", last, err, now)
			}
			if !strings.Contains(e.logs.String(), `"bug_id":`+strconv.Itoa(bad)) || !strings.Contains(e.logs.String(), "bug keeps failing") {
				t.Errorf("no error-level log line naming the bad bug:\n%s", e.logs.String())
			}
			if obs.failed[store.TroubleRead] != 1 {
				t.Errorf("metrics: failed %v; want one read failure", obs.failed)
			}
			listed, err := e.bot.Status().TroubledBugs(e.ctx)
			if err != nil || len(listed) != 1 || listed[0].BugID != bad || listed[0].Kind != store.TroubleRead ||
				listed[0].Failures != 1 || !listed[0].RetryAt.Equal(now.Add(5*time.Minute)) || !strings.Contains(listed[0].Reason, "400") {
				t.Fatalf("troubled bugs = %+v, %v; want bug %d, one failure, retried in 5 minutes", listed, err, bad)
			}

			// Within the backoff no duty touches the bad bug (the rig's
			// cycle would move the clock 5 minutes on: run one in place).
			before := historyReads()
			if err := e.bot.RunOnce(e.ctx, ""); err != nil {
				t.Fatalf("cycle within the backoff: %v", err)
			}
			if n := historyReads() - before; n != 0 {
				t.Errorf("within the backoff: %d history reads of the bad bug, want 0", n)
			}
			// Due again 5 minutes on: tried once, fails, waits twice as long.
			before = historyReads()
			e.mustCycle()
			if n := historyReads() - before; n != 1 {
				t.Errorf("due retry: %d history reads of the bad bug, want 1", n)
			}
			listed, err = e.bot.Status().TroubledBugs(e.ctx)
			if err != nil || len(listed) != 1 || listed[0].Failures != 2 || !listed[0].RetryAt.Equal(e.clock.Now().UTC().Add(10*time.Minute)) {
				t.Errorf("after the second failure: troubled bugs = %+v, %v; want 2 failures, retried in 10 minutes", listed, err)
			}
			if n := reminders(bad); n != 0 {
				t.Errorf("bad bug %d: %d reminders while failing, want 0", bad, n)
			}

			// Bugzilla answers again: reminded once, no longer listed.
			remove()
			e.advance(10 * time.Minute)
			e.mustCycle()
			for _, bug := range []int{bugA, bugB, bad} {
				if n := reminders(bug); n != 1 {
					t.Errorf("after recovery: bug %d has %d first reminders, want 1", bug, n)
				}
			}
			if listed, err := e.bot.Status().TroubledBugs(e.ctx); err != nil || len(listed) != 0 {
				t.Errorf("after recovery: troubled bugs = %+v, %v; want none", listed, err)
			}
			if last, err := e.bot.Status().LastGoodCycle(e.ctx); err != nil || !last.Equal(e.clock.Now().UTC()) {
				t.Errorf("after recovery: last good cycle = %v, %v", last, err)
			}
		})
	}
}

// An outage is not one bug's problem: a gateway's 503 on one bug's read
// still fails the cycle (and so the heartbeat), and no bug is listed.
func TestE2EOutageInRemindFailsTheCycle(t *testing.T) {
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			e := newRemindE2E(t, d, nil)
			bug, _, _ := e.cleanRequest("A", steward1)
			e.srv.InjectFault(bugzillatest.Fault{Method: "GET", Path: "/rest/bug/" + strconv.Itoa(bug) + "/history", Status: 503})
			e.advance(2*day1 - 5*time.Minute) // the cycle runs when the first reminder is due
			if err := e.cycle(); err == nil || !strings.Contains(err.Error(), "503") {
				t.Fatalf("cycle error = %v; want the 503", err)
			}
			if listed, err := e.bot.Status().TroubledBugs(e.ctx); err != nil || len(listed) != 0 {
				t.Errorf("troubled bugs = %+v, %v; want none for an outage", listed, err)
			}
		})
	}
}
