package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
	"github.com/stewardbot/stewardbot/policy"
)

// Collections of one bug that share a date make one reminder; each date of
// a form with several is its own; only dates in the window count.
func TestDueExpiries(t *testing.T) {
	now := time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)
	row := func(bug, flag int, name string, dates ...string) store.ReviewedCollection {
		return store.ReviewedCollection{FlagID: flag, Status: "+",
			Collection: store.Collection{BugID: bug, Measurement: name, ExpiryDates: dates}}
	}
	rows := []store.ReviewedCollection{
		row(1, 10, "a", "2027-03-10", "2027-03-20"),
		row(1, 11, "b", "2027-03-10"), // another flag, the same date: the same reminder
		row(1, 10, "c", "2027-09-01"), // outside the window
		row(2, 20, "d", "2027-02-28"), // passed
		row(2, 20, "e", "2027-03-01"), // today
		row(3, 30, "f", "not a date"),
	}
	got := dueExpiries(rows, now, 30, time.UTC)
	type group struct {
		Bug   int
		Date  string
		Names []string
	}
	var summary []group
	for _, e := range got {
		g := group{Bug: e.bug, Date: e.date}
		for _, r := range e.rows {
			g.Names = append(g.Names, r.Measurement)
		}
		summary = append(summary, g)
	}
	want := []group{{1, "2027-03-10", []string{"a", "b"}}, {1, "2027-03-20", []string{"a"}}, {2, "2027-03-01", []string{"e"}}}
	if d := cmp.Diff(summary, want); d != "" {
		t.Errorf("dueExpiries (-got +want):\n%s", d)
	}
	if got := dueExpiries(rows, now, 0, time.UTC); len(got) != 0 {
		t.Errorf("remind_days 0: %d due", len(got))
	}
}

// What is recorded of a form: one row per measurement with the form's
// answers; one nameless row when it has none; the dated expiries apart.
func TestCollectionsOf(t *testing.T) {
	now := func() time.Time { return epoch }
	f := &foundForm{Attachment: &bugzilla.Attachment{ID: 5}, Rev: "abcd", Private: true, Request: &policy.Request{
		Version:      policy.FormRequest12Q,
		Measurements: []policy.Measurement{{Name: "a.b", Category: 2, CategoryText: "Category 2"}, {Name: "c", Category: 0}},
		Expiries: []policy.Expiry{{Kind: policy.ExpiryDate, Value: "2028-01-01"}, {Kind: policy.ExpiryVersion, Value: "version 150"},
			{Kind: policy.ExpiryDate, Value: "2027-06-30"}},
		Owner: "Jane", Channels: []string{"release"}, DefaultOn: policy.Yes,
	}}
	got := collectionsOf(7, f, now)
	base := store.Collection{FormKey: "attachment:5", FormRev: "abcd", BugID: 7, AttachmentID: 5, DefaultOn: "yes",
		Channels: []string{"release"}, Expiry: "2028-01-01; version 150; 2027-06-30", ExpiryDates: []string{"2027-06-30", "2028-01-01"},
		Owner: "Jane", Private: true, RecordedAt: epoch}
	first, second := base, base
	first.Position, first.Measurement, first.Category, first.CategoryText = 1, "a.b", 2, "Category 2"
	second.Position, second.Measurement = 2, "c"
	if d := cmp.Diff(got, []store.Collection{first, second}); d != "" {
		t.Errorf("collectionsOf (-got +want):\n%s", d)
	}

	long := strings.Repeat("until the experiment ends ", 20)
	none := &foundForm{Comment: &bugzilla.Comment{ID: 9}, Rev: "ef01", Request: &policy.Request{Version: policy.FormRequest12Q,
		Answers: []policy.Answer{{Topic: policy.TopicDuration, Text: long, Answered: true}}}}
	got = collectionsOf(8, none, now)
	if len(got) != 1 || got[0].Position != 0 || got[0].Measurement != "" || got[0].FormKey != "comment:9" ||
		got[0].DefaultOn != "unknown" || got[0].ExpiryDates != nil {
		t.Fatalf("a form without measurements: %+v", got)
	}
	if e := got[0].Expiry; !strings.HasPrefix(e, "until the experiment ends") || !strings.HasSuffix(e, "…") ||
		len([]rune(e)) != maxRecordedExpiryText+1 {
		t.Errorf("expiry as written, cut: %q", e)
	}
}
