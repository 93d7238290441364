package bot

import (
	"strings"
	"testing"

	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
	"github.com/stewardbot/stewardbot/policy"
)

// The rules' per-product overrides apply to the bug's Bugzilla product:
// here Firefox allows no default-on collection in release, other products
// keep the base table.
func TestE2EProductRulesApply(t *testing.T) {
	rules, err := policy.ParseRules([]byte("products:\n  firefox:\n    default_on:\n      release: {1: not-allowed, 2: not-allowed}\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			e := newE2E(t, d, nil)
			WithRules(rules)(e.bot)
			form := []byte(demoForm(t, "clean-12q.md"))
			bugOf := func(product, component string) int {
				bug := e.srv.AddBug(bugzillatest.Bug{Product: product, Component: component, Summary: "Count widget clicks",
					Creator: "dev1@example.test", Description: "See the attachment."})
				e.srv.AddAttachment(bugzillatest.Attachment{BugID: bug, Summary: "Data review request", FileName: "request.md",
					ContentType: "text/plain", Data: form, Flags: []bugzillatest.Flag{bugzillatest.DataReview("steward1@example.test")}})
				return bug
			}
			firefox, toolkit := bugOf("Firefox", "General"), bugOf("Toolkit", "Telemetry")
			e.mustCycle()
			e.mustCycle()
			analysis := func(bug int) string {
				for _, c := range e.botComments(bug) {
					if strings.Contains(c.Text, "stewardbot:analysis") {
						return c.Text
					}
				}
				t.Fatalf("no analysis on bug %d\n%s", bug, e.logs.String())
				return ""
			}
			if a := analysis(firefox); !strings.Contains(a, policy.CodeDefaultOnNotEligible) {
				t.Errorf("the Firefox bug's analysis ignores the Firefox rules:\n%s", a)
			}
			if a := analysis(toolkit); strings.Contains(a, policy.CodeDefaultOnNotEligible) {
				t.Errorf("the Toolkit bug's analysis applies the Firefox rules:\n%s", a)
			}
		})
	}
}
