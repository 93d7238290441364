package bugzillatest

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSearchCustomClause: the fN criteria form one clause, joined by j_top,
// which is ANDed with the simple parameters; last_change_time becomes a
// criterion of that clause numbered after the others (Bug.search in
// WebService/Bug.pm), replacing one already at that number.
func TestSearchCustomClause(t *testing.T) {
	srv := searchWorld(t) // changed: bug 2 at 10:00, 3 at 11:00, 1 at 12:00, 5 at 13:00
	for _, tc := range []struct {
		name, query string
		want        []int
	}{
		{"j_top OR leaves simple parameters ANDed",
			"j_top=OR&product=Toolkit&f1=bug_id&o1=equals&v1=1&f2=bug_id&o2=equals&v2=5", []int{5}},
		{"j_top OR takes last_change_time into the OR",
			"j_top=OR&f1=bug_id&o1=equals&v1=2&last_change_time=2026-11-28T12:00:00Z", []int{1, 2, 5}},
		{"an OR group then last_change_time, ANDed (the bot's poll)",
			"f1=OP&j1=OR&f2=flagtypes.name&o2=substring&v2=data-review&f3=bug_id&o3=anyexact&v3=3,5&f4=CP" +
				"&last_change_time=2026-11-28T11:30:00Z", []int{1, 5}},
		{"the same without the ids",
			"f1=flagtypes.name&o1=substring&v1=data-review&last_change_time=2026-11-28T11:30:00Z", []int{1}},
		{"last_change_time replaces the criterion at its number",
			"f1=product&o1=equals&v1=Toolkit&f3=bug_id&o3=equals&v3=2&last_change_time=2026-11-28T11:00:00Z", []int{5}},
		{"creation_time follows last_change_time",
			"f1=product&o1=equals&v1=Toolkit&creation_time=2026-11-28T12:00:00Z&last_change_time=2026-11-28T09:00:00Z", []int{5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := get(t, srv, "/rest/bug?"+tc.query+"&include_fields=id", botKey)
			wantStatus(t, a, 200)
			if got := bugIDsOf(t, a); !cmp.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}
