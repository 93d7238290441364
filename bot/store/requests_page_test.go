package store

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// OpenRequestsAfter pages through the open requests (open now and when
// first seen) by bug and flag id, a page boundary falling between two
// flags of one bug too.
func TestOpenRequestsAfter(t *testing.T) { forEachBackend(t, testOpenRequestsAfter) }

func testOpenRequestsAfter(t *testing.T, s Store) {
	ctx := context.Background()
	reqs := []Request{
		{FlagID: 5, BugID: 20, Status: "?", FirstSeen: t0, UpdatedAt: t0},
		{FlagID: 9, BugID: 10, Status: "?", FirstSeen: t0, UpdatedAt: t0},
		{FlagID: 3, BugID: 20, Status: "?", FirstSeen: t0, UpdatedAt: t0},
		{FlagID: 4, BugID: 20, Status: "+", FirstSeen: t0, UpdatedAt: t0},                   // answered
		{FlagID: 6, BugID: 30, Status: "?", FirstStatus: "+", FirstSeen: t0, UpdatedAt: t0}, // decided before seen
		{FlagID: 1, BugID: 40, Status: "?", FirstSeen: t0, UpdatedAt: t0},
		{FlagID: 2, BugID: 10, Status: "?", FirstSeen: t0, UpdatedAt: t0},
	}
	for _, r := range reqs {
		if err := s.SaveRequest(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	var pages [][]int
	bug, flag := 0, 0
	for range 10 {
		page, err := s.OpenRequestsAfter(ctx, bug, flag, 3)
		if err != nil {
			t.Fatal(err)
		}
		var flags []int
		for _, r := range page {
			flags = append(flags, r.FlagID)
		}
		pages = append(pages, flags)
		if len(page) < 3 {
			break
		}
		bug, flag = page[len(page)-1].BugID, page[len(page)-1].FlagID
	}
	// Bug 10: flags 2, 9; bug 20: 3, 5; bug 40: 1.
	if d := cmp.Diff(pages, [][]int{{2, 9, 3}, {5, 1}}); d != "" {
		t.Errorf("pages (-got +want):\n%s", d)
	}
	page, err := s.OpenRequestsAfter(ctx, 20, 3, 10)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(page, []Request{withFirst(reqs[0]), withFirst(reqs[5])}); d != "" {
		t.Errorf("after bug 20's flag 3 (-got +want):\n%s", d)
	}
}
