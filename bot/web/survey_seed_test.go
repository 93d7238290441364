package web

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bot/store"
)

// surveyNow is the time the survey tests look from.
var surveyNow = time.Date(2026, 12, 7, 15, 0, 0, 0, time.UTC)

// surveyRows are synthetic reviewed collections over several years, made
// by a fixed rule (no randomness): products, all categories, default-on
// answers, dated expiries (some in the next 90 days), permanent ones with
// and without an owner, private bugs and forms, and a few denied.
func surveyRows() []store.ReviewedCollection {
	products := []string{"Firefox", "Firefox for Android", "Toolkit", "Core"}
	var rows []store.ReviewedCollection
	for i := range 60 {
		bug := 2000 + i
		r := store.ReviewedCollection{FlagID: 9000 + i, Status: "+", Steward: "steward" + strconv.Itoa(1+i%3) + "@example.test",
			DecidedAt: time.Date(2019+i%8, time.Month(1+i%12), 1+i%27, 12, 0, 0, 0, time.UTC), Product: products[i%len(products)],
			BugPrivate: i%11 == 5,
			Collection: store.Collection{FormKey: "attachment:" + strconv.Itoa(5000+i), FormRev: "r1", BugID: bug,
				AttachmentID: 5000 + i, Category: i % 5, DefaultOn: []string{"yes", "no", "unknown"}[i%3],
				Channels: []string{"release", "beta"}, Owner: "", Private: i%13 == 7, RecordedAt: surveyNow}}
		switch {
		case i%10 == 0:
			r.Status = "-"
		case i%4 == 0:
			r.Expiry = "never"
			if i%8 == 0 {
				r.Owner = "Owner " + strconv.Itoa(i) + " <owner" + strconv.Itoa(i) + "@example.test>"
			}
		case i%4 == 1:
			d := surveyNow.AddDate(0, 0, i%120).Format(time.DateOnly)
			r.Expiry, r.ExpiryDates, r.Owner = d, []string{d}, "Team "+strconv.Itoa(i)
		default:
			r.Expiry = "version " + strconv.Itoa(130+i)
		}
		for m := range 1 + i%3 {
			c := r
			c.Position, c.Measurement = m+1, "probe_"+strconv.Itoa(i)+"."+string(rune('a'+m))
			rows = append(rows, c)
		}
	}
	return rows
}

// seedSurveyStore records surveyRows in a store as the bot would: the
// request, its bug's product and privacy, and the form's collections.
func seedSurveyStore(t *testing.T, st store.Store) {
	t.Helper()
	ctx := context.Background()
	byForm := map[string][]store.Collection{}
	seen := map[int]bool{}
	for _, r := range surveyRows() {
		byForm[r.FormKey] = append(byForm[r.FormKey], r.Collection)
		if seen[r.FlagID] {
			continue
		}
		seen[r.FlagID] = true
		req := store.Request{FlagID: r.FlagID, BugID: r.BugID, AttachmentID: r.AttachmentID, Setter: r.Steward, Status: r.Status,
			FirstStatus: "?", FirstSeen: r.DecidedAt.Add(-48 * time.Hour), UpdatedAt: r.DecidedAt, FormKey: r.FormKey, FormRev: r.FormRev}
		if err := st.SaveRequest(ctx, req); err != nil {
			t.Fatal(err)
		}
		if err := st.SaveBugInfos(ctx, []store.BugInfo{{BugID: r.BugID, Summary: "Survey bug " + strconv.Itoa(r.BugID),
			Private: r.BugPrivate, Product: r.Product, UpdatedAt: r.DecidedAt}}); err != nil {
			t.Fatal(err)
		}
	}
	for key, cs := range byForm {
		if err := st.SaveCollections(ctx, key, "r1", cs); err != nil {
			t.Fatal(err)
		}
	}
}

// surveyActivity is what Bugzilla said of surveyRows' owners: owner8 last
// acted two years ago, owner48 last week, owner24's date was not given
// (unknown), owner32 has no account, owner56 was not asked; owner16, on a
// private bug, last acted two years ago too.
func surveyActivity() []store.OwnerActivity {
	checked := surveyNow.Add(-3 * time.Hour)
	return []store.OwnerActivity{
		{Login: "owner8@example.test", Found: true, LastActivity: surveyNow.AddDate(-2, 0, 0), CheckedAt: checked},
		{Login: "owner16@example.test", Found: true, LastActivity: surveyNow.AddDate(-2, 0, 0), CheckedAt: checked},
		{Login: "owner48@example.test", Found: true, LastActivity: surveyNow.AddDate(0, 0, -7), CheckedAt: checked},
		{Login: "owner24@example.test", Found: true, CheckedAt: checked},
		{Login: "owner32@example.test", Found: false, CheckedAt: checked},
	}
}
