package policy

import "strings"

// Finding the questions. Every line is checked once for a question opening
// after its markup ("### ", "> ", "* ", "**") and number ("5)", "5.", "Q5:",
// "(5)"); inside long lines, a numbered opening or one that follows the end
// of a sentence is a question too, which is how a form flattened into one
// paragraph is read. Out of all the openings found, the longest run in the
// template's order is the form; the version is the one that run fits best.

// reqHeading is one place where the text asks a question of the form.
type reqHeading struct {
	topic  int // index in reqTopicOrder
	number int // the number written before the wording, 0 when none
	start  int // where the heading begins; the previous answer ends here
	phrase int // where the question's wording begins
	body   int // where the answer may begin, for a line recognised by similarity; 0 otherwise
}

// reqMinHeadings is how many distinct questions make a text a form: a note
// quoting a question or two is not one.
const reqMinHeadings = 4

// findReqHeadings returns every question opening in s, in text order.
func findReqHeadings(s string) []reqHeading {
	out := make([]reqHeading, 0, 16) // a form has 9 to 12
	opens := true
	for ls := 0; ls < len(s); {
		le := reqLineEnd(s, ls)
		out = findReqHeadingsInLine(out, s, ls, le, opens)
		opens = reqLineEndsSentence(s[ls:le])
		ls = le + 1
	}
	return out
}

// reqLineEndsSentence reports a line after which a new sentence starts: a
// blank line, or one that ends with a full stop, question mark, colon or
// closing markup. The line after one that does not is the rest of a
// hard-wrapped sentence, never a question of its own.
func reqLineEndsSentence(line string) bool {
	// strings.TrimRight(line, " \t\r*_"), without building its byte set
	// for every line
	n := len(line)
	for n > 0 && (line[n-1] == ' ' || line[n-1] == '\t' || line[n-1] == '\r' || line[n-1] == '*' || line[n-1] == '_') {
		n--
	}
	l := line[:n]
	if l == "" {
		return true
	}
	switch l[len(l)-1] {
	case '.':
		// not an abbreviation: "(i.e.", "e.g.", "vs."
		w := l[strings.LastIndexAny(l, " \t(")+1:]
		return len(w) > 2 && strings.IndexByte(w, '.') == len(w)-1
	case '?', '!', ':', ')', '>', '-', '=', '|', '#':
		return true
	}
	return false
}

// findReqHeadingsInLine finds the headings in the line s[off:end]; a
// question's wording may go on past the line end. The line is compared by
// similarity (reqSimilarHeading) only when opens says it starts a sentence
// or it is numbered.
func findReqHeadingsInLine(out []reqHeading, s string, off, end int, opens bool) []reqHeading {
	line := s[off:end]
	p, num := reqSkipHeadingPrefix(line)
	from := p
	if t := reqMatchPhrase(s[off+p:]); t >= 0 {
		out = append(out, reqHeading{topic: t, number: num, start: off, phrase: off + p})
		from = p + 1
	} else if t, qe := reqSimilarHeading(opens || num > 0, line[p:], num > 0 || reqHasHeadingMarkup(line[:p])); t >= 0 {
		out = append(out, reqHeading{topic: t, number: num, start: off, phrase: off + p, body: off + p + qe})
		from = p + qe
	}
	// openings inside the line, after white space (and markup):
	// "… data? 2) Why does Mozilla …", "… (2) Why …", "… data. Why does …"
	// An opening follows a space and its markup; only a number, a "Q"
	// with a number, or a letter after the end of a sentence can be one,
	// so the line is read for those marks rather than stopping at every
	// word. i is where the next opening's space may start: it moves past
	// each question found.
	i, last := from, -1
	for t := reqSentenceEndBefore(line, from); t < len(line); t++ {
		c := line[t]
		if !reqOpeningMark[c] {
			continue
		}
		q := t
		switch {
		case c == 'Q' || c == 'q':
			if t+1 >= len(line) || !reqIsDigit(line[t+1]) {
				continue
			}
		case !reqIsDigit(c):
			if q = reqAfterSentenceEnd(line, t); q < 0 {
				continue
			}
		}
		if q <= last || q >= len(line) || !reqAfterSpace(line, q, i) {
			continue
		}
		last = q
		switch c := line[q]; {
		case reqIsDigit(c):
			n, next, ok := reqParseNumberMarker(line[q:], line[q-1] == '(')
			if !ok {
				continue
			}
			if t := reqMatchPhrase(s[off+q+next:]); t >= 0 {
				out = append(out, reqHeading{topic: t, number: n, start: off + reqBackOverMarkup(line, q), phrase: off + q + next})
				i = q + next
			}
		case (c == 'Q' || c == 'q') && q+1 < len(line) && reqIsDigit(line[q+1]):
			n, next, ok := reqParseNumberMarker(line[q+1:], false)
			if !ok {
				continue
			}
			if t := reqMatchPhrase(s[off+q+1+next:]); t >= 0 {
				out = append(out, reqHeading{topic: t, number: n, start: off + reqBackOverMarkup(line, q), phrase: off + q + 1 + next})
				i = q + 1 + next
			}
		case reqIsSentenceOpening(line, q):
			if t := reqMatchPhrase(s[off+q:]); t >= 0 {
				out = append(out, reqHeading{topic: t, start: off + reqBackOverMarkup(line, q), phrase: off + q})
			}
		}
	}
	return out
}

// reqOpeningMark says which bytes may open a question inside a line (a
// digit, "Q") or end the sentence before one.
var reqOpeningMark = func() (t [256]bool) {
	for _, c := range []byte("0123456789Qq.?!:") {
		t[c] = true
	}
	return t
}()

// reqOpeningSkip says which bytes may sit between the space before an
// opening and the opening: more spaces, emphasis and "(".
func reqOpeningSkip(c byte) bool { return c == ' ' || c == '*' || c == '_' || c == '(' }

// reqSentenceEndBefore returns where the marks are read from when the scan
// of a line starts at from: at the byte before the spaces and markup that
// end at from, which may end a sentence whose next one opens after from
// (the scan starts after a question line's "?").
func reqSentenceEndBefore(line string, from int) int {
	t := min(from, len(line))
	for t > 0 && reqOpeningSkip(line[t-1]) {
		t--
	}
	return max(0, t-1)
}

// reqAfterSentenceEnd returns where an opening after the sentence end at
// line[t] would be, as reading on from the space after it finds it: past
// emphasis, one space, then spaces, emphasis and "(". It returns -1 when
// no space follows.
func reqAfterSentenceEnd(line string, t int) int {
	k := t + 1
	for k < len(line) && (line[k] == '*' || line[k] == '_') {
		k++
	}
	if k >= len(line) || line[k] != ' ' {
		return -1
	}
	for k < len(line) && reqOpeningSkip(line[k]) {
		k++
	}
	return k
}

// reqAfterSpace reports whether line[q] is the first byte after a space at
// or after i and the spaces and markup that follow it: where reading on
// from i, space after space, stops.
func reqAfterSpace(line string, q, i int) bool {
	if reqOpeningSkip(line[q]) {
		return false
	}
	for r := q - 1; r >= i && reqOpeningSkip(line[r]); r-- {
		if line[r] == ' ' {
			return true
		}
	}
	return false
}

// reqIsSentenceOpening reports a letter that follows ". ", "? ", "! " or
// ": " (optionally with "**" between), where an unnumbered question may
// start inside a flattened form.
func reqIsSentenceOpening(line string, i int) bool {
	switch reqLowerByte(line[i]) {
	case 'w', 'c', 'l', 'p', 'h', 'i':
	default:
		return false
	}
	j := i - 1
	for j >= 0 && (line[j] == '*' || line[j] == '_') {
		j--
	}
	if j < 1 || line[j] != ' ' {
		return false
	}
	for j >= 0 && line[j] == ' ' {
		j--
	}
	for j >= 0 && (line[j] == '*' || line[j] == '_') {
		j--
	}
	return j >= 0 && (line[j] == '.' || line[j] == '?' || line[j] == '!' || line[j] == ':')
}

// reqBackOverMarkup moves a heading's start back over emphasis markers.
func reqBackOverMarkup(line string, i int) int {
	for i > 0 && (line[i-1] == '*' || line[i-1] == '_' || line[i-1] == '#' || line[i-1] == '(') {
		i--
	}
	return i
}

// reqParseNumberMarker reads "5)", "5.", "5:", "5 -" followed by space or
// markup, and returns the number and the offset where the wording may begin.
// paren says an opening "(" came before, so "5)" closes it.
func reqParseNumberMarker(s string, paren bool) (n, next int, ok bool) {
	i := 0
	for i < len(s) && i < 2 && reqIsDigit(s[i]) {
		n = n*10 + int(s[i]-'0')
		i++
	}
	if i == 0 || (i < len(s) && reqIsDigit(s[i])) || n == 0 {
		return 0, 0, false
	}
	j := i
	// markup may close around the number: "**5)**", "5**)**"
	for j < len(s) && (s[j] == '*' || s[j] == '_') {
		j++
	}
	switch {
	case j < len(s) && (s[j] == ')' || s[j] == '.' || s[j] == ':'):
		j++
	case paren:
		return 0, 0, false
	case j+1 < len(s) && s[j] == ' ' && s[j+1] == '-':
		j += 2
	default:
		return 0, 0, false
	}
	k := j
	for k < len(s) && (s[k] == ' ' || s[k] == '\t' || s[k] == '*' || s[k] == '_') {
		k++
	}
	if k == j && k < len(s) && reqIsASCIILetterOrDigit(s[k]) && s[j-1] == '.' {
		return 0, 0, false // "5.What" is too close to a version number like "5.1"
	}
	return n, k, true
}

// reqSkipHeadingPrefix skips the markup and number before a question at the
// start of a line: white space, "#", ">", list bullets, emphasis, then "5)",
// "5.", "Q5:", "Question 5:", "(5)", then emphasis again.
func reqSkipHeadingPrefix(line string) (p, num int) {
	i := 0
	for i < len(line) {
		c := line[i]
		switch {
		case c == ' ' || c == '\t' || c == '#' || c == '>' || c == '*' || c == '_' || c == '~' || c == '=' || c == '|':
			i++
		case (c == '-' || c == '+') && i+1 < len(line) && (line[i+1] == ' ' || line[i+1] == '\t'):
			i += 2
		default:
			goto number
		}
	}
number:
	j := i
	paren := false
	if j < len(line) && line[j] == '(' {
		paren = true
		j++
	}
	q := false
	if reqHasPrefixFold(line[j:], "question") {
		j += len("question")
		q = true
	} else if j < len(line) && (line[j] == 'Q' || line[j] == 'q') && j+1 < len(line) && (reqIsDigit(line[j+1]) || line[j+1] == ' ' || line[j+1] == '#') {
		j++
		q = true
	}
	if q {
		for j < len(line) && (line[j] == ' ' || line[j] == '#') {
			j++
		}
	}
	if j < len(line) && reqIsDigit(line[j]) {
		if n, k, ok := reqParseNumberMarker(line[j:], paren); ok {
			return j + k, n
		}
		if q { // "Q5 What questions" needs no punctuation
			n, k := 0, j
			for k < len(line) && k-j < 2 && reqIsDigit(line[k]) {
				n = n*10 + int(line[k]-'0')
				k++
			}
			if n > 0 && k < len(line) && (line[k] == ' ' || line[k] == '\t') {
				for k < len(line) && (line[k] == ' ' || line[k] == '\t' || line[k] == '*' || line[k] == '_') {
					k++
				}
				return k, n
			}
		}
	}
	return i, 0
}

// reqMatchPhrase returns the topic index of the question opening s starts
// with, or -1.
func reqMatchPhrase(s string) int {
	if len(s) < 10 {
		return -1
	}
	switch reqLowerByte(s[0]) {
	case 'w', 'c', 'l', 'p', 'h', 'i':
	default:
		return -1
	}
	c0, c1 := reqLowerByte(s[0]), reqLowerByte(s[1])
	for _, p := range reqPhrases {
		// every phrase opens with a word of two letters or more
		// (TestReqPhrasesOpenWithTwoLetters): its first two bytes are
		// compared before the rest
		if p.phrase[0] == c0 && p.phrase[1] == c1 && reqPhraseAt(s, p.phrase) {
			return reqTopicIndex(p.topic)
		}
	}
	return -1
}

// bestReqChain returns the longest sequence of headings whose topics follow
// the template's order; among equally long ones, the earliest headings.
// It is O(len(heads) × topics).
func bestReqChain(heads []reqHeading) []reqHeading {
	if len(heads) == 0 {
		return nil
	}
	nt := len(reqTopicOrder)
	var bestLen, bestAt [16]int // by topic: there are 12
	var prevBuf [32]int
	var prev []int
	if len(heads) > len(prevBuf) {
		prev = make([]int, len(heads))
	} else {
		prev = prevBuf[:len(heads)]
	}
	for hi, h := range heads {
		l, from := 1, -1
		for k := 0; k < h.topic; k++ {
			if bestLen[k]+1 > l {
				l, from = bestLen[k]+1, bestAt[k]
			}
		}
		prev[hi] = from
		if l > bestLen[h.topic] {
			bestLen[h.topic], bestAt[h.topic] = l, hi
		}
	}
	end, endLen := -1, 0
	for t := 0; t < nt; t++ {
		if bestLen[t] >= endLen && bestLen[t] > 0 {
			end, endLen = bestAt[t], bestLen[t]
		}
	}
	chain := make([]reqHeading, endLen)
	for i, k := endLen-1, end; i >= 0; i-- {
		chain[i] = heads[k]
		k = prev[k]
	}
	return chain
}

// detectReqVersion picks the template version the chain of headings fits
// best: each question of the version found scores 2, each found question it
// lacks costs 2, each number that agrees scores 2, and each question of the
// version not found costs 1. Ties go to the newest version, and so does a
// form cut short after its first questions (see below). Fewer than half of
// the version's questions, none of them numbered, are no form.
func detectReqVersion(chain []reqHeading) FormVersion {
	if len(chain) < reqMinHeadings {
		return FormNone
	}
	best, bestScore, bestFit := FormNone, 0, reqVersionFit{}
	for i, v := range reqVersionsNewestFirst {
		fit := reqFitVersion(chain, v)
		if score := fit.score(); i == 0 || score > bestScore {
			best, bestScore, bestFit = v, score, fit
		}
	}
	// A form cut short (its first questions only, as a partial paste or
	// one of several attachments leaves it) fits the oldest version best,
	// by the fewest questions missing, though nothing in it is of an older
	// form: its questions are the same in every version. When the best fit
	// lacks only questions after the last one found, the newest version
	// that fits the questions found as well, and also lacks only its last
	// questions, is read: an old form is never claimed on missing
	// questions alone. Only a form whose questions found are all ones
	// every version shares, at the same number (Q1-Q5), is read so: a
	// question every version does not share at that number ("6) How long
	// will this data be collected?", the 10-question form's Q6) tells the
	// versions apart, and the best fit stands. Questions shared at the
	// same numbers fit every version alike, so that newest version is the
	// current form.
	read := best
	if bestFit.missing > 0 && bestFit.tailOnly && reqAllSharedQuestions(chain) {
		read = reqVersionsNewestFirst[0]
	}
	// a few question lines quoted without their numbers, less than half
	// the best fit's questions, are a text that talks about the form (a
	// blog post, a note), not a request
	numbered := false
	for _, h := range chain {
		numbered = numbered || h.number > 0
	}
	if !numbered && 2*len(chain) < len(reqVersionTopics[best]) {
		return FormNone
	}
	return read
}

// reqAllSharedQuestions reports whether every heading of chain is a
// question that every template version asks, at the same number.
func reqAllSharedQuestions(chain []reqHeading) bool {
	for _, h := range chain {
		n := reqTopicNumbers[reqVersionsNewestFirst[0]][h.topic]
		for _, v := range reqVersionsNewestFirst[1:] {
			if n == 0 || reqTopicNumbers[v][h.topic] != n {
				return false
			}
		}
	}
	return true
}

// reqVersionFit is how a chain of headings fits a version.
type reqVersionFit struct {
	evidence int  // +2 a question of the version found, +2 its number agreeing, -2 a found question the version lacks
	missing  int  // questions of the version not found
	tailOnly bool // every question not found comes after the last one found
}

func (f reqVersionFit) score() int { return f.evidence - f.missing }

func reqFitVersion(chain []reqHeading, v FormVersion) reqVersionFit {
	var f reqVersionFit
	numbers := reqTopicNumbers[v]
	found, last := 0, 0
	for _, h := range chain {
		n := numbers[h.topic]
		if n == 0 {
			f.evidence -= 2
			continue
		}
		found++
		last = max(last, n)
		f.evidence += 2
		if h.number == n {
			f.evidence += 2
		}
	}
	f.missing = len(reqVersionTopics[v]) - found
	f.tailOnly = found == last
	return f
}

// reqLooksLikePatch reports a text that starts as a patch does ("diff
// --git", "# HG changeset patch", "From <commit>", "Index:", or a "--- "
// line followed by "+++ "): a patch that adds or edits a form is not itself
// a form. A form that quotes a diff further down is still a form.
func reqLooksLikePatch(s string) bool {
	s = strings.TrimLeft(s, " \t\n")
	first, rest, _ := strings.Cut(s, "\n")
	switch {
	case strings.HasPrefix(first, "diff --git "), strings.HasPrefix(first, "diff -r "), strings.HasPrefix(first, "diff -u"),
		strings.HasPrefix(first, "# HG changeset patch"), strings.HasPrefix(first, "Index: "):
		return true
	case strings.HasPrefix(first, "From ") && len(first) >= 45 && reqIsHex(first[5:45]):
		return true // git format-patch
	case strings.HasPrefix(first, "--- "):
		return strings.HasPrefix(rest, "+++ ")
	}
	return false
}

func reqIsHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !reqIsDigit(c) && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// reqHasHeadingMarkup reports heading or emphasis markup in the prefix of a
// line ("## ", "**", "_"), not a list bullet ("* ", "- "): a bulleted line
// is a question only when it reads as one.
func reqHasHeadingMarkup(prefix string) bool {
	for i := 0; i < len(prefix); i++ {
		switch prefix[i] {
		case '#':
			return true
		case '*', '_':
			if i+1 < len(prefix) && prefix[i+1] != ' ' && prefix[i+1] != '\t' {
				return true
			}
		}
	}
	return false
}
