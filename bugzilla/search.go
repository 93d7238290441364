package bugzilla

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DefaultSearchPageSize is the page SearchBugs asks for when the query sets
// no Limit. Keep page sizes under the server's max_search_results (10000 by
// default upstream and on BMO): a server that caps the limit silently sends
// a short page, which the iterator takes as the end.
const DefaultSearchPageSize = 500

// Criterion is one fN/oN/vN triple of an advanced search, such as
// {Field: "flagtypes.name", Op: "equals", Value: "data-review?"}. Several
// criteria are ANDed, each matching on its own: flagtypes.name and
// requestees.login_name need not match the same flag (recording 122).
type Criterion struct{ Field, Op, Value string }

// BugIDsCriterion matches the bugs with the given ids (bug_id anyexact,
// which Search.pm turns into bugs.bug_id IN (...)). Mind the length of
// the request target: a few hundred ids fit under the 8 KiB that front
// ends accept, and SearchBugsPage refuses a longer one.
func BugIDsCriterion(ids []int) Criterion {
	return Criterion{Field: "bug_id", Op: "anyexact", Value: joinIDs(ids)}
}

// SearchQuery is GET /rest/bug. Limit 0 means the server default
// (max_search_results, 10000 unless the administrator changed it; a larger
// Limit is cut to it without a word); the iterator pages by Limit. An
// Offset needs a Limit.
type SearchQuery struct {
	Criteria []Criterion
	// OrCriteria widen the search: a bug matches when it matches all of
	// Criteria or any one of OrCriteria. LastChangeTime still applies to
	// every bug. OrCriteria need Criteria (all of none would match every
	// bug).
	OrCriteria     []Criterion
	LastChangeTime time.Time // last_change_time=<ISO>, zero to omit
	IncludeFields  []string
	Limit, Offset  int
	Order          string
}

// values encodes q as Bugzilla's search parameters.
//
// OrCriteria make one boolean chart ("custom search" in Search.pm): an
// OR group (fN=OP, jN=OR ... fM=CP) holding Criteria, as an AND group
// when there are several, and then each of OrCriteria. The criteria are
// numbered without gaps from 1, and j_top is left at AND, because
// Bug.search turns last_change_time into one more criterion numbered
// "how many fN there are, plus one" (WebService/Bug.pm): after the group,
// so ANDed with it; with a gap in the numbers it would replace one of
// ours.
func (q SearchQuery) values() (url.Values, error) {
	v := url.Values{}
	n := 0
	add := func(cr Criterion) {
		n++
		k := strconv.Itoa(n)
		v.Set("f"+k, cr.Field)
		v.Set("o"+k, cr.Op)
		v.Set("v"+k, cr.Value)
	}
	open := func(join string) {
		n++
		k := strconv.Itoa(n)
		v.Set("f"+k, "OP")
		if join != "" {
			v.Set("j"+k, join)
		}
	}
	closeGroup := func() {
		n++
		v.Set("f"+strconv.Itoa(n), "CP")
	}
	for i, cr := range slices.Concat(q.Criteria, q.OrCriteria) {
		if cr.Field == "" || cr.Op == "" {
			return nil, fmt.Errorf("bugzilla: search: criterion %d needs a field and an operator", i+1)
		}
		if cr.Field == "OP" || cr.Field == "CP" {
			return nil, fmt.Errorf("bugzilla: search: criterion %d: groups are made with OrCriteria, not %s", i+1, cr.Field)
		}
	}
	switch {
	case len(q.OrCriteria) == 0:
		for _, cr := range q.Criteria {
			add(cr)
		}
	case len(q.Criteria) == 0:
		return nil, errors.New("bugzilla: search: OrCriteria without Criteria would match every bug")
	default:
		open("OR")
		if len(q.Criteria) > 1 {
			open("")
		}
		for _, cr := range q.Criteria {
			add(cr)
		}
		if len(q.Criteria) > 1 {
			closeGroup()
		}
		for _, cr := range q.OrCriteria {
			add(cr)
		}
		closeGroup()
	}
	if !q.LastChangeTime.IsZero() {
		// Honoured to the second (recording 22); chfieldfrom would drop the
		// time of an ISO value (26).
		v.Set("last_change_time", formatTime(q.LastChangeTime))
	}
	if len(q.IncludeFields) > 0 {
		v.Set("include_fields", strings.Join(q.IncludeFields, ","))
	}
	if q.Limit < 0 || q.Offset < 0 {
		return nil, errors.New("bugzilla: search: negative limit or offset")
	}
	if q.Offset > 0 && q.Limit == 0 {
		// Bug.search answers 400, code 50 (WebService/Bug.pm).
		return nil, errors.New("bugzilla: search: an offset needs a limit")
	}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	if q.Offset > 0 {
		v.Set("offset", strconv.Itoa(q.Offset))
	}
	if q.Order != "" {
		v.Set("order", q.Order)
	}
	return v, nil
}

// SearchBugsPage runs one search and returns one page of bugs. Bugzilla
// sends no total count, so paging is only limit and offset.
//
// https://bugzilla.readthedocs.io/en/latest/api/core/v1/bug.html#search-bugs
func (c *Client) SearchBugsPage(ctx context.Context, q SearchQuery) ([]Bug, error) {
	bugs, _, err := c.SearchBugsPageAt(ctx, q)
	return bugs, err
}

// SearchBugsPageAt is SearchBugsPage that also returns the server's clock
// as the answer was sent: its Date header, good to the second (truncated).
// It is zero when the answer has no Date header or an unreadable one.
//
// A poll can take its next watermark from it rather than asking Time
// first, saving a request. The header is written after the search ran, so
// a change made between the search's reading of the database and the
// header is after neither; the next search must look back by a margin (the
// poll's overlap) to see it.
func (c *Client) SearchBugsPageAt(ctx context.Context, q SearchQuery) ([]Bug, time.Time, error) {
	v, err := q.values()
	if err != nil {
		return nil, time.Time{}, err
	}
	if n := c.targetLen("/rest/bug", v); n > maxRequestTarget {
		// Front ends answer 414 (BMO's in plain text); say why here.
		return nil, time.Time{}, fmt.Errorf("bugzilla: search: a request target of %d bytes is over %d; split the criteria (ids) over several searches", n, maxRequestTarget)
	}
	var r bugsAnswer
	h, err := c.do(ctx, call{method: http.MethodGet, endpoint: "/rest/bug", path: "/rest/bug", query: v}, &r)
	if err != nil {
		return nil, time.Time{}, err
	}
	c.seeBugs(r.Bugs)
	var at time.Time
	if t, err := http.ParseTime(h.Get("Date")); err == nil {
		at = t.UTC()
	}
	return r.Bugs, at, nil
}

// SearchBugs pages through all results, stopping on a short page.
//
// It asks for q.Limit bugs a page (DefaultSearchPageSize when zero) from
// q.Offset on, ordered by q.Order, or by bug_id when empty so that bugs
// changing during the walk do not shift the pages. An error ends the
// sequence after it is yielded.
//
// https://bugzilla.readthedocs.io/en/latest/api/core/v1/bug.html#search-bugs
func (c *Client) SearchBugs(ctx context.Context, q SearchQuery) iter.Seq2[Bug, error] {
	return func(yield func(Bug, error) bool) {
		page := q
		if page.Limit <= 0 {
			page.Limit = DefaultSearchPageSize
		}
		if page.Order == "" {
			page.Order = "bug_id"
		}
		for {
			bugs, err := c.SearchBugsPage(ctx, page)
			if err != nil {
				yield(Bug{}, err)
				return
			}
			for _, b := range bugs {
				if !yield(b, nil) {
					return
				}
			}
			if len(bugs) < page.Limit {
				return
			}
			page.Offset += len(bugs)
		}
	}
}

// Bugs reads bugs by id (GET /rest/bug?id=1,3), batched under the URL
// limit, keeping only the given fields when any are named. Bugs the caller
// cannot see, and ids that do not exist, are left out rather than failing
// the call.
//
// https://bugzilla.readthedocs.io/en/latest/api/core/v1/bug.html#get-bug
func (c *Client) Bugs(ctx context.Context, ids []int, fields ...string) ([]Bug, error) {
	base := url.Values{}
	if len(fields) > 0 {
		base.Set("include_fields", strings.Join(fields, ","))
	}
	fixed := c.targetLen("/rest/bug", base) + len("&id=")
	batches := batchIDs(ids, fixed, len("%2C"))
	answers := make([]bugsAnswer, len(batches))
	err := c.eachBatch(ctx, len(batches), func(ctx context.Context, i int) error {
		v := url.Values{}
		for k, x := range base {
			v[k] = x
		}
		v.Set("id", joinIDs(batches[i]))
		_, err := c.do(ctx, call{method: http.MethodGet, endpoint: "/rest/bug", path: "/rest/bug", query: v}, &answers[i])
		return err
	})
	if err != nil {
		return nil, err
	}
	var all []Bug
	for _, r := range answers {
		c.seeBugs(r.Bugs)
		all = append(all, r.Bugs...)
	}
	return all, nil
}
