package bot

import (
	"testing"

	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// A request withdrawn on Bugzilla (its data-review flag removed, or its
// attachment made obsolete with the flag cleared) no longer matches the
// poll's search, and upstream Bugzilla has no flag activity feed to say it
// went. The bot must still notice within a cycle or two, and treat it as an
// answered request: no more reminders or notices, its needinfo cleared, off
// the dashboard's queue.
func TestE2ECancelledRequestStops(t *testing.T) {
	cancels := []struct {
		name   string
		cancel func(e *e2e, att, flag int)
	}{
		{"flag removed", func(e *e2e, att, flag int) {
			if err := e.srv.SetAttachmentFlags("dev1@example.test", att, bugzillatest.FlagChange{ID: flag, Status: "X"}); err != nil {
				e.t.Fatal(err)
			}
		}},
		{"obsolete, flag cleared", func(e *e2e, att, flag int) {
			e.srv.ObsoleteAttachment(att)
			if err := e.srv.SetAttachmentFlags("dev1@example.test", att, bugzillatest.FlagChange{ID: flag, Status: "X"}); err != nil {
				e.t.Fatal(err)
			}
		}},
	}
	for _, d := range dialects {
		for _, tc := range cancels {
			t.Run(d.String()+"/"+tc.name, func(t *testing.T) {
				e := newRemindE2E(t, d, nil)
				bug, att, flag := e.cleanRequest("Cancelled", steward1)
				e.runFor(2*day1, 6*hour) // the first reminder, with needinfo on the steward
				if got := kindsAt(e.markedComments(bug, reminderKinds...)); len(got) != 1 {
					t.Fatalf("reminders before the cancel: %v, want remind-1", got)
				}
				if got := e.openNeedinfos(bug); len(got) != 1 {
					t.Fatalf("needinfos before the cancel: %v, want the bot's on %s", got, steward1)
				}

				tc.cancel(e, att, flag)
				e.runFor(12*hour, 6*hour) // two cycles
				if got := e.openNeedinfos(bug); len(got) != 0 {
					t.Errorf("two cycles after the cancel: open needinfos %v, want none", got)
				}
				q, err := e.bot.Status().Queue(e.ctx)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range q {
					if r.BugID == bug {
						t.Errorf("two cycles after the cancel: the dashboard queue still lists bug %d flag %d", bug, r.FlagID)
					}
				}
				if r, err := e.st.Request(e.ctx, flag); err != nil || r.Status != "X" {
					t.Errorf("stored request: %+v, %v; want status X", r, err)
				}

				e.runFor(3*week, 6*hour)
				if got := kindsAt(e.markedComments(bug, reminderKinds...)); len(got) != 1 {
					t.Errorf("reminders and notices after the cancel: %v, want only remind-1", got)
				}
				if got := e.openNeedinfos(bug); len(got) != 0 {
					t.Errorf("open needinfos at the end: %v, want none", got)
				}
			})
		}
	}
}

// An escalation held back by the write cap is not made once the request is
// withdrawn: the escalate task works from the open requests, which the
// cancel must leave.
func TestE2ECancelledRequestNotEscalated(t *testing.T) {
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			e := newE2E(t, d, func(c *Config) {
				withContacts([]string{"trust@example.test"}, []string{"legal@example.test"})(c)
				c.Poll.MaxWritesPerCycle = 1
			})
			bug, att := e.request("Collect visited URLs", demoForm(t, "category3-release.md"), false, steward1)
			e.mustCycle() // the analysis: the cycle's one write
			if n := len(e.botCommentsOfKind(bug, kindAnalysis)); n != 1 {
				t.Fatalf("%d analyses after the first cycle, want 1\n%s", n, e.logs.String())
			}
			if n := len(e.botCommentsOfKind(bug, kindEscalation)); n != 0 {
				t.Fatalf("%d escalations in the first cycle, want none (write cap 1)", n)
			}
			a, _ := e.srv.Attachment(att)
			if err := e.srv.SetAttachmentFlags("dev1@example.test", att, bugzillatest.FlagChange{ID: a.Flags[0].ID, Status: "X"}); err != nil {
				t.Fatal(err)
			}
			for range 4 {
				e.mustCycle()
			}
			for _, kind := range []string{kindEscalation, kindEscalationTrust, kindEscalationLegal} {
				if n := len(e.botCommentsOfKind(bug, kind)); n != 0 {
					t.Errorf("%d %s notices on a withdrawn request, want none", n, kind)
				}
			}
			if got := e.needinfos(bug); len(got) != 0 {
				t.Errorf("needinfos on a withdrawn request: %v, want none", got)
			}
		})
	}
}
