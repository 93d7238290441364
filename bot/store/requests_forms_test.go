package store

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// OpenFormRequests pages through the open requests with a form, one per
// form revision of a bug (the lowest flag), the oldest first (a request
// without a time before all), then by bug and flag id.
func TestOpenFormRequests(t *testing.T) { forEachBackend(t, testOpenFormRequests) }

func testOpenFormRequests(t *testing.T, s Store) {
	ctx := context.Background()
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	form := func(flag, bug int, h int, key, rev string) Request {
		return Request{FlagID: flag, BugID: bug, Status: "?", RequestedAt: at(h), FirstSeen: t0, UpdatedAt: t0, FormKey: key, FormRev: rev}
	}
	reqs := []Request{
		form(1, 10, 5, "attachment:1", "r1"),
		form(2, 10, 1, "attachment:1", "r1"), // the same revision as flag 1, but not the lowest flag
		form(3, 20, 1, "attachment:3", "r1"),
		form(4, 30, 1, "attachment:4", "r1"),
		form(5, 20, 3, "attachment:5", "r2"), // another form on bug 20
		form(6, 40, 2, "", ""),               // no form
		form(7, 50, 2, "attachment:7", "r1"),
		form(8, 60, 0, "comment:8", "r1"),
		form(9, 70, 4, "attachment:9", "r1"),
		{FlagID: 11, BugID: 80, Status: "?", FirstSeen: t0, UpdatedAt: t0, FormKey: "attachment:11", FormRev: "r1"}, // no time
	}
	closed := form(10, 20, 0, "attachment:10", "r1")
	closed.Status = "+"
	for _, r := range append(reqs, closed) {
		if err := s.SaveRequest(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	var got []int
	var after *Request
	for pages := 0; ; pages++ {
		page, err := s.OpenFormRequests(ctx, after, 3)
		if err != nil {
			t.Fatal(err)
		}
		if pages > 10 {
			t.Fatalf("still paging after %d pages: %v", pages, got)
		}
		for _, r := range page {
			got = append(got, r.FlagID)
		}
		if len(page) < 3 {
			break
		}
		after = &page[len(page)-1]
	}
	// 11 (no time), 8 (0h), then 1h: 3 (bug 20), 4 (bug 30); 2h: 7; 3h: 5; 4h: 9; 5h: 1.
	if d := cmp.Diff(got, []int{11, 8, 3, 4, 7, 5, 9, 1}); d != "" {
		t.Errorf("OpenFormRequests pages (-got +want):\n%s", d)
	}
	page, err := s.OpenFormRequests(ctx, nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(page, []Request{withFirst(reqs[9])}); d != "" {
		t.Errorf("first page of one (-got +want):\n%s", d)
	}
}
