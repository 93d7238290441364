package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bot/store/storetest"
)

// TestPostgresConcurrentOpen starts several processes' worth of stores on
// one empty schema at once: the migration lock lets one migrate and the
// others find the schema done.
func TestPostgresConcurrentOpen(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	ctx := context.Background()
	const n = 4
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			s, err := Open(ctx, dsn)
			if err == nil {
				s.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Open #%d: %v", i, err)
		}
	}
	ms, err := loadMigrations(migrations)
	if err != nil {
		t.Fatal(err)
	}
	db := rawPostgres(t, dsn)
	var rows, max int
	if err := db.QueryRow(`SELECT COUNT(*), MAX(version) FROM schema_version`).Scan(&rows, &max); err != nil {
		t.Fatal(err)
	}
	if last := ms[len(ms)-1].version; rows != len(ms) || max != last {
		t.Errorf("schema_version: %d rows up to %d, want %d up to %d (each migration once)", rows, max, len(ms), last)
	}
}

func TestPostgresReopenKeepsData(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	ctx := context.Background()
	s, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Set(ctx, "k", "v"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = openPostgres(t, dsn)
	if v, err := s.Get(ctx, "k"); err != nil || v != "v" {
		t.Errorf("after reopen Get = %q, %v", v, err)
	}
}

// TestPostgresLargeIDs checks that ids past 32 bits survive: PostgreSQL's
// INTEGER is 32-bit, so the id columns are BIGINT.
func TestPostgresLargeIDs(t *testing.T) { forEachBackend(t, testLargeIDs) }

func testLargeIDs(t *testing.T, s Store) {
	ctx := context.Background()
	const big = 1<<40 + 7
	r := Request{FlagID: big, BugID: big + 1, AttachmentID: big + 2, Status: "?", FirstSeen: t0, UpdatedAt: t0}
	if err := s.SaveRequest(ctx, r); err != nil {
		t.Fatal(err)
	}
	got, err := s.Request(ctx, big)
	if err != nil {
		t.Fatal(err)
	}
	if got.BugID != big+1 || got.AttachmentID != big+2 {
		t.Errorf("Request = %+v, want bug %d attachment %d", got, big+1, big+2)
	}
	a := Action{Key: "k", Kind: "analysis", BugID: big, CommentID: big, Status: ActionDone, UpdatedAt: t0}
	if err := s.RecordAction(ctx, a); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Action(ctx, "k"); err != nil || got.CommentID != big {
		t.Errorf("Action = %+v, %v; want comment %d", got, err, big)
	}
}

func TestPostgresNoSchema(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	dsn = strings.Replace(dsn, "search_path=stewardbot_test_", "search_path=missing_", 1)
	s, err := Open(context.Background(), dsn)
	if err == nil {
		s.Close()
		t.Fatal("Open with a search_path naming no schema succeeded")
	}
	if !errors.Is(err, errNoSchema) {
		t.Errorf("err = %v, want errNoSchema", err)
	}
}

func TestPostgresDSNNotLeaked(t *testing.T) {
	_, err := Open(context.Background(), "postgres://user:s3cret@[::1/db")
	if err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("err = %v, want an error without the password", err)
	}
}

// leaderOf returns a new Leader on the store dsn names, closed at cleanup,
// with the background check every interval.
func leaderOf(t *testing.T, dsn string, every time.Duration) *pgLeader {
	t.Helper()
	s := openPostgres(t, dsn)
	ls, ok := s.(LeaderStore)
	if !ok {
		t.Fatalf("%T is not a LeaderStore", s)
	}
	l := ls.Leader().(*pgLeader)
	l.every = every
	t.Cleanup(func() { l.Close() })
	return l
}

func tryLead(t *testing.T, l Leader) (Lease, bool) {
	t.Helper()
	lease, ok, err := l.TryLead(context.Background())
	if err != nil {
		t.Fatalf("TryLead: %v", err)
	}
	return lease, ok
}

func TestLeaderExactlyOneLeads(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	a, b := leaderOf(t, dsn, time.Hour), leaderOf(t, dsn, time.Hour)
	la, okA := tryLead(t, a)
	_, okB := tryLead(t, b)
	if !okA || okB {
		t.Fatalf("leading: a %v, b %v; want only a", okA, okB)
	}
	// The lead is sticky: asking again returns the same lease.
	if again, ok := tryLead(t, a); !ok || again != la {
		t.Errorf("a's second TryLead = %v, %v; want its lease again", again, ok)
	}
	if _, ok := tryLead(t, b); ok {
		t.Errorf("b leads while a holds the lease")
	}
	if err := la.Check(context.Background()); err != nil {
		t.Errorf("Check of a held lease: %v", err)
	}
	// Closing the leader frees the lead for the other.
	a.Close()
	if err := la.Err(); !errors.Is(err, ErrLeaseLost) {
		t.Errorf("lease Err after Close = %v, want ErrLeaseLost", err)
	}
	if _, ok := tryLead(t, b); !ok {
		t.Errorf("b cannot lead after a closed")
	}
}

// TestLeaderConnectionTerminated: when the server ends the leader's
// session, its next check fails, the lease is lost (Done closes) and the
// other replica takes over.
func TestLeaderConnectionTerminated(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	a, b := leaderOf(t, dsn, time.Hour), leaderOf(t, dsn, time.Hour)
	la, ok := tryLead(t, a)
	if !ok {
		t.Fatal("a does not lead")
	}
	if _, ok := tryLead(t, b); ok {
		t.Fatal("b leads too")
	}
	if n := storetest.TerminateLockHolders(t, dsn); n != 1 {
		t.Fatalf("terminated %d sessions, want the leader's 1", n)
	}
	if err := la.Check(context.Background()); !errors.Is(err, ErrLeaseLost) {
		t.Fatalf("Check after the session ended = %v, want ErrLeaseLost", err)
	}
	select {
	case <-la.Done():
	default:
		t.Fatal("Done is open after a failed check")
	}
	if !errors.Is(la.Err(), ErrLeaseLost) {
		t.Errorf("Err = %v, want ErrLeaseLost", la.Err())
	}
	if _, ok := tryLead(t, b); !ok {
		t.Fatal("b cannot take over")
	}
	// a, back, is a follower now: the lease it lost stays lost.
	if _, ok := tryLead(t, a); ok {
		t.Error("a leads again while b holds the lease")
	}
	if err := la.Check(context.Background()); !errors.Is(err, ErrLeaseLost) {
		t.Errorf("Check of the lost lease = %v", err)
	}
}

// TestLeaderNoticesLossAtTryLead: a leader whose session ended finds out at
// its next TryLead, not in the middle of a cycle; with the lock free, it
// takes it again on a new connection.
func TestLeaderNoticesLossAtTryLead(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	a := leaderOf(t, dsn, time.Hour)
	old, ok := tryLead(t, a)
	if !ok {
		t.Fatal("a does not lead")
	}
	storetest.TerminateLockHolders(t, dsn)
	lease, ok := tryLead(t, a)
	if !ok || lease == old {
		t.Fatalf("TryLead after the session ended = %v, %v; want a new lease", lease, ok)
	}
	if !errors.Is(old.Err(), ErrLeaseLost) {
		t.Errorf("old lease Err = %v, want ErrLeaseLost", old.Err())
	}
	if err := lease.Check(context.Background()); err != nil {
		t.Errorf("new lease Check: %v", err)
	}
}

// TestLeaseBackgroundCheck: a leader with nothing to write still notices
// that its session ended, through the background check.
func TestLeaseBackgroundCheck(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	a := leaderOf(t, dsn, 10*time.Millisecond)
	la, ok := tryLead(t, a)
	if !ok {
		t.Fatal("a does not lead")
	}
	storetest.TerminateLockHolders(t, dsn)
	select {
	case <-la.Done():
	case <-time.After(30 * time.Second):
		t.Fatal("the background check did not notice the ended session")
	}
	if !errors.Is(la.Err(), ErrLeaseLost) {
		t.Errorf("Err = %v, want ErrLeaseLost", la.Err())
	}
}

func TestLeaseCheckCancelledContext(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	la, ok := tryLead(t, leaderOf(t, dsn, time.Hour))
	if !ok {
		t.Fatal("does not lead")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := la.Check(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Check(cancelled) = %v, want context.Canceled", err)
	}
	if err := la.Check(context.Background()); err != nil {
		t.Errorf("the lease was lost to a cancelled check: %v", err)
	}
}

func TestLeadersInOtherSchemasDoNotContend(t *testing.T) {
	one, two := storetest.PostgresDSN(t), storetest.PostgresDSN(t)
	if _, ok := tryLead(t, leaderOf(t, one, time.Hour)); !ok {
		t.Fatal("no lead in the first schema")
	}
	if _, ok := tryLead(t, leaderOf(t, two, time.Hour)); !ok {
		t.Fatal("no lead in the second schema while the first has a leader")
	}
}

func rawPostgres(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
