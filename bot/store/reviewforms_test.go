package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestReviewForms(t *testing.T) { forEachBackend(t, testReviewForms) }

func testReviewForms(t *testing.T, s Store) {
	ctx := context.Background()
	at := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	if _, err := s.ReviewForm(ctx, 7); !errors.Is(err, ErrNotFound) {
		t.Fatalf("ReviewForm of an unknown flag: %v, want ErrNotFound", err)
	}
	first := ReviewForm{FlagID: 7, BugID: 70, FormKey: "comment:700", Version: "2018", Result: "data-review+",
		ReviewedAt: at, RecordedAt: at.Add(time.Hour)}
	// Recorded again (a backfill read the bug again): replaced, not added.
	again := first
	again.FormKey, again.Private, again.Result = "attachment:701", true, "data-review-"
	for _, r := range []ReviewForm{first, again} {
		if err := s.SaveReviewForm(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.ReviewForm(ctx, 7)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(got, again); d != "" {
		t.Errorf("ReviewForm (-got +want):\n%s", d)
	}
	if err := s.SaveReviewForm(ctx, ReviewForm{FlagID: 8}); err == nil {
		t.Error("a review form without its form key was saved")
	}
}
