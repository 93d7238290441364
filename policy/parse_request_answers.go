package policy

import (
	"math/bits"
	"slices"
	"strings"
)

// Reading one answer: the text from a question's wording to the next
// question. The question's own sentences are stripped first (they may be
// hard-wrapped, bold, or followed by the answer on the same line), HTML
// tables are cut out and read with the tokenizer, the template's examples,
// guidance and choices are removed where they were left in place, and what
// remains, line by line without quote and list markers, is the answer.

// reqMaxAnswerText caps an answer's text in the result. The signals read
// from an answer (expiry, channels, tools...) use the whole text.
const reqMaxAnswerText = 64 << 10

// reqBlock is a piece of an answer's body: text, or a table read from HTML.
type reqBlock struct {
	text  string
	table *reqTable
}

// reqAnswer is one answer as read, before it becomes an Answer.
type reqAnswer struct {
	text     string // full text, not capped
	prose    string // the lines of text, without those of HTML tables
	answered bool
	blocks   []reqBlock // the body after the question, with template text still in place
}

// readReqAnswer reads the answer to topic in region, which starts at the
// question's wording.
func readReqAnswer(topic Topic, region string) reqAnswer {
	tmpl := reqTemplates[topic]
	body := region[reqStripQuestion(topic, tmpl, region):]
	var blockBuf [2]reqBlock // most answers hold no table: one block
	blocks := reqSplitBlocksInto(blockBuf[:0], body)

	// find the template text left in each text block
	var spanBuf [2][]reqSpan
	var spans [][]reqSpan
	if len(blocks) > len(spanBuf) {
		spans = make([][]reqSpan, len(blocks))
	} else {
		spans = spanBuf[:len(blocks)]
	}
	for i, b := range blocks {
		if b.table == nil {
			spans[i] = reqFindUnits(tmpl, b.text)
		}
	}
	reqDecideChoices(tmpl, spans)

	measurement := topic == TopicMeasurements
	// the answer's lines: those of the text blocks first, then the text,
	// written once at its size with the tables' lines in place
	lines := make([]string, 0, min(strings.Count(body, "\n")+1, 64))
	var endBuf [2]int
	var blockEnd []int // by block, the end of its lines in lines
	if len(blocks) > len(endBuf) {
		blockEnd = make([]int, len(blocks))
	} else {
		blockEnd = endBuf[:len(blocks)]
	}
	size, proseSize := 0, 0
	var keepBuf [2][]bool
	var keep [][]bool // by block, the rows of its table that make lines
	if len(blocks) > len(keepBuf) {
		keep = make([][]bool, len(blocks))
	} else {
		keep = keepBuf[:len(blocks)]
	}
	for i, b := range blocks {
		if b.table != nil {
			k, n := reqTableLineRows(b.table)
			keep[i], size = k, size+n
			blockEnd[i] = len(lines)
			continue
		}
		n := len(lines)
		lines = reqAnswerLines(lines, b.text, spans[i], measurement)
		for _, l := range lines[n:] {
			size += len(l) + 1
			proseSize += len(l) + 1
		}
		blockEnd[i] = len(lines)
	}
	var tb, prose strings.Builder                         // prose: the measurements' lines of text
	oneLine := len(lines) == 1 && size == len(lines[0])+1 // and no table line
	if !oneLine {
		tb.Grow(size)
	}
	if measurement {
		prose.Grow(proseSize)
	}
	from := 0
	for i, b := range blocks {
		if b.table != nil {
			reqWriteTableLines(&tb, b.table, keep[i])
			continue
		}
		for _, l := range lines[from:blockEnd[i]] {
			if !oneLine { // else the text is the line itself
				if tb.Len() > 0 {
					tb.WriteByte('\n')
				}
				tb.WriteString(l)
			}
			if measurement {
				prose.WriteString(l)
				prose.WriteByte('\n')
			}
		}
		from = blockEnd[i]
	}
	text := tb.String()
	if oneLine {
		text = lines[0] // one line of text and no table: the line itself, no copy
	}
	ans := reqAnswer{
		text: text,
		// empty fields are read as no answer only in the measurements,
		// where projects' templates put them: elsewhere "Channels:" /
		// "Locales:" may well be the requester's answer laid out so
		answered: text != "" && !reqIsPlaceholder(text) && !(measurement && reqIsEmptyFields(text)),
	}
	if measurement && ans.answered && reqOnlyInstructions(text) {
		// the empty fields were dropped as lines of header words
		// ("Data collection category:"): read them again, kept
		var raw []string
		for i, b := range blocks {
			if b.table == nil {
				raw = reqAnswerLines(raw, b.text, spans[i], false)
			}
		}
		ans.answered = !reqIsEmptyFieldLines(raw)
	}
	if measurement {
		// the measurements are read again, from the blocks and the prose
		ans.prose = prose.String()
	}
	if measurement || topic == TopicPopulations {
		// and the populations' sub-questions, from the blocks with the
		// template's text in place (reqPopulationsText)
		ans.blocks = slices.Clone(blocks)
	}
	return ans
}

// reqStripQuestion returns where the answer starts in region: after the
// longest known wording of the question that matches, the punctuation and
// markup closing it, and the rest of its line when that holds no words.
// A question the requester shortened or reworded ("List all proposed
// measurements and their categories.") matches the template's words only
// in part: when its whole first sentence still reads as the question, the
// sentence is stripped, not left as the answer.
func reqStripQuestion(topic Topic, tmpl *reqTopicTemplate, region string) int {
	best, full := reqMatchWording(tmpl, region)
	if !full && best > 0 {
		if se := reqQuestionSentenceEnd(region); se > best && reqSimilarTo(region[:se], reqTopicIndex(topic)) {
			best = se
			// and the template's sentences after the first, when kept
			// ("… for this data collection? If so:")
			for k, q := range tmpl.questions {
				tail := q[tmpl.firstWords[k]:]
				if n, end := reqMatchWords(region, best, tail); n > 0 && n == len(tail) {
					best = end
					break
				}
			}
		}
	}
	if !full && best > 0 {
		best = reqWrappedQuestionEnd(tmpl, region, best)
	}
	end := reqExtendClosing(region, best, false)
	if le := reqLineEnd(region, end); !reqHasLetterOrDigit(region[end:le]) {
		end = le
	}
	return end
}

// reqMinWrappedWords is how many words a line must share, in a row, with a
// wording of the question to be read as the question's hard-wrapped rest.
const reqMinWrappedWords = 3

// reqWrappedQuestionEnd follows a reworded question that was hard-wrapped
// ("5) List all proposed annotations and indicate the category of data" /
// "collection for each measurement, using the …"): when the question's
// line does not end a sentence and the whole next line goes on with words
// of the template's wording from where the line stopped (the wording's
// word before them is the line's last word), that line is the question
// too, not its answer. An answer on the next line is kept, even one that
// repeats words of the question ("… what is the opt-out mechanism" / "This
// data collection is default on"): when unsure, the line is the answer.
func reqWrappedQuestionEnd(tmpl *reqTopicTemplate, region string, best int) int {
	for {
		le := reqLineEnd(region, best)
		if reqHasLetterOrDigit(region[best:le]) {
			return best // words after the question on its line: the answer starts there
		}
		ls := strings.LastIndexByte(region[:le], '\n') + 1
		if reqLineEndsSentence(region[ls:le]) {
			return best // the question's line ends its sentence
		}
		next := le + 1
		if next >= len(region) {
			return best
		}
		n, end := reqMatchWrappedWording(tmpl, region, next, reqLastWord(region[ls:best]))
		if nle := reqLineEnd(region, next); n < reqMinWrappedWords || end <= nle && reqHasLetterOrDigit(region[end:nle]) {
			return best // not the question's rest, or words after it on the line
		}
		// the whole line goes on with the wording, maybe past its end
		// ("… using the \"Firefox data collection" / "categories\" (https://…)"):
		// the question ends where the wording's words do
		best = end
	}
}

// reqLastWord returns the last word of s, "" when it has none.
func reqLastWord(s string) string {
	last := ""
	for i := 0; ; {
		st, en := reqNextWord(s, i)
		if st >= len(s) {
			return last
		}
		last, i = s[st:en], en
	}
}

// reqMatchWrappedWording matches the words of s from i against every
// wording of the question, starting at a word that comes right after prev
// in the wording (where a hard-wrapped line goes on), and returns the
// longest match.
func reqMatchWrappedWording(tmpl *reqTopicTemplate, s string, i int, prev string) (best, bestEnd int) {
	st, en := reqNextWord(s, i)
	if prev == "" || st >= len(s) || reqLineEnd(s, i) < en {
		return 0, 0
	}
	first := s[st:en]
	for _, q := range tmpl.questions {
		for j := 1; j < len(q); j++ {
			if !reqWordEquals(first, q[j]) || !reqWordEquals(prev, q[j-1]) {
				continue
			}
			if n, end := reqMatchWords(s, i, q[j:]); n > best {
				best, bestEnd = n, end
			}
		}
	}
	return best, bestEnd
}

// reqWordCursor reads the words of s from its start once, for matching
// several word lists against them (reqMatchWords from 0, without reading
// the words again for each list).
type reqWordCursor struct {
	s    string
	at   [96][2]int // the bounds of the words read so far
	n    int
	next int // where the next word is looked for
}

// word returns the bounds of the k-th word of s (k from 0), or a start at
// len(s) past the last word.
func (c *reqWordCursor) word(k int) (st, en int) {
	for c.n <= k && c.n < len(c.at) {
		st, en := reqNextWord(c.s, c.next)
		c.at[c.n] = [2]int{st, en}
		c.n++
		c.next = en
	}
	if k < c.n {
		return c.at[k][0], c.at[k][1]
	}
	for i, j := c.next, c.n; j <= k; j++ { // past what is kept: read on
		st, en = reqNextWord(c.s, i)
		i = en
	}
	return st, en
}

// match is reqMatchWords(c.s, 0, words).
func (c *reqWordCursor) match(words []string) (n, end int) {
	return c.matchFrom(words, 0)
}

// matchFrom is match when the first from words are known to match.
func (c *reqWordCursor) matchFrom(words []string, from int) (n, end int) {
	if from > 0 {
		_, end = c.word(from - 1)
	}
	for k := from; k < len(words); k++ {
		st, en := c.word(k)
		if st >= len(c.s) || !reqWordEquals(c.s[st:en], words[k]) {
			return k, end
		}
		end = en
	}
	return len(words), end
}

// reqMatchWording returns where the longest match of a wording of the
// question at the start of region ends (0 for none), and whether that
// wording matched whole.
func reqMatchWording(tmpl *reqTopicTemplate, region string) (best int, full bool) {
	words := reqWordCursor{s: region} // the region's words, read once for every wording
	qn, qend := 0, 0
	for k, q := range tmpl.questions {
		// a wording that shares its first words with the one before
		// matches as far as that one did, when it stopped among them
		if k == 0 || qn >= tmpl.shared[k] {
			qn, qend = words.matchFrom(q, min(qn, tmpl.shared[k]))
		}
		if qn > 0 && qend > best {
			best, full = qend, qn == len(q)
		}
	}
	return best, full
}

// reqExtendClosing moves end over the punctuation, emphasis and spaces that
// close template text on its line, and over one URL when url is set.
func reqExtendClosing(s string, end int, url bool) int {
	for end < len(s) {
		switch s[end] {
		case '?', '.', ':', '!', ')', ']', '*', '_', '"', '\'', '~', '`', ' ', '\t':
			end++
			continue
		}
		if url {
			if n := reqURLLen(s[end:]); n > 0 {
				end += n
				url = false
				continue
			}
		}
		break
	}
	return end
}

// reqSplitBlocks cuts the HTML tables out of an answer's body.
func reqSplitBlocks(body string) []reqBlock { return reqSplitBlocksInto(nil, body) }

// reqSplitBlocksInto is reqSplitBlocks appending to out.
func reqSplitBlocksInto(out []reqBlock, body string) []reqBlock {
	for {
		i := reqIndexTableTag(body, 0)
		if i < 0 {
			if body != "" {
				out = append(out, reqBlock{text: body})
			}
			return out
		}
		if i > 0 {
			out = append(out, reqBlock{text: body[:i]})
		}
		tbl, n := readReqHTMLTable(body[i:])
		out = append(out, reqBlock{table: tbl})
		body = body[i+max(n, len("<table")):]
	}
}

// reqIndexTableTag finds "<table" followed by '>', '/' or white space, at or
// after from, ignoring case.
func reqIndexTableTag(s string, from int) int {
	for from < len(s) {
		j := strings.IndexByte(s[from:], '<')
		if j < 0 {
			return -1
		}
		i := from + j
		if reqHasPrefixFold(s[i+1:], "table") {
			k := i + len("<table")
			if k < len(s) && (s[k] == '>' || s[k] == '/' || s[k] == ' ' || s[k] == '\t' || s[k] == '\n') {
				return i
			}
		}
		from = i + 1
	}
	return -1
}

// reqChoiceState says how a choice of the template was left.
type reqChoiceState int

const (
	reqChoicePlain    reqChoiceState = iota // as in the template
	reqChoiceSelected                       // marked ([x], ✓, <--, bold) or edited (a date, a name)
	reqChoiceStruck                         // struck out with ~~
)

// reqSpan is template text found in an answer.
type reqSpan struct {
	start, end int
	unit       *reqUnit
	state      reqChoiceState
	remove     bool
}

// reqFindUnits finds the template units left in text. A unit may start
// where a sentence, list item or line starts; short units (fewer than four
// words) only where a line or list item starts. Matching is word by word, so
// it is linear in the text times the (small, fixed) template size.
func reqFindUnits(tmpl *reqTopicTemplate, text string) []reqSpan {
	var spans []reqSpan
	prevEnd, lineStart, unitEnd := 0, 0, 0
	for i := 0; ; {
		st, en := reqNextWord(text, i)
		if st >= len(text) {
			return spans
		}
		gap := text[prevEnd:st]
		nl := strings.LastIndexByte(gap, '\n')
		if nl >= 0 {
			lineStart = prevEnd + nl + 1
		}
		// (template text just removed ended its sentence, and maybe took the
		// list marker after it)
		marks := reqGapMarks(gap)
		strong := prevEnd == 0 || nl >= 0 || st == unitEnd || marks&reqGapStrong != 0
		weak := strong || marks&reqGapWeak != 0
		matched := false
		if weak && tmpl.unitFirst[reqLowerByte(text[st])]&reqLenBit(en-st) != 0 {
			for ui := range tmpl.units {
				u := &tmpl.units[ui]
				if !reqWordEquals(text[st:en], u.words[0]) || (len(u.words) < 4 && !strong) {
					continue
				}
				n, mend := reqMatchWords(text, st, u.words)
				edited := false
				if n < len(u.words) {
					// a choice whose date, duration or name was filled in
					// still starts with its first words
					if !u.choice || n < min(reqChoiceStem, len(u.words)) {
						continue
					}
					edited = true
				}
				end := reqExtendClosing(text, mend, reqUnitEndsWithURL(u))
				sp := reqSpan{start: st, end: end, unit: u, remove: !u.choice}
				if u.choice {
					sp.state = reqChoiceStateOf(text, max(lineStart, unitEnd), st, mend)
					if edited {
						sp.state = reqChoiceSelected
					}
				}
				spans = append(spans, sp)
				prevEnd, i, unitEnd, matched = end, end, end, true
				break
			}
		}
		if !matched {
			prevEnd, i = en, en
		}
	}
}

// The marks between two words that may end a template unit before the
// next: a list or quote marker or a cell border (strong), or punctuation
// (weak).
const (
	reqGapStrong = 1 << iota
	reqGapWeak
)

var reqGapMarkOf = func() (t [256]uint8) {
	for _, c := range []byte("*|>") {
		t[c] = reqGapStrong
	}
	for _, c := range []byte(".?!:;()[]\"") {
		t[c] = reqGapWeak
	}
	return t
}()

// reqGapMarks returns the marks found in gap, in one pass (gaps are
// short, and strings.ContainsAny builds its set on every call).
func reqGapMarks(gap string) (marks uint8) {
	for i := 0; i < len(gap); i++ {
		marks |= reqGapMarkOf[gap[i]]
	}
	return marks
}

// reqChoiceStem is how many first words identify a choice that was edited.
const reqChoiceStem = 6

// reqUnitEndsWithURL reports the two guidance lines of the documentation
// question whose template text ends with a URL.
func reqUnitEndsWithURL(u *reqUnit) bool {
	n := len(u.words)
	return n > 2 && u.words[n-1] == "at" && u.words[n-2] == "dictionary"
}

// reqChoiceStateOf looks at the text around a choice, within 200 bytes on
// its line and in its own list item or sentence (from is where the line or
// the template text before it ends), for a mark, an edit or a
// strike-through.
func reqChoiceStateOf(text string, from, st, end int) reqChoiceState {
	prefix := text[max(from, st-200):st]
	suffix := text[end:min(len(text), end+200)]
	if i := strings.IndexByte(suffix, '\n'); i >= 0 {
		suffix = suffix[:i]
	}
	for _, sep := range []string{" * ", " - ", ". ", ": "} {
		if i := strings.Index(suffix, sep); i >= 0 {
			suffix = suffix[:i]
		}
		if i := strings.LastIndex(prefix, sep); i >= 0 {
			prefix = prefix[i+len(sep)-1:]
		}
	}
	if strings.Contains(prefix, "~~") || strings.Contains(suffix, "~~") {
		return reqChoiceStruck
	}
	for _, mark := range []string{"[x]", "[X]", "✓", "✔", "☑", "☒", "<-", "←", "⬅", "(selected)", "(chosen)", "**", "==", "<b>", "<strong>"} {
		if strings.Contains(prefix, mark) || strings.Contains(suffix, mark) {
			return reqChoiceSelected
		}
	}
	if reqHasLetter(prefix) || reqHasLetterOrDigit(suffix) {
		return reqChoiceSelected // edited: a date, a name, a comment
	}
	return reqChoicePlain
}

// reqHasLetter reports ASCII or other letters in s (not digits, so that a
// numbered list item "2. " is not an edit).
func reqHasLetter(s string) bool {
	for i := 0; i < len(s); {
		ok, size := reqWordRuneAt(s, i)
		if ok && !reqIsDigit(s[i]) {
			return true
		}
		i += size
	}
	return false
}

// reqDecideChoices decides which choices are template left in place. With a
// choice marked or edited, unmarked ones are template; with some struck out,
// the unmarked ones are the answer; with none marked, all of them left in
// place are template, and a subset is the requester's pick (Q2's examples:
// the requester kept the ones that apply). A "choose one" question (the
// duration) is answered by one choice only: two or more left unmarked are
// template, whatever was deleted or struck.
func reqDecideChoices(tmpl *reqTopicTemplate, spans [][]reqSpan) {
	if tmpl.choices == 0 {
		return
	}
	selected, struck := false, false
	var present uint64 // a bit per choice id (TestReqTemplateChoicesFit)
	for _, ss := range spans {
		for _, sp := range ss {
			if !sp.unit.choice {
				continue
			}
			present |= 1 << sp.unit.id
			switch sp.state {
			case reqChoiceSelected:
				selected = true
			case reqChoiceStruck:
				struck = true
			}
		}
	}
	all := bits.OnesCount64(present) == tmpl.choices
	// a "choose one" question with two or more choices left as they are
	// has not been answered by them: which one would be a guess
	if tmpl.pickOne && !selected {
		var plain uint64
		for _, ss := range spans {
			for _, sp := range ss {
				if sp.unit.choice && sp.state == reqChoicePlain {
					plain |= 1 << sp.unit.id
				}
			}
		}
		all = all || bits.OnesCount64(plain) >= 2
		struck = struck && bits.OnesCount64(plain) < 2
	}
	for _, ss := range spans {
		for k := range ss {
			sp := &ss[k]
			if !sp.unit.choice {
				continue
			}
			switch sp.state {
			case reqChoiceStruck:
				sp.remove = true
			case reqChoiceSelected:
				sp.remove = false
			default:
				sp.remove = selected || (!struck && all)
			}
		}
	}
}

// reqAnswerLines appends the cleaned lines of text, without the spans to
// remove.
func reqAnswerLines(lines []string, text string, spans []reqSpan, measurement bool) []string {
	if len(spans) > 0 {
		var b strings.Builder
		b.Grow(len(text))
		at := 0
		for _, sp := range spans {
			if !sp.remove {
				continue
			}
			b.WriteString(text[at:sp.start])
			at = sp.end
		}
		b.WriteString(text[at:])
		text = b.String()
	}
	for line := range strings.SplitSeq(text, "\n") {
		if l := reqCleanAnswerLine(line, measurement); l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

// reqCleanAnswerLine strips quote and heading markers, writes list bullets
// as "- ", drops an "Answer:" label, and collapses spaces. Lines without a
// letter or digit, and (for measurements) lines of table header words, are
// dropped.
func reqCleanAnswerLine(line string, measurement bool) string {
	s := strings.TrimSpace(line)
	for strings.HasPrefix(s, ">") {
		s = strings.TrimLeft(s[1:], " \t")
	}
	if strings.HasPrefix(s, "#") && !reqHasPrefixFold(s, "# of ") { // "# of trackers" is a count
		if t := strings.TrimLeft(s, "#"); t == "" || t[0] == ' ' || t[0] == '\t' {
			s = strings.TrimSpace(t)
		}
	}
	bullet := false
	if len(s) >= 2 && (s[0] == '*' || s[0] == '-' || s[0] == '+') && (s[1] == ' ' || s[1] == '\t') {
		s, bullet = strings.TrimSpace(s[2:]), true
	}
	for _, label := range []string{"answer:", "answer -", "response:", "a:", "a)"} {
		if reqHasPrefixFold(s, label) {
			s = strings.TrimSpace(s[len(label):])
			break
		}
	}
	if !reqHasLetterOrDigit(s) {
		return ""
	}
	if strings.HasSuffix(s, "**") && strings.Count(s, "**") == 1 {
		s = strings.TrimSpace(strings.TrimSuffix(s, "**")) // the end of a bold question
	}
	s = reqCollapseSpaces(s)
	if measurement && (reqIsHeaderLine(s) || (strings.Contains(s, "|") && reqIsPlaceholderRow(strings.Split(strings.Trim(s, "| "), "|")))) {
		return ""
	}
	if bullet {
		s = "- " + s
	}
	return s
}

// reqIsHeaderLine reports a line made only of table header words, such as
// "Measurement Description | Data Collection Category | Tracking Bug #".
func reqIsHeaderLine(s string) bool {
	n := 0
	for i := 0; ; {
		st, en := reqNextWord(s, i)
		if st >= len(s) {
			return n > 0
		}
		if _, ok := reqLookupFold(reqHeaderWords, s[st:en]); !ok {
			return false
		}
		n++
		i = en
	}
}

// reqTableLineRows returns which rows of t make a line of the answer (rows
// that are not empty, not the table's header and not placeholders), and
// the most bytes reqWriteTableLines writes for them: a line's cells joined
// by " | ", and a line break before it.
func reqTableLineRows(t *reqTable) (keep []bool, size int) {
	keep = make([]bool, len(t.rows))
	first := true
	for i, row := range t.rows {
		if reqRowIsEmpty(row) {
			continue
		}
		header := t.header[i] || reqIsTableHeader(row, first)
		first = false
		if header || reqIsPlaceholderRow(row) {
			continue
		}
		keep[i] = true
		for _, c := range row {
			if c = strings.TrimSpace(c); c != "" {
				size += len(c) + len(" | ")
			}
		}
		size++
	}
	return keep, size
}

// reqWriteTableLines writes the rows of t that keep marks to b as
// "cell | cell", each after a line break unless b is empty; a line break
// inside a cell becomes a space.
func reqWriteTableLines(b *strings.Builder, t *reqTable, keep []bool) {
	for i, row := range t.rows {
		if !keep[i] {
			continue
		}
		started := false
		for _, c := range row {
			c = strings.TrimSpace(c)
			if c == "" {
				continue
			}
			switch {
			case started:
				b.WriteString(" | ")
			case b.Len() > 0:
				b.WriteByte('\n')
			}
			started = true
			for c != "" {
				k := strings.IndexByte(c, '\n')
				if k < 0 {
					b.WriteString(c)
					break
				}
				b.WriteString(c[:k])
				b.WriteByte(' ')
				c = c[k+1:]
			}
		}
	}
}

// reqIsHeaderRow reports a row whose non-empty cells are all header words.
func reqIsHeaderRow(row []string) bool {
	n := 0
	for _, c := range row {
		if strings.TrimSpace(c) == "" {
			continue
		}
		if !reqIsHeaderLine(c) {
			return false
		}
		n++
	}
	return n > 0
}

// reqPlaceholderWords open an answer that only says it is to be done.
var reqPlaceholderWords = map[string]bool{
	"todo": true, "tbd": true, "tba": true, "tbc": true, "fixme": true, "xxx": true, "placeholder": true,
}

// reqIsPlaceholder reports "TODO", "TBD", "TODO: Fill this in.", "to be
// determined" and the like.
func reqIsPlaceholder(text string) bool {
	if reqIsBracketPlaceholder(text) {
		return true
	}
	st, en := reqNextWord(text, 0)
	if st >= len(text) {
		return !reqHasLetterOrDigit(text) // a URL alone is an answer
	}
	if _, ok := reqLookupFold(reqPlaceholderWords, text[st:en]); ok {
		return true
	}
	for _, p := range []string{"to be determined", "to be decided", "to be filled", "to be confirmed", "fill this in", "fill me in"} {
		if reqHasPrefixFold(text[st:], p) {
			return true
		}
	}
	return false
}

// reqBracketPlaceholderWords mark the inside of a template's placeholder.
var reqBracketPlaceholderWords = newReqPhraseList("explain", "describe", "description", "here", "insert", "fill", "todo", "tbd", "name", "link", "title")

// reqIsBracketPlaceholder reports an answer that is wholly a placeholder a
// project's template put there: one line inside one pair of brackets,
// "(This collection is Glean so is documented here. | [explain])",
// "[describe the population]", holding alternatives ("|"), a nested
// placeholder ("[…]"), a "#" to fill in, or a word asking for text. A
// requester's own "(N/A)" or "(none)" is an answer.
func reqIsBracketPlaceholder(text string) bool {
	t := strings.TrimSpace(text)
	if len(t) < 3 {
		return false
	}
	var open, closing byte
	switch open = t[0]; open {
	case '(':
		closing = ')'
	case '[':
		closing = ']'
	case '<':
		closing = '>'
	default:
		return false
	}
	if t[len(t)-1] != closing || strings.IndexByte(t, '\n') >= 0 {
		return false
	}
	depth := 0
	for i := 0; i < len(t); i++ {
		switch t[i] {
		case open:
			depth++
		case closing:
			depth--
			if depth == 0 && i != len(t)-1 {
				return false // "(a) and (b)": two pairs, not one placeholder
			}
		}
	}
	inner := t[1 : len(t)-1]
	return strings.ContainsAny(inner, "|[#") || reqBracketPlaceholderWords.any(reqLowerASCII(inner), nil)
}
