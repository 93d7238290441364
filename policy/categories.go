package policy

import "strings"

// The data collection categories, as requesters write them: by number
// ("Category 2", "Cat 2: Interaction Data", "Type 2", "Category 1 or 2",
// "Category 2?"), or by name ("technical", "interaction", "Interaction data",
// "stored content", "stored_content", "web activity", "web_activity",
// "highly sensitive", "highly_sensitive"). A text is characterised by the
// highest category written in it.

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
// It is one pass over the words of text.
func reqScanCategories(text string, strict bool) (int, [][2]int) {
	if !reqMayNameCategory(text) {
		return 0, nil
	}
	ls := text // words are compared ignoring ASCII case
	best := 0
	var spans [][2]int
	for i := 0; ; {
		st, en := reqNextASCIIWord(ls, i)
		if st >= len(ls) {
			return best, spans
		}
		w := ls[st:en]
		c, end, word := 0, en, false
		kw, _ := reqLookupFold(reqCategoryWords, w)
		switch kw {
		case "category":
			c, end = reqCategoryNumbers(ls, en)
		case "technical":
			c, word = 1, true
		case "interaction":
			c, word = 2, true
		case "stored":
			if e, ok := reqNextWordIs(ls, en, "content", "contents"); ok {
				c, end = 3, e
			}
		case "web":
			if e, ok := reqNextWordIs(ls, en, "activity", "activities"); ok {
				c, end = 3, e
			}
		case "highly":
			if e, ok := reqNextWordIs(ls, en, "sensitive"); ok {
				c, end = 4, e
			}
		case "clearly":
			if e, ok := reqNextWordIs(ls, en, "identifiable"); ok {
				c, end = 4, e
			}
		default:
			// "cat2", "category3"
			for _, p := range []string{"category", "cat", "type"} {
				if len(w) == len(p)+1 && reqHasPrefixFold(w, p) && '1' <= w[len(p)] && w[len(p)] <= '4' {
					c = int(w[len(p)] - '0')
				}
			}
		}
		if c > 0 && !(strict && word && !reqShortPhraseAround(ls, st, end)) {
			best = max(best, c)
			spans = append(spans, [2]int{st, end})
		}
		i = end
	}
}

// reqRequestCategory reads a category stated once for the whole request in
// the prose of the measurement answer ("The data falls under Category 2
// (interaction data)", "This is Category 1 - technical data"), when no
// measurement has a category of its own: the highest one stated, which the
// measurements without a category take. With any measurement categorised,
// the rows speak for themselves and it returns 0.
func reqRequestCategory(ms []Measurement, prose string) int {
	for _, m := range ms {
		if m.Category > 0 {
			return 0
		}
	}
	c, spans := reqScanCategories(reqMaskNames(prose), true)
	if c == 0 {
		return 0
	}
	var texts []string
	for _, sp := range spans {
		texts = append(texts, strings.TrimSpace(prose[sp[0]:sp[1]]))
	}
	text := strings.Join(reqUniqueStrings(texts), ", ") + " (stated for the whole request)"
	for i := range ms {
		ms[i].Category, ms[i].CategoryText = c, text
	}
	return c
}

// reqCategoryNumbers reads the numbers after "category" at ls[i:]: "2",
// ": 2", " #2", " no. 2", " 1 or 2", " 1-2", " 1, 2 and 3", " 2.5" (3),
// returning the highest (1 to 4) and where the list ends; 0 when there is
// no number.
func reqCategoryNumbers(ls string, i int) (int, int) {
	gap := func(i int, allowed string, n int) int {
		j := i
		for j < len(ls) && j-i <= n && strings.IndexByte(allowed, ls[j]) >= 0 {
			j++
		}
		return j
	}
	digit := func(i int) (int, int, bool) {
		st, en := reqNextASCIIWord(ls, i)
		if st != i || en != i+1 || ls[i] < '1' || ls[i] > '4' {
			return 0, 0, false
		}
		return int(ls[i] - '0'), en, true
	}
	j := gap(i, " \t.#:=-(", 8)
	for _, w := range []string{"no", "number"} {
		if st, en := reqNextASCIIWord(ls, j); st == j && reqWordEquals(ls[st:en], w) {
			j = gap(en, " \t.#:", 4)
		}
	}
	c, end, ok := digit(j)
	if !ok {
		return 0, i
	}
	if c < 4 && strings.HasPrefix(ls[end:], ".5") && (end+2 == len(ls) || !reqIsDigit(ls[end+2])) {
		return c + 1, end + 2 // "Category 2.5": between two, the row reaches the higher
	}
	for {
		k := gap(end, " \t,/&+-", 4)
		if st, en := reqNextASCIIWord(ls, k); st == k && (reqWordEquals(ls[st:en], "or") || reqWordEquals(ls[st:en], "and") || reqWordEquals(ls[st:en], "to")) {
			k = gap(en, " \t", 4)
		}
		d, e, ok := digit(k)
		if !ok || k == end {
			return c, end
		}
		c, end = max(c, d), e
	}
}

// reqNextWordIs reports whether the word after ls[:i], separated only by
// spaces, '_' or '-', is one of words, and where it ends.
func reqNextWordIs(ls string, i int, words ...string) (int, bool) {
	j := i
	for j < len(ls) && j-i <= 3 && (ls[j] == ' ' || ls[j] == '_' || ls[j] == '-' || ls[j] == '\t') {
		j++
	}
	st, en := reqNextASCIIWord(ls, j)
	if st != j || st == i {
		return 0, false
	}
	for _, w := range words {
		if reqWordEquals(ls[st:en], w) {
			return en, true
		}
	}
	return 0, false
}

// reqCategoryWords maps the words that open a category mention to their
// kind.
var reqCategoryWords = map[string]string{
	"category": "category", "categories": "category", "cat": "category", "type": "category",
	"technical": "technical", "interaction": "interaction", "interactions": "interaction",
	"stored": "stored", "web": "web", "highly": "highly", "clearly": "clearly",
}

// reqMayNameCategory is a cheap test before the category expression: the
// text must hold one of the words it looks for.
func reqMayNameCategory(text string) bool {
	for i := 0; i+3 <= len(text); i++ {
		switch reqLowerByte(text[i]) {
		case 'c', 't', 'h', 's', 'w', 'i':
		default:
			continue
		}
		rest := text[i:min(len(text), i+12)]
		for _, p := range []string{"cat", "type", "technical", "highly", "clearly", "stored", "web", "interaction"} {
			if reqHasPrefixFold(rest, p) {
				return true
			}
		}
	}
	return false
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
	return reqCountWords(left)+1+reqCountWords(right) <= 3
}
