package bot

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bot/demo"
)

// The dashboard's queue over the demo, as the bot records it: bug 1011
// (no form, the bot asked for one) waits for its requester and is never
// overdue, however long; the blocked escalations say why; every analysed
// request links the bot's analysis comment by its number on the bug
// (found in one batched read after the posts) and sums up its findings.
func TestE2EDashboardQueue(t *testing.T) {
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			e := newE2E(t, d, nil)
			if _, err := demo.Seed(e.srv); err != nil {
				t.Fatal(err)
			}
			e.advance(5 * time.Minute)
			e.mustCycle()
			e.advance(14 * 24 * time.Hour)
			e.mustCycle()
			q, err := e.bot.Status().Queue(e.ctx)
			if err != nil {
				t.Fatal(err)
			}
			byBug := map[int]QueueEntry{}
			for _, x := range q {
				byBug[x.BugID] = x
			}
			waiting := byBug[1011]
			if waiting.Status.State != StateWaitingForForm || waiting.Overdue || waiting.BusinessDaysWaiting < overdueAfter {
				t.Errorf("bug 1011 after 14 days: %+v, want waiting for the form, not overdue", waiting.Status)
			}
			if waiting.AnalysisURL != waiting.BugURL {
				t.Errorf("bug 1011 (no analysis) links %s, want the bug %s", waiting.AnalysisURL, waiting.BugURL)
			}
			for _, id := range []int{1003, 1004} {
				if r := byBug[id].BlockedReason(false); r != "no Trust contact configured; no Legal contact configured" &&
					r != "no Legal contact configured" {
					t.Errorf("bug %d blocked because %q", id, r)
				}
			}
			if f := byBug[1004].Findings; !strings.Contains(f, "category 4") {
				t.Errorf("bug 1004's findings %q", f)
			}
			overdue := 0
			for _, x := range q {
				if x.Overdue {
					overdue++
				}
				analyses := e.botCommentsOfKind(x.BugID, kindAnalysis)
				if len(analyses) == 0 {
					continue
				}
				want := x.BugURL + "#c" + strconv.Itoa(analyses[len(analyses)-1].Count)
				if x.AnalysisURL != want {
					t.Errorf("bug %d links %s, want its analysis %s", x.BugID, x.AnalysisURL, want)
				}
				if x.Findings == "" {
					t.Errorf("bug %d: analysed, no findings line", x.BugID)
				}
			}
			if overdue == 0 {
				t.Error("after 14 days no request is overdue")
			}
		})
	}
}

// What the store knows becomes each row's status: a steward's snooze and
// stop commands, the roster's away dates, the bot's assignment of a
// request without a requestee, and an escalation that asked someone
// though both teams' notices are blocked (a contact unknown to Bugzilla:
// the row says so, and the status stays "waiting for Trust / Legal").
func TestE2EDashboardStatuses(t *testing.T) {
	const back = "2100-01-01" // the day after steward3's absence
	e := newE2E(t, dialects[0], func(c *Config) {
		c.Stewards.AssignUnassigned = true
		c.Stewards.Roster = []Steward{{Login: "steward1@example.test"}, {Login: "steward2@example.test"},
			{Login: "steward3@example.test", Away: []AwayRange{{From: "2020-01-01", To: "2099-12-31"}}}}
		c.Escalation.Trust, c.Escalation.Legal = []string{"ghost@example.test"}, []string{"legal@example.test", "ghost@example.test"}
	})
	if _, err := demo.Seed(e.srv); err != nil {
		t.Fatal(err)
	}
	e.advance(5 * time.Minute)
	e.mustCycle()
	queue := func() map[int]QueueEntry {
		t.Helper()
		q, err := e.bot.Status().Queue(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		out := map[int]QueueEntry{}
		for _, x := range q {
			out[x.BugID] = x
		}
		return out
	}
	before := queue()
	e.say(1002, before[1002].Steward, "stewardbot: snooze 5d")
	e.say(1005, before[1005].Steward, "stewardbot: stop")
	e.mustCycle()
	got := queue()
	want := map[int]string{
		1002: "snoozed until " + e.srv.Now().UTC().AddDate(0, 0, 5).Format(time.DateOnly),
		1005: "stopped",
		1006: "assigned by the bot",
		1008: "steward away, back " + back,
		1011: "waiting for the form",
		1003: "waiting for Trust / Legal",
	}
	for id, w := range want {
		if s := got[id].Status.Words; s != w {
			t.Errorf("bug %d (steward %s) reads %q, want %q", id, got[id].Steward, s, w)
		}
	}
	if r := got[1003].BlockedReason(false); r != "Trust contact ghost@example.test: no Bugzilla account with this login; "+
		"Legal contact ghost@example.test: no Bugzilla account with this login" {
		t.Errorf("bug 1003's blocked escalation: %q", r)
	}
}
