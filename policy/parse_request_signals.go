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
	next := 0 // both lists are in text order: walk them together
	inAll := func(i int) bool {
		for next < len(allSpans) && allSpans[next][1] <= i {
			next++
		}
		return next < len(allSpans) && allSpans[next][0] <= i
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
			if strings.HasSuffix(strings.TrimRight(ls[max(0, m[0]-8):m[0]], " -"), "pre") {
				continue // "pre - release"
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
		case strings.HasPrefix(w, "pre") && strings.HasSuffix(w, "release"):
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
	reqDefaultOnPhrases = newReqPhraseList(
		"default on", "on by default", "enabled by default", "collected by default", "active by default",
		"turned on by default", "switched on by default")
	reqDefaultOffPhrases = newReqPhraseList(
		"default off", "off by default", "disabled by default", "opt in", "optin", "opts in", "opted in",
		"not on by default", "not enabled by default", "not collected by default")
	reqNoAnswerRE = regexp.MustCompile(`^\W*(?:n/?a|none|no|nope|nothing|not\s+applicable|not\s+relevant|there\s+is\s+(?:no|none)|no\s+opt[\s-]?out)\b`)
)

// reqSaysDefaultOff reports an opt-in or default-off collection: "opt-in",
// "off by default", or "only … when the user opts in / enables / agrees".
func reqSaysDefaultOff(ls string) bool {
	if reqDefaultOffPhrases.any(ls, nil) {
		return true
	}
	// "only [up to three words] if|when|after|once [the] user[s] [explicitly] <consents>"
	for i := 0; ; {
		k := strings.Index(ls[i:], "only ")
		if k < 0 {
			return false
		}
		i += k + len("only ")
		var words []string
		for j := i; len(words) < 8; {
			st, en := reqNextASCIIWord(ls, j)
			if st >= len(ls) {
				break
			}
			words, j = append(words, ls[st:en]), en
		}
		for c := 0; c <= 3 && c < len(words); c++ {
			switch words[c] {
			case "if", "when", "after", "once":
			default:
				continue
			}
			rest := words[c+1:]
			if len(rest) > 0 && rest[0] == "the" {
				rest = rest[1:]
			}
			if len(rest) == 0 || (rest[0] != "user" && rest[0] != "users") {
				break
			}
			rest = rest[1:]
			if len(rest) > 0 && rest[0] == "explicitly" {
				rest = rest[1:]
			}
			if len(rest) > 0 {
				switch rest[0] {
				case "opt", "opts", "opted", "enable", "enables", "enabled", "turn", "turns", "consent", "consents",
					"agree", "agrees", "choose", "chooses", "click", "clicks":
					return true
				}
			}
			break
		}
	}
}

// reqDefaultOn decides default-on from every answer: "default on" stated
// (and not negated) says yes; else opt-in or default-off stated says no;
// else an opt-out described says yes; else unknown.
func reqDefaultOn(answers []string, optOut string) Tri {
	on, off := false, false
	for _, a := range answers {
		ls := reqLowerASCII(a)
		reqDefaultOnPhrases.each(ls, func(st, en, _ int) bool {
			before := ls[max(0, st-16):st]
			switch {
			case reqNegatedClause(ls, st):
				off = true
			case strings.Contains(before, "if ") || strings.Contains(before, "whether "):
			default:
				on = true
			}
			return true
		})
		if !off && reqSaysDefaultOff(ls) {
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
	if ls == "" || reqNoAnswerRE.MatchString(ls) || reqSaysDefaultOff(ls) {
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
	if !reqContainsFold(text, "http") && !reqContainsFold(text, "www.") {
		return nil // the expression costs more than this look
	}
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
	reqIdentifierPhrases = newReqPhraseList(
		"client|user|device|install|installation|profile|account|advertising|ad|tracking|session|visitor|cookie|android|fxa|browser|unique|random|hashed|persistent id|ids|identifier|identifiers|uuid|uuids|guid|guids|uid|uids",
		"uuid|uuids|guid|guids|idfa|gaid|aaid|fingerprint|fingerprints|fingerprinting|username|usernames|clientid|userid|deviceid|installid|profileid|accountid|sessionid|visitorid",
		"email|emails address|addresses", "e mail address|addresses", "user names",
	)
	reqNewIdentifierPhrases = newReqPhraseList(
		"new identifier|identifiers|id|ids",
		"new unique|random|persistent identifier|identifiers|id|ids")
	reqNoIdentifierPhrases = newReqPhraseList(
		"no identifiers", "no identifier", "no user identifiers", "no id", "no ids",
		"not include any identifier|identifiers", "not add any identifier|identifiers",
		"not introduce any identifier|identifiers", "without any identifier|identifiers")
)

// reqSplitCamel writes "clientId" as "client Id".
func reqSplitCamel(s string) string {
	hump := false
	for i := 1; i < len(s) && !hump; i++ {
		hump = 'A' <= s[i] && s[i] <= 'Z' && 'a' <= s[i-1] && s[i-1] <= 'z'
	}
	if !hump {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if i > 0 && 'A' <= s[i] && s[i] <= 'Z' && 'a' <= s[i-1] && s[i-1] <= 'z' {
			b.WriteByte(' ')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// reqNewIdentifiers decides whether the request adds a new identifier: a
// measurement named or described as one (client id, uuid, user id, device
// id...), or an answer saying it adds a "new identifier", says yes; an
// answer saying there are none says no; anything else is unknown.
func reqNewIdentifiers(ms []Measurement, measurementText string, answers []string) Tri {
	affirmed := func(ls string) func(st, en, p int) bool {
		return func(st, en, p int) bool { return !reqNegatedClause(ls, st) }
	}
	var b strings.Builder
	for _, m := range ms {
		b.WriteString(reqSplitCamel(m.Name))
		b.WriteByte(' ')
		b.WriteString(m.Description)
		b.WriteByte('\n') // a measurement per line: a negation does not cross lines
	}
	if ls := reqLowerASCII(b.String()); reqIdentifierPhrases.any(ls, affirmed(ls)) {
		return Yes
	}
	if ls := reqLowerASCII(measurementText); reqIdentifierPhrases.any(ls, affirmed(ls)) {
		return Yes
	}
	no := false
	for _, a := range answers {
		ls := reqLowerASCII(a)
		yes := false
		reqNewIdentifierPhrases.each(ls, func(st, en, _ int) bool {
			if reqNegatedClause(ls, st) {
				no = true
				return true
			}
			yes = true
			return false
		})
		if yes {
			return Yes
		}
		if reqNoIdentifierPhrases.any(ls, nil) {
			no = true
		}
	}
	if no {
		return No
	}
	return Unknown
}
