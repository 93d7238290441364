package bot

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// withdrawnIn lists what the store holds as withdrawn ("X") on the bugs.
func withdrawnIn(t *testing.T, r *backfillRig, bugs []int) []store.Request {
	t.Helper()
	var out []store.Request
	for _, id := range bugs {
		reqs, err := r.e.st.RequestsOnBug(r.e.ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range reqs {
			if q.Status == "X" {
				out = append(out, q)
			}
		}
	}
	return out
}

// clearedOnFake counts, from the fake's own history, the data-review
// requests cleared with nothing set in their place within [since, until).
func clearedOnFake(r *backfillRig, since, until time.Time) int {
	n := 0
	for _, id := range r.e.srv.BugIDs() {
		for _, h := range r.e.srv.History(id) {
			if h.When.Before(since) || (!until.IsZero() && !h.When.Before(until)) {
				continue
			}
			for _, ch := range h.Changes {
				if ch.FieldName == "flagtypes.name" && strings.HasPrefix(ch.Removed, "data-review?") && ch.Added == "" {
					n++
				}
			}
		}
	}
	return n
}

func TestBackfillRecordsWithdrawnRequests(t *testing.T) {
	for _, dialect := range []bugzillatest.Dialect{bugzillatest.Upstream, bugzillatest.BMO} {
		t.Run(dialect.String(), func(t *testing.T) {
			r := newBackfillRig(t, dialect, 40)
			since := r.e.srv.Now().AddDate(0, 0, -20)
			asked := since.Add(-48 * time.Hour)
			// One request withdrawn in the window, one before it: both
			// on bugs that hold no data-review flag any more.
			f := &bugzillatest.SeedFile{}
			for i, cleared := range []time.Time{since.Add(24 * time.Hour), since.Add(-24 * time.Hour)} {
				f.Bugs = append(f.Bugs, bugzillatest.SeedBug{
					Summary: fmt.Sprintf("Withdrawn %d", i), Product: "Firefox", Component: "General",
					Creator: "dev1@example.test", Description: "A request, then second thoughts.", At: rfc3339(asked.Add(-time.Hour)),
					Attachments: []bugzillatest.SeedAttachment{{FileName: "form.md", Summary: "Data review request",
						ContentType: "text/markdown", Text: "not a form", At: rfc3339(asked),
						Flags: []bugzillatest.SeedFlag{{Name: "data-review", Status: "?", Requestee: "steward1@example.test"}}}},
					FlagUpdates: []bugzillatest.SeedFlagUpdate{{As: "dev1@example.test", At: rfc3339(cleared), Attachment: 1,
						Flags: []bugzillatest.SeedFlagChange{{Name: "data-review", Status: "X"}}}},
				})
			}
			ids, err := r.e.srv.Load(f)
			if err != nil {
				t.Fatal(err)
			}
			inside, outside := ids[0], ids[1]
			att := r.e.srv.Attachments(inside)[0].ID

			res := r.run(t, BackfillOptions{Since: since})
			got := withdrawnIn(t, r, r.e.srv.BugIDs())
			want := []store.Request{{BugID: inside, AttachmentID: att, Requestee: "steward1@example.test",
				Setter: "dev1@example.test", Status: "X", FirstStatus: "?", RequestedAt: asked,
				UpdatedAt: since.Add(24 * time.Hour)}}
			if d := cmp.Diff(got, want, cmpopts.IgnoreFields(store.Request{}, "FlagID", "FirstSeen")); d != "" {
				t.Errorf("withdrawn requests (-got +want):\n%s", d)
			}
			if len(got) == 1 && got[0].FlagID >= 0 {
				t.Errorf("withdrawn request keyed by %d: want a negative key, never a real flag's id", got[0].FlagID)
			}
			if res.Withdrawn != 1 {
				t.Errorf("progress says %d withdrawn, want 1", res.Withdrawn)
			}
			if n := len(withdrawnIn(t, r, []int{outside})); n != 0 {
				t.Errorf("%d requests recorded for the one withdrawn before the window", n)
			}
			if w := r.e.srv.Writes(); len(w) != 0 {
				t.Errorf("backfill wrote to Bugzilla: %+v", w[0])
			}

			// The whole history: the demo's withdrawn requests too, each
			// once, however many runs read them.
			r.run(t, BackfillOptions{Restart: true})
			r.run(t, BackfillOptions{Restart: true})
			all := withdrawnIn(t, r, r.e.srv.BugIDs())
			if n := clearedOnFake(r, time.Time{}, time.Time{}); len(all) != n || n < 4 {
				t.Errorf("%d withdrawn requests recorded, the fake's histories hold %d (want at least 4)", len(all), n)
			}
			if d := cmp.Diff(gotReviews(t, r.e.st), r.wantReviews(time.Time{}, time.Time{})); d != "" {
				t.Errorf("the report lists more than the answered reviews (-got +want):\n%s", d)
			}
		})
	}
}

// TestBackfillWithdrawnIsBatched: the histories come a batch of bugs a
// request, never a request per bug, and a run stopped in the pass
// resumes after the last batch recorded.
func TestBackfillWithdrawnIsBatched(t *testing.T) {
	n := 2*backfillHistoryBatch + 30
	r := newBackfillRig(t, bugzillatest.Upstream, n)
	r.e.srv.ResetRecords()
	bf, err := NewBackfill(r.e.cfg, r.e.rig.Client, r.e.st, BackfillOptions{Concurrency: 1}, WithClock(r.e.clock), WithLogger(r.e.rig.Log))
	if err != nil {
		t.Fatal(err)
	}
	// The third batch fails: the first two are recorded.
	r.e.srv.InjectFault(bugzillatest.Fault{Path: fmt.Sprintf("/rest/bug/%d/history", r.bugs[2*backfillHistoryBatch]), Status: 400})
	if _, err := bf.Run(r.e.ctx); err == nil {
		t.Fatal("the run succeeded despite the fault")
	}
	if got := r.e.srv.RequestCount("GET /rest/bug/{id}/history"); got != 3 {
		t.Errorf("%d history requests for %d bugs, want 3 (batches of %d)", got, n, backfillHistoryBatch)
	}
	r.e.srv.ClearFaults()
	r.e.srv.ResetRecords()
	res := r.run(t, BackfillOptions{})
	if got := r.e.srv.RequestCount("GET /rest/bug/{id}/history"); got != 1 {
		t.Errorf("the resumed run read %d batches of histories, want the last one only", got)
	}
	// The walk's cursor stood at its end: one search finds nothing more;
	// the search of flag changes after the last batch recorded, and the
	// empty page that ends it. The failed run's own last search, the same
	// empty page, was cancelled with it but may reach the fake after this
	// run began (a loaded machine): the searches are counted by query.
	searches := map[string]int{}
	for _, q := range r.e.srv.Requests() {
		if q.Endpoint == "GET /rest/bug" {
			searches[q.Query.Encode()]++
		}
	}
	if len(searches) != 3 {
		t.Errorf("the resumed run made %d different searches, want 3: %v", len(searches), searches)
	}
	if want := clearedOnFake(r, time.Time{}, time.Time{}); len(withdrawnIn(t, r, r.bugs)) != want || want == 0 {
		t.Errorf("%d withdrawn requests recorded (this run %d), the fake holds %d", len(withdrawnIn(t, r, r.bugs)), res.Withdrawn, want)
	}
	// A window without end is read again from its start by the next run
	// (a request withdrawn since belongs to it), the withdrawn requests'
	// pass too, and records nothing twice.
	r.e.srv.ResetRecords()
	if res := r.run(t, BackfillOptions{}); res.AlreadyDone || r.e.srv.RequestCount("GET /rest/bug/{id}/history") != 3 {
		t.Errorf("a third run: %+v, %d history reads; want the window and its pass read again (3)", res, r.e.srv.RequestCount("GET /rest/bug/{id}/history"))
	}
	if want := clearedOnFake(r, time.Time{}, time.Time{}); len(withdrawnIn(t, r, r.bugs)) != want {
		t.Errorf("after a third run: %d withdrawn requests recorded, the fake holds %d", len(withdrawnIn(t, r, r.bugs)), want)
	}
}

// TestBackfillLeavesTheDaemonsWithdrawnRequest: a request the daemon saw
// and recorded as vanished ("X", its real flag id) is not recorded again
// under the backfill's key.
func TestBackfillLeavesTheDaemonsWithdrawnRequest(t *testing.T) {
	r := newBackfillRig(t, bugzillatest.Upstream, 1)
	bug := r.e.srv.AddBug(bugzillatest.Bug{Summary: "Seen", Creator: "dev1@example.test", Product: "Firefox", Component: "General"})
	att := r.e.srv.AddAttachment(bugzillatest.Attachment{BugID: bug, Summary: "form", Data: []byte("not a form"),
		Flags: []bugzillatest.Flag{bugzillatest.DataReview("steward1@example.test")}})
	a, _ := r.e.srv.Attachment(att)
	held := store.Request{FlagID: a.Flags[0].ID, BugID: bug, AttachmentID: att, Status: "X", FirstStatus: "?",
		Requestee: "steward1@example.test", RequestedAt: a.Flags[0].CreationDate, FirstSeen: r.e.srv.Now(), UpdatedAt: r.e.srv.Now()}
	if err := r.e.st.SaveRequest(r.e.ctx, held); err != nil {
		t.Fatal(err)
	}
	r.e.advance(time.Hour)
	if err := r.e.srv.SetAttachmentFlags("dev1@example.test", att, bugzillatest.FlagChange{ID: a.Flags[0].ID, Status: "X"}); err != nil {
		t.Fatal(err)
	}
	r.run(t, BackfillOptions{})
	got := withdrawnIn(t, r, []int{bug})
	if d := cmp.Diff(got, []store.Request{held}); d != "" {
		t.Errorf("requests on the bug (-got +want):\n%s", d)
	}
}

func TestWithdrawnRequestsReadsTheHistory(t *testing.T) {
	t0 := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	ch := func(att int, removed, added string) bugzilla.Change {
		return bugzilla.Change{FieldName: "flagtypes.name", AttachmentID: att, Removed: removed, Added: added}
	}
	hist := []bugzilla.HistoryEntry{
		{When: at(0), Who: "dev", Changes: []bugzilla.Change{ch(1, "", "data-review?(s1@x), feedback?(f@x)")}},
		{When: at(1), Who: "dev", Changes: []bugzilla.Change{ch(1, "data-review?(s1@x)", "data-review?(s2@x)")}}, // moved
		{When: at(2), Who: "dev", Changes: []bugzilla.Change{ch(1, "data-review?(s2@x), feedback?(f@x)", "")}},   // withdrawn
		{When: at(3), Who: "dev", Changes: []bugzilla.Change{ch(2, "", "data-review?")}},
		{When: at(4), Who: "s1", Changes: []bugzilla.Change{ch(2, "data-review?", "data-review+")}},  // answered
		{When: at(5), Who: "dev", Changes: []bugzilla.Change{ch(0, "data-review?(s1@x)", "")}},       // a bug flag
		{When: at(6), Who: "dev", Changes: []bugzilla.Change{ch(3, "data-review-extra?(s1@x)", "")}}, // another flag
		{When: at(7), Who: "dev", Changes: []bugzilla.Change{{FieldName: "cc", Removed: "data-review?"}}},
		{When: at(8), Who: "bot", Changes: []bugzilla.Change{ch(4, "data-review?(s3@x)", "")}}, // asked before the history
		{When: at(9), Who: "dev", Changes: []bugzilla.Change{ch(1, "", "data-review?(s1@x)")}},
		{When: at(10), Who: "dev", Changes: []bugzilla.Change{ch(1, "data-review?(s1@x)", "")}},
	}
	got := withdrawnRequests(hist, "data-review")
	want := []withdrawnRequest{
		{attachment: 1, requestee: "s2@x", requestedAt: at(1), withdrawnAt: at(2), by: "dev"},
		{attachment: 4, requestee: "s3@x", requestedAt: at(8), withdrawnAt: at(8), by: "bot"},
		{attachment: 1, requestee: "s1@x", requestedAt: at(9), withdrawnAt: at(10), by: "dev", nth: 1},
	}
	if d := cmp.Diff(got, want, cmp.AllowUnexported(withdrawnRequest{})); d != "" {
		t.Errorf("withdrawn (-got +want):\n%s", d)
	}
	if withdrawnFlagID(want[0]) == withdrawnFlagID(want[2]) || withdrawnFlagID(want[0]) >= 0 {
		t.Errorf("keys %d and %d: want distinct negative keys", withdrawnFlagID(want[0]), withdrawnFlagID(want[2]))
	}
}

// TestBackfillWithdrawnAfterAnOlderRun: a window an earlier version read
// to its end, without the withdrawn pass, gets the pass on the next run,
// and only then says it is done.
func TestBackfillWithdrawnAfterAnOlderRun(t *testing.T) {
	r := newBackfillRig(t, bugzillatest.BMO, 60)
	bf, err := NewBackfill(r.e.cfg, r.e.rig.Client, r.e.st, BackfillOptions{}, WithClock(r.e.clock), WithLogger(r.e.rig.Log))
	if err != nil {
		t.Fatal(err)
	}
	// What an older version left: the walk's cursor done, no pass cursor.
	if err := r.e.st.Set(r.e.ctx, bf.key, backfillDone); err != nil {
		t.Fatal(err)
	}
	r.e.srv.ResetRecords()
	res := r.run(t, BackfillOptions{})
	want := clearedOnFake(r, time.Time{}, time.Time{})
	if res.AlreadyDone || res.Withdrawn != int64(want) || want == 0 {
		t.Errorf("%+v: want the %d withdrawn requests read, not already done", res, want)
	}
	if got := r.e.srv.RequestCount("GET /rest/bug/{id}/attachment"); got != 0 {
		t.Errorf("the walk was read again: %d attachment reads", got)
	}
	if res := r.run(t, BackfillOptions{}); !res.AlreadyDone {
		t.Errorf("the next run: %+v, want already done", res)
	}
}

// FuzzFlagItems: any history value reads without a panic, as flags of the
// name with a status of "?", "+" or "-", and a value made of such flags
// reads back as written.
func FuzzFlagItems(f *testing.F) {
	for _, s := range []string{"", "data-review?(s1@x), feedback?(f@x)", "data-review+", "data-review-extra?(a)",
		"data-review?(", "data-review?()", ",,data-review-, data-review?"} {
		f.Add(s, "s1@example.test")
	}
	f.Fuzz(func(t *testing.T, value, who string) {
		for _, it := range flagItems(value, "data-review") {
			if !strings.Contains("?+-", it.status) || len(it.status) != 1 {
				t.Fatalf("%q: status %q", value, it.status)
			}
		}
		if strings.ContainsAny(who, ",()") || strings.TrimSpace(who) != who {
			return
		}
		got := flagItems("data-review?("+who+"), other+, data-review+", "data-review")
		want := []flagItem{{status: "?", requestee: who}, {status: "+"}}
		if who == "" {
			want[0].requestee = ""
		}
		if d := cmp.Diff(got, want, cmp.AllowUnexported(flagItem{})); d != "" {
			t.Fatalf("(-got +want):\n%s", d)
		}
	})
}
