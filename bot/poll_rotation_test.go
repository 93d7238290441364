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

// TestFeedPollResetsRotation: on BMO a poll that reads the whole feed has
// seen every removed flag, so it records every tracked bug as checked: a
// later poll by search (the feed's page full) looks back to it, not to a
// round begun long before.
func TestFeedPollResetsRotation(t *testing.T) {
	e := newE2E(t, bugzillatest.BMO, nil)
	e.mustCycle() // start and sweep
	stale := rotation{after: 7, start: e.clock.Now().Add(-30 * 24 * time.Hour), prev: e.clock.Now().Add(-31 * 24 * time.Hour)}
	if err := e.st.Set(e.ctx, kvRotation, stale.String()); err != nil {
		t.Fatal(err)
	}
	e.advance(10 * time.Minute)
	if err := e.bot.RunOnce(e.ctx, "poll"); err != nil {
		t.Fatal(err)
	}
	r, err := loadRotation(e.ctx, e.st, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if r.after != 0 || r.prev.Before(e.srv.Now().Add(-time.Minute)) {
		t.Errorf("rotation after a feed poll = %+v, want a new round looking back to the poll (%s)", r, e.srv.Now())
	}
}

// TestFullFeedPageChecksEveryTrackedBug: on BMO a full page of the flag
// activity feed may hide a removed flag, and the poll moves its watermark
// past it. Its search instead asks for every tracked bug, not one chunk of
// the rotation: a flag removed on a bug beyond the first chunk is seen in
// that poll, and the next round looks back to it.
func TestFullFeedPageChecksEveryTrackedBug(t *testing.T) {
	const page = 5
	e := newE2E(t, bugzillatest.BMO, func(c *Config) { c.Poll.PageSize = page })
	poll := func() {
		t.Helper()
		if err := e.bot.RunOnce(e.ctx, "poll"); err != nil {
			t.Fatal(err)
		}
	}
	e.mustCycle() // start and sweep: nothing open yet
	track := func(bug, flag int) { t.Helper(); e.track(bug, flag) }
	var tracked []int
	for i := range trackedPerSearch + 19 {
		bug := e.srv.AddBug(bugzillatest.Bug{Summary: "b", Creator: "dev1@example.test"})
		track(bug, 10000+i)
		tracked = append(tracked, bug)
	}
	// More flag changes today than a feed page holds; the last request is
	// tracked, after the first chunk.
	var cancelled, att int
	for i := range page + 1 {
		cancelled, att = e.request(fmt.Sprintf("Request %d", i), "form", false, steward1)
	}
	flag := e.flagOf(att).ID
	track(cancelled, flag)
	tracked = append(tracked, cancelled)
	if i, _ := slices.BinarySearch(tracked, cancelled); i < trackedPerSearch {
		t.Fatalf("the cancelled request's bug is tracked at %d, want beyond the first chunk", i)
	}
	e.advance(10 * time.Minute)
	poll()
	for q := e.dirty(); len(q) > 0; q = e.dirty() { // as analyze would, having looked at each
		for _, bug := range q {
			if err := e.st.ClearDirty(e.ctx, bug); err != nil {
				t.Fatal(err)
			}
		}
	}
	// As a poll that read the whole feed leaves it (checkChanged): a new
	// round.
	if err := e.st.Set(e.ctx, kvRotation, rotation{start: e.srv.Now(), prev: e.srv.Now()}.String()); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.SetAttachmentFlags("dev1@example.test", att, bugzillatest.FlagChange{ID: flag, Status: "X"}); err != nil {
		t.Fatal(err)
	}
	e.advance(10 * time.Minute) // past the overlap
	e.srv.ResetRecords()
	poll()
	if !strings.Contains(e.logs.String(), "flag activity page full") {
		t.Fatal("the feed's page was not full")
	}
	if got := e.dirty(); !slices.Equal(got, []int{cancelled}) {
		t.Errorf("queued after a poll with a full feed page: %v, want the bug whose request was cancelled, %d", got, cancelled)
	}
	r, err := loadRotation(e.ctx, e.st, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if r.after != 0 || !r.prev.Equal(r.start) || r.prev.Before(e.srv.Now().Add(-time.Minute)) {
		t.Errorf("rotation after checking every tracked bug = %+v, want a new round looking back to the poll (%s)", r, e.srv.Now())
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
