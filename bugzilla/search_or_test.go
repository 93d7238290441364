package bugzilla

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestSearchOrCriteria: OrCriteria make one OR group numbered from 1
// without gaps, so that the criterion Bug.search makes of last_change_time
// (numbered after ours) lands after the group and is ANDed with it.
func TestSearchOrCriteria(t *testing.T) {
	flag := Criterion{"flagtypes.name", "substring", "data-review"}
	requestee := Criterion{"requestees.login_name", "equals", "steward1@example.test"}
	for _, tc := range []struct {
		name string
		q    SearchQuery
		want map[string][]string
	}{
		{"one criterion", SearchQuery{Criteria: []Criterion{flag}, OrCriteria: []Criterion{BugIDsCriterion([]int{7, 12})},
			LastChangeTime: time.Date(2026, 11, 28, 20, 22, 34, 0, time.UTC)},
			map[string][]string{
				"f1": {"OP"}, "j1": {"OR"},
				"f2": {"flagtypes.name"}, "o2": {"substring"}, "v2": {"data-review"},
				"f3": {"bug_id"}, "o3": {"anyexact"}, "v3": {"7,12"},
				"f4":               {"CP"},
				"last_change_time": {"2026-11-28T20:22:34Z"},
			}},
		{"several criteria are an AND group", SearchQuery{Criteria: []Criterion{flag, requestee},
			OrCriteria: []Criterion{BugIDsCriterion([]int{7}), {"bug_id", "equals", "9"}}},
			map[string][]string{
				"f1": {"OP"}, "j1": {"OR"},
				"f2": {"OP"},
				"f3": {"flagtypes.name"}, "o3": {"substring"}, "v3": {"data-review"},
				"f4": {"requestees.login_name"}, "o4": {"equals"}, "v4": {"steward1@example.test"},
				"f5": {"CP"},
				"f6": {"bug_id"}, "o6": {"anyexact"}, "v6": {"7"},
				"f7": {"bug_id"}, "o7": {"equals"}, "v7": {"9"},
				"f8": {"CP"},
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			f.serve("GET /rest/bug", 200, []byte(`{"bugs":[]}`))
			c, _ := testClient(t, f, WithKeyPlacement(KeyQuery))
			if _, err := c.SearchBugsPage(bg, tc.q); err != nil {
				t.Fatal(err)
			}
			q := f.requests()[0].Query
			q.Del("Bugzilla_api_key")
			if diff := cmp.Diff(map[string][]string(q), tc.want); diff != "" {
				t.Errorf("query (-got +want):\n%s", diff)
			}
		})
	}
}

func TestSearchOrCriteriaErrors(t *testing.T) {
	ids := make([]int, 2000)
	for i := range ids {
		ids[i] = 1000000 + i
	}
	for _, tc := range []struct {
		name, want string
		q          SearchQuery
	}{
		{"or without criteria", "would match every bug", SearchQuery{OrCriteria: []Criterion{BugIDsCriterion([]int{1})}}},
		{"empty or criterion", "criterion 2 needs a field", SearchQuery{Criteria: []Criterion{{"bug_id", "equals", "1"}}, OrCriteria: []Criterion{{}}}},
		{"a group by hand", "groups are made with OrCriteria", SearchQuery{Criteria: []Criterion{{"OP", "equals", ""}}}},
		{"too long a target", "split the criteria", SearchQuery{Criteria: []Criterion{BugIDsCriterion(ids)}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			c, _ := testClient(t, f, WithKeyPlacement(KeyQuery))
			_, err := c.SearchBugsPage(bg, tc.q)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one saying %q", err, tc.want)
			}
			if n := len(f.requests()); n != 0 {
				t.Errorf("%d requests sent, want none", n)
			}
		})
	}
}
