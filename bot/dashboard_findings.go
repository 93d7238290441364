package bot

import (
	"strconv"
	"strings"

	"github.com/stewardbot/stewardbot/policy"
)

// findingWords names each finding code on the dashboard, as a count noun
// (one, many) or, for a finding about the whole request, a phrase.
var findingWords = map[string][2]string{
	policy.CodeMissingAnswers:               {"missing answer", "missing answers"},
	policy.CodeQuestionNotFound:             {"question not found", "questions not found"},
	policy.CodeMeasurementWithoutCategory:   {"measurement without a category", "measurements without a category"},
	policy.CodeCategory3DefaultOnRelease:    {"category 3 default-on on release"},
	policy.CodeCategory3PreReleaseDefaultOn: {"category 3 default-on on pre-release"},
	policy.CodeCategory4:                    {"category 4"},
	policy.CodeThirdPartyTool:               {"third-party tool"},
	policy.CodeNewIdentifier:                {"new identifier", "new identifiers"},
	policy.CodePermanentWithoutOwner:        {"permanent without an owner"},
	policy.CodeExpiryMissing:                {"no expiry"},
	policy.CodeExpiryTooFar:                 {"expiry too far", "expiries too far"},
	policy.CodeDefaultOnWithoutOptOut:       {"default-on without an opt-out"},
	policy.CodeDocumentationMissing:         {"no public documentation"},
	policy.CodeOldFormVersion:               {"old form version"},
	policy.CodeNotADataReviewForm:           {"not a data review form"},
	policy.CodeDefaultOnNotEligible:         {"default-on not eligible", "default-on not eligible in some channels"},
}

// findingsLine says what an analysis found in one short line for the
// dashboard, "2 missing answers, category 3 default-on on release": the
// codes counted, in the documented order of policy.Codes. It is built from
// the codes alone, never from the form's text or the findings' messages,
// so it holds nothing private. "no findings" when there are none.
func findingsLine(a *policy.Analysis) string {
	if a == nil {
		return ""
	}
	counts := map[string]int{}
	for _, f := range a.Findings {
		counts[f.Code]++
	}
	var parts []string
	for _, code := range policy.Codes() {
		n := counts[code]
		if n == 0 {
			continue
		}
		w, ok := findingWords[code]
		switch {
		case !ok:
			parts = append(parts, code)
		case w[1] == "":
			parts = append(parts, w[0])
		case n == 1:
			parts = append(parts, "1 "+w[0])
		default:
			parts = append(parts, strconv.Itoa(n)+" "+w[1])
		}
	}
	if len(parts) == 0 {
		return "no findings"
	}
	return strings.Join(parts, ", ")
}
