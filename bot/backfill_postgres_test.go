package bot

import (
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stewardbot/stewardbot/bot/demo"
	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bot/store/storetest"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// TestBackfillBesideTheDaemonOnPostgres: a backfill runs while the daemon
// (the leader of a PostgreSQL store) cycles over the same store and
// Bugzilla. Every past review is recorded, the daemon posts one analysis
// per open request as without a backfill, and the backfill writes nothing.
func TestBackfillBesideTheDaemonOnPostgres(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	e := newE2E(t, bugzillatest.BMO, nil)
	// Answered over 30 days ago and expiring in none of the next 60: the
	// daemon owes them no review check and no expiry reminder.
	past := demo.Past{N: 600, Seed: 3, From: e.srv.Now().AddDate(-4, 0, 0), To: e.srv.Now().AddDate(0, 0, -40),
		Quiet: e.srv.Now().AddDate(0, 0, 60)}
	if _, err := demo.SeedPast(e.srv, past); err != nil {
		t.Fatal(err)
	}
	form, err := os.ReadFile("demo/forms/clean-12q.md")
	if err != nil {
		t.Fatal(err)
	}
	var open []int
	for _, s := range []string{"Count onboarding", "Count tabs", "Count downloads"} {
		bug, _ := e.request(s, string(form), false, "steward1@example.test")
		open = append(open, bug)
	}
	daemon := newReplica(t, e, dsn, func() {})
	st, err := store.Open(e.ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	client, err := e.rig.NewClient()
	if err != nil {
		t.Fatal(err)
	}
	bf, err := NewBackfill(e.cfg, client, st, BackfillOptions{}, WithClock(e.clock), WithLogger(e.rig.Log))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := bf.Run(e.ctx)
		done <- err
	}()
	running := true
	for cycles := 0; running || cycles < 3; cycles++ {
		if err := daemon.bot.RunOnce(e.ctx, ""); err != nil {
			t.Fatalf("daemon cycle: %v", err)
		}
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("backfill: %v", err)
			}
			running = false
		case <-time.After(10 * time.Millisecond):
		}
	}
	want := map[int]string{}
	for _, id := range e.srv.BugIDs() {
		for _, a := range e.srv.Attachments(id) {
			for _, f := range a.Flags {
				if f.Status == "+" || f.Status == "-" {
					want[f.ID] = f.Status
				}
			}
		}
	}
	if d := cmp.Diff(gotReviews(t, st), want); d != "" {
		t.Errorf("reviewed collections (-got +want):\n%s", d)
	}
	for _, bug := range open {
		if n := len(e.botComments(bug)); n != 1 {
			t.Errorf("bug %d: %d bot comments, want the one analysis", bug, n)
		}
	}
	for _, w := range e.srv.Writes() {
		if w.Endpoint != "POST /rest/bug/{id}/comment" {
			t.Errorf("a write other than the daemon's analyses: %s %s", w.Method, w.Path)
		}
	}
	if n := len(e.srv.Writes()); n != len(open) {
		t.Errorf("%d writes, want the %d analyses", n, len(open))
	}
}
