package policy

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Small, allocation-free text helpers for the request parser. Template
// wording is compared word by word: a word is a run of letters and digits,
// punctuation and markup between words are ignored, and URLs are skipped
// whole, so "**6) Please provide a link to the [documentation](…)**" and the
// plain template sentence are the same words.

func reqLowerByte(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func reqIsASCIILetterOrDigit(c byte) bool { return reqLetterOrDigit[c] }

// reqLetterOrDigit says which bytes are ASCII letters or digits: one load
// where the word scanners, which test every byte, made three comparisons.
var reqLetterOrDigit = func() (t [256]bool) {
	for c := range t {
		t[c] = ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
	}
	return t
}()

func reqIsDigit(c byte) bool { return '0' <= c && c <= '9' }

// reqLookupFold looks up a word in a map of lower-case keys without
// allocating; words longer than 32 bytes are not found.
func reqLookupFold[V any](m map[string]V, w string) (V, bool) {
	var buf [32]byte
	if len(w) > len(buf) {
		var zero V
		return zero, false
	}
	for i := 0; i < len(w); i++ {
		buf[i] = reqLowerByte(w[i])
	}
	v, ok := m[string(buf[:len(w)])]
	return v, ok
}

// reqHasPrefixFold reports whether s starts with prefix, ignoring ASCII case;
// prefix must be lower case.
func reqHasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		if reqLowerByte(s[i]) != prefix[i] {
			return false
		}
	}
	return true
}

// reqLowerASCII lower-cases ASCII letters only, so offsets in the result are
// offsets in s.
func reqLowerASCII(s string) string {
	i := reqNextUpper(s, 0)
	if i == len(s) {
		return s
	}
	// one copy: a Builder hands over its buffer as the string; the runs
	// without capitals are written whole
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for i < len(s) { // s[i] is a capital
		b.WriteByte(s[i] + 'a' - 'A')
		j := reqNextUpper(s, i+1)
		b.WriteString(s[i+1 : j])
		i = j
	}
	return b.String()
}

// reqNextUpper returns the index of the first ASCII capital at or after i
// in s, or len(s). It tests eight bytes at a time.
func reqNextUpper(s string, i int) int {
	const ones, highs, lows = 0x0101010101010101, 0x8080808080808080, 0x7f7f7f7f7f7f7f7f
	for ; i+8 <= len(s); i += 8 {
		b := s[i : i+8] // one 8-byte load
		w := uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
			uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
		// a byte between 'A'-1 and 'Z'+1, exclusive (hasbetween, from
		// Bit Twiddling Hacks)
		if (ones*(127+'Z'+1)-(w&lows))&^w&((w&lows)+ones*(127-('A'-1)))&highs != 0 {
			break
		}
	}
	for ; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return i
		}
	}
	return i
}

// reqWordRuneAt reports whether the rune at s[i] belongs to a word, and its
// size.
func reqWordRuneAt(s string, i int) (bool, int) {
	c := s[i]
	if c < utf8.RuneSelf {
		return reqIsASCIILetterOrDigit(c), 1
	}
	r, size := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r) || unicode.IsDigit(r), size
}

// reqURLLen returns the length of the URL starting at s[0] ("http://",
// "https://" or "www."), or 0. A URL ends at white space, a quote, a bracket
// or an angle bracket.
func reqURLLen(s string) int {
	if len(s) < 4 || (s[1] != 't' && s[1] != 'T' && s[1] != 'w' && s[1] != 'W') {
		return 0 // most words that start with 'h' or 'w' ("what", "how")
	}
	if !(reqHasPrefixFold(s, "http://") || reqHasPrefixFold(s, "https://") || reqHasPrefixFold(s, "www.")) {
		return 0
	}
	i := 0
	for i < len(s) {
		switch s[i] {
		case ' ', '\t', '\n', '"', '\'', '<', '>', '(', ')', '[', ']', '`', '|':
			return i
		}
		i++
	}
	return i
}

// reqNextWord returns the bounds of the first word at or after i, skipping
// URLs; start == len(s) when there is none. i must not be inside a word.
// ASCII bytes, nearly all of a form, are classified by table.
func reqNextWord(s string, i int) (start, end int) {
	for i < len(s) {
		c := s[i]
		size := 1
		if c < utf8.RuneSelf {
			if !reqASCIIWordByte[c] {
				i++
				continue
			}
		} else {
			ok, sz := reqWordRuneAt(s, i)
			if !ok {
				i += sz
				continue
			}
			size = sz
		}
		if (c == 'h' || c == 'H' || c == 'w' || c == 'W') && (i == 0 || !reqIsASCIILetterOrDigit(s[i-1])) {
			if n := reqURLLen(s[i:]); n > 0 {
				i += n
				continue
			}
		}
		j := i + size
		for j < len(s) {
			if c := s[j]; c < utf8.RuneSelf {
				if !reqASCIIWordByte[c] {
					break
				}
				j++
				continue
			}
			ok, sz := reqWordRuneAt(s, j)
			if !ok {
				break
			}
			j += sz
		}
		return i, j
	}
	return len(s), len(s)
}

// reqASCIIWordByte says which ASCII bytes are letters or digits.
var reqASCIIWordByte = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = reqIsASCIILetterOrDigit(byte(c))
	}
	return t
}()

// reqWordEquals compares a word of the text with a lower-case template word.
func reqWordEquals(word, lower string) bool {
	return len(word) == len(lower) && reqHasPrefixFold(word, lower)
}

// reqSplitWords splits template text into lower-case words the way
// reqNextWord reads a text.
func reqSplitWords(s string) []string {
	var out []string
	for i := 0; ; {
		st, en := reqNextWord(s, i)
		if st >= len(s) {
			return out
		}
		out = append(out, strings.ToLower(s[st:en]))
		i = en
	}
}

// reqMatchWords matches the template words against the text from offset i
// and returns how many matched in a row and the end of the last one.
func reqMatchWords(s string, i int, words []string) (n, end int) {
	end = i
	for _, w := range words {
		st, en := reqNextWord(s, i)
		if st >= len(s) || !reqWordEquals(s[st:en], w) {
			return n, end
		}
		n++
		end, i = en, en
	}
	return n, end
}

// reqPhraseAt reports whether text starts with phrase, ignoring ASCII case,
// where each space of the phrase matches a run of spaces, tabs or hyphens
// with at most one line break ("default on" matches "default-on",
// "default  on" and a question hard-wrapped between the two words).
func reqPhraseAt(text, phrase string) bool {
	i := 0
	for j := 0; j < len(phrase); j++ {
		if phrase[j] == ' ' {
			k, nl := i, false
			for k < len(text) && (text[k] == ' ' || text[k] == '\t' || text[k] == '-' || (text[k] == '\n' && !nl)) {
				nl = nl || text[k] == '\n'
				k++
			}
			if k == i {
				return false
			}
			i = k
			continue
		}
		if i >= len(text) || reqLowerByte(text[i]) != phrase[j] {
			return false
		}
		i++
	}
	return true
}

// reqHasLetterOrDigit reports whether s holds any letter or digit.
func reqHasLetterOrDigit(s string) bool {
	for i := 0; i < len(s); {
		ok, size := reqWordRuneAt(s, i)
		if ok {
			return true
		}
		i += size
	}
	return false
}

// reqCollapseSpaces trims s and turns every run of spaces and tabs into one
// space.
func reqCollapseSpaces(s string) string {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "  ") && !strings.ContainsRune(s, '\t') {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' || c == '\t' {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteByte(c)
	}
	return b.String()
}

// reqTruncate cuts s to at most n bytes on a rune boundary, marking the cut.
func reqTruncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return strings.TrimRight(s[:i], " ") + "…"
}

// reqLineEnd returns the index of the '\n' ending the line that holds s[i],
// or len(s).
func reqLineEnd(s string, i int) int {
	if j := strings.IndexByte(s[i:], '\n'); j >= 0 {
		return i + j
	}
	return len(s)
}

// reqPhraseList finds phrases in lower-case text by one pass over its words
// (runs of ASCII letters and digits; '_', '-' and punctuation separate
// words, so "client_id", "client-id" and "client ID" are the same two
// words). A phrase is written as words separated by spaces, each word a
// list of alternatives separated by '|'.
type reqPhraseList struct {
	first   map[string][]int
	phrases [][][]string
	// shapes[c] has bit min(n, 63) set when a first word starts with c and
	// is n bytes long: most words are skipped without a map lookup
	shapes [256]uint64
}

func newReqPhraseList(phrases ...string) *reqPhraseList {
	pl := &reqPhraseList{first: map[string][]int{}}
	for i, p := range phrases {
		var words [][]string
		for _, w := range strings.Fields(p) {
			words = append(words, strings.Split(w, "|"))
		}
		pl.phrases = append(pl.phrases, words)
		for _, alt := range words[0] {
			pl.first[alt] = append(pl.first[alt], i)
			pl.shapes[alt[0]] |= reqLenBit(len(alt))
		}
	}
	return pl
}

// reqLenBit is the bit of reqPhraseList.shapes for a word of n bytes.
func reqLenBit(n int) uint64 { return 1 << min(n, 63) }

// reqNextASCIIWord returns the next run of ASCII letters and digits at or
// after i in lower-case text.
func reqNextASCIIWord(ls string, i int) (start, end int) {
	for i < len(ls) && !reqIsASCIILetterOrDigit(ls[i]) {
		i++
	}
	j := i
	for j < len(ls) && reqIsASCIILetterOrDigit(ls[j]) {
		j++
	}
	return i, j
}

// each calls fn for every phrase found in ls (lower case), with its bounds
// and index, until fn returns false.
func (pl *reqPhraseList) each(ls string, fn func(start, end, phrase int) bool) {
	// word by word; only the words whose first byte and length are those
	// of a phrase's first word are looked up
	for st := 0; st < len(ls); {
		c := ls[st]
		if !reqLetterOrDigit[c] {
			st++
			continue
		}
		en := st + 1
		for en < len(ls) && reqLetterOrDigit[ls[en]] {
			en++
		}
		if pl.shapes[c]&reqLenBit(en-st) != 0 {
			for _, p := range pl.first[ls[st:en]] {
				if end, ok := pl.matchRest(ls, en, pl.phrases[p][1:]); ok {
					if !fn(st, end, p) {
						return
					}
					break
				}
			}
		}
		st = en
	}
}

func (pl *reqPhraseList) matchRest(ls string, i int, words [][]string) (int, bool) {
	for _, alts := range words {
		st, en := reqNextASCIIWord(ls, i)
		if st >= len(ls) {
			return 0, false
		}
		w, ok := ls[st:en], false
		for _, a := range alts {
			if a == w {
				ok = true
				break
			}
		}
		if !ok {
			return 0, false
		}
		i = en
	}
	return i, true
}

// any reports whether ls holds a phrase for which keep returns true.
func (pl *reqPhraseList) any(ls string, keep func(start, end, phrase int) bool) bool {
	found := false
	pl.each(ls, func(st, en, p int) bool {
		if keep == nil || keep(st, en, p) {
			found = true
			return false
		}
		return true
	})
	return found
}
