package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bot/store"
)

// pagerOf is an openPager over a list of open requests, as the store pages
// them: by bug, then flag, after a (bug, flag) key.
type pagerOf struct {
	reqs  []store.Request
	pages int
	err   error // returned by the third page
}

func (p *pagerOf) OpenRequestsAfter(_ context.Context, afterBug, afterFlag, limit int) ([]store.Request, error) {
	p.pages++
	if p.err != nil && p.pages == 3 {
		return nil, p.err
	}
	var out []store.Request
	for _, r := range p.reqs {
		if (r.BugID > afterBug || (r.BugID == afterBug && r.FlagID > afterFlag)) && len(out) < limit {
			out = append(out, r)
		}
	}
	return out, nil
}

// eachOpenRequest hands over every open request once, by bug and flag,
// also when one bug's flags straddle a page's end, and stops at the
// store's error.
func TestEachOpenRequestStraddlingPages(t *testing.T) {
	var reqs []store.Request
	for i := range 2*openRequestsPage + 3 {
		// Bugs of three flags each: page ends fall inside a bug's flags.
		reqs = append(reqs, store.Request{BugID: 1 + i/3, FlagID: 1000 - i})
	}
	slices.SortFunc(reqs, func(a, b store.Request) int {
		return cmp.Or(cmp.Compare(a.BugID, b.BugID), cmp.Compare(a.FlagID, b.FlagID))
	})
	p := &pagerOf{reqs: reqs}
	var got []store.Request
	if err := eachOpenRequest(context.Background(), p, func(r store.Request) error {
		got = append(got, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, reqs) {
		t.Errorf("walked %d requests, want each of the %d once, in order", len(got), len(reqs))
	}
	if p.pages != 3 {
		t.Errorf("%d pages read, want 3", p.pages)
	}

	boom := errors.New("store down")
	p = &pagerOf{reqs: reqs, err: boom}
	if err := eachOpenRequest(context.Background(), p, func(store.Request) error { return nil }); !errors.Is(err, boom) {
		t.Errorf("walk over a failing store = %v, want its error", err)
	}
}

// Two flags on one form are one revision: escalate owes its notice once,
// by the first flag, also when a page of the walk ends between them.
func TestEscalateOwesOneNoticePerRevision(t *testing.T) {
	ctx := context.Background()
	st, err := store.OpenSQLite(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	// Bug 1 fills a page but one; bug 2's two flags on one form straddle
	// the page's end.
	var reqs []store.Request
	for i := range openRequestsPage - 1 {
		reqs = append(reqs, store.Request{FlagID: 10 + i, BugID: 1, FormKey: fmt.Sprintf("attachment:%d", 10+i)})
	}
	reqs = append(reqs, store.Request{FlagID: 5000, BugID: 2, FormKey: "attachment:77"},
		store.Request{FlagID: 5001, BugID: 2, FormKey: "attachment:77"})
	for _, r := range reqs {
		r.Status, r.FirstStatus, r.FormRev, r.FirstSeen, r.UpdatedAt, r.RequestedAt = "?", "?", "r1", t0, t0, t0
		if err := st.SaveRequest(ctx, r); err != nil {
			t.Fatal(err)
		}
		m, _ := formMarker(kindAnalysis, r.BugID, r.FormKey, r.FormRev)
		if err := st.RecordAction(ctx, store.Action{Key: m.Key(), Kind: kindAnalysis, BugID: r.BugID, FlagID: r.FlagID,
			Status: store.ActionDone, CreatedAt: t0, UpdatedAt: t0}); err != nil {
			t.Fatal(err)
		}
	}
	d := &escalateDuty{st: st}
	refs, err := d.owedRequests(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var onBug2 []int
	for _, r := range refs {
		if r.bugID == 2 {
			onBug2 = append(onBug2, r.flagID)
		}
	}
	if len(refs) != openRequestsPage || !slices.Equal(onBug2, []int{5000}) {
		t.Errorf("%d requests owed, bug 2's by flags %v; want %d, bug 2's once, by flag 5000", len(refs), onBug2, openRequestsPage)
	}
}

// requestsByFlag is a requestGetter over a map, with one error to return.
type requestsByFlag struct {
	reqs map[int]store.Request
	err  error
}

func (g requestsByFlag) Request(_ context.Context, flagID int) (store.Request, error) {
	if g.err != nil {
		return store.Request{}, g.err
	}
	r, ok := g.reqs[flagID]
	if !ok {
		return store.Request{}, store.ErrNotFound
	}
	return r, nil
}

// stillOpen reads a listed request again at its turn: answered, withdrawn,
// first seen answered (a backfill's row) or gone, it is no longer the
// task's; a store error is not taken for "gone".
func TestStillOpen(t *testing.T) {
	broken := errors.New("disk I/O error")
	reqs := map[int]store.Request{
		1: {FlagID: 1, BugID: 10, Status: "?", FirstStatus: "?"},
		2: {FlagID: 2, BugID: 10, Status: "+", FirstStatus: "?"},
		3: {FlagID: 3, BugID: 11, Status: "-", FirstStatus: "?"},
		4: {FlagID: 4, BugID: 11, Status: "X", FirstStatus: "?"},
		5: {FlagID: 5, BugID: 12, Status: "?", FirstStatus: "+"},
	}
	for _, tc := range []struct {
		name    string
		flag    int
		err     error
		wantOK  bool
		wantErr error
	}{
		{"open", 1, nil, true, nil},
		{"granted since", 2, nil, false, nil},
		{"denied since", 3, nil, false, nil},
		{"withdrawn since", 4, nil, false, nil},
		{"first seen answered", 5, nil, false, nil},
		{"gone from the store", 6, nil, false, nil},
		{"store error", 1, broken, false, broken},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, ok, err := stillOpen(context.Background(), requestsByFlag{reqs: reqs, err: tc.err}, requestRef{flagID: tc.flag})
			if !errors.Is(err, tc.wantErr) || (err == nil) != (tc.wantErr == nil) {
				t.Fatalf("error %v, want %v", err, tc.wantErr)
			}
			if ok != tc.wantOK {
				t.Fatalf("open %v, want %v (request %+v)", ok, tc.wantOK, r)
			}
			if ok && r.FlagID != tc.flag {
				t.Errorf("got flag %d, want %d", r.FlagID, tc.flag)
			}
		})
	}
}
