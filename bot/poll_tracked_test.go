package bot

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// TestE2EIdlePollWithOpenRequests: upstream, with requests open, an idle
// cycle is still one search, which names the bugs with open requests.
func TestE2EIdlePollWithOpenRequests(t *testing.T) {
	e := newE2E(t, bugzillatest.Upstream, nil)
	var bugs []string
	for _, s := range []string{"A", "B", "C"} {
		bug, _ := e.request(s, demoForm(t, "clean-12q.md"), false, steward1)
		bugs = append(bugs, itoa(bug))
	}
	for range 3 {
		e.mustCycle()
	}
	e.srv.ResetRecords()
	e.advance(time.Hour)
	if err := e.bot.RunOnce(e.ctx, ""); err != nil {
		t.Fatal(err)
	}
	reqs := e.srv.Requests()
	if len(reqs) != 1 || reqs[0].Endpoint != "GET /rest/bug" {
		t.Fatalf("idle cycle: %d requests %v, want one search", len(reqs), e.srv.RequestCounts())
	}
	if got, want := reqs[0].Query.Get("v3"), strings.Join(bugs, ","); reqs[0].Query.Get("f3") != "bug_id" || got != want {
		t.Errorf("the search names bugs %q (f3=%s), want %q", got, reqs[0].Query.Get("f3"), want)
	}
}

// TestSearchChangedTracked: the bugs with open requests are asked for by id
// beside the flag criterion, trackedPerSearch a search; they come back when
// they changed since the mark, whatever their flags, and bugs the bot does
// not track come back only with a data-review flag.
func TestSearchChangedTracked(t *testing.T) {
	e := newE2E(t, bugzillatest.Upstream, nil)
	newBug := func() int {
		return e.srv.AddBug(bugzillatest.Bug{Summary: "b", Creator: "dev1@example.test"})
	}
	var tracked []int
	for range trackedPerSearch + 20 {
		tracked = append(tracked, newBug())
	}
	quiet := tracked[3]   // tracked, unchanged since the mark
	untracked := newBug() // a needinfo change only: not the bot's business
	e.advance(time.Hour)
	mark := e.srv.Now()
	e.advance(time.Hour)
	flagged, _ := e.request("x", "form", false, steward1) // untracked, with a request: found by its flag
	var changed []int
	for _, id := range tracked {
		if id != quiet {
			e.srv.AddComment(bugzillatest.Comment{BugID: id, Creator: "dev1@example.test", Text: "withdrawn"})
			changed = append(changed, id)
		}
	}
	if err := e.srv.SetBugFlags("dev1@example.test", untracked,
		bugzillatest.FlagChange{Name: "needinfo", Status: "?", Requestee: "dev2@example.test"}); err != nil {
		t.Fatal(err)
	}
	e.srv.ResetRecords()

	found, _, err := newPollDuty(e.bot.deps(), e.bot.sess).searchChanged(e.ctx, mark, tracked)
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for _, b := range found {
		got = append(got, b.ID)
	}
	slices.Sort(got)
	want := slices.Sorted(slices.Values(append(changed, flagged)))
	if !slices.Equal(got, want) {
		t.Errorf("found %d bugs %v...; want %d (changed tracked bugs and the flagged one)", len(got), got[:min(5, len(got))], len(want))
	}
	reqs := e.srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d searches for %d tracked bugs, want 2", len(reqs), len(tracked))
	}
	if reqs[1].Query.Get("f1") != "bug_id" || reqs[1].Query.Has("f2") {
		t.Errorf("the second search is not by id alone: %v", reqs[1].Query)
	}
}

// TestPollSearchTracksOpenRequestsOnly: the ids named are the bugs with
// open requests, not those answered or withdrawn.
func TestPollSearchTracksOpenRequestsOnly(t *testing.T) {
	e := newE2E(t, bugzillatest.Upstream, nil)
	now := e.clock.Now()
	for i, st := range []string{"?", "+", "X", "?"} {
		r := store.Request{FlagID: 100 + i, BugID: 10 + i, Status: st, FirstStatus: "?", FirstSeen: now, UpdatedAt: now}
		if err := e.st.SaveRequest(e.ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := newPollDuty(e.bot.deps(), e.bot.sess).pollSearch(e.ctx, nil, now.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	reqs := e.srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want one search", len(reqs))
	}
	want := bugzilla.BugIDsCriterion([]int{10, 13})
	if q := reqs[0].Query; q.Get("f3") != want.Field || q.Get("v3") != want.Value {
		t.Errorf("search names %s=%s, want %s=%s", q.Get("f3"), q.Get("v3"), want.Field, want.Value)
	}
}
