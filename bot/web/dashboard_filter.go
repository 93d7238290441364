package web

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/stewardbot/stewardbot/bot"
)

// The dashboard's sort orders (?sort=): by business days waiting, longest
// first (the default, the queue's own order) or shortest first.
const (
	sortWaitingDesc = "waiting-desc"
	sortWaitingAsc  = "waiting-asc"
)

// filters is what the dashboard's query asks for: the rows of one steward
// (noSteward for requests without one), of one status, only the overdue
// ones, in one order. The page is all server-rendered: the form is a GET,
// the sort and steward choices are links, and no script runs.
type filters struct {
	Steward string
	Status  bot.RequestState // "" for any
	Overdue bool
	Sort    string // sortWaitingDesc or sortWaitingAsc
}

// parseFilters reads the query. An unknown status, sort or overdue value
// is an error that says which values there are: a mistyped link must not
// show a silently unfiltered page.
func parseFilters(q url.Values) (filters, error) {
	f := filters{Steward: strings.TrimSpace(q.Get("steward")), Sort: sortWaitingDesc}
	if s := q.Get("status"); s != "" {
		if !slices.Contains(bot.RequestStates(), bot.RequestState(s)) {
			var names []string
			for _, st := range bot.RequestStates() {
				names = append(names, string(st))
			}
			return f, fmt.Errorf("unknown status %q: use one of %s", s, strings.Join(names, ", "))
		}
		f.Status = bot.RequestState(s)
	}
	switch q.Get("overdue") {
	case "", "0":
	case "1":
		f.Overdue = true
	default:
		return f, fmt.Errorf("overdue=%q: use overdue=1 (only overdue requests) or leave it out", q.Get("overdue"))
	}
	switch s := q.Get("sort"); s {
	case "", sortWaitingDesc:
	case sortWaitingAsc:
		f.Sort = s
	default:
		return f, fmt.Errorf("unknown sort %q: use %s or %s", s, sortWaitingDesc, sortWaitingAsc)
	}
	return f, nil
}

// keeps reports whether a queue row (its steward as the page names it)
// passes the filters.
func (f filters) keeps(e bot.QueueEntry, steward string) bool {
	return (f.Steward == "" || steward == f.Steward) &&
		(f.Status == "" || e.Status.State == f.Status) &&
		(!f.Overdue || e.Overdue)
}

// sortRows orders the rows by business days waiting; the queue's order
// (oldest request first) breaks ties.
func (f filters) sortRows(rows []row) {
	slices.SortStableFunc(rows, func(a, b row) int {
		if f.Sort == sortWaitingAsc {
			return cmp.Compare(a.days, b.days)
		}
		return cmp.Compare(b.days, a.days)
	})
}

// link is the dashboard's URL for these filters, with only the
// parameters that differ from the defaults.
func (f filters) link() string {
	q := url.Values{}
	if f.Steward != "" {
		q.Set("steward", f.Steward)
	}
	if f.Status != "" {
		q.Set("status", string(f.Status))
	}
	if f.Overdue {
		q.Set("overdue", "1")
	}
	if f.Sort != sortWaitingDesc {
		q.Set("sort", f.Sort)
	}
	if len(q) == 0 {
		return "/"
	}
	return "/?" + q.Encode()
}

// any reports whether any filter is set (the order is not a filter).
func (f filters) any() bool { return f.Steward != "" || f.Status != "" || f.Overdue }
