package survey

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stewardbot/stewardbot/bot/store"
)

var now = time.Date(2026, 12, 7, 15, 0, 0, 0, time.UTC)

// rc builds a granted row: bug, flag, year decided, product, category.
func rc(bug, flag, year int, product string, category int) store.ReviewedCollection {
	return store.ReviewedCollection{FlagID: flag, Status: "+", Steward: "steward@example.test", Product: product,
		DecidedAt: time.Date(year, 3, 4, 10, 0, 0, 0, time.UTC),
		Collection: store.Collection{BugID: bug, Measurement: "m" + itoa(bug) + "." + itoa(flag), Category: category,
			DefaultOn: "no"}}
}

func itoa(n int) string { return strconv.Itoa(n) }

func with(r store.ReviewedCollection, f func(*store.ReviewedCollection)) store.ReviewedCollection {
	f(&r)
	return r
}

func TestSummariseCounts(t *testing.T) {
	rows := []store.ReviewedCollection{
		rc(1, 10, 2024, "Firefox", 1),
		rc(1, 10, 2024, "Firefox", 2),
		rc(2, 20, 2025, "Firefox", 2),
		rc(3, 30, 2025, "Toolkit", 0),
		rc(4, 40, 2025, "", 3), // product not known yet
		with(rc(5, 50, 2025, "Firefox", 4), func(r *store.ReviewedCollection) { r.Status = "-" }), // denied: collects nothing
		with(rc(6, 60, 2023, "Secret", 4), func(r *store.ReviewedCollection) { r.BugPrivate = true }),
		with(rc(6, 60, 2023, "Secret", 4), func(r *store.ReviewedCollection) { r.Collection.Private = true }),
		with(rc(7, 70, 2025, "Firefox", 1), func(r *store.ReviewedCollection) { r.DecidedAt = time.Time{} }),
	}
	tests := []struct {
		name        string
		o           Options
		total, priv int
		byYear      Counts
		byProduct   Counts
		yp          []YearProductCount
		years       []string
		products    []string
	}{
		{
			name: "private hidden", o: Options{Now: now}, total: 8, priv: 2,
			byYear: Counts{Labels: []string{"unknown", "2023", "2024", "2025"}, Series: []string{"1", "2", "3", "none", "private"},
				Values: [][]int{{1, 0, 0, 0, 0}, {0, 0, 0, 0, 2}, {1, 1, 0, 0, 0}, {0, 1, 1, 1, 0}}},
			byProduct: Counts{Labels: []string{"Firefox", "(private)", "(unknown)", "Toolkit"}, Series: []string{"1", "2", "3", "none", "private"},
				Values: [][]int{{2, 2, 0, 0, 0}, {0, 0, 0, 0, 2}, {0, 0, 1, 0, 0}, {0, 0, 0, 1, 0}}},
			yp: []YearProductCount{
				{"2025", "(unknown)", "3", 1}, {"2025", "Firefox", "2", 1}, {"2025", "Toolkit", "none", 1},
				{"2024", "Firefox", "1", 1}, {"2024", "Firefox", "2", 1},
				{"2023", "(private)", "private", 2},
				{"unknown", "Firefox", "1", 1},
			},
			years:    []string{"2025", "2024", "2023", "unknown"},
			products: []string{"(private)", "(unknown)", "Firefox", "Toolkit"},
		},
		{
			name: "private shown", o: Options{Now: now, ShowPrivate: true}, total: 8, priv: 2,
			byYear: Counts{Labels: []string{"unknown", "2023", "2024", "2025"}, Series: []string{"1", "2", "3", "4", "none"},
				Values: [][]int{{1, 0, 0, 0, 0}, {0, 0, 0, 2, 0}, {1, 1, 0, 0, 0}, {0, 1, 1, 0, 1}}},
			byProduct: Counts{Labels: []string{"Firefox", "Secret", "(unknown)", "Toolkit"}, Series: []string{"1", "2", "3", "4", "none"},
				Values: [][]int{{2, 2, 0, 0, 0}, {0, 0, 0, 2, 0}, {0, 0, 1, 0, 0}, {0, 0, 0, 0, 1}}},
			yp: []YearProductCount{
				{"2025", "(unknown)", "3", 1}, {"2025", "Firefox", "2", 1}, {"2025", "Toolkit", "none", 1},
				{"2024", "Firefox", "1", 1}, {"2024", "Firefox", "2", 1},
				{"2023", "Secret", "4", 2},
				{"unknown", "Firefox", "1", 1},
			},
			years:    []string{"2025", "2024", "2023", "unknown"},
			products: []string{"(unknown)", "Firefox", "Secret", "Toolkit"},
		},
		{
			name: "filtered by product and year", o: Options{Now: now, Filter: Filter{Year: "2024", Product: "Firefox"}}, total: 2,
			byYear:    Counts{Labels: []string{"2024"}, Series: []string{"1", "2"}, Values: [][]int{{1, 1}}},
			byProduct: Counts{Labels: []string{"Firefox"}, Series: []string{"1", "2"}, Values: [][]int{{1, 1}}},
			yp:        []YearProductCount{{"2024", "Firefox", "1", 1}, {"2024", "Firefox", "2", 1}},
			years:     []string{"2025", "2024", "2023", "unknown"},
			products:  []string{"(private)", "(unknown)", "Firefox", "Toolkit"},
		},
		{
			// The hidden product cannot be found by its name.
			name: "a private row's product is not searchable", o: Options{Now: now, Filter: Filter{Product: "Secret"}},
			byYear: Counts{Labels: []string{}}, byProduct: Counts{Labels: []string{}},
			years:    []string{"2025", "2024", "2023", "unknown"},
			products: []string{"(private)", "(unknown)", "Firefox", "Toolkit"},
		},
		{
			name: "the private category", o: Options{Now: now, Filter: Filter{Category: "private"}}, total: 2, priv: 2,
			byYear:    Counts{Labels: []string{"2023"}, Series: []string{"private"}, Values: [][]int{{2}}},
			byProduct: Counts{Labels: []string{"(private)"}, Series: []string{"private"}, Values: [][]int{{2}}},
			yp:        []YearProductCount{{"2023", "(private)", "private", 2}},
			years:     []string{"2025", "2024", "2023", "unknown"},
			products:  []string{"(private)", "(unknown)", "Firefox", "Toolkit"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Summarise(rows, tt.o)
			if s.Total != tt.total || s.Private != tt.priv {
				t.Errorf("total %d, private %d; want %d, %d", s.Total, s.Private, tt.total, tt.priv)
			}
			if d := cmp.Diff(s.ByYear, tt.byYear); d != "" {
				t.Errorf("by year (-got +want):\n%s", d)
			}
			if d := cmp.Diff(s.ByProduct, tt.byProduct); d != "" {
				t.Errorf("by product (-got +want):\n%s", d)
			}
			if d := cmp.Diff(s.YearProduct, tt.yp); d != "" {
				t.Errorf("year and product table (-got +want):\n%s", d)
			}
			if d := cmp.Diff(s.Years, tt.years); d != "" {
				t.Errorf("years (-got +want):\n%s", d)
			}
			if d := cmp.Diff(s.Products, tt.products); d != "" {
				t.Errorf("products (-got +want):\n%s", d)
			}
		})
	}
}

// Default-on by category, and the list of the default-on ones; a private
// request is one line that shows nothing of it.
func TestSummariseDefaultOn(t *testing.T) {
	on := func(r store.ReviewedCollection, answer string) store.ReviewedCollection {
		r.DefaultOn, r.Channels = answer, []string{"release", "beta"}
		return r
	}
	rows := []store.ReviewedCollection{
		on(rc(1, 10, 2025, "Firefox", 1), "yes"),
		on(rc(1, 10, 2025, "Firefox", 3), "yes"),
		on(rc(2, 20, 2025, "Firefox", 3), "no"),
		on(rc(3, 30, 2025, "Firefox", 2), ""),
		on(with(rc(4, 40, 2025, "Firefox", 4), func(r *store.ReviewedCollection) { r.BugPrivate = true }), "yes"),
		on(with(rc(4, 40, 2025, "Firefox", 4), func(r *store.ReviewedCollection) { r.BugPrivate = true }), "yes"),
	}
	s := Summarise(rows, Options{Now: now})
	want := Counts{Labels: []string{"1", "2", "3", "private"}, Series: []string{"yes", "no", "unknown", "private"},
		Values: [][]int{{1, 0, 0, 0}, {0, 0, 1, 0}, {1, 1, 0, 0}, {0, 0, 0, 2}}}
	if d := cmp.Diff(s.DefaultOn, want); d != "" {
		t.Errorf("default-on (-got +want):\n%s", d)
	}
	var got []string
	for _, it := range s.DefaultOnItems {
		got = append(got, it.Label+" "+it.Measurement+" "+it.Category+" "+it.Channels)
	}
	wantItems := []string{"Bug 1 m1.10 1 release, beta", "Bug 1 m1.10 3 release, beta"}
	if d := cmp.Diff(got, wantItems); d != "" {
		t.Errorf("default-on list (-got +want):\n%s", d)
	}
	// Shown, the private request's two rows are listed in full.
	s = Summarise(rows, Options{Now: now, ShowPrivate: true})
	if len(s.DefaultOnItems) != 4 || s.DefaultOnItems[3].Measurement != "m4.40" || s.DefaultOnItems[3].Category != "4" {
		t.Errorf("with private shown: %+v", s.DefaultOnItems)
	}
}

// The expiry window is today to today + 90 days, both included, by UTC
// date; a row's first date in it counts; months label the chart.
func TestSummariseExpiring(t *testing.T) {
	dated := func(bug int, dates ...string) store.ReviewedCollection {
		r := rc(bug, bug*10, 2025, "Firefox", 2)
		r.ExpiryDates, r.Owner = dates, "Jane"
		return r
	}
	rows := []store.ReviewedCollection{
		dated(1, "2026-12-06"),               // yesterday: gone already
		dated(2, "2026-12-07"),               // today
		dated(3, "2026-12-06", "2027-01-15"), // the second date is in the window
		dated(4, "2027-03-07"),               // the last day
		dated(5, "2027-03-08"),               // the day after
		dated(6),                             // no date
		dated(7, "2027-13-45x"),              // not a date
		with(dated(8, "2027-02-01"), func(r *store.ReviewedCollection) { r.Collection.Private = true }),
		with(dated(9, "2027-01-01"), func(r *store.ReviewedCollection) { r.Status = "-" }),
	}
	s := Summarise(rows, Options{Now: now})
	if s.Today != "2026-12-07" || s.Until != "2027-03-07" {
		t.Errorf("window %s to %s", s.Today, s.Until)
	}
	var got []string
	for _, it := range s.ExpiringItems {
		got = append(got, it.ExpiresOn+" "+it.Label+" "+it.Owner)
	}
	want := []string{"2026-12-07 Bug 2 Jane", "2027-01-15 Bug 3 Jane", "2027-02-01 private bug 8 ", "2027-03-07 Bug 4 Jane"}
	if d := cmp.Diff(got, want); d != "" {
		t.Errorf("expiring (-got +want):\n%s", d)
	}
	wantCounts := Counts{Labels: []string{"2026-12", "2027-01", "2027-02", "2027-03"}, Series: []string{"2", "private"},
		Values: [][]int{{1, 0}, {1, 0}, {0, 1}, {1, 0}}}
	if d := cmp.Diff(s.Expiring, wantCounts); d != "" {
		t.Errorf("expiring counts (-got +want):\n%s", d)
	}
	// Late in the day UTC is still today: the window is by date.
	late := Summarise(rows[:2], Options{Now: time.Date(2026, 12, 7, 23, 59, 0, 0, time.UTC)})
	if len(late.ExpiringItems) != 1 {
		t.Errorf("at 23:59 today's expiry is not listed: %+v", late.ExpiringItems)
	}
}

// Permanent collections: any expiry reading "never"; whether someone is
// named responsible is counted, private ones too, but who only for
// rows shown.
func TestSummarisePermanent(t *testing.T) {
	perm := func(bug, cat int, expiry, owner string) store.ReviewedCollection {
		r := rc(bug, bug*10, 2025, "Firefox", cat)
		r.Expiry, r.Owner = expiry, owner
		return r
	}
	rows := []store.ReviewedCollection{
		perm(1, 1, "never", "Jane Doe <jane@example.test>"),
		perm(2, 2, "2027-01-01; never", ""),
		perm(3, 2, "never ending story", "x"), // as written: not normalised to never
		perm(4, 2, "6 months", "y"),
		with(perm(5, 4, "never", "Secret Owner"), func(r *store.ReviewedCollection) { r.BugPrivate = true }),
		with(perm(5, 4, "never", "Secret Owner"), func(r *store.ReviewedCollection) { r.BugPrivate = true }),
		with(perm(6, 4, "never", "  "), func(r *store.ReviewedCollection) { r.BugPrivate = true }),
	}
	s := Summarise(rows, Options{Now: now})
	want := Counts{Labels: []string{"1", "2", "private"}, Series: []string{OwnerNamed, OwnerMissing},
		Values: [][]int{{1, 0}, {0, 1}, {2, 1}}}
	if d := cmp.Diff(s.Permanent, want); d != "" {
		t.Errorf("permanent (-got +want):\n%s", d)
	}
	var got []string
	for _, it := range s.PermanentItems {
		got = append(got, it.Label+"|"+it.Owner)
	}
	wantItems := []string{"Bug 1|Jane Doe <jane@example.test>", "Bug 2|", "private bug 5|", "private bug 6|"}
	if d := cmp.Diff(got, wantItems); d != "" {
		t.Errorf("permanent list (-got +want):\n%s", d)
	}
}

func TestParseFilter(t *testing.T) {
	for _, tt := range []struct {
		query string
		want  Filter
		err   string
	}{
		{"", Filter{}, ""},
		{"year=2024&product=Firefox+for+Android&category=3", Filter{Year: "2024", Product: "Firefox for Android", Category: "3"}, ""},
		{"year=unknown&category=private", Filter{Year: "unknown", Category: "private"}, ""},
		{"year=+2024+", Filter{Year: "2024"}, ""},
		{"year=24", Filter{}, `year "24"`},
		{"year=last", Filter{}, `year "last"`},
		{"category=5", Filter{}, `category "5": want one of 1, 2, 3, 4, none, private`},
		{"product=" + string(make([]byte, 201)), Filter{}, "product: longer than 200"},
	} {
		t.Run(tt.query, func(t *testing.T) {
			q, err := url.ParseQuery(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseFilter(q)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(got, tt.want); d != "" {
				t.Errorf("(-got +want):\n%s", d)
			}
			back, _ := url.ParseQuery(got.Query())
			if again, _ := ParseFilter(back); again != got {
				t.Errorf("Query() %q reads back as %+v", got.Query(), again)
			}
		})
	}
}

func TestCategoryLabel(t *testing.T) {
	for key, want := range map[string]string{"1": "1 technical", "3": "3 stored content & communications", "none": "none written", "private": "private", "9": "9"} {
		if got := CategoryLabel(key); got != want {
			t.Errorf("CategoryLabel(%q) = %q, want %q", key, got, want)
		}
	}
}
