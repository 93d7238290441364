package bugzilla

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestSearchBugsPageQuery(t *testing.T) {
	f := newFake(t)
	f.serve("GET /rest/bug", 200, recording(t, "22-search-flag-last-change-time.json"))
	c, _ := testClient(t, f, WithKeyPlacement(KeyQuery))
	bugs, err := c.SearchBugsPage(bg, SearchQuery{
		Criteria:       []Criterion{{"flagtypes.name", "equals", "data-review?"}, {"requestees.login_name", "equals", "steward1@example.test"}},
		LastChangeTime: time.Date(2026, 11, 28, 21, 22, 34, 0, time.FixedZone("CET", 3600)),
		IncludeFields:  []string{"id", "last_change_time"},
		Limit:          50, Offset: 100, Order: "bug_id",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []Bug{
		{ID: 2, LastChangeTime: time.Date(2026, 11, 28, 20, 22, 42, 0, time.UTC)},
		{ID: 3, LastChangeTime: time.Date(2026, 11, 28, 20, 22, 38, 0, time.UTC)},
	}
	if diff := cmp.Diff(bugs, want); diff != "" {
		t.Errorf("bugs (-got +want):\n%s", diff)
	}
	q := f.requests()[0].Query
	q.Del("Bugzilla_api_key")
	wantQ := map[string][]string{
		"f1": {"flagtypes.name"}, "o1": {"equals"}, "v1": {"data-review?"},
		"f2": {"requestees.login_name"}, "o2": {"equals"}, "v2": {"steward1@example.test"},
		"last_change_time": {"2026-11-28T20:22:34Z"}, // UTC, to the second (recording 22)
		"include_fields":   {"id,last_change_time"},
		"limit":            {"50"}, "offset": {"100"}, "order": {"bug_id"},
	}
	if diff := cmp.Diff(map[string][]string(q), wantQ); diff != "" {
		t.Errorf("query (-got +want):\n%s", diff)
	}
	if !strings.Contains(f.requests()[0].RawQuery, "v1=data-review%3F") {
		t.Errorf("? not escaped: %s", f.requests()[0].RawQuery)
	}
}

// TestSearchBugsPageAt: the server's clock comes from the answer's Date
// header (recording 22 sent "Sat, 28 Nov 2026 20:22:54 GMT"); zero when an
// answer has none or an unreadable one, which is not an error.
func TestSearchBugsPageAt(t *testing.T) {
	body := recording(t, "22-search-flag-last-change-time.json")
	for _, tc := range []struct {
		name string
		date []string // nil: no Date header at all
		want time.Time
	}{
		{"date header", []string{"Sat, 28 Nov 2026 20:22:54 GMT"}, time.Date(2026, 11, 28, 20, 22, 54, 0, time.UTC)},
		{"no date header", nil, time.Time{}},
		{"bad date header", []string{"yesterday"}, time.Time{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			f.handle("GET /rest/bug", func(w http.ResponseWriter, _ *http.Request) {
				w.Header()["Date"] = tc.date // nil stops net/http adding one
				writeJSON(w, 200, body)
			})
			c, _ := testClient(t, f, WithKeyPlacement(KeyQuery))
			bugs, at, err := c.SearchBugsPageAt(bg, SearchQuery{Criteria: []Criterion{{"flagtypes.name", "equals", "data-review?"}}})
			if err != nil {
				t.Fatal(err)
			}
			if len(bugs) != 2 || !at.Equal(tc.want) || at.Location() != time.UTC {
				t.Errorf("SearchBugsPageAt = %d bugs, %v; want 2, %v", len(bugs), at, tc.want)
			}
		})
	}
}

func TestSearchBugsPageRejects(t *testing.T) {
	c, _ := testClient(t, newFake(t))
	for _, q := range []SearchQuery{
		{Criteria: []Criterion{{Field: "flagtypes.name"}}},
		{Limit: -1},
		{Offset: -1},
	} {
		if _, err := c.SearchBugsPage(bg, q); err == nil {
			t.Errorf("%+v accepted", q)
		}
	}
}

// pager answers searches from total bugs with ids 1..total, honouring limit and offset.
func pager(total int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		var ids []string
		for id := offset + 1; id <= total && len(ids) < limit; id++ {
			ids = append(ids, fmt.Sprintf(`{"id":%d}`, id))
		}
		writeJSON(w, 200, []byte(`{"bugs":[`+strings.Join(ids, ",")+`]}`))
	}
}

func TestSearchBugsPaging(t *testing.T) {
	for _, tc := range []struct {
		name     string
		total    int
		limit    int
		stopAt   int // stop iterating after this many bugs; 0 for all
		want     int
		requests int
		offsets  []string
	}{
		{"short last page", 5, 2, 0, 5, 3, []string{"", "2", "4"}},
		{"exact multiple needs an empty page", 4, 2, 0, 4, 3, []string{"", "2", "4"}},
		{"empty result", 0, 2, 0, 0, 1, []string{""}},
		{"one short page", 1, 10, 0, 1, 1, []string{""}},
		{"caller stops early", 10, 2, 3, 3, 2, []string{"", "2"}},
		{"default page size", 3, 0, 0, 3, 1, []string{""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			f.handle("GET /rest/bug", pager(tc.total))
			c, _ := testClient(t, f)
			var got []int
			for bug, err := range c.SearchBugs(bg, SearchQuery{Criteria: []Criterion{{"flagtypes.name", "equals", "data-review?"}}, Limit: tc.limit}) {
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, bug.ID)
				if len(got) == tc.stopAt {
					break
				}
			}
			if len(got) != tc.want {
				t.Errorf("%d bugs, want %d", len(got), tc.want)
			}
			for i, id := range got {
				if id != i+1 {
					t.Errorf("bug %d at %d: pages overlap or skip", id, i)
				}
			}
			reqs := f.requests()
			if len(reqs) != tc.requests {
				t.Errorf("%d requests, want %d", len(reqs), tc.requests)
			}
			for i, r := range reqs {
				if i < len(tc.offsets) && r.Query.Get("offset") != tc.offsets[i] {
					t.Errorf("request %d offset %q, want %q", i, r.Query.Get("offset"), tc.offsets[i])
				}
				if r.Query.Get("order") != "bug_id" {
					t.Errorf("request %d order %q, want bug_id for stable pages", i, r.Query.Get("order"))
				}
				wantLimit := strconv.Itoa(max(tc.limit, 0))
				if tc.limit == 0 {
					wantLimit = strconv.Itoa(DefaultSearchPageSize)
				}
				if r.Query.Get("limit") != wantLimit {
					t.Errorf("request %d limit %q, want %s", i, r.Query.Get("limit"), wantLimit)
				}
			}
		})
	}
}

func TestSearchBugsError(t *testing.T) {
	f := newFake(t)
	f.serveSeq("GET /rest/bug", pager(10), status(400, recording(t, "101-error-bug-alias-unknown.json")))
	c, _ := testClient(t, f)
	var n int
	var last error
	for _, err := range c.SearchBugs(bg, SearchQuery{Limit: 2}) {
		if err != nil {
			last = err
			continue
		}
		n++
	}
	var apiErr *APIError
	if n != 2 || !errors.As(last, &apiErr) || apiErr.Code != 100 {
		t.Errorf("%d bugs then %v", n, last)
	}
	if f.count() != 2 {
		t.Errorf("%d requests: the sequence must end after an error", f.count())
	}
}

func TestBugs(t *testing.T) {
	f := newFake(t)
	f.serve("GET /rest/bug", 200, recording(t, "36-get-bugs-by-ids.json"))
	c, _ := testClient(t, f)
	bugs, err := c.Bugs(bg, []int{1, 3}, "id", "summary", "flags")
	if err != nil {
		t.Fatal(err)
	}
	if len(bugs) != 2 || bugs[1].Summary != "Record about:preferences interaction events" {
		t.Errorf("got %+v", bugs)
	}
	q := f.requests()[0].Query
	if q.Get("id") != "1,3" || q.Get("include_fields") != "id,summary,flags" {
		t.Errorf("query %v", q)
	}
}

func TestBugFlags(t *testing.T) {
	f := newFake(t)
	f.serve("GET /rest/bug", 200, recording(t, "71-needinfo-get-bug-flags-2.json"))
	c, _ := testClient(t, f)
	bugs, err := c.Bugs(bg, []int{1}, "id", "flags")
	if err != nil {
		t.Fatal(err)
	}
	ts := func(s string) time.Time { v, _ := time.Parse(time.RFC3339, s); return v }
	want := []Flag{
		{ID: 5, Name: "needinfo", TypeID: 2, Status: "?", Setter: "bot@example.test", Requestee: "dev2@example.test",
			CreationDate: ts("2026-11-28T20:23:39Z"), ModificationDate: ts("2026-11-28T20:23:42Z")},
		{ID: 8, Name: "needinfo", TypeID: 2, Status: "?", Setter: "bot@example.test", Requestee: "steward1@example.test",
			CreationDate: ts("2026-11-28T20:23:44Z"), ModificationDate: ts("2026-11-28T20:23:44Z")},
	}
	if diff := cmp.Diff(bugs[0].Flags, want); diff != "" {
		t.Errorf("flags (-got +want):\n%s", diff)
	}
}

// TestSearchOffsetNeedsLimit: Bug.search refuses an offset without a limit
// (400, code 50, "param_required limit": Bugzilla/WebService/Bug.pm), so
// the client says so before sending anything.
func TestSearchOffsetNeedsLimit(t *testing.T) {
	f := newFake(t)
	f.serve("GET /rest/bug", 400, []byte(`{"error":true,"code":50,"message":"The function Bug.search() requires a limit argument, and that argument was not set."}`))
	c, _ := testClient(t, f, WithKeyPlacement(KeyQuery))
	_, err := c.SearchBugsPage(bg, SearchQuery{Criteria: []Criterion{{"product", "equals", "Firefox"}}, Offset: 100})
	if err == nil || !strings.Contains(err.Error(), "offset needs a limit") {
		t.Errorf("error %v, want one saying an offset needs a limit", err)
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) || f.count() != 0 {
		t.Errorf("sent %d requests (error %v), want none", f.count(), err)
	}
}
