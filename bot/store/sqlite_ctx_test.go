package store

import (
	"context"
	"database/sql"
	"errors"
	"runtime/metrics"
	"testing"
	"time"
)

// goroutinesCreated is how many goroutines the process has started.
func goroutinesCreated() uint64 {
	s := []metrics.Sample{{Name: "/sched/goroutines-created:goroutines"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// SQLite's calls under a context that can be cancelled start no goroutine
// of their own (database/sql's and the driver's watchers, one or two a
// call), and still fail with the context's error once it has ended.
func TestSQLiteCallsStartNoGoroutines(t *testing.T) {
	s, _ := openTemp(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const calls = 200
	before := goroutinesCreated()
	for range calls {
		if err := s.Set(ctx, "k", "v"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Get(ctx, "k"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.OpenRequests(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// A few may belong to the test's runtime; a watcher a call would be
	// 600 or more.
	if n := goroutinesCreated() - before; n > calls/10 {
		t.Errorf("%d store calls started %d goroutines, want (about) none", 3*calls, n)
	}
	// A transaction: database/sql's one watcher, none a statement.
	before = goroutinesCreated()
	for range calls {
		if err := s.SaveBugInfos(ctx, []BugInfo{{BugID: 1, Summary: "s", UpdatedAt: t0}, {BugID: 2, Summary: "t", UpdatedAt: t0}}); err != nil {
			t.Fatal(err)
		}
	}
	if n := goroutinesCreated() - before; n > calls+calls/10 {
		t.Errorf("%d transactions of 2 statements started %d goroutines, want about one each", calls, n)
	}
	cancel()
	if _, err := s.Get(ctx, "k"); !errors.Is(err, context.Canceled) {
		t.Errorf("Get after cancel = %v, want context.Canceled", err)
	}
	if err := s.Set(ctx, "k", "w"); !errors.Is(err, context.Canceled) {
		t.Errorf("Set after cancel = %v, want context.Canceled", err)
	}
	if _, err := s.OpenRequests(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("OpenRequests after cancel = %v, want context.Canceled", err)
	}
	if err := s.SaveBugInfos(ctx, []BugInfo{{BugID: 2, Summary: "s", UpdatedAt: t0}}); !errors.Is(err, context.Canceled) {
		t.Errorf("SaveBugInfos after cancel = %v, want context.Canceled", err)
	}
}

// A call cancelled while it waits for another process's lock (a backfill
// beside the daemon) finishes its wait, then says it was cancelled: its
// error is the context's (errors.Is), not only "database is locked".
func TestSQLiteCancelledLockWaitSaysCancelled(t *testing.T) {
	s, path := openTemp(t)
	other, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	defer func() { _, _ = conn.ExecContext(context.Background(), "ROLLBACK") }()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	err = s.Set(ctx, "k", "v")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Set while locked, cancelled = %v, want the context's error", err)
	}
}
