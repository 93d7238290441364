package store

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The survey lists the collections of answered requests only (not open ones,
// not those decided before the bot saw them asked, not removed flags), at
// the form revision each request was last analysed at, sorted by bug and
// measurement; the steward is whoever set the flag, else its requestee.
func TestReviewedCollections(t *testing.T) { forEachBackend(t, testReviewedCollections) }

func testReviewedCollections(t *testing.T, s Store) {
	ctx := context.Background()
	reqs := []Request{
		// granted; its form was replaced (r1 → r2) before the answer
		{FlagID: 1, BugID: 20, AttachmentID: 200, Requestee: "", Setter: "steward1@example.test", Status: "+",
			FirstStatus: "?", FirstSeen: t0, UpdatedAt: t0.Add(48 * time.Hour), FormKey: "attachment:200", FormRev: "r2"},
		// denied, flag setter unknown: the requestee is the steward
		{FlagID: 2, BugID: 10, AttachmentID: 100, Requestee: "steward2@example.test", Status: "-",
			FirstStatus: "?", FirstSeen: t0, UpdatedAt: t0.Add(24 * time.Hour), FormKey: "comment:55", FormRev: "c1"},
		// still open
		{FlagID: 3, BugID: 30, AttachmentID: 300, Requestee: "steward1@example.test", Status: "?",
			FirstSeen: t0, UpdatedAt: t0, FormKey: "attachment:300", FormRev: "o1"},
		// decided before the bot first saw it: never analysed
		{FlagID: 4, BugID: 40, AttachmentID: 400, Setter: "steward1@example.test", Status: "+", FirstSeen: t0, UpdatedAt: t0},
		// the flag was removed
		{FlagID: 5, BugID: 50, AttachmentID: 500, Status: "X", FirstStatus: "?", FirstSeen: t0, UpdatedAt: t0,
			FormKey: "attachment:500", FormRev: "x1"},
	}
	for _, r := range reqs {
		if err := s.SaveRequest(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	// Bug 20 is known public; a bug the store knows nothing of counts as private.
	if err := s.SaveBugInfos(ctx, []BugInfo{{BugID: 10, Summary: "Secret", Private: true, UpdatedAt: t0},
		{BugID: 20, Summary: "Open", Product: "Firefox", UpdatedAt: t0}}); err != nil {
		t.Fatal(err)
	}
	row := func(key, rev string, pos, bug int, name string) Collection {
		return Collection{FormKey: key, FormRev: rev, Position: pos, BugID: bug, Measurement: name, RecordedAt: t0}
	}
	old := row("attachment:200", "r1", 1, 20, "old_probe")
	zeta := row("attachment:200", "r2", 1, 20, "zeta.count")
	zeta.AttachmentID, zeta.Category, zeta.CategoryText, zeta.DefaultOn = 200, 2, "Category 2", "yes"
	zeta.Channels, zeta.Expiry, zeta.ExpiryDates = []string{"release", "beta"}, "2027-03-01; version 140", []string{"2027-03-01"}
	zeta.Owner = "Jane Doe"
	alpha := zeta
	alpha.Position, alpha.Measurement, alpha.Category, alpha.CategoryText = 2, "alpha.clicks", 1, "technical"
	formless := row("comment:55", "c1", 0, 10, "")
	formless.DefaultOn, formless.Expiry, formless.Private = "unknown", "until the experiment ends", true
	saves := map[[2]string][]Collection{
		{"attachment:200", "r1"}: {old},
		{"attachment:200", "r2"}: {zeta, alpha},
		{"comment:55", "c1"}:     {formless},
		{"attachment:300", "o1"}: {row("attachment:300", "o1", 1, 30, "open_probe")},
		{"attachment:500", "x1"}: {row("attachment:500", "x1", 1, 50, "gone_probe")},
	}
	for k, cs := range saves {
		if err := s.SaveCollections(ctx, k[0], k[1], cs); err != nil {
			t.Fatal(err)
		}
	}

	got, err := s.ReviewedCollections(ctx, CollectionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	want := []ReviewedCollection{
		{Collection: formless, FlagID: 2, Status: "-", Steward: "steward2@example.test", DecidedAt: t0.Add(24 * time.Hour), BugPrivate: true},
		{Collection: alpha, FlagID: 1, Status: "+", Steward: "steward1@example.test", DecidedAt: t0.Add(48 * time.Hour), Product: "Firefox"},
		{Collection: zeta, FlagID: 1, Status: "+", Steward: "steward1@example.test", DecidedAt: t0.Add(48 * time.Hour), Product: "Firefox"},
	}
	if d := cmp.Diff(got, want); d != "" {
		t.Errorf("ReviewedCollections (-got +want):\n%s", d)
	}
	if !got[0].Private() || got[1].Private() {
		t.Errorf("Private() = %v, %v; want true, false", got[0].Private(), got[1].Private())
	}

	for _, tt := range []struct {
		name string
		f    CollectionFilter
		want []int // flag ids, in order
	}{
		{"granted", CollectionFilter{Status: "+"}, []int{1, 1}},
		{"denied", CollectionFilter{Status: "-"}, []int{2}},
		{"dated", CollectionFilter{Dated: true}, []int{1, 1}},
		{"since", CollectionFilter{Since: t0.Add(36 * time.Hour)}, []int{1, 1}},
		{"since, to the microsecond", CollectionFilter{Since: t0.Add(24 * time.Hour)}, []int{2, 1, 1}},
		{"since the future", CollectionFilter{Since: t0.Add(100 * time.Hour)}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.ReviewedCollections(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			var flags []int
			for _, r := range got {
				flags = append(flags, r.FlagID)
			}
			if d := cmp.Diff(flags, tt.want); d != "" {
				t.Errorf("flags (-got +want):\n%s", d)
			}
		})
	}
	if _, err := s.ReviewedCollections(ctx, CollectionFilter{Status: "?"}); err == nil {
		t.Error("status ? accepted")
	}
}

// A revision recorded again replaces its rows: fewer measurements leave
// none behind. Bad calls are refused, never half-applied.
func TestSaveCollections(t *testing.T) { forEachBackend(t, testSaveCollections) }

func testSaveCollections(t *testing.T, s Store) {
	ctx := context.Background()
	if ok, err := s.HasCollections(ctx, "attachment:1", "r"); err != nil || ok {
		t.Fatalf("HasCollections on an empty store = %v, %v", ok, err)
	}
	c := func(pos int, name string) Collection {
		return Collection{FormKey: "attachment:1", FormRev: "r", Position: pos, BugID: 1, Measurement: name, RecordedAt: t0}
	}
	if err := s.SaveCollections(ctx, "attachment:1", "r", []Collection{c(1, "a"), c(2, "b"), c(3, "c")}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveCollections(ctx, "attachment:1", "r", []Collection{c(1, "a"), c(2, "B")}); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.HasCollections(ctx, "attachment:1", "r"); err != nil || !ok {
		t.Fatalf("HasCollections = %v, %v; want true", ok, err)
	}
	if err := s.SaveRequest(ctx, Request{FlagID: 9, BugID: 1, Status: "+", FirstStatus: "?", FirstSeen: t0, UpdatedAt: t0,
		FormKey: "attachment:1", FormRev: "r"}); err != nil {
		t.Fatal(err)
	}
	got, err := s.ReviewedCollections(ctx, CollectionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range got {
		names = append(names, r.Measurement)
	}
	if d := cmp.Diff(names, []string{"B", "a"}); d != "" {
		t.Errorf("after recording again (-got +want):\n%s", d)
	}

	for name, call := range map[string]func() error{
		"no rows": func() error { return s.SaveCollections(ctx, "attachment:1", "r", nil) },
		"no form": func() error { return s.SaveCollections(ctx, "", "r", []Collection{c(1, "a")}) },
		"other rev": func() error {
			return s.SaveCollections(ctx, "attachment:1", "r", []Collection{c(1, "a"), {FormKey: "attachment:1", FormRev: "s", Position: 2}})
		},
	} {
		if err := call(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if got, _ := s.ReviewedCollections(ctx, CollectionFilter{}); len(got) != 2 {
		t.Errorf("a refused save changed the rows: %d rows, want 2", len(got))
	}
}
