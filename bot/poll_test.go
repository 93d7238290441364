package bot

import (
	"maps"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// TestIdlePollCost: once the requests are analysed, an idle cycle is one
// search by search (the server's time comes from its answer, no GET
// /rest/time) and the feed plus one search on BMO, however many requests
// are open (250 here: the open bugs were read 200 a request before).
func TestIdlePollCost(t *testing.T) {
	for _, tc := range []struct {
		name string
		bmo  bool
		want map[string]int
	}{
		{"search", false, map[string]int{"SearchBugsPage": 1}},
		{"feed", true, map[string]int{"FlagActivity": 1, "SearchBugsPage": 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, func(c *Config) { c.Commands.Enabled = true; c.Poll.MaxWritesPerCycle = 1000 })
			h.bz.bmo = tc.bmo
			for id := 1; id <= 250; id++ {
				h.request(id, fakeForm("m"+strconv.Itoa(id)+" 1"), false)
			}
			for range 3 {
				h.mustCycle() // the sweep and analyses; the bot's own comments; quiet
			}
			h.clock.Advance(time.Hour)
			h.bz.resetCalls()
			h.mustCycle()
			if diff := cmp.Diff(maps.Clone(h.bz.calls), tc.want); diff != "" {
				t.Errorf("idle cycle calls (-got +want):\n%s", diff)
			}
		})
	}
}

// TestPollWithoutDateHeader: when the search's answer has no Date header,
// the poll asks for the server's time, once, and polling goes on.
func TestPollWithoutDateHeader(t *testing.T) {
	h := newHarness(t, nil)
	h.bz.noDate = true
	h.request(1, fakeForm("a 1"), false)
	h.mustCycle()
	if n := h.bz.calls["Time"]; n != 1 {
		t.Errorf("Time asked %d times in the first poll, want 1", n)
	}
	h.request(2, fakeForm("b 1"), false)
	h.mustCycle()
	if n := len(h.bz.botComments(2)); n != 1 {
		t.Errorf("a request after a poll without Date: %d comments, want 1", n)
	}
}

// TestPollOverlapCoversTheDateGap: the watermark is the server's time as it
// answered, read after the search ran, so a change made just before that
// time may be in neither this search nor after the watermark. The next
// search looks back by the overlap, and finds it.
func TestPollOverlapCoversTheDateGap(t *testing.T) {
	h := newHarness(t, nil)
	h.request(1, fakeForm("a 1"), false)
	h.mustCycle()
	wm, err := watermark(h.ctx, h.bot.store)
	if err != nil || wm.IsZero() {
		t.Fatalf("watermark %v, %v", wm, err)
	}
	if !wm.Equal(h.clock.Now().UTC().Truncate(time.Second)) {
		t.Errorf("watermark %v, want the server's time of the search %v", wm, h.clock.Now())
	}
	// A request made while the search ran: stamped before the watermark.
	h.request(2, fakeForm("b 1"), false)
	h.bz.mu.Lock()
	h.bz.bugs[2].lastChange = wm.Add(-2 * time.Second)
	h.bz.mu.Unlock()
	h.mustCycle()
	if n := len(h.bz.botComments(2)); n != 1 {
		t.Errorf("a change stamped 2s before the watermark: %d comments, want 1", n)
	}
}

// TestFeedAfterSweepQueuesNothing: on BMO the first feed read after the
// sweep finds the rows of the requests the sweep found; the bot has seen
// those bugs since, so it does not look at them again (dry-run: its own
// comments do not change the bugs).
func TestFeedAfterSweepQueuesNothing(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.DryRun = true })
	h.bz.bmo = true
	for id := 1; id <= 5; id++ {
		h.request(id, fakeForm("m"+strconv.Itoa(id)+" 1"), false)
	}
	h.mustCycle()
	h.bz.resetCalls()
	h.mustCycle()
	if diff := cmp.Diff(maps.Clone(h.bz.calls), map[string]int{"FlagActivity": 1, "SearchBugsPage": 1}); diff != "" {
		t.Errorf("the cycle after the sweep (-got +want):\n%s", diff)
	}
	// A flag change after the bot's look is still queued.
	h.clock.Advance(time.Minute)
	_, flag := h.request(6, fakeForm("m6 1"), false)
	h.mustCycle()
	if reqs, err := h.st.OpenRequests(h.ctx); err != nil || !hasFlag(reqs, flag) {
		t.Errorf("a request after the sweep is not tracked (%v)", err)
	}
}

// TestE2EFeedSeesCancelledRequest: on BMO, a request cancelled by removing
// its flag (its bug then no longer matches the search) is seen through the
// flag activity feed, and the bot stops tracking it.
func TestE2EFeedSeesCancelledRequest(t *testing.T) {
	e := newE2E(t, bugzillatest.BMO, nil)
	bug, att := e.request("Count widget clicks", demoForm(t, "clean-12q.md"), false, "steward1@example.test")
	for range 3 {
		e.mustCycle()
	}
	reqs, err := e.st.OpenRequests(e.ctx)
	if err != nil || len(reqs) != 1 || reqs[0].BugID != bug {
		t.Fatalf("open requests %+v, %v; want bug %d's", reqs, err, bug)
	}
	e.advance(time.Minute)
	if err := e.srv.SetAttachmentFlags("dev1@example.test", att,
		bugzillatest.FlagChange{ID: reqs[0].FlagID, Status: "X"}); err != nil {
		t.Fatal(err)
	}
	e.mustCycle()
	if reqs, err := e.st.OpenRequests(e.ctx); err != nil || len(reqs) != 0 {
		t.Errorf("after the flag was removed: open requests %+v, %v; want none", reqs, err)
	}
}

func hasFlag(reqs []store.Request, flagID int) bool {
	for _, r := range reqs {
		if r.FlagID == flagID {
			return true
		}
	}
	return false
}
