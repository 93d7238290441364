package store

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The owners' activity is kept by lower-case login, replaced on the next
// check, with an unknown date kept as zero (not as the check's time).
func TestOwnerActivity(t *testing.T) { forEachBackend(t, testOwnerActivity) }

func testOwnerActivity(t *testing.T, s Store) {
	ctx := context.Background()
	last := t0.Add(-400 * 24 * time.Hour)
	first := []OwnerActivity{
		{Login: "Jane@Example.test", Found: true, LastActivity: last, CheckedAt: t0},
		{Login: "gone@example.test", Found: false, CheckedAt: t0},
		{Login: "quiet@example.test", Found: true, CheckedAt: t0},
	}
	if err := s.SaveOwnerActivity(ctx, first); err != nil {
		t.Fatal(err)
	}
	later := t0.Add(24 * time.Hour)
	if err := s.SaveOwnerActivity(ctx, []OwnerActivity{{Login: "jane@example.test", Found: true, LastActivity: later, CheckedAt: later}}); err != nil {
		t.Fatal(err)
	}
	got, err := s.OwnerActivities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []OwnerActivity{
		{Login: "gone@example.test", Found: false, CheckedAt: t0},
		{Login: "jane@example.test", Found: true, LastActivity: later, CheckedAt: later},
		{Login: "quiet@example.test", Found: true, CheckedAt: t0},
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("owner activity (-got +want):\n%s", diff)
	}
	if err := s.SaveOwnerActivity(ctx, []OwnerActivity{{Login: " ", CheckedAt: t0}}); err == nil {
		t.Error("a row without a login was saved")
	}
}
