package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestTroubles(t *testing.T) { forEachBackend(t, testTroubles) }

func testTroubles(t *testing.T, s Store) {
	ctx := context.Background()
	t0 := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	if _, err := s.Trouble(ctx, "bug:7"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Trouble of nothing = %v, want ErrNotFound", err)
	}
	read := Trouble{Key: "bug:2147483647", BugID: 2147483647, Kind: TroubleRead, Reason: "attachments: HTTP 500",
		Failures: 1, FirstFailedAt: t0, LastFailedAt: t0, RetryAt: t0.Add(5 * time.Minute)}
	write := Trouble{Key: "analysis:5:9:abc", BugID: 5, Kind: TroubleWrite, Reason: "HTTP 400, code 114",
		Failures: 3, FirstFailedAt: t0, LastFailedAt: t0.Add(time.Hour)}
	for _, tr := range []Trouble{read, write} {
		if err := s.SaveTrouble(ctx, tr); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SaveBugInfos(ctx, []BugInfo{{BugID: 5, Private: true, UpdatedAt: t0}}); err != nil {
		t.Fatal(err)
	}
	read.Failures, read.RetryAt = 2, t0.Add(10*time.Minute) // a second failure replaces the first
	if err := s.SaveTrouble(ctx, read); err != nil {
		t.Fatal(err)
	}
	got, err := s.Troubles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantWrite := write
	wantWrite.Private = true
	if d := cmp.Diff(got, []Trouble{wantWrite, read}); d != "" {
		t.Errorf("Troubles (-got +want):\n%s", d)
	}
	if one, err := s.Trouble(ctx, read.Key); err != nil || one.Failures != 2 {
		t.Errorf("Trouble = %+v, %v", one, err)
	}
	if had, err := s.ClearTrouble(ctx, read.Key); err != nil || !had {
		t.Errorf("ClearTrouble = %v, %v; want true", had, err)
	}
	if had, err := s.ClearTrouble(ctx, read.Key); err != nil || had {
		t.Errorf("ClearTrouble again = %v, %v; want false", had, err)
	}
	if got, _ := s.Troubles(ctx); len(got) != 1 {
		t.Errorf("after clearing: %+v", got)
	}
}
