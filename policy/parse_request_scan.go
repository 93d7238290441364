package policy

import "strings"

// Byte scanners for the prose signals read on every answer. Each finds
// exactly what the regular expression in its comment finds (FindAll
// semantics: leftmost-first, non-overlapping; \b and \w are ASCII, \s is
// [\t\n\f\r ]), at a fraction of the cost: the expressions ran over every
// answer byte by byte with the backtracker, and were a tenth of the parse.
// parse_request_scan_test.go holds the expressions and checks the scanners
// against them.

// reqIsREWordByte reports a byte of \w: ASCII letters, digits and '_'.
func reqIsREWordByte(c byte) bool { return reqIsASCIILetterOrDigit(c) || c == '_' }

// reqIsRESpace reports a byte of \s.
func reqIsRESpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

// reqREWordStart reports \b before s[i], where s[i] is a word byte.
func reqREWordStart(s string, i int) bool { return i == 0 || !reqIsREWordByte(s[i-1]) }

// reqREWordEnd reports \b at s[i] after a word byte.
func reqREWordEnd(s string, i int) bool { return i >= len(s) || !reqIsREWordByte(s[i]) }

// reqLit returns the end of lit at s[i], or -1.
func reqLit(s string, i int, lit string) int {
	if i >= 0 && strings.HasPrefix(s[i:], lit) {
		return i + len(lit)
	}
	return -1
}

// reqSpaces returns the end of the run of \s at s[i] (i itself when there is
// none); with one, a run of at least one is needed: -1 otherwise.
func reqSpaces(s string, i int, one bool) int {
	if i < 0 {
		return -1
	}
	j := i
	for j < len(s) && reqIsRESpace(s[j]) {
		j++
	}
	if one && j == i {
		return -1
	}
	return j
}

// reqWordLit returns the end of lit at s[i] when a word ends there, or -1.
func reqWordLit(s string, i int, lit string) int {
	if e := reqLit(s, i, lit); e >= 0 && reqREWordEnd(s, e) {
		return e
	}
	return -1
}

// reqChannelAt matches, at s[i] (after \b), the channel names of
//
//	\b(nightly|beta|developer\s+edition|dev\s*edition|devedition|aurora|preview|esr|pre[\s-]?release|release|rid(?:e|es|ing)\s+the\s+trains?)\b
//
// and returns the match's end, or -1.
func reqChannelAt(s string, i int) int {
	switch s[i] {
	case 'n':
		return reqWordLit(s, i, "nightly")
	case 'b':
		return reqWordLit(s, i, "beta")
	case 'd':
		if e := reqWordLit(s, reqSpaces(s, reqLit(s, i, "developer"), true), "edition"); e >= 0 {
			return e
		}
		return reqWordLit(s, reqSpaces(s, reqLit(s, i, "dev"), false), "edition")
	case 'a':
		return reqWordLit(s, i, "aurora")
	case 'p':
		if e := reqWordLit(s, i, "preview"); e >= 0 {
			return e
		}
		j := reqLit(s, i, "pre")
		if j < 0 {
			return -1
		}
		if j < len(s) && (reqIsRESpace(s[j]) || s[j] == '-') {
			if e := reqWordLit(s, j+1, "release"); e >= 0 {
				return e
			}
		}
		return reqWordLit(s, j, "release")
	case 'e':
		return reqWordLit(s, i, "esr")
	case 'r':
		if e := reqWordLit(s, i, "release"); e >= 0 {
			return e
		}
		j := reqLit(s, i, "rid")
		if j < 0 {
			return -1
		}
		for _, suffix := range [...]string{"e", "es", "ing"} {
			k := reqLit(s, reqSpaces(s, reqLit(s, reqSpaces(s, reqLit(s, j, suffix), true), "the"), true), "train")
			if k < 0 {
				continue
			}
			if k < len(s) && s[k] == 's' && reqREWordEnd(s, k+1) {
				return k + 1
			}
			if reqREWordEnd(s, k) {
				return k
			}
		}
	}
	return -1
}

// reqAllChannelsAt matches, at s[i] (after \b),
//
//	\b(?:all|every|any)\s+(?:(?:of\s+)?the\s+)?(?:release\s+|firefox\s+|product\s+)?channels?\b
//
// and returns the match's end, or -1. Each optional part starts with a word
// the next part cannot start with, so the first reading that fits is the
// expression's.
func reqAllChannelsAt(s string, i int) int {
	j := -1
	for _, w := range [...]string{"all", "every", "any"} {
		if j = reqLit(s, i, w); j >= 0 {
			break
		}
	}
	j = reqSpaces(s, j, true)
	if j < 0 {
		return -1
	}
	if k := reqSpaces(s, reqLit(s, reqSpaces(s, reqLit(s, j, "of"), true), "the"), true); k >= 0 {
		j = k
	} else if k := reqSpaces(s, reqLit(s, j, "the"), true); k >= 0 {
		j = k
	}
	for _, w := range [...]string{"release", "firefox", "product"} {
		if k := reqSpaces(s, reqLit(s, j, w), true); k >= 0 {
			j = k
			break
		}
	}
	k := reqLit(s, j, "channel")
	if k < 0 {
		return -1
	}
	if k < len(s) && s[k] == 's' && reqREWordEnd(s, k+1) {
		return k + 1
	}
	if reqREWordEnd(s, k) {
		return k
	}
	return -1
}

// reqByteSet returns the set of the bytes of chars.
func reqByteSet(chars string) (t [256]bool) {
	for i := 0; i < len(chars); i++ {
		t[chars[i]] = true
	}
	return t
}

// reqTrimSet is strings.Trim(s, cutset) for an ASCII cutset given as a byte
// set: strings.Trim builds its set on every call.
func reqTrimSet(s string, set *[256]bool) string {
	i, j := 0, len(s)
	for i < j && set[s[i]] {
		i++
	}
	for j > i && set[s[j-1]] {
		j--
	}
	return s[i:j]
}

var (
	reqChannelFirst     = reqByteSet("nbdaper")
	reqAllChannelsFirst = reqByteSet("ae")
)

// reqScanAll returns the spans of every non-overlapping match of at in s,
// leftmost first; at is tried at each word start whose first byte is in
// first.
func reqScanAll(s string, first *[256]bool, at func(s string, i int) int) [][2]int {
	var out [][2]int
	for i := 0; i < len(s); i++ {
		if !first[s[i]] || !reqREWordStart(s, i) {
			continue
		}
		if e := at(s, i); e >= 0 {
			out = append(out, [2]int{i, e})
			i = e - 1
		}
	}
	return out
}

// reqURLStopBytes end a link: \s and <>()[]"'`|.
var reqURLStopBytes = reqByteSet(" \t\n\f\r<>()[]\"'`|")

// reqURLs returns the links of
//
//	(?i)\bhttps?://[^\s<>()\[\]"'`|]+|\bwww\.[^\s<>()\[\]"'`|]+
//
// in text, in order.
func reqURLs(text string) []string {
	var out []string
	for i := 0; i < len(text); i++ {
		c := text[i] | 0x20
		if (c != 'h' && c != 'w') || !reqREWordStart(text, i) {
			continue
		}
		j := -1
		if c == 'h' && reqHasPrefixFold(text[i:], "http") {
			j = i + 4
			// (?i) folds "s" with the long s "ſ" too
			if j < len(text) && text[j]|0x20 == 's' && strings.HasPrefix(text[j+1:], "://") {
				j += 4
			} else if strings.HasPrefix(text[j:], "ſ://") {
				j += len("ſ://")
			} else if strings.HasPrefix(text[j:], "://") {
				j += 3
			} else {
				j = -1
			}
		} else if c == 'w' && reqHasPrefixFold(text[i:], "www.") {
			j = i + 4
		}
		if j < 0 {
			continue
		}
		k := j
		for k < len(text) && !reqURLStopBytes[text[k]] {
			k++
		}
		if k == j {
			continue
		}
		out = append(out, text[i:k])
		i = k - 1
	}
	return out
}
