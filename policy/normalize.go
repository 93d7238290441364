package policy

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// Request forms arrive pasted from browsers, word processors, Bugzilla,
// Phabricator and GitHub. Before anything is matched against the template's
// wording, normalizeRequestText gives every copy the same plain shape, so
// that "someone’s" matches "someone's" and a CRLF file splits into the same
// lines as an LF one.
//
// Names in this package's request parser carry a "req" prefix because the
// review parser lives in the same package.

// normalizeRequestText drops a byte order mark, zero-width and control
// characters, turns CRLF and lone CR into LF, replaces invalid UTF-8 with
// U+FFFD, and maps typographic quotes, dashes, bullets and non-breaking
// spaces to ASCII. The result is valid UTF-8. It is one linear pass, and it
// returns s itself when there is nothing to change.
func normalizeRequestText(s string) string {
	i := reqPlainPrefixLen(s)
	if i == len(s) {
		return s // plain text: printable ASCII, LF and tab only
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for i < len(s) {
		// the run of bytes that stay as they are, written whole
		j := i + reqPlainPrefixLen(s[i:])
		if j > i {
			b.WriteString(s[i:j])
			if i = j; i == len(s) {
				break
			}
		}
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c == '\r':
				if i < len(s) && s[i] == '\n' {
					continue
				}
				b.WriteByte('\n')
			case c == '\n' || c == '\t':
				b.WriteByte(c)
			case c == '\f' || c == '\v':
				b.WriteByte('\n')
			case c < 0x20 || c == 0x7f:
				// other control characters carry nothing a reader sees
			default:
				b.WriteByte(c)
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r == utf8.RuneError && size == 1 {
			b.WriteString("\uFFFD")
			continue
		}
		if rep, ok := reqRuneReplacement(r); ok {
			b.WriteString(rep)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// reqPlainPrefixLen returns the length of the longest prefix of s whose
// bytes are all reqPlainByte. It tests eight bytes at a time, and byte by
// byte only the eight that hold a byte below 0x20 (a line break or a tab,
// most often) or above 0x7e.
func reqPlainPrefixLen(s string) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	i := 0
	for i < len(s) {
		if i+8 <= len(s) {
			b := s[i : i+8] // one 8-byte load, without bounds checks
			w := uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
				uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
			if ((w-ones*0x20)&^w|(w+ones*(0x7f-0x7e))|w)&highs == 0 {
				i += 8
				continue
			}
		}
		for end := min(i+8, len(s)); i < end; i++ {
			if !reqPlainByte[s[i]] {
				return i
			}
		}
	}
	return i
}

// reqPlainByte marks the bytes normalizeRequestText keeps as they are:
// printable ASCII, LF and tab.
var reqPlainByte = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = true
	}
	t['\n'], t['\t'] = true, true
	return t
}()

// reqRuneReplacement maps one non-ASCII rune to its plain form; ok is false
// when the rune stays as it is. An empty replacement drops the rune.
func reqRuneReplacement(r rune) (string, bool) {
	switch r {
	case '\uFEFF', '\u200B', '\u200C', '\u200D', '\u2060', '\u00AD', '\u180E':
		return "", true // BOM, zero-width characters, soft hyphen
	case '\u00A0', '\u2007', '\u202F', '\u3000', '\u205F':
		return " ", true
	case '\u2018', '\u2019', '\u201A', '\u201B', '\u2032', '\u00B4', '\u02BC':
		return "'", true
	case '\u201C', '\u201D', '\u201E', '\u201F', '\u2033', '\u00AB', '\u00BB':
		return `"`, true
	case '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212':
		return "-", true
	case '\u2026':
		return "...", true
	case '\u2022', '\u2023', '\u2043', '\u25CF', '\u25AA', '\u25E6', '\u2219':
		return "*", true
	case '\u2028', '\u2029', '\u0085':
		return "\n", true
	}
	switch {
	case r >= '\u2000' && r <= '\u200A':
		return " ", true
	case r >= 0x80 && r <= 0x9f: // C1 controls
		return "", true
	}
	return "", false
}

// reqDecodeEntities decodes HTML character references (&amp;, &rsquo;,
// &#160; ...) that a Markdown form picked up on its way through a web page,
// then normalises what they decoded to.
func reqDecodeEntities(s string) string {
	if strings.IndexByte(s, '&') < 0 {
		return s
	}
	d := html.UnescapeString(s)
	if d == s {
		return s
	}
	return normalizeRequestText(d)
}
