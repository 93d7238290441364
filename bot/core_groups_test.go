package bot

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stewardbot/stewardbot/bugzilla"
)

// The cycle knows the groups of the bugs it read: none for a public bug,
// the last read for a bug that changed, nothing for a bug not read or a
// nil cycle.
func TestCycleKnowsGroups(t *testing.T) {
	c := &Cycle{}
	c.knowGroups(bugzilla.Bug{ID: 1})
	c.knowGroups(bugzilla.Bug{ID: 2, Groups: []string{"core-security"}})
	c.knowGroups(bugzilla.Bug{ID: 3, Groups: []string{"legal"}})
	c.knowGroups(bugzilla.Bug{ID: 3}) // made public
	c.knowGroups(bugzilla.Bug{ID: 4})
	c.knowGroups(bugzilla.Bug{ID: 4, Groups: []string{"hr"}}) // made private
	tests := []struct {
		bug    int
		groups []string
		known  bool
	}{
		{1, nil, true},
		{2, []string{"core-security"}, true},
		{3, nil, true},
		{4, []string{"hr"}, true},
		{5, nil, false},
	}
	for _, tt := range tests {
		groups, known := c.knownGroups(tt.bug)
		if d := cmp.Diff(groups, tt.groups); d != "" || known != tt.known {
			t.Errorf("bug %d: known %v (want %v), groups (-got +want):\n%s", tt.bug, known, tt.known, d)
		}
	}
	var none *Cycle
	none.knowGroups(bugzilla.Bug{ID: 1})
	if _, known := none.knownGroups(1); known {
		t.Error("a nil cycle knows a bug's groups")
	}
}
