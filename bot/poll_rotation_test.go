package bot

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// TestPollRotationIdleIsOneSearch: upstream, with more bugs tracked than
// one search names, an idle poll is still one search (one chunk of the
// tracked ids in turn), and a request cancelled by removing its flag (the
// bug left with no data-review flag, which only the chunk can see) is
// found within ceil(tracked / trackedPerSearch) polls, even when it went
// after its chunk was checked in this round and the watermark has moved on.
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
	track := func(bug, flag int) { t.Helper(); e.track(bug, flag) }
	// Two real requests, one in each chunk, among bugs tracked by the
	// store alone (as analyze records them).
	type req struct{ bug, att, flag int }
	var cancelled []req
	var tracked []int
	for i := range trackedPerSearch + 20 {
		if i == 3 || i == trackedPerSearch+19 {
			bug, att := e.request(fmt.Sprintf("Request %d", i), "form", false, steward1)
			r := req{bug, att, e.flagOf(att).ID}
			cancelled = append(cancelled, r)
			track(bug, r.flag)
			tracked = append(tracked, bug)
			continue
		}
		bug := e.srv.AddBug(bugzillatest.Bug{Summary: "b", Creator: "dev1@example.test"})
		track(bug, 10000+i)
		tracked = append(tracked, bug)
	}
	poll()                        // first chunk
	poll()                        // second chunk: the round ends
	for _, bug := range tracked { // as analyze would, having looked at each
		if err := e.st.ClearDirty(e.ctx, bug); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range cancelled {
		if err := e.srv.SetAttachmentFlags("dev1@example.test", r.att, bugzillatest.FlagChange{ID: r.flag, Status: "X"}); err != nil {
			t.Fatal(err)
		}
	}
	e.advance(time.Hour) // the watermark moves well past the cancellations
	bound := (len(tracked) + trackedPerSearch - 1) / trackedPerSearch
	for range bound {
		poll()
	}
	var want []int
	for _, r := range cancelled {
		want = append(want, r.bug)
	}
	if got := e.dirty(); !slices.Equal(got, want) {
		t.Errorf("queued after %d polls: %v, want the bugs whose requests were cancelled, %v", bound, got, want)
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

// TestFeedPollRotatesToo: on BMO a poll that reads the whole feed still
// checks one chunk of the tracked bugs by id in its search, as upstream, and
// moves the rotation on: the feed's window is a day or a page, so it cannot
// vouch for removals older than it.
func TestFeedPollRotatesToo(t *testing.T) {
	e := newE2E(t, bugzillatest.BMO, nil)
	e.mustCycle() // start and sweep
	for i := range 3 {
		bug := e.srv.AddBug(bugzillatest.Bug{Summary: "b", Creator: "dev1@example.test"})
		e.track(bug, 20000+i)
	}
	e.advance(10 * time.Minute)
	e.srv.ResetRecords()
	if err := e.bot.RunOnce(e.ctx, "poll"); err != nil {
		t.Fatal(err)
	}
	if n := len(e.srv.Requests()); n != 2 {
		t.Errorf("%d requests for the poll, want 2 (the feed and one search): %v", n, e.srv.RequestCounts())
	}
	byID := false
	for _, q := range e.srv.Requests() {
		if q.Endpoint == "GET /rest/bug" && strings.Contains(q.Query.Encode(), "bug_id") {
			byID = true
		}
	}
	if !byID {
		t.Errorf("the search did not name the tracked bugs: %v", e.srv.Requests())
	}
	r, err := loadRotation(e.ctx, e.st, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.start.After(r.prev) && !r.start.Equal(e.srv.Now()) {
		t.Errorf("rotation after a feed poll = %+v, want a round begun at the poll", r)
	}
}

// TestFullFeedPageRemovalSeenWithinARound: on BMO a full page of the flag
// activity feed may hide a removed flag, and the feed's window (by day)
// moves on past it. The rotation finds it all the same: the polls with
// full pages check one chunk each, and the first poll whose feed is
// complete again, but no longer reaches the removal, checks the next
// chunk, which holds it, looking back to the round's start (before, such
// a poll trusted the feed and began a new round: the removal was lost).
// Each poll is two requests.
func TestFullFeedPageRemovalSeenWithinARound(t *testing.T) {
	const page = 5
	e := newE2E(t, bugzillatest.BMO, func(c *Config) { c.Poll.PageSize = page })
	poll := func() {
		t.Helper()
		e.srv.ResetRecords()
		if err := e.bot.RunOnce(e.ctx, "poll"); err != nil {
			t.Fatal(err)
		}
		if n := len(e.srv.Requests()); n != 2 {
			t.Errorf("%d requests for the poll, want 2: %v", n, e.srv.RequestCounts())
		}
	}
	e.mustCycle() // start and sweep: nothing open yet
	track := func(bug, flag int) { t.Helper(); e.track(bug, flag) }
	var tracked []int
	for i := range 2*trackedPerSearch + 19 {
		bug := e.srv.AddBug(bugzillatest.Bug{Summary: "b", Creator: "dev1@example.test"})
		track(bug, 10000+i)
		tracked = append(tracked, bug)
	}
	// More flag changes today than a feed page holds; the last request is
	// tracked, in the third chunk.
	var cancelled, att int
	for i := range page + 1 {
		cancelled, att = e.request(fmt.Sprintf("Request %d", i), "form", false, steward1)
	}
	flag := e.flagOf(att).ID
	track(cancelled, flag)
	tracked = append(tracked, cancelled)
	if i, _ := slices.BinarySearch(tracked, cancelled); i < 2*trackedPerSearch {
		t.Fatalf("the cancelled request's bug is tracked at %d, want in the third chunk", i)
	}
	e.advance(10 * time.Minute)
	if err := e.bot.RunOnce(e.ctx, "poll"); err != nil {
		t.Fatal(err)
	}
	for q := e.dirty(); len(q) > 0; q = e.dirty() { // as analyze would, having looked at each
		for _, bug := range q {
			if err := e.st.ClearDirty(e.ctx, bug); err != nil {
				t.Fatal(err)
			}
		}
	}
	// A new round, begun now.
	if err := e.st.Set(e.ctx, kvRotation, rotation{start: e.srv.Now(), prev: e.srv.Now()}.String()); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.SetAttachmentFlags("dev1@example.test", att, bugzillatest.FlagChange{ID: flag, Status: "X"}); err != nil {
		t.Fatal(err)
	}
	fulls := func() int { return strings.Count(e.logs.String(), "flag activity page full") }
	before := fulls()
	e.advance(10 * time.Minute) // past the overlap
	poll()                      // a full page: the first chunk
	e.advance(48 * time.Hour)
	poll() // the window still begins on the removal's day: full, the second chunk
	if got := e.dirty(); len(got) != 0 {
		t.Errorf("queued by the polls with full pages (the first two chunks): %v, want nothing yet", got)
	}
	if n := fulls() - before; n != 2 {
		t.Fatalf("%d polls with a full page, want 2", n)
	}
	e.advance(10 * time.Minute)
	poll() // the window begins two days on: complete, without the removal
	if n := fulls() - before; n != 2 {
		t.Fatalf("the third poll's page was full too")
	}
	if got := e.dirty(); !slices.Equal(got, []int{cancelled}) {
		t.Errorf("queued by the poll with a complete page: %v, want the bug whose request was cancelled, %d", got, cancelled)
	}
}

// TestPollCorruptRotation: a stored rotation that does not parse does not
// stop polling. The poll logs it and starts a round that looks back to the
// oldest last change recorded of the tracked bugs, so a flag removed on a
// tracked bug after the bot's last look, long before the watermark, is
// still seen.
func TestPollCorruptRotation(t *testing.T) {
	e := newE2E(t, bugzillatest.Upstream, nil)
	e.mustCycle() // start and sweep: nothing open yet
	bug, att := e.request("Count widget clicks", "form", false, steward1)
	flag := e.flagOf(att).ID
	e.advance(10 * time.Minute)
	if err := e.bot.RunOnce(e.ctx, "poll"); err != nil {
		t.Fatal(err)
	}
	if err := e.st.ClearDirty(e.ctx, bug); err != nil { // as analyze would, having looked
		t.Fatal(err)
	}
	e.track(bug, flag)
	e.advance(time.Hour)
	if err := e.srv.SetAttachmentFlags("dev1@example.test", att, bugzillatest.FlagChange{ID: flag, Status: "X"}); err != nil {
		t.Fatal(err)
	}
	e.advance(time.Hour)
	// The watermark has moved well past the removal; the rotation that
	// would have looked back to it is lost.
	if err := e.st.Set(e.ctx, kvWatermark, e.srv.Now().UTC().Format(time.RFC3339Nano)); err != nil {
		t.Fatal(err)
	}
	if err := e.st.Set(e.ctx, kvRotation, "17 yesterday"); err != nil {
		t.Fatal(err)
	}
	e.advance(10 * time.Minute)
	if err := e.bot.RunOnce(e.ctx, "poll"); err != nil {
		t.Fatalf("a poll over a corrupt rotation: %v", err)
	}
	if !strings.Contains(e.logs.String(), "stored poll rotation unreadable") {
		t.Error("the corrupt rotation was not logged")
	}
	if got := e.dirty(); !slices.Equal(got, []int{bug}) {
		t.Errorf("queued: %v, want the bug whose request was cancelled before the watermark, %d", got, bug)
	}
	if _, err := loadRotation(e.ctx, e.st, time.Time{}); err != nil {
		t.Errorf("the rotation stored after the poll: %v", err)
	}
}

// track records an open request in the store alone, as analyze does once
// it has looked at the bug: the poll then tracks the bug.
func (e *e2e) track(bug, flag int) {
	e.t.Helper()
	now := e.clock.Now()
	r := store.Request{FlagID: flag, BugID: bug, Status: "?", FirstStatus: "?", FirstSeen: now, UpdatedAt: now}
	if err := e.st.SaveRequest(e.ctx, r); err != nil {
		e.t.Fatal(err)
	}
}
