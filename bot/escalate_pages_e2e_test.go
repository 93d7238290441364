package bot

import (
	"fmt"
	"testing"

	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// escalate reads the open requests a page at a time: with more of them
// than a page, every form revision that needs Trust and Legal gets
// its one notice, those on the next page too and those of the last batch,
// shorter than the others.
func TestE2EEscalationAcrossPages(t *testing.T) {
	e := newE2E(t, bugzillatest.Upstream, func(c *Config) {
		withContacts([]string{"trust@example.test"}, []string{"legal@example.test"})(c)
		c.Poll.MaxWritesPerCycle = MaxWritesCap
	})
	var bugs []int
	for i := range openRequestsPage + 30 {
		bug, _ := e.request(fmt.Sprintf("Collect visited URLs %d", i), demoForm(t, "category3-release.md"), false, "steward1@example.test")
		bugs = append(bugs, bug)
	}
	e.cycles(3)
	var missing []int
	for _, bug := range bugs {
		if n := len(e.botCommentsOfKind(bug, kindEscalation)); n != 1 {
			missing = append(missing, bug)
		}
	}
	if len(missing) > 0 {
		t.Errorf("%d of %d bugs without exactly one notice: %v", len(missing), len(bugs), missing)
	}
}
