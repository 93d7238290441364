package bot

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/stewardbot/stewardbot/policy"
)

// fakeAnalyzer reads a tiny form language so that the planner's tests do
// not depend on the real parser: a text whose first line is "FORM" is a
// form, and each "measure NAME CATEGORY" line a measurement.
type fakeAnalyzer struct{}

func (fakeAnalyzer) Parse(text string) *policy.Request {
	r := &policy.Request{Version: policy.FormNone}
	if !strings.HasPrefix(text, "FORM\n") {
		return r
	}
	r.Version = policy.FormRequest12Q
	for line := range strings.Lines(text) {
		f := strings.Fields(line)
		if len(f) == 3 && f[0] == "measure" {
			c, _ := strconv.Atoi(f[2])
			r.Measurements = append(r.Measurements, policy.Measurement{Name: f[1], Category: c})
		}
	}
	return r
}

func (fakeAnalyzer) Evaluate(r *policy.Request, _ string, _ time.Time) *policy.Analysis {
	a := &policy.Analysis{Request: r, DefaultOn: map[policy.Channel]policy.Verdict{}}
	for _, m := range r.Measurements {
		a.HighestCategory = max(a.HighestCategory, m.Category)
	}
	if len(r.Measurements) == 0 {
		a.Findings = append(a.Findings, policy.Finding{Code: "no-measurements", Message: "List the measurements."})
	}
	return a
}

func (fakeAnalyzer) Render(a *policy.Analysis, _ bool, note string) string {
	var names []string
	for _, m := range a.Request.Measurements {
		names = append(names, m.Name)
	}
	return fmt.Sprintf("Highest category %d. Measurements: %s.\n\n%s", a.HighestCategory, strings.Join(names, ", "), note)
}

// fakeForm writes a form in the fake language.
func fakeForm(measures ...string) []byte {
	var b strings.Builder
	b.WriteString("FORM\n")
	for _, m := range measures {
		b.WriteString("measure " + m + "\n")
	}
	return []byte(b.String())
}
