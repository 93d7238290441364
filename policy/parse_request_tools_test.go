package policy

import (
	"fmt"
	"testing"
)

func TestReqProseTool(t *testing.T) {
	tests := []struct {
		text string
		want Tri
		tool string
	}{
		{"", Unknown, ""},
		{"We count clicks with Glean.", Unknown, ""},
		{"We use Google Analytics to count page views.", Yes, "Google Analytics"},
		{"Errors go to Sentry.", Yes, "Sentry"},
		{"Crash reports go to sentry, the hosted service.", Yes, "Sentry"},
		{"Adjust SDK: install attribution.", Yes, "Adjust"},
		{"Adjust the threshold when the panel opens.", Unknown, ""},
		{"The page lets users adjust the font.", Unknown, ""},
		{"Attribution comes from Adjust.", Yes, "Adjust"},
		{"We do not use any third-party tool.", No, ""},
		{"No third party.", No, ""},
		{"We do not use Google Analytics, Sentry or Adjust.", No, ""},
		{"The survey runs on a third-party survey vendor.", Yes, "survey vendor"},
		{"Data is sent to a third party.", Yes, "third party"},
		{"Counts the third-party trackers blocked on the page.", Unknown, ""},
		{"Whether third-party cookies are allowed.", Unknown, ""},
		{"Docs: https://docs.sentry.io/platforms/ and https://www.example.com/adjust", Unknown, ""},
		{"The Glean analytics SDK sends the ping.", Unknown, ""},
		{"gfx.adapter.vendor: the GPU vendor id", Unknown, ""},
		{"An external SDK reports the errors.", Yes, "external SDK"},
		{"Instead of Leanplum, messages now come from Glean and Nimbus.", No, ""},
		{"A flurry of crashes after the update.", Unknown, ""},
		{"The amplitude of the audio signal.", Unknown, ""},
		{"tab.doubleclick: the user double-clicked a tab", Unknown, ""},
		{"JS Heap usage after a GC, per Branch and Segment.", Unknown, ""},
		{"Events go to Amplitude and Flurry.", Yes, "Amplitude"},
	}
	v := reqDefaultToolVocab()
	for _, tt := range tests {
		got, tool, _ := v.proseTool(tt.text)
		if got != tt.want || tool != tt.tool {
			t.Errorf("proseTool(%q) = %s, %q; want %s, %q", tt.text, got, tool, tt.want, tt.tool)
		}
	}
}

// TestReqReadThirdParty reads the tool from the whole request: the
// third-party question when it answers, else the prose and the rows.
func TestReqReadThirdParty(t *testing.T) {
	tests := []struct {
		name    string
		answers map[Topic]string
		ms      []Measurement
		want    reqToolSource
	}{
		{"no question, analysis names the tool", map[Topic]string{TopicAnalysis: "Using the Google Analytics reports."}, nil,
			reqToolSource{Yes, "Google Analytics", TopicAnalysis, ""}},
		{"no question, a row is the tool", nil, []Measurement{{Name: "first.crash"}, {Name: "Adjust SDK", Description: "install attribution"}},
			reqToolSource{Yes, "Adjust", "", "Adjust SDK"}},
		{"no question, nothing named", map[Topic]string{TopicAnalysis: "Jupyter notebooks."}, nil, reqToolSource{Unknown, "", "", ""}},
		{"the question says no", map[Topic]string{TopicThirdParty: "No.", TopicAnalysis: "Sentry dashboards."}, nil, reqToolSource{No, "", "", ""}},
		{"the question says yes", map[Topic]string{TopicThirdParty: "Yes, Sentry."}, nil, reqToolSource{Yes, "Sentry", "", ""}},
		{"the question is unclear, prose names one", map[Topic]string{TopicThirdParty: "Unclear for now.", TopicMeasurements: "Errors go to Sentry."}, nil,
			reqToolSource{Yes, "Sentry", TopicMeasurements, ""}},
		{"alternatives only", map[Topic]string{TopicAlternatives: "We considered Google Analytics."}, nil, reqToolSource{Unknown, "", "", ""}},
		{"instrumentation only", map[Topic]string{TopicInstrumentation: "Sentry already sees crashes."}, nil, reqToolSource{Unknown, "", "", ""}},
		{"context in why", map[Topic]string{TopicWhy: "Today the site counts this with Google Analytics; we want it in Glean."}, nil, reqToolSource{Unknown, "", "", ""}},
		{"prose denies any", map[Topic]string{TopicAnalysis: "No third-party tools are involved."}, nil, reqToolSource{No, "", "", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			answered := func(tp Topic) string { return tt.answers[tp] }
			if got := reqReadThirdParty(reqDefaultToolVocab(), answered, tt.ms); got != tt.want {
				t.Errorf("= %+v; want %+v", got, tt.want)
			}
		})
	}
}

// TestParseRequestWithTools: the vocabulary is the rules' data; a rules
// file that lists its own tools replaces the built-in list.
func TestParseRequestWithTools(t *testing.T) {
	form := reqTestForm(func(n int, q string) string { return fmt.Sprintf("%d) %s", n, q) }, func(n int) string {
		switch n {
		case 10:
			return "We look at the numbers in Acme Insights."
		case 12:
			return "Still deciding."
		}
		return reqAnswerNumber(n)
	})
	if r := ParseRequest(form); r.ThirdParty == Yes {
		t.Fatalf("built-in vocabulary knows Acme Insights: %+v", r.ThirdPartyTool)
	}
	rules, err := ParseRules([]byte("third_party_tools:\n  - {name: Acme Insights}\n"))
	if err != nil {
		t.Fatal(err)
	}
	r := ParseRequestWith(form, ParseOptions{ThirdPartyTools: rules.ThirdPartyTools})
	if r.ThirdParty != Yes || r.ThirdPartyTool != "Acme Insights" {
		t.Errorf("with the rules' vocabulary: %s, %q; want yes, Acme Insights", r.ThirdParty, r.ThirdPartyTool)
	}
}

// TestReqToolVocabEmpty: a rules file may empty the list; generic wording
// is still read.
func TestReqToolVocabEmpty(t *testing.T) {
	v := newReqToolVocab([]ThirdPartyTool{})
	if got, tool, _ := v.proseTool("Errors go to Sentry."); got != Unknown {
		t.Errorf("empty vocabulary found %s %q", got, tool)
	}
	if got, tool, _ := v.proseTool("Errors go to a third-party SDK."); got != Yes || tool != "third-party SDK" {
		t.Errorf("generic wording = %s %q, want yes, third-party SDK", got, tool)
	}
}
