package policy

import (
	"regexp"
	"strings"
)

// The data collection categories, as requesters write them: by number
// ("Category 2", "Cat 2: Interaction Data", "Type 2", "Category 1 or 2",
// "Category 2?"), or by name ("technical", "interaction", "Interaction data",
// "stored content", "stored_content", "web activity", "web_activity",
// "highly sensitive", "highly_sensitive"). A text is characterised by the
// highest category written in it.

// reqCategoryRE matches one category mention in text lower-cased with '_'
// read as a space. Group 1 holds a list of numbers ("1 or 2"), groups 2 to 5
// the names of categories 4, 3, 2 and 1.
var reqCategoryRE = regexp.MustCompile(
	`\b(?:data\s+)?(?:categor(?:y|ies)|cat|type)\.?\s*(?:#|no\.|number)?\s*[:=\-]?\s*([1-4](?:\s*(?:,|/|&|\+|or|and|to|-)\s*[1-4])*)\b` +
		`|\b(highly\s*-?\s*sensitive|clearly\s*-?\s*identifiable)\b` +
		`|\b(stored\s*-?\s*contents?|web\s*-?\s*activit(?:y|ies))\b` +
		`|\b(interactions?)\b` +
		`|\b(technical)\b`)

// ParseCategory returns the highest data collection category (1 to 4)
// written in text, or 0 when none is: "Category 2", "Cat 2: Interaction
// Data", "Type 2", "interaction", "stored_content", "web activity",
// "highly sensitive", "technical", "Category 1 or 2" and "Category 2?" are
// all read. Category 3 is "stored content & communications", formerly "web
// activity". It is linear in len(text).
func ParseCategory(text string) int {
	c, _ := reqScanCategories(text, false)
	return c
}

// reqScanCategories returns the highest category in text and the spans
// where categories are written. With strict set, the bare words "technical"
// and "interaction" count only in a short phrase of their own ("interaction
// data", "(technical)"), not inside a sentence that happens to use them.
func reqScanCategories(text string, strict bool) (int, [][2]int) {
	if text == "" {
		return 0, nil
	}
	lower := []byte(reqLowerASCII(text))
	for i, c := range lower {
		if c == '_' {
			lower[i] = ' '
		}
	}
	ls := string(lower)
	best := 0
	var spans [][2]int
	for _, m := range reqCategoryRE.FindAllStringSubmatchIndex(ls, -1) {
		c := 0
		switch {
		case m[2] >= 0:
			for _, d := range ls[m[2]:m[3]] {
				if '1' <= d && d <= '4' {
					c = max(c, int(d-'0'))
				}
			}
		case m[4] >= 0:
			c = 4
		case m[6] >= 0:
			c = 3
		case m[8] >= 0:
			c = 2
		case m[10] >= 0:
			c = 1
		}
		if strict && (m[8] >= 0 || m[10] >= 0) && !reqShortPhraseAround(ls, m[0], m[1]) {
			continue
		}
		best = max(best, c)
		spans = append(spans, [2]int{m[0], m[1]})
	}
	return best, spans
}

// reqShortPhraseAround reports whether ls[st:en] stands in a phrase of at
// most three words between separators (, ; : ( ) [ ] | / line breaks, " and ",
// " or "). It looks at most 60 bytes either way.
func reqShortPhraseAround(ls string, st, en int) bool {
	isSep := func(c byte) bool {
		switch c {
		case ',', ';', ':', '(', ')', '[', ']', '|', '/', '\n', '\t', '-', '*', '.', '?', '!', '"', '`':
			return true
		}
		return false
	}
	from := st
	for from > 0 && st-from < 60 && !isSep(ls[from-1]) {
		from--
	}
	if from > 0 && !isSep(ls[from-1]) {
		return false
	}
	to := en
	for to < len(ls) && to-en < 60 && !isSep(ls[to]) {
		to++
	}
	if to < len(ls) && !isSep(ls[to]) {
		return false
	}
	left, right := ls[from:st], ls[en:to]
	for _, conj := range []string{" and ", " or "} {
		if i := strings.LastIndex(left, conj); i >= 0 {
			left = left[i+len(conj):]
		}
		if i := strings.Index(right, conj); i >= 0 {
			right = right[:i]
		}
	}
	phrase := left + ls[st:en] + right
	words := 0
	for i := 0; ; {
		s, e := reqNextWord(phrase, i)
		if s >= len(phrase) {
			break
		}
		words++
		i = e
	}
	return words <= 3
}
