package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func openTemp(t *testing.T) (Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "stewardbot.db")
	s, err := Open(context.Background(), "sqlite:"+path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

var t0 = time.Date(2026, 11, 28, 20, 22, 34, 0, time.UTC)

func TestKV(t *testing.T) { forEachBackend(t, testKV) }

func testKV(t *testing.T, s Store) {
	ctx := context.Background()
	if _, err := s.Get(ctx, "watermark"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get on empty store: err = %v, want ErrNotFound", err)
	}
	for _, v := range []string{"a", "b"} {
		if err := s.Set(ctx, "watermark", v); err != nil {
			t.Fatal(err)
		}
		got, err := s.Get(ctx, "watermark")
		if err != nil || got != v {
			t.Fatalf("Get = %q, %v; want %q", got, err, v)
		}
	}
}

func TestDirtyQueue(t *testing.T) { forEachBackend(t, testDirtyQueue) }

func testDirtyQueue(t *testing.T, s Store) {
	ctx := context.Background()
	marks := []BugMark{
		{BugID: 3, LastChange: t0, MarkedAt: t0},
		{BugID: 1, LastChange: t0.Add(time.Minute), MarkedAt: t0},
		{BugID: 2, MarkedAt: t0},
	}
	if err := s.MarkDirty(ctx, marks); err != nil {
		t.Fatal(err)
	}
	got, err := s.DirtyBugs(ctx, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, []int{1, 2, 3}); diff != "" {
		t.Errorf("DirtyBugs (-got +want):\n%s", diff)
	}
	if got, _ := s.DirtyBugs(ctx, 0, 2); len(got) != 2 {
		t.Errorf("DirtyBugs(limit 2) = %v", got)
	}
	if got, _ := s.DirtyBugs(ctx, 2, 10); !cmp.Equal(got, []int{3}) {
		t.Errorf("DirtyBugs(after 2) = %v, want [3]", got)
	}
	if err := s.ClearDirty(ctx, 1); err != nil {
		t.Fatal(err)
	}
	got, _ = s.DirtyBugs(ctx, 0, 10)
	if diff := cmp.Diff(got, []int{2, 3}); diff != "" {
		t.Errorf("after ClearDirty (-got +want):\n%s", diff)
	}
	// A zero last change keeps the known one.
	if err := s.MarkDirty(ctx, []BugMark{{BugID: 3, MarkedAt: t0}}); err != nil {
		t.Fatal(err)
	}
	lc, err := s.BugLastChange(ctx, []int{1, 2, 3, 99})
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]time.Time{1: t0.Add(time.Minute), 3: t0}
	if diff := cmp.Diff(lc, want); diff != "" {
		t.Errorf("BugLastChange (-got +want):\n%s", diff)
	}
}

func TestRequests(t *testing.T) { forEachBackend(t, testRequests) }

func testRequests(t *testing.T, s Store) {
	ctx := context.Background()
	r := Request{FlagID: 7, BugID: 1, AttachmentID: 2, Requestee: "steward1@example.test", Setter: "dev1@example.test",
		Status: "?", RequestedAt: t0, FirstSeen: t0, UpdatedAt: t0}
	if err := s.SaveRequest(ctx, r); err != nil {
		t.Fatal(err)
	}
	waiting, _ := s.BugsWithOpenRequests(ctx)
	if diff := cmp.Diff(waiting, []int{1}); diff != "" {
		t.Errorf("BugsWithOpenRequests (-got +want):\n%s", diff)
	}
	later := r
	later.Status, later.FirstSeen, later.UpdatedAt = "+", t0.Add(time.Hour), t0.Add(time.Hour)
	later.FirstStatus = "+"
	later.FormKey, later.FormRev = "attachment:2", "abc"
	if err := s.SaveRequest(ctx, later); err != nil {
		t.Fatal(err)
	}
	got, err := s.Request(ctx, 7)
	if err != nil {
		t.Fatal(err)
	}
	want := later
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("Request (-got +want):\n%s", diff)
	}
	if _, err := s.Request(ctx, 8); !errors.Is(err, ErrNotFound) {
		t.Errorf("Request(unknown) err = %v", err)
	}
	onBug, _ := s.RequestsOnBug(ctx, 1)
	if len(onBug) != 1 || onBug[0].FlagID != 7 {
		t.Errorf("RequestsOnBug = %+v", onBug)
	}
	waiting, _ = s.BugsWithOpenRequests(ctx)
	if len(waiting) != 0 {
		t.Errorf("BugsWithOpenRequests after resolution = %v", waiting)
	}
}

func TestActions(t *testing.T) { forEachBackend(t, testActions) }

func testActions(t *testing.T, s Store) {
	ctx := context.Background()
	a := Action{Key: "analysis:1:2:abc", Kind: "analysis", BugID: 1, AttachmentID: 2, FlagID: 3,
		Status: ActionIntent, Attempts: 1, UpdatedAt: t0}
	if err := s.RecordAction(ctx, a); err != nil {
		t.Fatal(err)
	}
	a.Status, a.CommentID, a.UpdatedAt = ActionDone, 99, t0.Add(time.Second)
	if err := s.RecordAction(ctx, a); err != nil {
		t.Fatal(err)
	}
	got, err := s.Action(ctx, a.Key)
	if err != nil {
		t.Fatal(err)
	}
	want := a
	want.CreatedAt = t0
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("Action (-got +want):\n%s", diff)
	}
	if _, err := s.Action(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Action(unknown) err = %v", err)
	}
	if err := s.RecordAction(ctx, Action{Key: "k2", Kind: "needs-form", BugID: 5, Status: ActionUnknown, UpdatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	bugs, err := s.BugsWithActions(ctx, ActionUnknown, ActionIntent)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(bugs, []int{5}); diff != "" {
		t.Errorf("BugsWithActions (-got +want):\n%s", diff)
	}
}

func TestForms(t *testing.T) { forEachBackend(t, testForms) }

func testForms(t *testing.T, s Store) {
	ctx := context.Background()
	f := FormInfo{AttachmentID: 4, IsForm: true, Rev: "abcd", Version: "request-12q", CheckedAt: t0}
	if err := s.SaveForm(ctx, f); err != nil {
		t.Fatal(err)
	}
	got, err := s.Form(ctx, 4)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, f); diff != "" {
		t.Errorf("Form (-got +want):\n%s", diff)
	}
	if _, err := s.Form(ctx, 5); !errors.Is(err, ErrNotFound) {
		t.Errorf("Form(unknown) err = %v", err)
	}
}

func TestReopenKeepsData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.db")
	s, err := OpenSQLite(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Set(ctx, "k", "v"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = OpenSQLite(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	if v, err := s.Get(ctx, "k"); err != nil || v != "v" {
		t.Errorf("after reopen Get = %q, %v", v, err)
	}
}

func TestOpenDSN(t *testing.T) {
	ctx := context.Background()
	for _, dsn := range []string{"", "postgres://127.0.0.1:1/x?connect_timeout=5", "postgres://%zz"} {
		if s, err := Open(ctx, dsn); err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded, want an error", dsn)
		}
	}
	s, err := Open(ctx, filepath.Join(t.TempDir(), "bare.db"))
	if err != nil {
		t.Fatalf("Open(bare path): %v", err)
	}
	s.Close()
}

// TestBugLastChangeMany: more ids than one query names (lastChangeBatch)
// still come back whole.
func TestBugLastChangeMany(t *testing.T) { forEachBackend(t, testBugLastChangeMany) }

func testBugLastChangeMany(t *testing.T, s Store) {
	ctx := context.Background()
	t0 := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	const n = 2*lastChangeBatch + 7
	var marks []BugMark
	var ids []int
	for id := 1; id <= n; id++ {
		marks = append(marks, BugMark{BugID: id, LastChange: t0.Add(time.Duration(id) * time.Second), MarkedAt: t0})
		ids = append(ids, id)
	}
	if err := s.MarkDirty(ctx, marks); err != nil {
		t.Fatal(err)
	}
	lc, err := s.BugLastChange(ctx, append(ids, n+1))
	if err != nil {
		t.Fatal(err)
	}
	if len(lc) != n {
		t.Fatalf("BugLastChange of %d known ids and one unknown: %d entries", n, len(lc))
	}
	for _, id := range []int{1, lastChangeBatch, lastChangeBatch + 1, n} {
		if want := t0.Add(time.Duration(id) * time.Second); !lc[id].Equal(want) {
			t.Errorf("bug %d: %v, want %v", id, lc[id], want)
		}
	}
}
