package policy

import "strings"

// A measurement's name is the first identifier-like token of its row or item:
// dotted or underscored ("browser.engagement.tab_count", "FX_TAB_SWITCH_MS",
// "sample_feature.widget_opened#source"), or anything in backticks or
// <code>, without the backticks or other markup. CamelCase names
// ("MozCrashReason") count only where a column or label says it is a name.
// File names, domains, e-mail addresses and URLs are not names.

// reqIdentKind ranks what kind of identifier a token is.
type reqIdentKind int

const (
	reqNotIdent reqIdentKind = iota
	reqIdentCamel
	reqIdentDotted // dotted, underscored, or quoted as code
)

// reqNameFileExts are file name endings that make a dotted token a file.
var reqNameFileExts = map[string]bool{
	"json": true, "yaml": true, "yml": true, "md": true, "js": true, "jsm": true, "mjs": true, "py": true,
	"cpp": true, "h": true, "rs": true, "html": true, "htm": true, "txt": true, "toml": true, "java": true,
	"kt": true, "swift": true, "xml": true, "ftl": true, "css": true, "ts": true, "idl": true, "webidl": true,
	"pdf": true, "png": true, "ini": true, "cfg": true, "sh": true, "rst": true, "csv": true, "go": true,
}

// reqNameTLDs are domain endings that make a dotted token a host name.
var reqNameTLDs = map[string]bool{
	"com": true, "org": true, "net": true, "io": true, "edu": true, "gov": true, "dev": true, "app": true,
	"co": true, "uk": true, "de": true, "fr": true, "info": true, "test": true,
}

// reqNotNames are dotted abbreviations and category names that look like
// identifiers.
var reqNotNames = map[string]bool{
	"e.g": true, "i.e": true, "etc": true, "a.k.a": true, "vs": true, "n.b": true, "p.s": true,
	"stored_content": true, "web_activity": true, "highly_sensitive": true, "clearly_identifiable": true,
	"interaction_data": true, "technical_data": true, "show_bug.cgi": true,
}

func reqIsIdentByte(c byte) bool {
	return reqIsASCIILetterOrDigit(c) || c == '_' || c == '.' || c == '#'
}

// reqIdentTrim is what reqIdentAt trims around a token.
var reqIdentTrim = reqByteSet("._#")

// reqIdentAt classifies the token s[st:en] (a maximal run of identifier
// bytes) and returns it trimmed of leading and trailing dots, hashes and
// underscores.
func reqIdentAt(s string, st, en int) (string, reqIdentKind) {
	quoted := (st > 0 && s[st-1] == '`') || (st >= 6 && reqHasPrefixFold(s[st-6:st], "<code>"))
	if (st > 0 && s[st-1] == '@') || (en < len(s) && s[en] == '@') {
		return "", reqNotIdent // an e-mail address
	}
	tok := reqTrimSet(s[st:en], &reqIdentTrim)
	if tok == "" || !('a' <= reqLowerByte(tok[0]) && reqLowerByte(tok[0]) <= 'z') {
		return "", reqNotIdent
	}
	letters, dotted, hump := 0, false, false
	for i := 0; i < len(tok); i++ {
		c := tok[i]
		switch {
		case 'a' <= c && c <= 'z':
			letters++
		case 'A' <= c && c <= 'Z':
			letters++
			if i > 0 && 'a' <= tok[i-1] && tok[i-1] <= 'z' {
				hump = true
			}
		case c == '.' || c == '_' || c == '#':
			dotted = true
			if i+1 < len(tok) && (tok[i+1] == '.' || tok[i+1] == '#') && c != '_' {
				return "", reqNotIdent // "a..b"
			}
		}
	}
	if letters < 3 {
		return "", reqNotIdent
	}
	if _, ok := reqLookupFold(reqNotNames, tok); ok {
		return "", reqNotIdent
	}
	if dot := strings.LastIndexByte(tok, '.'); dot >= 0 && !strings.Contains(tok[dot:], "#") {
		last := tok[dot+1:]
		_, ext := reqLookupFold(reqNameFileExts, last)
		_, tld := reqLookupFold(reqNameTLDs, last)
		if ext || tld {
			return "", reqNotIdent
		}
	}
	switch {
	case dotted || quoted:
		return tok, reqIdentDotted
	case hump:
		return tok, reqIdentCamel
	}
	return "", reqNotIdent
}

// reqFindName returns the first identifier in s: dotted, underscored or
// quoted ones first, and CamelCase ones when camel is set and there is no
// other. It skips URLs and Markdown link targets. at is the token's offset.
func reqFindName(s string, camel bool) (name string, at, end int) {
	camelName, camelAt, camelEnd := "", -1, -1
	sc := reqNameScanner{s: s}
	for {
		tok, kind, st, en, ok := sc.next()
		switch {
		case !ok:
			return camelName, camelAt, camelEnd
		case kind == reqIdentDotted:
			return tok, st, en
		case kind == reqIdentCamel && camel && camelAt < 0:
			camelName, camelAt, camelEnd = tok, st, en
		}
	}
}

// reqNameScanner returns the identifier-like tokens of s in order. URLs
// and Markdown link targets (up to 2 KiB long) are skipped. It is one
// linear pass: the search for the end of a link target is shared by all
// the "](" before it.
type reqNameScanner struct {
	s                  string
	i                  int
	closeAt, scannedTo int // the next ')', ' ' or '\n' found (stale when before a target), and how far there was none
}

func (sc *reqNameScanner) next() (tok string, kind reqIdentKind, st, en int, ok bool) {
	const maxTarget = 2048
	s := sc.s
	for sc.i < len(s) {
		i := sc.i
		c := s[i]
		if n := reqURLLen(s[i:]); n > 0 && (i == 0 || !reqIsIdentByte(s[i-1])) {
			sc.i += n
			continue
		}
		if c == ']' && i+1 < len(s) && s[i+1] == '(' { // [text](target)
			from := i + 2
			if sc.closeAt < from {
				sc.closeAt = -1
				start, limit := max(from, sc.scannedTo), min(len(s), from+maxTarget+1)
				if start < limit {
					if j := strings.IndexAny(s[start:limit], ") \n"); j >= 0 {
						sc.closeAt = start + j
					}
				}
				if sc.closeAt < 0 {
					sc.scannedTo = max(sc.scannedTo, limit)
				}
			}
			if sc.closeAt >= 0 && sc.closeAt-from <= maxTarget {
				sc.i = sc.closeAt
				continue
			}
		}
		if !reqIsIdentByte(c) {
			sc.i++
			continue
		}
		j := i
		for j < len(s) && reqIsIdentByte(s[j]) {
			j++
		}
		sc.i = j
		if tok, kind := reqIdentAt(s, i, j); kind != reqNotIdent {
			off := i + strings.Index(s[i:j], tok)
			return tok, kind, off, off + len(tok), true
		}
	}
	return "", reqNotIdent, 0, 0, false
}

// reqMaskNames returns s with identifiers and URLs blanked out, so that
// "browser.interaction_count" or a bug URL does not read as a category.
func reqMaskNames(s string) string {
	var b []byte
	blank := func(from, to int) {
		if b == nil {
			b = []byte(s)
		}
		for k := from; k < to; k++ {
			b[k] = ' '
		}
	}
	for i := 0; i < len(s); {
		if n := reqURLLen(s[i:]); n > 0 && (i == 0 || !reqIsIdentByte(s[i-1])) {
			blank(i, i+n)
			i += n
			continue
		}
		if !reqIsIdentByte(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && reqIsIdentByte(s[j]) {
			j++
		}
		if tok, kind := reqIdentAt(s, i, j); kind == reqIdentDotted && strings.ContainsAny(tok, "._#") {
			blank(i, j)
		}
		i = j
	}
	if b == nil {
		return s
	}
	return string(b)
}
