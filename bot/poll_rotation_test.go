package bot

import (
	"slices"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// TestPollRotationIdleIsOneSearch: upstream, with more bugs tracked than
// one search names, an idle poll is still one search (one chunk of the
// tracked ids in turn), and a bug whose flag went (any change the flag
// search cannot see) is found within ceil(tracked / trackedPerSearch)
// polls, even when it changed after its chunk was checked in this round.
func TestPollRotationIdleIsOneSearch(t *testing.T) {
	e := newE2E(t, bugzillatest.Upstream, nil)
	poll := func() {
		t.Helper()
		e.advance(10 * time.Minute) // past the overlap: only the rotation can find what follows
		e.srv.ResetRecords()
		if err := e.bot.RunOnce(e.ctx, "poll"); err != nil {
			t.Fatal(err)
		}
		if n := len(e.srv.Requests()); n != 1 {
			t.Fatalf("a poll made %d requests %v, want one search", n, e.srv.RequestCounts())
		}
	}
	e.mustCycle() // start and sweep: nothing open yet
	now := e.clock.Now()
	var tracked []int
	for i := range trackedPerSearch + 20 {
		id := e.srv.AddBug(bugzillatest.Bug{Summary: "b", Creator: "dev1@example.test"})
		tracked = append(tracked, id)
		r := store.Request{FlagID: 1000 + i, BugID: id, Status: "?", FirstStatus: "?", FirstSeen: now, UpdatedAt: now}
		if err := e.st.SaveRequest(e.ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	poll()                        // first chunk
	poll()                        // second chunk: the round ends
	for _, bug := range tracked { // as analyze would, having looked at each
		if err := e.st.ClearDirty(e.ctx, bug); err != nil {
			t.Fatal(err)
		}
	}
	for _, bug := range []int{tracked[3], tracked[len(tracked)-1]} {
		e.srv.AddComment(bugzillatest.Comment{BugID: bug, Creator: "dev1@example.test", Text: "flag removed"})
	}
	e.advance(time.Hour) // the watermark moves well past the change
	bound := (len(tracked) + trackedPerSearch - 1) / trackedPerSearch
	for range bound {
		poll()
	}
	for _, bug := range []int{tracked[3], tracked[len(tracked)-1]} {
		if !slices.Contains(e.dirty(), bug) {
			t.Errorf("bug %d changed, not queued after %d polls (dirty: %v)", bug, bound, e.dirty())
		}
	}
	if n := len(e.dirty()); n != 2 {
		t.Errorf("%d bugs queued, want the 2 that changed", n)
	}
}

// TestParseRotation: the stored rotation reads back as written, and a bad
// one is an error that says what is wrong, never a silent restart.
func TestParseRotation(t *testing.T) {
	at := time.Date(2026, 12, 7, 14, 0, 0, 123, time.UTC)
	r := rotation{after: 520, start: at, prev: at.Add(-time.Hour)}
	got, err := parseRotation(r.String())
	if err != nil || got.after != r.after || !got.start.Equal(r.start) || !got.prev.Equal(r.prev) {
		t.Errorf("parseRotation(%q) = %+v, %v; want %+v", r.String(), got, err, r)
	}
	for _, bad := range []string{"", "12", "x 2026-12-07T14:00:00Z 2026-12-07T14:00:00Z", "-1 2026-12-07T14:00:00Z 2026-12-07T14:00:00Z",
		"1 yesterday 2026-12-07T14:00:00Z", "1 2026-12-07T14:00:00Z now"} {
		t.Run(bad, func(t *testing.T) {
			if _, err := parseRotation(bad); err == nil {
				t.Errorf("parseRotation(%q) = nil error", bad)
			}
		})
	}
}
