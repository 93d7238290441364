package policy

import (
	"html"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file holds the small line scanner behind ParseReview and the renewal
// parsers: it finds numbered questions in what stewards really write
// (numbering as "1)", "1.", "Q1:", "**1)**", "### 1.", in ">" quotes or
// bullets) and the answer after each, on the same line or the lines below.
// Every step is linear in the length of the text.

// formLine is one line of text as the scanner sees it.
type formLine struct {
	item   string // the line without quote, list and heading markers; entities decoded
	body   string // item without its number
	text   string // body without inline markup (emphasis, code, link syntax), typographic quotes made plain, one space between words
	num    int    // the number the line starts with ("3)", "Q3:", "**3.**"), 0 if none
	indent int    // columns of white space before the first marker
	rule   bool   // a thematic break or setext underline: ---, ***, ===
}

func scanLines(text string) []formLine {
	// The request parser's normalisation: no BOM, control or zero-width
	// characters, LF line ends, plain quotes, dashes and spaces.
	text = normalizeRequestText(text)
	var out []formLine
	for len(text) > 0 {
		line := text
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = ""
		}
		line = strings.TrimRight(line, "\r")
		if strings.IndexByte(line, '&') >= 0 {
			line = html.UnescapeString(line)
		}
		fl := formLine{rule: isRule(line)}
		fl.item, fl.indent = blockMarkers(line)
		fl.num, fl.body = numberPrefix(fl.item)
		if fl.num == 0 {
			fl.body = fl.item
		}
		fl.text, _ = stripInline(fl.body, false)
		out = append(out, fl)
	}
	return out
}

// isRule reports a line of only -, *, _ or = (at least three) and spaces.
func isRule(line string) bool {
	n := 0
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '-', '*', '_', '=':
			n++
		case ' ', '\t':
		default:
			return false
		}
	}
	return n >= 3
}

// blockMarkers strips quote, list and heading markers from a line and
// returns the rest and its indentation.
func blockMarkers(line string) (item string, indent int) {
	s := line
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		if s[0] == '\t' {
			indent += 4
		} else {
			indent++
		}
		s = s[1:]
	}
	for k := 0; k < 8; k++ {
		switch {
		case strings.HasPrefix(s, ">"):
			s = strings.TrimLeft(s[1:], " \t")
		case len(s) >= 2 && (s[0] == '-' || s[0] == '*' || s[0] == '+') && (s[1] == ' ' || s[1] == '\t'):
			s = strings.TrimLeft(s[2:], " \t")
		case strings.HasPrefix(s, "#"):
			h := len(s) - len(strings.TrimLeft(s, "#"))
			if h > 6 || (h < len(s) && s[h] != ' ' && s[h] != '\t') {
				k = 8
				continue
			}
			s = strings.TrimLeft(s[h:], " \t")
		default:
			k = 8
		}
	}
	return strings.TrimSpace(s), indent
}

// numberPrefix reads a question number: "3)", "3.", "3:", "(3)", "Q3", "Q3:",
// "Question 3:", each possibly in bold ("**3)**", "**3) question**", "**Q3**:").
// "1.5", "10:30" and "Q3x" are not question numbers.
func numberPrefix(s string) (int, string) {
	t := strings.TrimLeft(s, "*_")
	prefixed := false
	switch {
	case len(t) >= 9 && strings.EqualFold(t[:9], "question "):
		t, prefixed = t[9:], true
	case len(t) >= 2 && (t[0] == 'Q' || t[0] == 'q') && t[1] >= '0' && t[1] <= '9':
		t, prefixed = t[1:], true
	}
	paren := strings.HasPrefix(t, "(")
	if paren {
		t = t[1:]
	}
	n, d := 0, 0
	for d < len(t) && d < 3 && t[d] >= '0' && t[d] <= '9' {
		n = n*10 + int(t[d]-'0')
		d++
	}
	if d == 0 || d > 2 || n == 0 {
		return 0, s
	}
	t = t[d:]
	var delim byte
	switch {
	case paren:
		if !strings.HasPrefix(t, ")") {
			return 0, s
		}
		t, delim = t[1:], ')'
	case t != "" && (t[0] == ')' || t[0] == '.' || t[0] == ':'):
		t, delim = t[1:], t[0]
	case !prefixed:
		return 0, s
	}
	t = strings.TrimLeft(t, "*_")
	if t != "" && t[0] != ' ' && t[0] != '\t' && delim != ')' {
		if !prefixed || delim != 0 || (t[0] != ':' && t[0] != ')' && t[0] != '.') {
			return 0, s
		}
		t = t[1:]
	}
	return n, strings.TrimSpace(t)
}

// stripInline removes inline markup from a line for matching: emphasis and
// code markers, link syntax (keeping the link text), and runs of white
// space (typographic quotes and dashes are plain already: see scanLines). With offsets it also returns, for
// each byte of the result, the index in s it came from (plus len(s) at the
// end), so that a match in the result can be cut from s.
func stripInline(s string, offsets bool) (string, []int) {
	var b strings.Builder
	b.Grow(len(s))
	var offs []int
	emit := func(r rune, at int) {
		n := b.Len()
		b.WriteRune(r)
		if offsets {
			for ; n < b.Len(); n++ {
				offs = append(offs, at)
			}
		}
	}
	space := false
	closeParen := true // false once no ')' is left: keeps the scan linear
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '*' || r == '`' || r == '[':
			i += size
			continue
		case r == '_' && strings.HasPrefix(s[i:], "__"), r == '~' && strings.HasPrefix(s[i:], "~~"):
			i += 2
			continue
		case r == '!' && strings.HasPrefix(s[i:], "!["):
			i++
			continue
		case r == ']':
			i++
			if closeParen && strings.HasPrefix(s[i:], "(") {
				if j := strings.IndexByte(s[i:], ')'); j >= 0 {
					i += j + 1
				} else {
					closeParen = false
				}
			}
			continue
		case unicode.IsSpace(r):
			space = b.Len() > 0
			i += size
			continue
		}
		if space {
			emit(' ', i)
			space = false
		}
		emit(r, i)
		i += size
	}
	if offsets {
		offs = append(offs, len(s))
	}
	return b.String(), offs
}

// hasPrefixFold reports whether s starts with prefix (lower case) without
// regard to case, and how many bytes of s it covers.
func hasPrefixFold(s, prefix string) (int, bool) {
	i := 0
	for _, pr := range prefix {
		if i >= len(s) {
			return 0, false
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r != pr && unicode.ToLower(r) != pr {
			return 0, false
		}
		i += size
	}
	return i, true
}

// questionSpec describes one question of a form.
type questionSpec struct {
	topic    ReviewTopic
	keywords []string // lower case; a numbered line with one of them is this question
	// templates are the question's text in every version, and the lines the
	// template puts after it; they are not answers. Each is cleaned like
	// formLine.text and lower-cased by compileTemplates.
	templates []string
	labels    []string // short headings that are not answers: "Documentation"
}

// formLayout is one version of a form: question i has number i+1.
type formLayout struct {
	version   ReviewVersion
	questions []questionSpec
}

// templatePrefixes lists the cut points of each template: the whole text
// and every prefix ending a sentence or a parenthesis, longest first, so
// that a steward who kept only the first sentence of a question is matched.
func templatePrefixes(templates []string) []string {
	var out []string
	for _, t := range templates {
		t, _ = stripInline(t, false)
		t = strings.ToLower(t)
		out = append(out, t)
		for i := 0; i < len(t); i++ {
			switch t[i] {
			case '?', '.', ')', ':':
				if i+1 == len(t) || t[i+1] == ' ' {
					out = append(out, t[:i+1])
				}
			}
		}
	}
	// Longest first: the first match is the longest.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && len(out[j]) > len(out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// compiledSpec is a questionSpec with its template prefixes worked out.
type compiledSpec struct {
	questionSpec
	prefixes []string
}

func compileLayout(l formLayout) []compiledSpec {
	out := make([]compiledSpec, len(l.questions))
	for i, q := range l.questions {
		out[i] = compiledSpec{questionSpec: q, prefixes: templatePrefixes(q.templates)}
	}
	return out
}

// matches reports whether a numbered line's text names this question.
func (q *compiledSpec) matches(text string) bool {
	lower := strings.ToLower(text)
	for _, k := range q.keywords {
		if strings.Contains(lower, k) {
			return true
		}
	}
	return false
}

// afterTemplate returns what follows the question's own text on a line:
// the same-line answer. header says the line is the question's numbered
// line, where a "?" or ":" also ends the question text.
func (q *compiledSpec) afterTemplate(fl formLine, header bool) string {
	cut := -1
	for _, p := range q.prefixes {
		if n, ok := hasPrefixFold(fl.text, p); ok {
			cut = n
			break
		}
	}
	if cut < 0 && header {
		if i := strings.IndexByte(fl.text, '?'); i >= 0 {
			cut = i + 1
		} else if i := strings.IndexByte(fl.text, ':'); i >= 0 && i < 80 {
			cut = i + 1
		} else {
			for _, l := range q.labels {
				if strings.EqualFold(strings.TrimRight(fl.text, " .:?"), l) {
					return ""
				}
			}
			cut = 0
		}
	}
	if cut < 0 {
		return fl.item // an answer line keeps its own numbering
	}
	if cut >= len(fl.text) {
		return ""
	}
	_, offs := stripInline(fl.body, true)
	return strings.Trim(fl.body[offs[cut]:], " \t*_:")
}

// placeHeaders finds the line of each question of a layout: the first line
// after the previous question's numbered with the question's number and
// naming it; or, when none names it, a line with just its number that comes
// before the next question that is named. strong[i][k] says line i names
// question k+1. It returns, per question, the line index or -1.
func placeHeaders(lines []formLine, strong [][]bool, n int, stop []bool) []int {
	headers := make([]int, n)
	pos := -1
	for k := 0; k < n; k++ {
		headers[k] = -1
		limit := len(lines)
		for i := pos + 1; i < len(lines); i++ {
			if strong[i] == nil {
				continue
			}
			if strong[i][k] {
				headers[k] = i
				break
			}
			for kk := k + 1; kk < n; kk++ {
				if strong[i][kk] && i < limit {
					limit = i
				}
			}
		}
		if headers[k] < 0 {
			for i := pos + 1; i < limit; i++ {
				if lines[i].num == k+1 && lines[i].indent < 4 && !stop[i] {
					headers[k] = i
					break
				}
			}
		}
		if headers[k] >= 0 {
			pos = headers[k]
		}
	}
	return headers
}

// placeholder matches answers that are not answers yet.
var placeholder = regexp.MustCompile(`(?i)^\W*(todo|tbd|tbc|fixme|xxx|fill (this|me) in)\b|^\W*$`)

// extractAnswers reads the answer of each placed question: the rest of its
// line after the question's text, then every line up to the next question
// or a line stop marks (a result), skipping separators and template lines.
func extractAnswers(lines []formLine, specs []compiledSpec, headers []int, stop []bool) []FormAnswer {
	next := make([]int, len(headers))
	end := len(lines)
	for k := len(headers) - 1; k >= 0; k-- {
		next[k] = end
		if headers[k] >= 0 {
			end = headers[k]
		}
	}
	answers := make([]FormAnswer, len(specs))
	for k := range specs {
		a := FormAnswer{Number: k + 1, Topic: specs[k].topic}
		if h := headers[k]; h >= 0 {
			var parts []string
			if s := specs[k].afterTemplate(lines[h], true); s != "" {
				parts = append(parts, s)
			}
			for i := h + 1; i < next[k] && !stop[i]; i++ {
				fl := lines[i]
				if fl.rule || fl.text == "" {
					continue
				}
				if s := specs[k].afterTemplate(fl, false); s != "" {
					parts = append(parts, s)
				}
			}
			a.Text = strings.Join(parts, "\n")
			a.Answered = !placeholder.MatchString(a.Text)
		}
		answers[k] = a
	}
	return answers
}

// bestLayout scores each layout by the numbered lines that name its
// questions and returns the best (the first on a tie), its strong matrix
// and its score.
func bestLayout(lines []formLine, layouts [][]compiledSpec) (int, [][]bool, int) {
	best, bestScore := 0, -1
	var bestStrong [][]bool
	for li, specs := range layouts {
		strong := make([][]bool, len(lines))
		seen := make([]bool, len(specs))
		score := 0
		for i, fl := range lines {
			if fl.num < 1 || fl.num > len(specs) || fl.indent >= 4 {
				continue
			}
			k := fl.num - 1
			if specs[k].matches(fl.text) {
				if strong[i] == nil {
					strong[i] = make([]bool, len(specs))
				}
				strong[i][k] = true
				if !seen[k] {
					seen[k] = true
					score++
				}
			}
		}
		if score > bestScore {
			best, bestScore, bestStrong = li, score, strong
		}
	}
	return best, bestStrong, bestScore
}

// bareSequence reports whether lines numbered 1 to n appear in order, for
// reviews written as just "1) Yes ... 8) No" under a result.
func bareSequence(lines []formLine, n int, stop []bool) bool {
	want := 1
	for i, fl := range lines {
		if fl.num == want && fl.indent < 4 && !stop[i] {
			want++
			if want > n {
				return true
			}
		}
	}
	return false
}
