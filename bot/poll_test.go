package bot

import (
	"net/http"
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
		dialect bugzillatest.Dialect
		want    map[string]int
	}{
		{bugzillatest.Upstream, map[string]int{"GET /rest/bug": 1}},
		{bugzillatest.BMO, map[string]int{"GET /rest/review/flag_activity": 1, "GET /rest/bug": 1}},
	} {
		t.Run(tc.dialect.String(), func(t *testing.T) {
			e := newE2E(t, tc.dialect, func(c *Config) { c.Commands.Enabled = true; c.Poll.MaxWritesPerCycle = 1000 })
			form := demoForm(t, "clean-12q.md")
			for i := range 250 {
				e.request("Request "+strconv.Itoa(i), form, false, steward1)
			}
			for range 3 {
				e.mustCycle() // the sweep and analyses; the bot's own comments; quiet
			}
			if n := len(e.posted); n != 250 {
				t.Fatalf("%d analyses, want 250", n)
			}
			e.advance(time.Hour)
			e.srv.ResetRecords()
			e.mustCycle()
			if diff := cmp.Diff(e.srv.RequestCounts(), tc.want); diff != "" {
				t.Errorf("idle cycle requests by endpoint (-got +want):\n%s", diff)
			}
		})
	}
}

// TestPollWithoutDateHeader: when the search's answer has no Date header,
// the poll asks for the server's time, once, and polling goes on.
func TestPollWithoutDateHeader(t *testing.T) {
	e := newE2E(t, bugzillatest.Upstream, nil)
	e.rig.ClientOptions = append(e.rig.ClientOptions, e.rig.WithRoundTrip(func(q *http.Request, next http.RoundTripper) (*http.Response, error) {
		resp, err := next.RoundTrip(q)
		if err == nil && q.Method == http.MethodGet && q.URL.Path == "/rest/bug" {
			resp.Header.Del("Date")
		}
		return resp, err
	}))
	e.newProcess()
	form := demoForm(t, "clean-12q.md")
	e.request("First", form, false, steward1)
	e.mustCycle()
	asked := 0 // no Date on the search: the client asks /rest/time once
	for _, rq := range e.srv.Requests() {
		if rq.Method == http.MethodGet && rq.Path == "/rest/time" {
			asked++
		}
	}
	if asked != 1 {
		t.Errorf("time asked %d times in the first poll, want 1", asked)
	}
	second, _ := e.request("Second", form, false, steward1)
	e.mustCycle()
	if n := len(e.botComments(second)); n != 1 {
		t.Errorf("a request after a poll without Date: %d comments, want 1", n)
	}
}

// TestPollOverlapCoversTheDateGap: the watermark is the server's time as it
// answered, read after the search ran, so a change made just before that
// time may be in neither this search nor after the watermark. The next
// search looks back by the overlap, and finds it.
func TestPollOverlapCoversTheDateGap(t *testing.T) {
	e := newE2E(t, bugzillatest.Upstream, nil)
	form := demoForm(t, "clean-12q.md")
	e.request("First", form, false, steward1)
	e.mustCycle()
	wm, err := watermark(e.ctx, e.bot.store)
	if err != nil || wm.IsZero() {
		t.Fatalf("watermark %v, %v", wm, err)
	}
	if !wm.Equal(e.clock.Now().UTC().Truncate(time.Second)) {
		t.Errorf("watermark %v, want the server's time of the search %v", wm, e.clock.Now())
	}
	// A request made while the search ran: stamped before the watermark.
	now := e.srv.Now()
	e.srv.SetNow(wm.Add(-2 * time.Second))
	second, _ := e.request("Second", form, false, steward1)
	e.srv.SetNow(now)
	e.mustCycle()
	if n := len(e.botComments(second)); n != 1 {
		t.Errorf("a change stamped 2s before the watermark: %d comments, want 1", n)
	}
}

// TestFeedAfterSweepQueuesNothing: on BMO the first feed read after the
// sweep finds the rows of the requests the sweep found; the bot has seen
// those bugs since, so it does not look at them again (dry-run: its own
// comments do not change the bugs).
func TestFeedAfterSweepQueuesNothing(t *testing.T) {
	e := newE2E(t, bugzillatest.BMO, func(c *Config) { c.DryRun = true })
	form := demoForm(t, "clean-12q.md")
	for i := range 5 {
		e.request("Request "+strconv.Itoa(i), form, false, steward1)
	}
	e.mustCycle()
	e.srv.ResetRecords()
	e.mustCycle()
	if diff := cmp.Diff(e.srv.RequestCounts(), map[string]int{"GET /rest/review/flag_activity": 1, "GET /rest/bug": 1}); diff != "" {
		t.Errorf("the cycle after the sweep (-got +want):\n%s", diff)
	}
	// A flag change after the bot's look is still queued.
	e.advance(time.Minute)
	_, att := e.request("Request 6", form, false, steward1)
	e.mustCycle()
	if reqs, err := e.st.OpenRequests(e.ctx); err != nil || !hasFlag(reqs, e.flagOf(att).ID) {
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
