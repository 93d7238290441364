package policy

import "strings"

// Identifiers: a measurement that holds a value tied to one user or device
// (a client id, a UUID, a hashed account id, an email address) adds a new
// identifier, unless the requester denies it ("not tied to any client id",
// negation.go) or says it is one that exists already ("the existing
// Telemetry client id", "client_id, already sent with every ping"). The
// nearest qualifier before it in its clause decides: "existing", "current",
// "legacy" say existing, "new", "random", "generated", "hashed" say new;
// with none, "already" later in its sentence says existing. The client id
// is Telemetry's and Glean's own identifier, sent with every ping: "the
// client id" is that existing one unless a qualifier makes it new ("a new
// random client id").

var (
	reqIdentifierPhrases = newReqPhraseList(
		"client|user|device|install|installation|profile|account|advertising|ad|tracking|session|visitor|cookie|android|fxa|browser|unique|random|hashed|persistent id|ids|identifier|identifiers|uuid|uuids|guid|guids|uid|uids",
		"uuid|uuids|guid|guids|idfa|gaid|aaid|fingerprint|fingerprints|fingerprinting|username|usernames|clientid|userid|deviceid|installid|profileid|accountid|sessionid|visitorid",
		"email|emails address|addresses", "e mail address|addresses", "user name|names",
		"account|user|users|contact|customer|profile|fxa email|emails|mail",
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

// reqWriteSplitCamelLower writes reqSplitCamel(s) lower-cased to b.
func reqWriteSplitCamelLower(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		if i > 0 && 'A' <= s[i] && s[i] <= 'Z' && 'a' <= s[i-1] && s[i-1] <= 'z' {
			b.WriteByte(' ')
		}
		b.WriteByte(reqLowerByte(s[i]))
	}
}

// reqWriteLower writes s lower-cased (ASCII letters only) to b.
func reqWriteLower(b *strings.Builder, s string) {
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && (s[j] < 'A' || s[j] > 'Z') {
			j++
		}
		b.WriteString(s[i:j])
		if j < len(s) {
			b.WriteByte(s[j] + 'a' - 'A')
			j++
		}
		i = j
	}
}

// reqNewIdentifiers decides whether the request adds a new identifier: a
// measurement named or described as one (client id, uuid, user id, device
// id...) that is neither denied nor an existing one, or an answer saying
// it adds a "new identifier", says yes; an answer saying there are none
// says no; anything else is unknown.
func reqNewIdentifiers(ms []Measurement, measurementText string, answers []string) Tri {
	// the measurements' names and descriptions, lower-cased (all that
	// reqNamesNewIdentifier reads), a measurement per line: a negation does
	// not cross lines
	size := 0
	for _, m := range ms {
		size += len(m.Name) + len(m.Name)/2 + len(m.Description) + 2 // a space at most every other byte of a name
	}
	var b strings.Builder
	b.Grow(size)
	for _, m := range ms {
		reqWriteSplitCamelLower(&b, m.Name)
		b.WriteByte(' ')
		reqWriteLower(&b, m.Description)
		b.WriteByte('\n')
	}
	if reqNamesNewIdentifier(b.String()) || reqNamesNewIdentifier(measurementText) {
		return Yes
	}
	no := false
	var bufArr [reqWordsOnStack]int32
	buf := bufArr[:0] // grown once for a longer answer, then kept
	for _, a := range answers {
		ls := reqLowerASCII(a)
		buf = reqAppendWords(buf[:0], ls)
		w := reqWords{ls: ls, at: buf} // for the new- and no-identifier lists (buf stays on the stack)
		yes := false
		reqNewIdentifierPhrases.eachIn(w, func(st, en, _ int) bool {
			if reqNegated(ls, st, en) {
				no = true
				return true
			}
			yes = true
			return false
		})
		if yes {
			return Yes
		}
		if reqNoIdentifierPhrases.anyIn(w, nil) {
			no = true
		}
	}
	if no {
		return No
	}
	return Unknown
}

// reqExistingCues say an identifier exists already; reqNewCues that it is
// made for this collection.
var (
	reqExistingCues = map[string]bool{
		"existing": true, "already": true, "current": true, "currently": true, "legacy": true, "same": true,
		"standard": true, "usual": true, "reuse": true, "reuses": true, "reused": true, "reusing": true,
	}
	reqNewCues = map[string]bool{
		"new": true, "newly": true, "random": true, "randomly": true, "generate": true, "generates": true,
		"generated": true, "additional": true, "add": true, "adds": true, "added": true, "introduce": true,
		"introduces": true, "hashed": true, "hash": true, "create": true, "creates": true, "created": true,
	}
)

// reqNamesNewIdentifier reports an identifier named in text that is
// neither denied nor an existing one.
func reqNamesNewIdentifier(text string) bool {
	if text == "" {
		return false
	}
	ls := reqLowerASCII(text)
	return reqIdentifierPhrases.any(ls, func(st, en, _ int) bool {
		return !reqNegated(ls, st, en) && !reqExistingIdentifier(ls, st, en)
	})
}

// reqExistingIdentifier reports an identifier at ls[st:en] that the text
// calls existing: the nearest qualifier before it in its clause, else
// "already" later in its sentence.
func reqExistingIdentifier(ls string, st, en int) bool {
	existing, decided := false, false
	reqEachWordBefore(ls, st, 8, func(w string) bool {
		switch {
		case reqExistingCues[w]:
			existing, decided = true, true
		case reqNewCues[w]:
			decided = true
		}
		return !decided
	})
	if decided {
		return existing
	}
	if w, _ := reqNextASCIIWordAt(ls, st); w == "client" || w == "clientid" {
		return true
	}
	for i, n := en, 0; n < 10; n++ {
		ws, we := reqNextASCIIWord(ls, i)
		if ws >= len(ls) || strings.ContainsAny(ls[i:ws], ".;\n") {
			return false
		}
		if ls[ws:we] == "already" {
			return true
		}
		i = we
	}
	return false
}

// reqEachWordBefore calls fn with up to n words before offset i in ls,
// nearest first, within i's clause, until fn returns false.
func reqEachWordBefore(ls string, i, n int, fn func(w string) bool) {
	for ; n > 0; n-- {
		for i > 0 && !reqIsNegationWordByte(ls[i-1]) {
			if reqIsClauseBreak(ls[i-1]) {
				return
			}
			i--
		}
		k := i
		for k > 0 && reqIsNegationWordByte(ls[k-1]) {
			k--
		}
		if k == i || reqClauseEnds[ls[k:i]] || !fn(ls[k:i]) {
			return
		}
		i = k
	}
}

// reqNextASCIIWordAt returns the word at or after offset i in ls.
func reqNextASCIIWordAt(ls string, i int) (string, int) {
	st, en := reqNextASCIIWord(ls, i)
	return ls[st:en], en
}
