package bot

import (
	"strings"
	"testing"

	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// grant sets data-review+ on the request's flag as steward.
func (e *e2e) grant(attID int, steward string) {
	e.t.Helper()
	att, _ := e.srv.Attachment(attID)
	for _, f := range att.Flags {
		if f.Name == "data-review" {
			if err := e.srv.SetAttachmentFlags(steward, attID, bugzillatest.FlagChange{ID: f.ID, Status: "+"}); err != nil {
				e.t.Fatal(err)
			}
		}
	}
}

func TestE2EReviewContradiction(t *testing.T) {
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			e := newE2E(t, d, nil)
			bug, att := e.request("Tab groups onboarding", demoForm(t, "clean-12q.md"), false, "steward1@example.test")
			agrees, agreesAtt := e.request("Tab groups onboarding, again", demoForm(t, "clean-12q.md"), false, "steward1@example.test")
			e.cycles(2)

			e.grant(att, "steward1@example.test")
			e.say(bug, "steward1@example.test", "data-review+\n\n1) Yes.\n2) Yes.\n3) Not permanent.\n4) Category 2.\n"+
				"5) Default-off.\n6) No.\n7) Yes.\n8) No.\n")
			e.grant(agreesAtt, "steward1@example.test")
			e.say(agrees, "steward1@example.test", "data-review+\n\n1) Yes.\n2) Yes.\n3) Not permanent.\n4) Category 2.\n"+
				"5) Default-on.\n6) No.\n7) Yes.\n8) No.\n")
			// A comment by someone else that looks like a review is not the steward's.
			e.say(agrees, "dev2@example.test", "data-review+\n\n1) Yes.\n2) Yes.\n3) Yes.\n4) Category 4.\n"+
				"5) Default-off.\n6) No.\n7) Yes.\n8) Yes.\n")
			e.cycles(3)
			got := e.botCommentsOfKind(bug, kindReviewCheck)
			if len(got) != 1 {
				t.Fatalf("%d review checks, want 1\n%s", len(got), e.logs.String())
			}
			if !strings.Contains(got[0].Text, "the review says default-off, but the request describes an opt-out") ||
				strings.Count(got[0].Text, "\n- Q") != 1 {
				t.Errorf("review check:\n%s", got[0].Text)
			}
			if n := len(e.botCommentsOfKind(agrees, kindReviewCheck)); n != 0 {
				t.Errorf("%d review checks on a review that agrees with its request", n)
			}
			e.dropStore()
			e.cycles(3)
			if n := len(e.botCommentsOfKind(bug, kindReviewCheck)); n != 1 {
				t.Errorf("after losing the store: %d review checks, want 1", n)
			}
		})
	}
}
