package policy

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Requester text reaches a Bugzilla comment or a terminal only through the
// functions in this file. cleanText makes it one line of printable text;
// escapeInline and codeSpan make that line inert markdown.

// invisible reports runes that change how text displays without showing:
// bidirectional overrides and isolates, zero-width characters, the BOM.
func invisible(r rune) bool {
	switch {
	case r >= 0x200B && r <= 0x200F, r >= 0x202A && r <= 0x202E, r >= 0x2060 && r <= 0x2069, r == 0xFEFF:
		return true
	}
	return false
}

// cleanText returns s on one line: control and invisible characters removed,
// runs of white space (newlines included) made one space, cut to at most max
// runes with "…" (max <= 0: no limit). It is linear in len(s).
func cleanText(s string, max int) string {
	var b strings.Builder
	if max > 0 {
		b.Grow(min(len(s), 4*max+8))
	}
	space, n := false, 0
	for _, r := range s {
		switch {
		case r == utf8.RuneError, invisible(r):
			continue
		case unicode.IsSpace(r), unicode.IsControl(r):
			space = b.Len() > 0
			continue
		}
		if max > 0 && n >= max {
			b.WriteString("…")
			return b.String()
		}
		if space {
			b.WriteByte(' ')
			n++
			space = false
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// escapeInline makes one line of text literal in CommonMark and GitHub
// flavoured markdown, wherever it stands after the start of a line: every
// character that opens an inline construct (emphasis, code, links, images,
// raw HTML, entities, strikethrough, table cells) is backslash-escaped, and
// so are the "@", ":/" and "." that would let an autolink extension turn an
// email address, "http://..." or "www...." into a link. Every backslash it
// writes precedes ASCII punctuation, so GFM table cells split correctly.
// The input must be one line (see cleanText).
func escapeInline(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\', '`', '*', '_', '[', ']', '<', '>', '&', '|', '~', '#', '@', '!':
			b.WriteByte('\\')
		case ':':
			if i+1 < len(s) && s[i+1] == '/' {
				b.WriteByte('\\')
			}
		case '.':
			if i+1 < len(s) && isAlnum(s[i+1]) {
				b.WriteByte('\\')
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// longestRun returns the length of the longest run of c in s.
func longestRun(s string, c byte) int {
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return longest
}

// codeSpan shows one line of text as a markdown code span, whose content is
// never interpreted: its backtick fence is longer than any backtick run in
// the text, and a space pads text that starts or ends with a backtick. Empty
// text shows as "(empty)". Not for table cells: see cellText.
func codeSpan(s string) string {
	if s == "" {
		return "(empty)"
	}
	fence := strings.Repeat("`", longestRun(s, '`')+1)
	pad := ""
	if s[0] == '`' || s[len(s)-1] == '`' || s[0] == ' ' && s[len(s)-1] == ' ' {
		pad = " "
	}
	return fence + pad + s + pad + fence
}

// cellText shows one line of text in a GFM table cell: a code span when the
// text has no pipe or backslash (GFM splits cells on a pipe even inside a
// code span, and pairs a backslash with the next character), otherwise
// escaped text, whose every pipe is escaped and every backslash paired.
func cellText(s string) string {
	if strings.ContainsAny(s, `|\`) {
		return escapeInline(s)
	}
	return codeSpan(s)
}
