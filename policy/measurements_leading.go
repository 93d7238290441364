package policy

import "strings"

// Naming a measurement written as prose. A row that starts with a short
// phrase and a separator ("Video metadata (the video ID, title …)",
// "reason - identifies why …", "Survey parameters: total uri_count, …") is
// named by that phrase: it is what the requester called the measurement,
// and a word from the middle of the row (an identifier listed among its
// parts, a platform named in its description) is not.

// reqMaxLeadingWords is the most words of a leading phrase.
const reqMaxLeadingWords = 6

// reqLeadingPhrase returns where the leading phrase of s ends, when s
// starts (on its first line) with one to reqMaxLeadingWords words followed
// by ":", " (", " - ", ". ", "; " or ", ".
func reqLeadingPhrase(s string) (end int, ok bool) {
	end, _, ok = reqLeadingPhraseSep(s, ":(-.;,")
	return end, ok
}

// reqLeadingPhraseSep finds the leading phrase of s ended by one of the
// separators in seps; next is where the text after the separator starts.
func reqLeadingPhraseSep(s, seps string) (end, next int, ok bool) {
	words := 0
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\n':
			return 0, 0, false
		case reqIsASCIILetterOrDigit(c) || c >= 0x80 || c == '\'' || c == '#' || c == '/' || c == '&':
			if !inWord {
				words++
				if words > reqMaxLeadingWords {
					return 0, 0, false
				}
			}
			inWord = true
			continue
		case c == '-' && inWord && i+1 < len(s) && s[i+1] != ' ':
			continue // "User-identifier", "opt-in"
		case c == '.' && inWord && i+1 < len(s) && s[i+1] != ' ':
			continue // an abbreviation or a dotted name
		}
		inWord = false
		if strings.IndexByte(seps, c) < 0 || words == 0 {
			continue
		}
		// the separator must stand as one: "x: y", "x (y", "x - y", "x. Y"
		after := i + 1
		switch c {
		case '(':
			if i == 0 || s[i-1] != ' ' {
				continue
			}
		case '-':
			if i == 0 || s[i-1] != ' ' || after >= len(s) || s[after] != ' ' {
				continue
			}
		default:
			if after < len(s) && s[after] != ' ' && s[after] != '\n' {
				continue
			}
		}
		e := strings.TrimRight(s[:i], " *_`")
		if e == "" {
			return 0, 0, false
		}
		return len(e), after, true
	}
	return 0, 0, false
}

// reqPhraseBeforeName reports whether the identifier at s[at:end] only
// details a leading phrase: s starts with a phrase and ":", " (" or " - "
// on the identifier's line (in a table cell, lines are only wrapping), and
// the identifier is not all that follows (in
// "Number of tabs (browser.tabs.count)" the identifier is the name). It
// returns where the phrase ends.
func reqPhraseBeforeName(s string, at, end int, table bool) (int, bool) {
	pe, next, ok := reqLeadingPhraseSep(s, ":(-")
	if !ok || at < next || (!table && strings.Contains(s[:at], "\n")) {
		return 0, false
	}
	rest := strings.Trim(s[next:], " \t`*_).:;,")
	name := strings.Trim(s[at:end], "`")
	if rest == name || strings.Trim(s[next:at], " \t`*_") == "" && strings.Trim(s[end:], " \t`*_).:;,") == "" {
		return 0, false
	}
	return pe, true
}
