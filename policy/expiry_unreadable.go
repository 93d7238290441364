package policy

import (
	"regexp"
	"strings"
)

// When the duration answer gives no date, version or duration, the
// expiry-missing finding says why, so that the requester knows what to
// change: the end is tied to an event ("for the extent of the
// experiment"), the length is vague ("a few months"), or it counts
// releases rather than time ("two release cycles").

var (
	reqExpiryEventRE = regexp.MustCompile(`\b(?:for|during|over|throughout|until|till|through|as\s+long\s+as|while)\s+[^.;:\n]{0,60}?\b(?:experiment|study|studies|test|trial|project|feature|rollout|launch|pilot|campaign|program|programme)s?\b(?:\s+(?:ends|is\s+over|concludes|runs|lasts|is\s+running|is\s+active|ships|launches))?`)
	reqExpiryVagueRE = regexp.MustCompile(`\b(?:a\s+)?(?:couple|few|several|some|number|handful)\s+(?:of\s+)?(?:more\s+)?(?:days|weeks|months|years)\b`)
	reqExpiryCycleRE = regexp.MustCompile(`\b(?:\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|a\s+few|several)\s+(?:(?:firefox|nightly|beta)\s+)?(?:release\s+cycles?|releases|release\s+trains?|trains|versions|cycles)\b`)
)

// reqUnreadableExpiry explains why a duration answer that gives no expiry
// cannot be read, quoting the words that stand in for one; "" when it
// cannot say.
func reqUnreadableExpiry(text string) string {
	ls := reqLowerASCII(text)
	quoteAt := func(loc []int) string { return quote(text[loc[0]:loc[1]]) }
	if loc := reqExpiryCycleRE.FindStringIndex(ls); loc != nil {
		return quoteAt(loc) + " counts releases, not time"
	}
	if loc := reqExpiryVagueRE.FindStringIndex(ls); loc != nil {
		return quoteAt(loc) + " is not a number"
	}
	if loc := reqExpiryEventRE.FindStringIndex(ls); loc != nil {
		what := quoteAt(loc)
		if strings.Contains(ls[loc[0]:loc[1]], "experiment") || strings.Contains(ls[loc[0]:loc[1]], "stud") {
			return what + " ties the end to the experiment, which has no date here"
		}
		return what + " ties the end to an event, which has no date here"
	}
	return ""
}
