package demo

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
	"github.com/stewardbot/stewardbot/policy"
)

// TestPastFileIsDeterministic: the same Past gives the same history, a
// different seed another.
func TestPastFileIsDeterministic(t *testing.T) {
	now := bugzillatest.DefaultStart
	a, err := PastFile(DemoPast(now))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := PastFile(DemoPast(now))
	if d := cmp.Diff(a, b); d != "" {
		t.Errorf("two histories of one seed differ:\n%s", d)
	}
	p := DemoPast(now)
	p.Seed++
	c, _ := PastFile(p)
	if cmp.Equal(a, c) {
		t.Error("another seed gave the same history")
	}
}

// TestDemoPastHoldsEveryKind: the demo's history has what the survey
// shows: every category, granted and denied, private bugs and forms, forms
// in comments, review forms, several years and products, and no dated
// expiry the demo's bot would remind about.
func TestDemoPastHoldsEveryKind(t *testing.T) {
	now := bugzillatest.DefaultStart
	p := DemoPast(now)
	srv := bugzillatest.NewServer(t)
	ids, err := SeedPast(srv, p)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != PastReviews {
		t.Fatalf("%d bugs, want %d", len(ids), PastReviews)
	}
	seen := map[string]bool{}
	years := map[int]bool{}
	for _, id := range ids {
		bug, _ := srv.Bug(id)
		seen["product "+bug.Product] = true
		if len(bug.Groups) > 0 {
			seen["private bug"] = true
		}
		atts := srv.Attachments(id)
		f := atts[0].Flags[0]
		if f.ModificationDate.Before(p.From) || !f.ModificationDate.Before(p.To) {
			t.Errorf("bug %d answered at %s, outside %s to %s", id, f.ModificationDate, p.From, p.To)
		}
		years[f.ModificationDate.Year()] = true
		seen["status "+f.Status] = true
		text := string(atts[0].Data)
		if atts[0].IsPrivate {
			seen["private form"] = true
		}
		comments := srv.Comments(id)
		if atts[0].IsPatch {
			seen["form in a comment"] = true
			for _, c := range comments {
				if c.Creator == bug.Creator && c.Count > 0 {
					text = c.Text
				}
			}
		}
		for _, c := range comments {
			if c.Creator == f.Setter && policy.ParseReview(c.Text).Version != policy.ReviewNone {
				seen["review form"] = true
			}
		}
		r := policy.ParseRequest(text)
		if len(r.Measurements) == 0 {
			t.Fatalf("bug %d: no measurement read from its form", id)
		}
		for _, m := range r.Measurements {
			seen["category "+string(rune('0'+m.Category))] = true
		}
		for _, x := range r.Expiries {
			if d, ok := policy.ExpiryDay(x, nil); ok && d.After(p.To) && !d.After(p.Quiet) {
				t.Errorf("bug %d expires on %s, within the quiet span", id, d.Format(time.DateOnly))
			}
		}
	}
	for _, want := range []string{"product Firefox", "product Toolkit", "private bug", "private form", "status +", "status -",
		"form in a comment", "review form", "category 1", "category 2", "category 3", "category 4"} {
		if !seen[want] {
			t.Errorf("the demo's history has no %s", want)
		}
	}
	if len(years) < 5 {
		t.Errorf("answers in %d years, want several", len(years))
	}
}
