package policy

import (
	"regexp"
	"sort"
	"strings"
)

// What a steward reads out of the answers beyond the measurements: the
// channels and whether release is among them, whether the collection is
// default-on and its opt-out, the documentation links, the third-party
// tool, and new identifiers. Each reading is conservative: "unknown" when
// the answers do not say.

var (
	reqAllChannelsRE = regexp.MustCompile(`\b(?:all|every|any)\s+(?:(?:of\s+)?the\s+)?(?:release\s+|firefox\s+|product\s+)?channels?\b`)
	reqChannelRE     = regexp.MustCompile(`\b(nightly|beta|developer\s+edition|dev\s*edition|devedition|aurora|preview|esr|pre[\s-]?release|release)\b`)
	reqReleaseOnlyRE = regexp.MustCompile(`\brelease\s+(?:channel\s+|population\s+|users\s+)?only\b|\bonly\s+(?:on\s+|in\s+|to\s+)?(?:the\s+)?release\b`)
)

// reqChannels reads the channels from the populations answer.
func reqChannels(text string) (channels []string, release, prerelease Tri) {
	ls := reqLowerASCII(text)
	type at struct {
		pos  int
		name string
	}
	var found []at
	all := false
	var allSpans [][]int
	for _, m := range reqAllChannelsRE.FindAllStringIndex(ls, -1) {
		all = true
		found = append(found, at{m[0], "all"})
		allSpans = append(allSpans, m)
	}
	inAll := func(i int) bool {
		for _, sp := range allSpans {
			if sp[0] <= i && i < sp[1] {
				return true
			}
		}
		return false
	}
	relYes, relNo, pre, preNo := false, false, false, false
	for _, m := range reqChannelRE.FindAllStringSubmatchIndex(ls, -1) {
		if inAll(m[0]) {
			continue // "all release channels"
		}
		w := ls[m[2]:m[3]]
		name := w
		switch {
		case w == "release":
			if m[0] > 0 && strings.HasSuffix(ls[:m[0]], "pre") || strings.HasSuffix(ls[:m[0]], "pre-") || strings.HasSuffix(ls[:m[0]], "pre ") {
				continue
			}
			rest := ls[m[1]:min(len(ls), m[1]+12)]
			if strings.HasPrefix(rest, " notes") || strings.HasPrefix(rest, " date") {
				continue
			}
			if strings.HasPrefix(rest, " channels?") || strings.HasPrefix(rest, " channel:") || strings.HasPrefix(rest, " channels:") {
				continue // a label: "Release channels: Nightly"
			}
			if reqNegatedClause(ls, m[0]) {
				relNo = true
				continue
			}
			relYes = true
		case strings.HasPrefix(w, "pre"):
			pre = true
			continue
		case strings.Contains(w, "dev") || w == "aurora":
			name, pre = "developer edition", true
		case w == "esr":
			relYes = true
		default:
			if reqNegatedClause(ls, m[0]) {
				preNo = true
				continue
			}
			pre = true
		}
		found = append(found, at{m[0], name})
	}
	sort.SliceStable(found, func(i, j int) bool { return found[i].pos < found[j].pos })
	seen := map[string]bool{}
	for _, f := range found {
		if !seen[f.name] {
			seen[f.name] = true
			channels = append(channels, f.name)
		}
	}
	release, prerelease = Unknown, Unknown
	switch {
	case all || relYes:
		release = Yes
	case relNo || pre:
		release = No
	}
	switch {
	case all || pre:
		prerelease = Yes
	case relYes && (preNo || reqReleaseOnlyRE.MatchString(ls)):
		prerelease = No
	}
	return channels, release, prerelease
}

// reqNegatedClause reports a negation ("not", "no", "never", "excluding",
// "except", "without", "n't") earlier in the same clause, within 40 bytes.
func reqNegatedClause(ls string, i int) bool {
	before := ls[max(0, i-40):i]
	if k := strings.LastIndexAny(before, ".;,\n("); k >= 0 {
		before = before[k+1:]
	}
	for _, w := range strings.Fields(before) {
		switch strings.Trim(w, ":*_") {
		case "not", "no", "never", "excluding", "except", "without", "exclude", "excludes":
			return true
		}
		if strings.HasSuffix(w, "n't") {
			return true
		}
	}
	return false
}

var (
	reqDefaultOnRE  = regexp.MustCompile(`\b(?:default[\s-]+on|on\s+by\s+default|enabled\s+by\s+default|collected\s+by\s+default|active\s+by\s+default|turned\s+on\s+by\s+default)\b`)
	reqDefaultOffRE = regexp.MustCompile(`\b(?:default[\s-]+off|off\s+by\s+default|disabled\s+by\s+default|opt[\s-]?in(?:\s+only)?|opt(?:s|ed)[\s-]in|only\s+(?:\w+\s+){0,3}(?:if|when|after|once)\s+(?:the\s+)?users?\s+(?:explicitly\s+)?(?:opts?|enables?|turns?\s+on|consents?|agrees?|chooses?|clicks?))\b`)
	reqNoAnswerRE   = regexp.MustCompile(`^\W*(?:n/?a|none|no|nope|nothing|not\s+applicable|not\s+relevant|there\s+is\s+(?:no|none)|no\s+opt[\s-]?out)\b`)
)

// reqDefaultOn decides default-on from every answer: "default on" stated
// (and not negated) says yes; else opt-in or default-off stated says no;
// else an opt-out described says yes; else unknown.
func reqDefaultOn(answers []string, optOut string) Tri {
	on, off := false, false
	for _, a := range answers {
		ls := reqLowerASCII(a)
		for _, m := range reqDefaultOnRE.FindAllStringIndex(ls, -1) {
			before := ls[max(0, m[0]-16):m[0]]
			switch {
			case reqNegatedClause(ls, m[0]):
				off = true
			case strings.Contains(before, "if ") || strings.Contains(before, "whether "):
			default:
				on = true
			}
		}
		if reqDefaultOffRE.MatchString(ls) {
			off = true
		}
	}
	switch {
	case on:
		return Yes
	case off:
		return No
	case reqDescribesOptOut(optOut):
		return Yes
	}
	return Unknown
}

// reqDescribesOptOut reports an opt-out answer that describes a mechanism
// rather than saying there is none.
func reqDescribesOptOut(text string) bool {
	ls := strings.TrimSpace(reqLowerASCII(text))
	if ls == "" || reqNoAnswerRE.MatchString(ls) || reqDefaultOffRE.MatchString(ls) {
		return false
	}
	return true
}

// reqThirdPartyTools are analytics and survey vendors a third-party answer
// may name. Words that are also English ("Adjust", "Segment", "Branch",
// "Heap") count only capitalised.
var reqThirdPartyTools = []struct {
	name    string
	matchCI bool
}{
	{"Adjust", false}, {"Leanplum", true}, {"Google Analytics", true}, {"Firebase", true},
	{"Crashlytics", true}, {"Sentry", true}, {"Amplitude", true}, {"Mixpanel", true}, {"Segment", false},
	{"Braze", true}, {"Apptimize", true}, {"Optimizely", true}, {"AppsFlyer", true}, {"Kochava", true},
	{"Branch", false}, {"Localytics", true}, {"Flurry", true}, {"New Relic", true}, {"Datadog", true},
	{"Snowplow", true}, {"Heap", false}, {"Hotjar", true}, {"FullStory", true}, {"Qualtrics", true},
	{"SurveyMonkey", true}, {"Alchemer", true}, {"SurveyGizmo", true}, {"Pendo", true}, {"Intercom", true},
	{"Salesforce", true}, {"Marketing Cloud", true}, {"Mailchimp", true}, {"Countly", true},
	{"Google Tag Manager", true}, {"Google Ads", true}, {"DoubleClick", true}, {"Facebook SDK", true},
	{"Meta Pixel", true}, {"LaunchDarkly", true}, {"Statsig", true}, {"PostHog", true}, {"Plausible", true},
	{"Acoustic", true}, {"Appcues", true}, {"Zendesk", true},
}

// reqFindTool returns the first known vendor named in text.
func reqFindTool(text string) string {
	ls := reqLowerASCII(text)
	best, bestAt := "", -1
	for _, t := range reqThirdPartyTools {
		hay, needle := text, t.name
		if t.matchCI {
			hay, needle = ls, strings.ToLower(t.name)
		}
		for from := 0; from < len(hay); {
			i := strings.Index(hay[from:], needle)
			if i < 0 {
				break
			}
			i += from
			end := i + len(needle)
			if (i == 0 || !reqIsASCIILetterOrDigit(hay[i-1])) && (end == len(hay) || !reqIsASCIILetterOrDigit(hay[end])) {
				if bestAt < 0 || i < bestAt {
					best, bestAt = t.name, i
				}
				break
			}
			from = end
		}
	}
	return best
}

var reqFirstPartyRE = regexp.MustCompile(`\b(?:glean|telemetry|first[\s-]party|in[\s-]house|mozilla'?s\s+own|our\s+own|mozilla\s+(?:infrastructure|backend|servers?))\b`)

// reqThirdParty reads the third-party question's answer: "No", "None",
// "N/A" say no; "Yes" or a known vendor say yes (and which); Glean or
// Telemetry alone say no.
func reqThirdParty(text string) (Tri, string) {
	ls := strings.TrimSpace(reqLowerASCII(text))
	if ls == "" {
		return Unknown, ""
	}
	tool := reqFindTool(text)
	st, en := reqNextWord(ls, 0)
	first := ""
	if st < len(ls) {
		first = ls[st:en]
	}
	switch first {
	case "no", "none", "nope", "na", "not", "n":
		return No, ""
	case "yes", "yep", "yeah", "y":
		if tool == "" {
			tool = reqToolAfterYes(text[en:])
		}
		return Yes, tool
	}
	if tool != "" {
		return Yes, tool
	}
	// "…, but nothing goes through it: no."
	last := ""
	for i := 0; ; {
		st, en := reqNextWord(ls, i)
		if st >= len(ls) {
			break
		}
		last, i = ls[st:en], en
	}
	switch {
	case last == "no" || last == "none":
		return No, ""
	case last == "yes":
		return Yes, reqToolAfterYes("")
	case reqFirstPartyRE.MatchString(ls):
		return No, ""
	}
	return Unknown, ""
}

// reqToolAfterYes returns the words after "Yes," up to the end of the
// sentence, as the tool when no known vendor is named.
func reqToolAfterYes(rest string) string {
	rest = strings.TrimLeft(rest, " ,.:;-!*_\t\n")
	if i := strings.IndexAny(rest, ".\n;"); i >= 0 {
		rest = rest[:i]
	}
	for _, p := range []string{"we use ", "we are using ", "we're using ", "using ", "we will use ", "via "} {
		if reqHasPrefixFold(rest, p) {
			rest = rest[len(p):]
			break
		}
	}
	return reqTruncate(reqCollapseSpaces(rest), 80)
}

var reqURLRE = regexp.MustCompile(`(?i)\bhttps?://[^\s<>()\[\]"'` + "`" + `|]+|\bwww\.[^\s<>()\[\]"'` + "`" + `|]+`)

// reqLinks returns the URLs in text, without trailing punctuation, in order
// and without repeats.
func reqLinks(text string, keep func(string) bool) []string {
	var out []string
	seen := map[string]bool{}
	for _, u := range reqURLRE.FindAllString(text, -1) {
		u = strings.TrimRight(u, ".,;:!?*_~'\"")
		if u == "" || seen[u] || (keep != nil && !keep(u)) {
			continue
		}
		seen[u] = true
		out = append(out, u)
	}
	return out
}

// reqLooksLikeDocs keeps, for forms without a documentation question, the
// links that point at documentation.
func reqLooksLikeDocs(u string) bool {
	l := strings.ToLower(u)
	for _, p := range []string{"docs", "dictionary", "probes.telemetry", "readthedocs", "/wiki", "wiki.", ".md", "readme", "metrics.yaml", "scalars.yaml", "histograms.json", "events.yaml", "searchfox"} {
		if strings.Contains(l, p) {
			return true
		}
	}
	return false
}

var (
	reqIdentifierTermRE = regexp.MustCompile(`\b(?:(?:client|user|device|install|installation|profile|account|advertising|ad|tracking|session|visitor|cookie|android|fxa|browser|unique|random|hashed|persistent)[\s_-]?(?:ids?|identifiers?|uuids?|guids?|uids?)|uuids?|guids?|idfa|gaid|aaid|fingerprints?|fingerprinting|e-?mail\s+address(?:es)?|usernames?|user\s+names?)\b`)
	reqCamelHumpRE      = regexp.MustCompile(`([a-z])([A-Z])`)
	reqNewIdentifierRE  = regexp.MustCompile(`\bnew\s+(?:unique\s+|random\s+|persistent\s+)?(?:identifiers?|ids?)\b`)
)

// reqNewIdentifiers decides whether the request adds a new identifier: a
// measurement named or described as one (client id, uuid, user id, device
// id...), or an answer saying it adds a "new identifier", says yes; an
// answer saying there are none says no; anything else is unknown.
func reqNewIdentifiers(ms []Measurement, measurementText string, answers []string) Tri {
	for _, m := range ms {
		s := reqCamelHumpRE.ReplaceAllString(m.Name, "$1 $2") + " " + m.Description
		if reqIdentifierTermRE.MatchString(strings.ToLower(strings.ReplaceAll(s, ".", " "))) {
			return Yes
		}
	}
	if reqAffirmed(reqLowerASCII(measurementText), reqIdentifierTermRE) {
		return Yes
	}
	no := false
	for _, a := range answers {
		ls := reqLowerASCII(a)
		for _, m := range reqNewIdentifierRE.FindAllStringIndex(ls, -1) {
			if reqNegatedClause(ls, m[0]) {
				no = true
			} else {
				return Yes
			}
		}
		if strings.Contains(ls, "no identifiers") || strings.Contains(ls, "not include any identifier") || strings.Contains(ls, "no user identifiers") {
			no = true
		}
	}
	if no {
		return No
	}
	return Unknown
}

// reqAffirmed reports a match of re in ls that is not negated in its clause.
func reqAffirmed(ls string, re *regexp.Regexp) bool {
	for _, m := range re.FindAllStringIndex(ls, -1) {
		if !reqNegatedClause(ls, m[0]) {
			return true
		}
	}
	return false
}
