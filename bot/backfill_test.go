package bot

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stewardbot/stewardbot/bot/demo"
	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// backfillRig is a fake Bugzilla holding n past reviews (the demo's
// generator) and a store, with a backfill built per run.
type backfillRig struct {
	e    *e2e
	past demo.Past
	bugs []int
}

func newBackfillRig(t *testing.T, dialect bugzillatest.Dialect, n int) *backfillRig {
	t.Helper()
	e := newE2E(t, dialect, nil)
	p := demo.Past{N: n, Seed: 7, From: e.srv.Now().AddDate(-5, 0, 0), To: e.srv.Now()}
	ids, err := demo.SeedPast(e.srv, p)
	if err != nil {
		t.Fatal(err)
	}
	return &backfillRig{e: e, past: p, bugs: ids}
}

func (r *backfillRig) run(t *testing.T, o BackfillOptions) BackfillResult {
	t.Helper()
	bf, err := NewBackfill(r.e.cfg, r.e.rig.Client, r.e.st, o, WithClock(r.e.clock), WithLogger(r.e.rig.Log))
	if err != nil {
		t.Fatal(err)
	}
	res, err := bf.Run(r.e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// wantReviews lists, from the fake itself, every answered data-review flag
// in [since, until) (zero: open): flag id → status.
func (r *backfillRig) wantReviews(since, until time.Time) map[int]string {
	want := map[int]string{}
	for _, id := range r.e.srv.BugIDs() {
		for _, a := range r.e.srv.Attachments(id) {
			for _, f := range a.Flags {
				t := f.ModificationDate
				if f.Name != "data-review" || (f.Status != "+" && f.Status != "-") ||
					(!since.IsZero() && t.Before(since)) || (!until.IsZero() && !t.Before(until)) {
					continue
				}
				want[f.ID] = f.Status
			}
		}
	}
	return want
}

// gotReviews lists what the report would: flag id → status.
func gotReviews(t *testing.T, st store.Store) map[int]string {
	t.Helper()
	rows, err := st.ReviewedCollections(context.Background(), store.CollectionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[int]string{}
	for _, r := range rows {
		got[r.FlagID] = r.Status
	}
	return got
}

func TestBackfillRecordsEveryPastReview(t *testing.T) {
	for _, dialect := range []bugzillatest.Dialect{bugzillatest.Upstream, bugzillatest.BMO} {
		t.Run(dialect.String(), func(t *testing.T) {
			r := newBackfillRig(t, dialect, 120)
			res := r.run(t, BackfillOptions{})
			want := r.wantReviews(time.Time{}, time.Time{})
			if len(want) != 120 {
				t.Fatalf("the fake holds %d answered flags, want 120", len(want))
			}
			if d := cmp.Diff(gotReviews(t, r.e.st), want); d != "" {
				t.Errorf("reviewed collections (-got +want):\n%s", d)
			}
			if res.Flags != 120 || res.BugsFound != 120 || !res.SearchDone {
				t.Errorf("progress %+v: want 120 flags of 120 bugs, search done", res.BackfillProgress)
			}
			if res.Reviews == 0 || res.Reviews == res.Flags {
				t.Errorf("%d review forms recorded of %d flags; the generator pastes about half", res.Reviews, res.Flags)
			}
			if w := r.e.srv.Writes(); len(w) != 0 {
				t.Errorf("backfill wrote to Bugzilla: %+v", w[0])
			}
		})
	}
}

func TestBackfillRecordsDecisionTimePrivacyAndReview(t *testing.T) {
	r := newBackfillRig(t, bugzillatest.Upstream, 60)
	r.run(t, BackfillOptions{})
	rows, err := r.e.st.ReviewedCollections(r.e.ctx, store.CollectionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var privateBug, privateForm, reviewed bool
	for _, row := range rows {
		f, ok := r.e.srv.Flag(row.FlagID)
		if !ok {
			t.Fatalf("flag %d not on the fake", row.FlagID)
		}
		if !row.DecidedAt.Equal(f.ModificationDate) {
			t.Errorf("flag %d decided at %s, want the flag's change %s", row.FlagID, row.DecidedAt, f.ModificationDate)
		}
		if row.Steward != f.Setter {
			t.Errorf("flag %d steward %q, want %q", row.FlagID, row.Steward, f.Setter)
		}
		bug, _ := r.e.srv.Bug(row.BugID)
		if row.BugPrivate != (len(bug.Groups) > 0) {
			t.Errorf("bug %d private %v, groups %v", row.BugID, row.BugPrivate, bug.Groups)
		}
		privateBug = privateBug || row.BugPrivate
		if row.AttachmentID != 0 {
			a, _ := r.e.srv.Attachment(row.AttachmentID)
			if row.Collection.Private != a.IsPrivate {
				t.Errorf("form %s private %v, attachment %v", row.FormKey, row.Collection.Private, a.IsPrivate)
			}
			privateForm = privateForm || a.IsPrivate
		}
		if rf, err := r.e.st.ReviewForm(r.e.ctx, row.FlagID); err == nil {
			reviewed = true
			if want := map[string]string{"+": "data-review+", "-": "data-review-"}[row.Status]; rf.Result != want {
				t.Errorf("flag %d (%s): review form says %q", row.FlagID, row.Status, rf.Result)
			}
		}
	}
	if !privateBug || !privateForm || !reviewed {
		t.Errorf("the sample lacks a case: private bug %v, private form %v, review form %v", privateBug, privateForm, reviewed)
	}
}

func TestBackfillWindowAndProduct(t *testing.T) {
	r := newBackfillRig(t, bugzillatest.Upstream, 80)
	since := r.past.From.AddDate(1, 0, 0)
	until := since.AddDate(2, 0, 0)
	// A bug answered before the window and commented on within it: the
	// search finds it (it changed in the window), its flag is not.
	commented := 0
	for _, id := range r.bugs {
		b, _ := r.e.srv.Bug(id)
		if f := r.e.srv.Attachments(id)[0].Flags[0]; b.Product == "Toolkit" && f.ModificationDate.Before(since) {
			r.e.srv.AddComment(bugzillatest.Comment{BugID: id, Creator: "dev1@example.test", Text: "Shipped.", Time: since.AddDate(0, 1, 0)})
			commented = id
			break
		}
	}
	if commented == 0 {
		t.Fatal("no Toolkit bug answered before the window")
	}
	r.run(t, BackfillOptions{Since: since, Until: until, Product: "Toolkit"})
	want := map[int]string{}
	for id, st := range r.wantReviews(since, until) {
		f, _ := r.e.srv.Flag(id)
		if b, _ := r.e.srv.Bug(f.BugID); b.Product == "Toolkit" {
			want[id] = st
		}
	}
	if len(want) == 0 {
		t.Fatal("no review in the window: widen it")
	}
	if d := cmp.Diff(gotReviews(t, r.e.st), want); d != "" {
		t.Errorf("reviewed collections (-got +want):\n%s", d)
	}
}

func TestBackfillResumesAfterTheLastChunk(t *testing.T) {
	r := newBackfillRig(t, bugzillatest.Upstream, 2*backfillChunk+10)
	// A window with an end, which a run read to it leaves done.
	until := r.e.srv.Now().AddDate(0, 0, 1)
	// A first run that fails on the third chunk's attachments: the first
	// two are recorded, the cursor stands after them.
	r.e.srv.InjectFault(bugzillatest.Fault{Path: fmt.Sprintf("/rest/bug/%d/attachment", r.bugs[2*backfillChunk]), Status: 400})
	bf, err := NewBackfill(r.e.cfg, r.e.rig.Client, r.e.st, BackfillOptions{Until: until, Concurrency: 1}, WithClock(r.e.clock), WithLogger(r.e.rig.Log))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bf.Run(r.e.ctx); err == nil {
		t.Fatal("the first run succeeded despite the fault")
	}
	r.e.srv.ClearFaults()
	r.e.srv.ResetRecords()
	res := r.run(t, BackfillOptions{Until: until})
	if want := r.bugs[2*backfillChunk-1]; res.ResumedAfter != want {
		t.Errorf("resumed after bug %d, want %d", res.ResumedAfter, want)
	}
	if got := r.e.srv.RequestCount("GET /rest/bug/{id}/attachment"); got != 1 {
		t.Errorf("the second run read attachments %d times, want once (the last chunk)", got)
	}
	if d := cmp.Diff(gotReviews(t, r.e.st), r.wantReviews(time.Time{}, time.Time{})); d != "" {
		t.Errorf("reviewed collections (-got +want):\n%s", d)
	}
	// A third run finds the window done and sends nothing but its login.
	r.e.srv.ResetRecords()
	if res := r.run(t, BackfillOptions{Until: until}); !res.AlreadyDone {
		t.Errorf("third run: %+v, want already done", res)
	}
	if got := r.e.srv.RequestCount("GET /rest/bug"); got != 0 {
		t.Errorf("the third run searched %d times", got)
	}
	// --restart reads the window again; a restart that stops before its
	// first chunk leaves the window to be read again, not done.
	r.e.srv.InjectFault(bugzillatest.Fault{Path: fmt.Sprintf("/rest/bug/%d/attachment", r.bugs[0]), Status: 400})
	bf, err = NewBackfill(r.e.cfg, r.e.rig.Client, r.e.st, BackfillOptions{Until: until, Restart: true, Concurrency: 1}, WithClock(r.e.clock), WithLogger(r.e.rig.Log))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bf.Run(r.e.ctx); err == nil {
		t.Fatal("the restart succeeded despite the fault")
	}
	r.e.srv.ClearFaults()
	if res := r.run(t, BackfillOptions{Until: until}); res.AlreadyDone || res.Answered != int64(len(r.bugs)) {
		t.Errorf("after a failed restart: %+v, want the window read again", res)
	}
}

func TestBackfillLeavesTheDaemonsOpenRequests(t *testing.T) {
	r := newBackfillRig(t, bugzillatest.Upstream, 3)
	bug := r.e.srv.AddBug(bugzillatest.Bug{Summary: "Open", Creator: "dev1@example.test", Product: "Firefox", Component: "General"})
	att := r.e.srv.AddAttachment(bugzillatest.Attachment{BugID: bug, Summary: "form", Data: []byte("not a form"),
		Flags: []bugzillatest.Flag{bugzillatest.DataReview("steward1@example.test")}})
	a, _ := r.e.srv.Attachment(att)
	held := store.Request{FlagID: a.Flags[0].ID, BugID: bug, AttachmentID: att, Status: "?", FirstStatus: "?",
		Requestee: "steward1@example.test", FormKey: "comment:1", FormRev: "abc",
		RequestedAt: r.e.srv.Now(), FirstSeen: r.e.srv.Now(), UpdatedAt: r.e.srv.Now()}
	if err := r.e.st.SaveRequest(r.e.ctx, held); err != nil {
		t.Fatal(err)
	}
	r.run(t, BackfillOptions{})
	got, err := r.e.st.Request(r.e.ctx, held.FlagID)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(got, held); d != "" {
		t.Errorf("the daemon's open request changed (-got +want):\n%s", d)
	}
}

// TestBackfillWaitsOutARateLimit: a 429 parks the backfill (and, through
// the store, a daemon on it); it waits the park out and finishes. (The
// client sends nothing while parked: bugzilla's ratelimit tests.)
func TestBackfillWaitsOutARateLimit(t *testing.T) {
	r := newBackfillRig(t, bugzillatest.BMO, 300)
	r.e.srv.InjectFault(bugzillatest.Fault{Path: "/rest/bug/*/comment", Status: 429, RetryAfter: time.Second, Times: 1})
	stop := make(chan struct{})
	defer close(stop)
	go func() { // the clocks move while the backfill waits
		for {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
				r.e.advance(time.Second)
			}
		}
	}()
	res := r.run(t, BackfillOptions{})
	if res.Answered != 300 {
		t.Errorf("%d answered flags recorded, want 300", res.Answered)
	}
	if _, err := r.e.st.Get(r.e.ctx, kvParkedUntil); err != nil {
		t.Errorf("the park is not in the store (a daemon would not wait): %v", err)
	}
	limited := false
	for _, q := range r.e.srv.Requests() {
		limited = limited || q.Status == 429
	}
	if !limited {
		t.Error("the 429 never came")
	}
}

// stewardReview is a steward's Data Review Form with result ("data-review+"
// or "data-review-").
func stewardReview(result string) string {
	return "# Data Review Form\n\n" +
		"1) Is there or will there be **documentation** that describes the schema for the ultimate data set in a public, complete, and accurate way?\n\nYes.\n\n" +
		"2) Is there a control mechanism that allows the user to turn the data collection on and off?\n\nYes, the telemetry preference.\n\n" +
		"3) If the request is for permanent data collection, is there someone who will monitor the data over time?\n\nNot permanent.\n\n" +
		"4) Using the **[category system of data types](https://wiki.mozilla.org/Data_Collection)** on the Mozilla wiki, what collection type of data do the requested measurements fall under?\n\nCategory 1.\n\n" +
		"5) Is the data collection request for default-on or default-off?\n\nDefault-on.\n\n" +
		"6) Does the instrumentation include the addition of **any *new* identifiers**?\n\nNo.\n\n" +
		"7) Is the data collection covered by the existing Firefox privacy notice?\n\nYes.\n\n" +
		"8) Does the data collection use a third-party collection tool?\n\nNo.\n\n" +
		"---\nResult: " + result + "\n"
}

// measurementsOf lists the measurements recorded for each answered flag.
func measurementsOf(t *testing.T, st store.Store) map[int][]string {
	t.Helper()
	rows, err := st.ReviewedCollections(context.Background(), store.CollectionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[int][]string{}
	for _, r := range rows {
		got[r.FlagID] = append(got[r.FlagID], r.Measurement)
	}
	return got
}

// TestBackfillRecordsEachRequestWithItsOwnForm: a bug reviewed twice, years
// apart, each time with a form pasted in a comment and a review form; and a
// form attachment granted, then replaced by a new version. Each request is
// recorded with the form and the review of its time, not the bug's newest.
func TestBackfillRecordsEachRequestWithItsOwnForm(t *testing.T) {
	for _, dialect := range []bugzillatest.Dialect{bugzillatest.Upstream, bugzillatest.BMO} {
		t.Run(dialect.String(), func(t *testing.T) {
			e := newE2E(t, dialect, nil)
			const dev, steward = "dev1@example.test", "steward1@example.test"
			bug := e.srv.AddBug(bugzillatest.Bug{Summary: "Reviewed twice", Creator: dev, Product: "Firefox", Component: "General"})
			var flags, reviews []int
			for _, metric := range []string{"alpha.uses", "beta.uses"} {
				att := e.srv.AddAttachment(bugzillatest.Attachment{BugID: bug, Summary: "patch", Creator: dev, IsPatch: true,
					Data: []byte("diff --git a/x b/x\n"), Flags: []bugzillatest.Flag{bugzillatest.DataReview(steward)}})
				e.srv.AddComment(bugzillatest.Comment{BugID: bug, Creator: dev, Text: formWith(t, metric+" 1")})
				e.advance(24 * time.Hour)
				if err := e.srv.SetAttachmentFlags(steward, att, bugzillatest.FlagChange{Name: "data-review", Status: "+"}); err != nil {
					t.Fatal(err)
				}
				reviews = append(reviews, e.srv.AddComment(bugzillatest.Comment{BugID: bug, Creator: steward, Text: stewardReview("data-review+")}))
				a, _ := e.srv.Attachment(att)
				flags = append(flags, a.Flags[0].ID)
				e.advance(3 * 365 * 24 * time.Hour)
			}
			// A form attached and granted, then replaced by a new version.
			v1 := e.addForm(bug, formWith(t, "gamma.uses 1"), false, true)
			e.advance(24 * time.Hour)
			if err := e.srv.SetAttachmentFlags(steward, v1, bugzillatest.FlagChange{Name: "data-review", Status: "+"}); err != nil {
				t.Fatal(err)
			}
			a, _ := e.srv.Attachment(v1)
			flags = append(flags, a.Flags[0].ID)
			e.advance(30 * 24 * time.Hour)
			e.addForm(bug, formWith(t, "delta.uses 1"), false, false)
			e.srv.ObsoleteAttachment(v1)

			bf, err := NewBackfill(e.cfg, e.rig.Client, e.st, BackfillOptions{}, WithClock(e.clock), WithLogger(e.rig.Log))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := bf.Run(e.ctx); err != nil {
				t.Fatal(err)
			}
			want := map[int][]string{flags[0]: {"alpha.uses"}, flags[1]: {"beta.uses"}, flags[2]: {"gamma.uses"}}
			if d := cmp.Diff(measurementsOf(t, e.st), want); d != "" {
				t.Errorf("measurements by flag (-got +want):\n%s", d)
			}
			for i, flag := range flags[:2] {
				rf, err := e.st.ReviewForm(e.ctx, flag)
				if err != nil {
					t.Fatalf("flag %d: %v", flag, err)
				}
				if want := fmt.Sprintf("comment:%d", reviews[i]); rf.FormKey != want {
					t.Errorf("flag %d: review form %s, want %s", flag, rf.FormKey, want)
				}
			}
		})
	}
}

// TestBackfillRecordsTheAnswerOfItsOwnOpenRecord: a request open when a
// backfill ran, answered since: the next run records it answered (an open
// request is left alone only while Bugzilla still says it is open).
func TestBackfillRecordsTheAnswerOfItsOwnOpenRecord(t *testing.T) {
	e := newE2E(t, bugzillatest.Upstream, nil)
	bug := e.newBug("Open, then granted")
	att := e.addForm(bug, formWith(t, "alpha.uses 1"), false, true)
	a, _ := e.srv.Attachment(att)
	flag := a.Flags[0].ID
	run := func(o BackfillOptions) {
		t.Helper()
		bf, err := NewBackfill(e.cfg, e.rig.Client, e.st, o, WithClock(e.clock), WithLogger(e.rig.Log))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := bf.Run(e.ctx); err != nil {
			t.Fatal(err)
		}
	}
	run(BackfillOptions{})
	if r, err := e.st.Request(e.ctx, flag); err != nil || r.Status != "?" {
		t.Fatalf("after the first run: %+v, %v; want the open request recorded", r, err)
	}
	e.advance(24 * time.Hour)
	if err := e.srv.SetAttachmentFlags(steward1, att, bugzillatest.FlagChange{Name: "data-review", Status: "+"}); err != nil {
		t.Fatal(err)
	}
	run(BackfillOptions{Restart: true})
	if d := cmp.Diff(gotReviews(t, e.st), map[int]string{flag: "+"}); d != "" {
		t.Errorf("reviewed collections (-got +want):\n%s", d)
	}
}

// TestBackfillPagesPastAServersLowerSearchLimit: a server whose
// max_search_results is below the page the backfill asks for answers short
// pages; the walk goes on to the end, not stopping at the first.
func TestBackfillPagesPastAServersLowerSearchLimit(t *testing.T) {
	r := newBackfillRig(t, bugzillatest.Upstream, 20)
	r.e.srv.SetMaxSearchResults(7)
	res := r.run(t, BackfillOptions{})
	if d := cmp.Diff(gotReviews(t, r.e.st), r.wantReviews(time.Time{}, time.Time{})); d != "" {
		t.Errorf("reviewed collections (-got +want):\n%s", d)
	}
	// 7, 7, 6, then the empty page that ends the walk; the same again
	// for the withdrawn requests' search of flag changes (the 20 bugs).
	if got := r.e.srv.RequestCount("GET /rest/bug"); res.BugsFound != 20 || got != 8 {
		t.Errorf("%d bugs found in %d searches, want 20 in 4 + 4", res.BugsFound, got)
	}
}

// TestBackfillReadsAWindowWithoutEndAgain: without --until, a finished run
// leaves the window to be read again, so that a review answered since on a
// bug below the last one read is recorded by the next run.
func TestBackfillReadsAWindowWithoutEndAgain(t *testing.T) {
	r := newBackfillRig(t, bugzillatest.Upstream, 5)
	r.run(t, BackfillOptions{})
	r.e.advance(365 * 24 * time.Hour)
	att := r.e.addForm(r.bugs[0], formWith(t, "alpha.uses 1"), false, true)
	if err := r.e.srv.SetAttachmentFlags(steward1, att, bugzillatest.FlagChange{Name: "data-review", Status: "+"}); err != nil {
		t.Fatal(err)
	}
	res := r.run(t, BackfillOptions{})
	if res.AlreadyDone || res.ResumedAfter != 0 {
		t.Errorf("second run: %+v, want the window read again from the start", res)
	}
	if d := cmp.Diff(gotReviews(t, r.e.st), r.wantReviews(time.Time{}, time.Time{})); d != "" {
		t.Errorf("reviewed collections (-got +want):\n%s", d)
	}
}
