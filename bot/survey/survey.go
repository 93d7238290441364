// Package survey sums up the reviewed data collections for the yearly
// survey: how many were granted per year, product and category, which are
// default-on, which expire soon, which are permanent and who is named
// responsible for them. The dashboard's /survey page and "stewardbot
// report --format html" draw it (bot/web).
//
// It is pure: the store's rows, the time and the options in, the summary
// out. No I/O and no clock, so that every number is table-tested.
//
// A collection is one measurement of a request a steward granted
// (data-review+): denied requests collect nothing, and the CSV report lists
// them. Private rows (a bug in a group, a private form) are counted, but
// unless ShowPrivate their details are hidden before anything is summed:
// their product reads "(private)", their category and default-on answer
// "private", their measurement and owner nothing. So no count, chart or
// filter can tell which product or category a private bug is about.
package survey

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/policy"
)

// ExpiryWindowDays is how far ahead "expires soon" looks.
const ExpiryWindowDays = 90

// Labels the summary uses for hidden or missing values.
const (
	PrivateProduct  = "(private)"
	UnknownProduct  = "(unknown)" // the store has not learnt the bug's product
	CategoryNone    = "none"      // no category written
	CategoryPrivate = "private"   // hidden
	UnknownYear     = "unknown"   // no decision time recorded
)

// CategoryKeys are the category buckets, in the order charts show them:
// "1".."4", then none written, then private.
var CategoryKeys = []string{"1", "2", "3", "4", CategoryNone, CategoryPrivate}

// CategoryLabel names a category bucket for people: "2 interaction".
func CategoryLabel(key string) string {
	if n, err := strconv.Atoi(key); err == nil && n >= 1 && n <= 4 {
		return key + " " + policy.CategoryName(n)
	}
	if key == CategoryNone {
		return "none written"
	}
	return key
}

// DefaultOnKeys are the default-on answers, then "private" (hidden).
var DefaultOnKeys = []string{"yes", "no", "unknown", CategoryPrivate}

// Permanent collections' owner buckets.
const (
	OwnerNamed   = "owner named"
	OwnerMissing = "nobody named"
)

// Options say what to sum up.
type Options struct {
	Now         time.Time // today, for the expiry window (its UTC date)
	ShowPrivate bool      // show private rows' details
	Filter      Filter
	// Activity is what Bugzilla said of the owners' accounts, by lower-case
	// login (survey.owner_activity); nil when activity is not looked up:
	// then the summary has no Owners.
	Activity map[string]store.OwnerActivity
}

// Item is one collection as the survey's lists show it; a private one
// (unless shown) keeps only its bug number, year and the dates the list is
// about.
type Item struct {
	BugID       int
	FlagID      int
	Label       string // "Bug 1001" or "private bug 1007"
	Private     bool   // details hidden
	Year        string
	Decided     string // YYYY-MM-DD
	Steward     string
	Product     string
	Measurement string
	Category    string // a CategoryKeys key
	DefaultOn   string
	Channels    string // "release, beta"
	Expiry      string
	ExpiresOn   string // the dated expiry in the window, YYYY-MM-DD (expiring list only)
	Owner       string
}

// Counts is a table of counts and the chart drawn from it: one line per
// label, one column per series.
type Counts struct {
	Labels []string
	Series []string
	Values [][]int
}

// Total is the sum of one line.
func (c Counts) Total(i int) int {
	t := 0
	for _, v := range c.Values[i] {
		t += v
	}
	return t
}

// Summary is the survey.
type Summary struct {
	Filter   Filter
	Today    string   // YYYY-MM-DD (UTC)
	Until    string   // the expiry window's last day
	Total    int      // collections counted, after the filter
	Private  int      // of which private (hidden or not)
	Years    []string // every year with collections, newest first, for the filter
	Products []string // every product, by name, for the filter

	ByYear    Counts // years (oldest first) × category
	ByProduct Counts // products (most collections first) × category
	// YearProduct is the table behind both: year, product, category.
	YearProduct []YearProductCount

	DefaultOn      Counts // category × default-on answer
	DefaultOnItems []Item // the default-on ("yes") collections

	Expiring      Counts // months × category, for the next ExpiryWindowDays days
	ExpiringItems []Item // by date

	Permanent      Counts // category × owner named or not
	PermanentItems []Item // by bug

	// Owners is the owners no longer active (owners.go); nil when
	// Options.Activity is.
	Owners *Owners
}

// YearProductCount is one line of the table behind the year and product charts.
type YearProductCount struct {
	Year, Product, Category string
	Count                   int
}

// Summarise sums up rows (as store.ReviewedCollections lists them) for the
// survey. Rows not granted are left out; the filter applies to every part.
func Summarise(rows []store.ReviewedCollection, o Options) Summary {
	today := o.Now.UTC().Format(time.DateOnly)
	until := o.Now.UTC().AddDate(0, 0, ExpiryWindowDays).Format(time.DateOnly)
	s := Summary{Filter: o.Filter, Today: today, Until: until}

	years, products := map[string]bool{}, map[string]bool{}
	byYear, byProduct := newTally(), newTally()
	defaultOn, expiring, permanent := newTally(), newTally(), newTally()
	yp := map[YearProductCount]int{}
	var owned []Item // the kept collections that name an owner
	for _, r := range rows {
		if r.Status != "+" {
			continue
		}
		it := item(r, o.ShowPrivate)
		years[it.Year], products[it.Product] = true, true
		if !o.Filter.Match(it) {
			continue
		}
		s.Total++
		if r.Private() {
			s.Private++
		}
		byYear.add(it.Year, it.Category)
		byProduct.add(it.Product, it.Category)
		yp[YearProductCount{Year: it.Year, Product: it.Product, Category: it.Category}]++

		defaultOn.add(it.Category, defaultOnKey(it))
		if it.DefaultOn == "yes" {
			s.DefaultOnItems = append(s.DefaultOnItems, it)
		}
		if d := firstDateIn(r.ExpiryDates, today, until); d != "" {
			it := it
			it.ExpiresOn = d
			expiring.add(d[:7], it.Category)
			s.ExpiringItems = append(s.ExpiringItems, it)
		}
		if it.Owner != "" {
			owned = append(owned, it)
		}
		if isPermanent(r.Expiry) {
			owner := OwnerMissing
			if strings.TrimSpace(r.Owner) != "" {
				owner = OwnerNamed // counted for private rows too: whether is not who
			}
			permanent.add(it.Category, owner)
			s.PermanentItems = append(s.PermanentItems, it)
		}
	}

	s.Years = sortedKeys(years, func(a, b string) int { return -compareYears(a, b) })
	s.Products = sortedKeys(products, strings.Compare)
	s.ByYear = byYear.counts(compareYears, CategoryKeys)
	s.ByProduct = byProduct.countsByTotal(CategoryKeys)
	s.DefaultOn = defaultOn.counts(compareCategories, DefaultOnKeys)
	s.Expiring = expiring.counts(strings.Compare, CategoryKeys)
	s.Permanent = permanent.counts(compareCategories, []string{OwnerNamed, OwnerMissing})
	for k, n := range yp {
		k.Count = n
		s.YearProduct = append(s.YearProduct, k)
	}
	slices.SortFunc(s.YearProduct, func(a, b YearProductCount) int {
		return cmp.Or(-compareYears(a.Year, b.Year), strings.Compare(a.Product, b.Product), compareCategories(a.Category, b.Category))
	})
	if o.Activity != nil {
		s.Owners = summariseOwners(owned, o.Activity, o.Now)
	}
	s.DefaultOnItems = foldPrivate(s.DefaultOnItems)
	s.PermanentItems = foldPrivate(s.PermanentItems)
	s.ExpiringItems = foldPrivate(s.ExpiringItems)
	slices.SortStableFunc(s.ExpiringItems, func(a, b Item) int { return strings.Compare(a.ExpiresOn, b.ExpiresOn) })
	return s
}

// item is what the survey shows of a row: everything, or for a private
// row not shown, its bug, flag, year and dates only.
func item(r store.ReviewedCollection, showPrivate bool) Item {
	it := Item{BugID: r.BugID, FlagID: r.FlagID, Label: "Bug " + strconv.Itoa(r.BugID), Year: UnknownYear}
	if !r.DecidedAt.IsZero() {
		it.Year = strconv.Itoa(r.DecidedAt.UTC().Year())
		it.Decided = r.DecidedAt.UTC().Format(time.DateOnly)
	}
	if r.Private() && !showPrivate {
		it.Label, it.Private = "private bug "+strconv.Itoa(r.BugID), true
		it.Product, it.Category, it.DefaultOn = PrivateProduct, CategoryPrivate, CategoryPrivate
		return it
	}
	it.Steward, it.Product, it.Measurement = r.Steward, cmp.Or(r.Product, UnknownProduct), r.Measurement
	it.Category = CategoryNone
	if r.Category >= 1 && r.Category <= 4 {
		it.Category = strconv.Itoa(r.Category)
	}
	it.DefaultOn = cmp.Or(r.DefaultOn, "unknown")
	it.Channels, it.Expiry, it.Owner = strings.Join(r.Channels, ", "), r.Expiry, r.Owner
	return it
}

func defaultOnKey(it Item) string {
	if slices.Contains(DefaultOnKeys, it.DefaultOn) {
		return it.DefaultOn
	}
	return "unknown"
}

// firstDateIn returns the first of the sorted YYYY-MM-DD dates that falls
// from today to until, both included; "" when none does.
func firstDateIn(dates []string, today, until string) string {
	for _, d := range dates {
		if len(d) == len(time.DateOnly) && d >= today && d <= until {
			return d
		}
	}
	return ""
}

// isPermanent reports whether a normalised expiry ("2027-03-01; never")
// says the collection never expires.
func isPermanent(expiry string) bool {
	for e := range strings.SplitSeq(expiry, ";") {
		if strings.TrimSpace(e) == "never" {
			return true
		}
	}
	return false
}

// foldPrivate keeps one item per request (flag) of the private ones not
// shown: their measurements are hidden, so their rows would only repeat.
func foldPrivate(items []Item) []Item {
	seen := map[int]bool{}
	return slices.DeleteFunc(items, func(it Item) bool {
		if !it.Private {
			return false
		}
		if seen[it.FlagID] {
			return true
		}
		seen[it.FlagID] = true
		return false
	})
}

// compareYears orders years oldest first, the unknown year first of all.
func compareYears(a, b string) int {
	switch {
	case a == b:
		return 0
	case a == UnknownYear:
		return -1
	case b == UnknownYear:
		return 1
	}
	return strings.Compare(a, b)
}

// compareCategories orders category keys as CategoryKeys does.
func compareCategories(a, b string) int {
	return cmp.Compare(slices.Index(CategoryKeys, a), slices.Index(CategoryKeys, b))
}

func sortedKeys(m map[string]bool, f func(a, b string) int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.SortFunc(out, f)
	return out
}
