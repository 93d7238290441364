package store

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// OpenRequestsOnBugs lists the open requests (open now and when first
// seen) of the bugs named, by bug and flag id; none for no bugs.
func TestOpenRequestsOnBugs(t *testing.T) { forEachBackend(t, testOpenRequestsOnBugs) }

func testOpenRequestsOnBugs(t *testing.T, s Store) {
	ctx := context.Background()
	reqs := []Request{
		{FlagID: 4, BugID: 20, Status: "?", FirstSeen: t0, UpdatedAt: t0},
		{FlagID: 1, BugID: 10, Status: "?", FirstSeen: t0, UpdatedAt: t0},
		{FlagID: 3, BugID: 20, Status: "?", FirstSeen: t0, UpdatedAt: t0},
		{FlagID: 2, BugID: 10, Status: "+", FirstSeen: t0, UpdatedAt: t0},                   // answered
		{FlagID: 5, BugID: 20, Status: "?", FirstStatus: "+", FirstSeen: t0, UpdatedAt: t0}, // decided before seen
		{FlagID: 6, BugID: 30, Status: "?", FirstSeen: t0, UpdatedAt: t0},                   // not asked for
	}
	for _, r := range reqs {
		if err := s.SaveRequest(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.OpenRequestsOnBugs(ctx, []int{20, 10, 99})
	if err != nil {
		t.Fatal(err)
	}
	var flags []int
	for _, r := range got {
		flags = append(flags, r.FlagID)
	}
	if d := cmp.Diff(flags, []int{1, 3, 4}); d != "" {
		t.Errorf("OpenRequestsOnBugs: flags (-got +want):\n%s", d)
	}
	if d := cmp.Diff(got[0], withFirst(reqs[1])); d != "" {
		t.Errorf("OpenRequestsOnBugs: flag 1 (-got +want):\n%s", d)
	}
	if got, err := s.OpenRequestsOnBugs(ctx, nil); err != nil || len(got) != 0 {
		t.Errorf("OpenRequestsOnBugs(none) = %v, %v; want nothing", got, err)
	}
}
