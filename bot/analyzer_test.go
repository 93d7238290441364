package bot

import (
	"testing"

	"github.com/stewardbot/stewardbot/policy"
)

// TestParseFormUsesRulesTools: the bot reads third-party tools
// with its rules' vocabulary, as "stewardbot analyze --rules" does.
func TestParseFormUsesRulesTools(t *testing.T) {
	form := "1) What questions will you answer with this data?\nHow often the panel opens.\n\n" +
		"2) Why does Mozilla need to answer these questions?\nTo improve it.\n\n" +
		"3) What alternative methods did you consider to answer these questions?\nNone.\n\n" +
		"4) Can current instrumentation answer these questions?\nNo.\n\n" +
		"5) List all proposed measurements and indicate the category of data collection for each measurement\npanel.opened, category 2\n\n" +
		"6) How long will this data be collected?\n6 months\n\n" +
		"7) What populations will you measure?\nRelease.\n\n" +
		"8) Please provide a general description of how you will analyze this data.\nCharts in Acme Insights.\n\n" +
		"9) Where do you intend to share the results of your analysis?\nThe team.\n"
	if r := parseForm(policy.DefaultRules(), form); r.ThirdParty == policy.Yes {
		t.Fatalf("default rules know Acme Insights: %q", r.ThirdPartyTool)
	}
	rules, err := policy.ParseRules([]byte("third_party_tools:\n  - {name: Acme Insights}\n"))
	if err != nil {
		t.Fatal(err)
	}
	r := parseForm(rules, form)
	if r.Version != policy.FormRequest9Q || r.ThirdParty != policy.Yes || r.ThirdPartyTool != "Acme Insights" {
		t.Errorf("version %s, third party %s %q; want request-9q, yes, Acme Insights", r.Version, r.ThirdParty, r.ThirdPartyTool)
	}
}
