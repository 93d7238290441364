package bot

import (
	"testing"

	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// Two stewards asked on one form (two data-review? flags on the same
// attachment) are two open requests about one form revision: it gets one
// notice, not one per flag, on each of two such bugs (the task keeps the
// revisions it has seen one bug at a time).
func TestE2EEscalationOnceForTwoFlagsOnOneForm(t *testing.T) {
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			e := newE2E(t, d, withContacts([]string{"trust@example.test"}, []string{"legal@example.test"}))
			var bugs []int
			for _, summary := range []string{"Collect visited URLs", "Collect visited URLs again"} {
				bug, att := e.request(summary, demoForm(t, "category3-release.md"), false, "steward1@example.test")
				if err := e.srv.SetAttachmentFlags("dev1@example.test", att,
					bugzillatest.FlagChange{Name: "data-review", Status: "?", Requestee: "steward2@example.test", New: true}); err != nil {
					t.Fatal(err)
				}
				bugs = append(bugs, bug)
			}
			for range 3 {
				e.mustCycle()
			}
			for _, bug := range bugs {
				if reqs, err := e.st.RequestsOnBug(e.ctx, bug); err != nil || len(reqs) != 2 {
					t.Fatalf("bug %d: the bot tracks %d requests (%v), want 2", bug, len(reqs), err)
				}
				if got := e.botCommentsOfKind(bug, kindEscalation); len(got) != 1 {
					t.Errorf("bug %d: %d notices, want 1\n%s", bug, len(got), e.logs.String())
				}
			}
		})
	}
}
