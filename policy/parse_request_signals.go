package policy

import (
	"regexp"
	"slices"
	"strings"
)

// What a steward reads out of the answers beyond the measurements: the
// channels and whether release is among them, whether the collection is
// default-on and its opt-out, the documentation links, the third-party
// tool, and new identifiers. Each reading is conservative: "unknown" when
// the answers do not say.

// reqReleaseOnlyRE finds "release only" and "only on release"; the
// channels themselves are found by byte scanners (parse_request_scan.go).
var reqReleaseOnlyRE = regexp.MustCompile(`\brelease\s+(?:channel\s+|population\s+|users\s+)?only\b|\bonly\s+(?:on\s+|in\s+|to\s+)?(?:the\s+)?release\b`)

// reqReleaseEvents, right before "release", make it the day a feature
// ships rather than a channel: "until release", "prior to release".
var reqReleaseEvents = map[string]bool{
	"before": true, "until": true, "till": true, "its": true, "prior to": true, "ahead of": true,
}

// reqReleaseEvent reports "release" at i used as an event: "until
// release", "prior to release", "ahead of its release".
func reqReleaseEvent(ls string, i int) bool {
	prev := reqWordBefore(ls, i)
	if reqReleaseEvents[prev] {
		return true
	}
	if prev == "to" || prev == "of" {
		j := strings.LastIndex(ls[:i], prev)
		return reqReleaseEvents[reqWordBefore(ls, j)+" "+prev]
	}
	return false
}

// reqChannels reads the channels from the populations answer. A channel
// named in a negation ("not on release", "compiled out of Release builds",
// "all channels except release") is excluded; "rides the trains" means it
// reaches release, "will not ride the trains" that it does not.
func reqChannels(text string) (channels []string, release, prerelease Tri) {
	ls := reqLowerASCII(text)
	type at struct {
		pos  int
		name string
	}
	var found []at
	all := false
	var allSpans [][2]int
	for _, m := range reqScanAll(ls, &reqAllChannelsFirst, reqAllChannelsAt) {
		if reqNegated(ls, m[0], m[1]) {
			continue // "not all channels"
		}
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
	mixed := reqDefaultOnPhrases.any(ls, func(st, en, _ int) bool { return !reqNegated(ls, st, en) })
	for _, m := range reqScanAll(ls, &reqChannelFirst, reqChannelAt) {
		if inAll(m[0]) {
			continue // "all release channels"
		}
		w := ls[m[0]:m[1]]
		name := w
		// when the answer says where the collection is on by default, a
		// channel named where it is off ("default on in Nightly, opt-in on
		// Release") is no default-on channel: it counts as excluded
		negated := reqNegated(ls, m[0], m[1]) || (mixed && reqDefaultOffAround(ls, m[0], m[1]))
		switch {
		case strings.HasPrefix(w, "rid"):
			// "rides the trains": it reaches release
			if negated {
				relNo = true
				continue
			}
			name, relYes = "release", true
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
			if reqReleaseEvent(ls, m[0]) && !strings.HasPrefix(rest, " channel") {
				continue // "until release": a day, not a channel
			}
			if negated {
				relNo = true
				continue
			}
			relYes = true
		case strings.HasPrefix(w, "pre") && strings.HasSuffix(w, "release"):
			if negated {
				preNo = true
				continue
			}
			pre = true
			continue
		case strings.Contains(w, "dev") || w == "aurora":
			if negated {
				preNo = true
				continue
			}
			name, pre = "developer edition", true
		case w == "esr":
			if negated {
				continue
			}
			relYes = true
		default:
			if negated {
				preNo = true
				continue
			}
			pre = true
		}
		found = append(found, at{m[0], name})
	}
	// (slices.SortStableFunc, unlike sort.SliceStable, allocates nothing)
	slices.SortStableFunc(found, func(a, b at) int { return a.pos - b.pos })
	seen := map[string]bool{}
	for _, f := range found {
		if !seen[f.name] {
			seen[f.name] = true
			channels = append(channels, f.name)
		}
	}
	release, prerelease = Unknown, Unknown
	switch {
	case relYes:
		release = Yes
	case relNo:
		release = No
	case all:
		release = Yes
	case pre:
		release = No
	}
	switch {
	case pre || (all && !preNo):
		prerelease = Yes
	case relYes && (preNo || strings.Contains(ls, "only") && reqReleaseOnlyRE.MatchString(ls)):
		prerelease = No
	}
	return channels, release, prerelease
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

// reqDefaultOffAround reports a default-off or opt-in phrase in the clause
// of ls[st:en].
func reqDefaultOffAround(ls string, st, en int) bool {
	from, to := reqClauseAround(ls, st, en, true)
	return reqDefaultOffPhrases.any(ls[from:to], nil)
}

// reqSaysDefaultOff reports an opt-in or default-off collection: "opt-in",
// "off by default", or "only … when the user opts in / enables / agrees".
func reqSaysDefaultOff(ls string) bool {
	return reqDefaultOffPhrases.any(ls, nil) || reqOnlyOnConsent(ls)
}

// reqOnlyOnConsent reports "only [up to three words] if|when|after|once
// [the] user[s] [explicitly] <consents>" in ls.
func reqOnlyOnConsent(ls string) bool {
	for i := 0; ; {
		k := strings.Index(ls[i:], "only ")
		if k < 0 {
			return false
		}
		i += k + len("only ")
		var buf [8]string // on the stack: this runs for every "only " of every answer
		words := buf[:0]
		for j := i; len(words) < len(buf); {
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
	var bufArr [reqWordsOnStack]int32
	buf := bufArr[:0] // grown once for a longer answer, then kept
	for _, a := range answers {
		ls := reqLowerASCII(a)
		buf = reqAppendWords(buf[:0], ls)
		w := reqWords{ls: ls, at: buf} // for the default-on and default-off lists (buf stays on the stack)
		reqDefaultOnPhrases.eachIn(w, func(st, en, _ int) bool {
			before := ls[max(0, st-16):st]
			switch {
			case reqNegated(ls, st, en):
				off = true
			case strings.Contains(before, "if ") || strings.Contains(before, "whether "):
			default:
				on = true
			}
			return true
		})
		if !off && (reqDefaultOffPhrases.anyIn(w, nil) || reqOnlyOnConsent(ls)) { // reqSaysDefaultOff, on w
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

// reqLinks returns the URLs in text, without trailing punctuation, in order
// and without repeats.
func reqLinks(text string, keep func(string) bool) []string {
	if !reqContainsFold(text, "http") && !reqContainsFold(text, "www.") {
		return nil // the scan costs more than this look
	}
	var out []string
	seen := map[string]bool{}
	for _, u := range reqURLs(text) {
		u = strings.TrimRight(u, ".,;:!?*_~'\"")
		if u == "" || seen[u] || (keep != nil && !keep(u)) {
			continue
		}
		seen[u] = true
		out = append(out, u)
	}
	return out
}

// reqNotPublicDocs are links that look like documentation by their words
// ("/wiki") but are never a collection's public documentation: Mozilla's
// internal wikis, and the wiki page of the data collection categories that
// the measurements question links to. Taken for the documentation, they
// would have the draft say that it exists. Shared documents (Google Docs)
// stay: real requests have documented their measurements in public ones
// ("These are documented here: https://docs.google.com/...").
var reqNotPublicDocs = []string{
	"mana.mozilla.org", ".atlassian.net",
	"wiki.mozilla.org/firefox/data_collection", "wiki.mozilla.org/data_collection",
}

// reqLooksLikeDocs keeps, for forms without a documentation question, the
// links that point at documentation.
func reqLooksLikeDocs(u string) bool {
	l := strings.ToLower(u)
	for _, p := range reqNotPublicDocs {
		if strings.Contains(l, p) {
			return false
		}
	}
	for _, p := range []string{"docs", "dictionary", "probes.telemetry", "readthedocs", "/wiki", "wiki.", ".md", "readme", "metrics.yaml", "scalars.yaml", "histograms.json", "events.yaml", "searchfox"} {
		if strings.Contains(l, p) {
			return true
		}
	}
	return false
}

// reqBareAll are answers that mean every channel when they answer the
// template's "Which release channels?" on their own.
var reqBareAll = map[string]bool{
	"all": true, "all of them": true, "any": true, "every": true, "everyone": true, "all channels": true,
	"every channel": true, "all release channels": true, "everything": true,
}

// reqPopulationsText is the populations answer as reqChannels reads it: a
// bare "All" written under the template's "* Which release channels?" (on
// its line or the next) says "all channels", which the answer's text alone,
// without the sub-question, cannot.
func reqPopulationsText(ra reqAnswer) string {
	if !ra.answered {
		return ""
	}
	for _, b := range ra.blocks {
		if b.table != nil {
			continue
		}
		ls := reqLowerASCII(b.text)
		i := strings.Index(ls, "which release channels")
		if i < 0 {
			continue
		}
		rest := ls[i+len("which release channels"):]
		rest = strings.TrimLeft(rest, "?: \t*_")
		rest = strings.TrimLeft(rest, "\n")
		if k := strings.IndexByte(rest, '\n'); k >= 0 {
			rest = rest[:k]
		}
		sub := strings.Trim(rest, " \t*_-.>:")
		if reqBareAll[sub] {
			return ra.text + "\nall channels"
		}
	}
	return ra.text
}
