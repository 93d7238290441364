package policy

import (
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Requests reach the bot as Markdown with an HTML <table> in question 5 (the
// template's own), or as a whole form pasted from a rendered page. Both are
// read token by token (by the plain reader of html_plain.go, which hands
// what it does not read to golang.org/x/net/html's streaming tokenizer),
// never with a tree builder: the HTML5 tree construction rules rescan the
// stack of open elements, which makes deeply nested or unclosed tags
// quadratic, while the tokenizer is linear in its input.

// reqTable is an HTML or Markdown table as rows of cell texts. A block break
// inside a cell (<br>, <p>, <li>) is kept as "\n".
type reqTable struct {
	rows   [][]string
	header []bool // the row's cells were all <th>
}

// reqHTMLTokens reads HTML tokens and counts the bytes they span, so a table
// found inside Markdown can be cut out of it. Made by newReqPlainHTMLTokens,
// it reads the input itself (see html_plain.go) and hands the rest to a
// tokenizer, z, at the first token it does not read; made by
// newReqHTMLTokens, z reads everything.
type reqHTMLTokens struct {
	z *html.Tokenizer
	n int

	s         string    // the plain reader's input
	raw       string    // the plain reader's current token
	atom      atom.Atom // and its tag's atom
	decode    bool      // the current text token holds entities
	attrsAt   int       // where the current tag's name starts in raw; 0 when not a start or end tag
	rawEnd    int       // the length of the raw text that comes next (after <style>, <title>, ...)
	rawRCDATA bool      // and its entities are decoded (<title>, <textarea>)
}

// newReqHTMLTokens returns a reader of s by the tokenizer alone.
func newReqHTMLTokens(s string) *reqHTMLTokens {
	return &reqHTMLTokens{z: html.NewTokenizer(strings.NewReader(s))}
}

func (t *reqHTMLTokens) next() html.TokenType {
	if t.z == nil {
		if tt, ok := t.nextPlain(); ok {
			return tt
		}
		t.z = html.NewTokenizer(strings.NewReader(t.s[t.n:]))
	}
	tt := t.z.Next()
	t.n += len(t.z.Raw())
	return tt
}

// plainRaw returns the current text token's text when it is the input's
// own bytes (read by the plain reader, without entities).
func (t *reqHTMLTokens) plainRaw() (string, bool) {
	return t.raw, t.z == nil && !t.decode
}

// appendText appends the current text token's text to b.
func (t *reqHTMLTokens) appendText(b []byte) []byte {
	switch {
	case t.z != nil:
		return append(b, t.z.Text()...)
	case t.decode:
		return append(b, html.UnescapeString(t.raw)...)
	}
	return append(b, t.raw...)
}

// text returns the current text token's text.
func (t *reqHTMLTokens) text() string {
	if s, ok := t.plainRaw(); ok {
		return s
	}
	return string(t.appendText(nil))
}

// tag returns the atom of the current start or end tag (0 for unknown names).
func (t *reqHTMLTokens) tag() atom.Atom {
	if t.z == nil {
		return t.atom
	}
	return reqTagAtom(t.z.Raw())
}

// reqTagAtom reads a tag's name from its raw token: the tokenizer's TagName
// copies the name on every call, which was a fifth of the parser's
// allocations.
func reqTagAtom[T string | []byte](raw T) atom.Atom {
	i := 1
	if i < len(raw) && raw[i] == '/' {
		i++
	}
	var buf [16]byte
	n := 0
	for ; i < len(raw); i++ {
		c := raw[i]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '/' || c == '>' {
			break
		}
		if n == len(buf) {
			return 0 // longer than any tag the parser looks for
		}
		buf[n] = reqLowerByte(c)
		n++
	}
	return atom.Lookup(buf[:n])
}

// attrs reads the current tag's attributes once and returns the values of
// those named a and b (lower-case; "" when absent) and whether b is there. Of
// a repeated attribute the tokenizer keeps the first.
func (t *reqHTMLTokens) attrs(a, b string) (va, vb string, hasB bool) {
	t.eachAttr(func(key, val string) {
		switch {
		case reqEqualFoldASCII(key, a):
			va = val
		case reqEqualFoldASCII(key, b):
			vb, hasB = val, true
		}
	})
	return va, vb, hasB
}

// eachAttr calls each with the key (in any case) and the decoded value of
// each attribute of the current start tag, once; keys are not empty and not
// repeated.
func (t *reqHTMLTokens) eachAttr(each func(key, val string)) {
	if t.z == nil {
		t.plainAttrs(each)
		return
	}
	for {
		k, v, more := t.z.TagAttr()
		if len(k) > 0 {
			each(string(k), string(v))
		}
		if !more {
			return
		}
	}
}

// readReqHTMLTable reads the table that starts at s[0] ("<table ...") and
// returns it with the number of bytes it spans: up to its matching
// </table>, or all of s when it is never closed.
func readReqHTMLTable(s string) (*reqTable, int) {
	return readReqHTMLTableWith(newReqPlainHTMLTokens(s), len(s))
}

// readReqHTMLTableWith is readReqHTMLTable on t's tokens.
func readReqHTMLTableWith(t *reqHTMLTokens, size int) (tbl *reqTable, n int) {
	for {
		switch t.next() {
		case html.ErrorToken:
			return &reqTable{}, size
		case html.StartTagToken:
			if t.tag() == atom.Table {
				tbl := collectReqHTMLTable(t)
				return tbl, min(t.n, size)
			}
		}
	}
}

// collectReqHTMLTable reads tokens after a <table> start tag up to its
// matching end tag. Nested tables are flattened into the outer cell; cells
// outside a <tr> start a row; rows may have any number of cells.
func collectReqHTMLTable(t *reqHTMLTokens) *reqTable {
	tbl := &reqTable{}
	depth := 1
	var (
		row           []string
		inRow, inCell bool
		rowTH, cellTH bool
		cell          []byte    // reused from cell to cell
		cellRaw       string    // or the cell's one text so far, cut from the plain reader's input
		rowCap        = 4       // the previous row's width
		skip          atom.Atom // inside <script> or <style>
	)
	// appendCell appends to the cell's text, b < 0 for the current text token
	appendCell := func(b int) {
		if cellRaw != "" {
			cell, cellRaw = append(cell, cellRaw...), ""
		}
		switch {
		case b >= 0:
			cell = append(cell, byte(b))
		default:
			if raw, ok := t.plainRaw(); ok && len(cell) == 0 {
				cellRaw = raw // no copy for a cell of one text
				return
			}
			cell = t.appendText(cell)
		}
	}
	cellBreakIfAny := func() {
		if inCell {
			appendCell('\n')
		}
	}
	closeCell := func() {
		if !inCell {
			return
		}
		if row == nil {
			row = make([]string, 0, rowCap)
		}
		text := cellRaw
		if len(cell) > 0 {
			text = string(cell)
		}
		row = append(row, reqCleanCell(text))
		cell, cellRaw = cell[:0], ""
		inCell = false
		if !cellTH {
			rowTH = false
		}
	}
	closeRow := func() {
		closeCell()
		if !inRow {
			return
		}
		tbl.rows = append(tbl.rows, row)
		tbl.header = append(tbl.header, rowTH && len(row) > 0)
		rowCap = max(rowCap, len(row))
		row, inRow = nil, false
	}
	openRow := func() {
		closeRow()
		inRow, rowTH = true, true
	}
	for {
		tt := t.next()
		switch tt {
		case html.ErrorToken:
			closeRow()
			return tbl
		case html.TextToken:
			if inCell && skip == 0 {
				appendCell(-1)
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			a := t.tag()
			if skip != 0 {
				continue
			}
			switch a {
			case atom.Script, atom.Style:
				if tt == html.StartTagToken {
					skip = a
				}
			case atom.Table:
				if tt == html.StartTagToken {
					depth++
				}
				cellBreakIfAny()
			case atom.Tr:
				if depth == 1 {
					openRow()
				} else {
					cellBreakIfAny()
				}
			case atom.Td, atom.Th:
				if depth == 1 {
					closeCell()
					if !inRow {
						openRow()
					}
					inCell, cellTH = true, a == atom.Th
				} else if inCell {
					appendCell(' ')
				}
			case atom.Br, atom.P, atom.Div, atom.Li, atom.Ul, atom.Ol, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Pre, atom.Blockquote, atom.Hr:
				cellBreakIfAny()
			}
		case html.EndTagToken:
			a := t.tag()
			if skip != 0 {
				if a == skip {
					skip = 0
				}
				continue
			}
			switch a {
			case atom.Table:
				depth--
				if depth == 0 {
					closeRow()
					return tbl
				}
				cellBreakIfAny()
			case atom.Tr:
				if depth == 1 {
					closeRow()
				} else {
					cellBreakIfAny()
				}
			case atom.Td, atom.Th:
				if depth == 1 {
					closeCell()
				} else if inCell {
					appendCell(' ')
				}
			case atom.P, atom.Div, atom.Li, atom.Ul, atom.Ol, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Pre, atom.Blockquote:
				cellBreakIfAny()
			}
		}
	}
}

// reqCleanCell collapses white space inside each line of a cell and drops
// empty lines.
func reqCleanCell(s string) string {
	s = strings.TrimSpace(s)
	plain := true
	for i := 0; i < len(s) && plain; i++ {
		switch s[i] {
		case '\n', '\t', '\r', '\f':
			plain = false
		case ' ':
			plain = i+1 < len(s) && s[i+1] != ' '
		}
	}
	if plain {
		return s
	}
	var b strings.Builder
	for line := range strings.SplitSeq(s, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		for i, w := range f {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(w)
		}
	}
	return b.String()
}

// reqHTMLBlockTags counts block-level tags (<p>, <li>, <ol>, <ul>, <br>,
// <div>, <h1>..<h6>, <html>, <body>) outside tables: they say a text is
// rendered HTML rather than Markdown with an HTML table in it (whose cells
// may well hold <br> and <p>). It only looks at the bytes after each '<';
// it is not a tokenizer.
func reqHTMLBlockTags(s string) int {
	n, tables := 0, 0
	for i := 0; i < len(s); i++ {
		k := strings.IndexByte(s[i:], '<')
		if k < 0 {
			break
		}
		i += k
		j := i + 1
		if j < len(s) && s[j] == '/' {
			j++ // an end tag: only </table> matters
		}
		for j < len(s) && j-i <= 6 && reqIsASCIILetterOrDigit(s[j]) {
			j++
		}
		if j == i+1 || j >= len(s) || !(s[j] == '>' || s[j] == ' ' || s[j] == '/' || s[j] == '\n' || s[j] == '\t') {
			continue
		}
		name := s[i+1 : j]
		switch {
		case strings.EqualFold(name, "table"):
			tables++
		case tables > 0:
			if strings.EqualFold(name, "/table") {
				tables--
			}
		default:
			if reqIsHTMLBlockName(name) {
				n++
			}
		}
	}
	return n
}

// reqIsHTMLBlockName reports, in any case, the names reqHTMLBlockTags
// counts: p, li, ol, ul, br, div, h1 to h6, html and body.
func reqIsHTMLBlockName(name string) bool {
	switch len(name) {
	case 1:
		return reqLowerByte(name[0]) == 'p'
	case 2:
		a, b := reqLowerByte(name[0]), reqLowerByte(name[1])
		return a == 'l' && b == 'i' || a == 'o' && b == 'l' || a == 'u' && b == 'l' || a == 'b' && b == 'r' ||
			a == 'h' && '1' <= b && b <= '6'
	case 3:
		return reqEqualFoldASCII(name, "div")
	case 4:
		return reqEqualFoldASCII(name, "html") || reqEqualFoldASCII(name, "body")
	}
	return false
}

// reqListContext is one open <ol> or <ul>.
type reqListContext struct {
	ordered bool
	next    int
}

// reqMaxIndent caps list indentation so that 10^6 nested lists cost linear
// time, not quadratic.
const reqMaxIndent = 8

// htmlToRequestText turns a form pasted as rendered HTML back into the
// Markdown-like lines the request parser reads: one line per block, "N) "
// before the items of an <ol start=N>, "* " before <ul> items, links as
// [text](href), <del> as ~~, checkboxes as [x] or [ ], and tables as a
// single-line, re-escaped <table> that the answer reader parses again.
// Entities are decoded. It is linear in len(s).
func htmlToRequestText(s string) string {
	w := &reqHTMLWriter{atLineStart: true, lastSpace: true}
	t := newReqPlainHTMLTokens(s)
	w.out.Grow(len(s))
	for {
		tt := t.next()
		switch tt {
		case html.ErrorToken:
			w.flush()
			return w.out.String()
		case html.TextToken:
			if w.skip == 0 {
				w.text(t.text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			w.start(t, tt)
		case html.EndTagToken:
			w.end(t.tag())
		}
	}
}

type reqHTMLWriter struct {
	out         strings.Builder
	atLineStart bool // nothing written on the current line yet
	started     bool
	lastSpace   bool
	pending     string // list item marker written before the item's first text
	lists       []reqListContext
	links       []string // open <a> hrefs; "" for links not rewritten
	skip        atom.Atom
	pre         int
}

func (w *reqHTMLWriter) flush() {
	if w.started && !w.atLineStart {
		w.out.WriteByte('\n')
	}
	w.atLineStart = true
	w.lastSpace = true
}

func (w *reqHTMLWriter) raw(s string) {
	if s == "" {
		return
	}
	if w.atLineStart && w.pending != "" {
		w.out.WriteString(w.pending)
		w.pending = ""
	}
	w.out.WriteString(s)
	w.started = true
	w.atLineStart = false
	w.lastSpace = s[len(s)-1] == ' '
}

func (w *reqHTMLWriter) text(s string) {
	if w.pre > 0 {
		for i, line := range strings.Split(s, "\n") {
			if i > 0 {
				w.flush()
			}
			w.raw(line)
		}
		return
	}
	// collapse white space the way a browser does, writing the runs of
	// other bytes as they are
	space := w.lastSpace || w.atLineStart
	for i := 0; i < len(s); {
		j := i
		if reqIsHTMLSpace(s[i]) {
			for j < len(s) && reqIsHTMLSpace(s[j]) {
				j++
			}
			if !space {
				w.raw(" ")
				space = true
			}
		} else {
			// words and the single spaces between them, as they are
			for j < len(s) && (!reqIsHTMLSpace(s[j]) || s[j] == ' ' && j+1 < len(s) && !reqIsHTMLSpace(s[j+1])) {
				j++
			}
			w.raw(s[i:j])
			space = false
		}
		i = j
	}
}

// reqAttrNumber reads a list's start or an item's value: a number from 0
// to 999,999. An absent attribute ("", most items) is not given to
// strconv.Atoi, whose error is an allocation.
func reqAttrNumber(v string) (int, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	return n, err == nil && n >= 0 && n < 1e6
}

// reqIsHTMLSpace reports the white space a browser collapses.
func reqIsHTMLSpace(c byte) bool { return reqHTMLSpace[c] }

// reqHTMLSpace is reqIsHTMLSpace by table: the writer tests every byte of
// a paste's text, and one load beats five comparisons.
var reqHTMLSpace = func() (t [256]bool) {
	for _, c := range []byte(" \n\t\r\f") {
		t[c] = true
	}
	return t
}()

func (w *reqHTMLWriter) start(t *reqHTMLTokens, tt html.TokenType) {
	a := t.tag()
	if w.skip != 0 {
		return
	}
	switch a {
	case atom.Script, atom.Style, atom.Head, atom.Title, atom.Template, atom.Noscript:
		if tt == html.StartTagToken {
			w.skip = a
		}
	case atom.Br, atom.P, atom.Div, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Blockquote,
		atom.Section, atom.Article, atom.Header, atom.Footer, atom.Dt, atom.Dd, atom.Hr, atom.Tr:
		w.flush()
	case atom.Pre:
		w.flush()
		if tt == html.StartTagToken {
			w.pre++
		}
	case atom.Ol, atom.Ul:
		w.flush()
		if tt == html.SelfClosingTagToken {
			return
		}
		lc := reqListContext{ordered: a == atom.Ol, next: 1}
		if lc.ordered {
			start, _, _ := t.attrs("start", "")
			if n, ok := reqAttrNumber(start); ok {
				lc.next = n
			}
		}
		w.lists = append(w.lists, lc)
	case atom.Li:
		w.flush()
		indent := strings.Repeat("  ", min(max(len(w.lists)-1, 0), reqMaxIndent))
		if len(w.lists) == 0 || !w.lists[len(w.lists)-1].ordered {
			w.pending = indent + "* "
			return
		}
		lc := &w.lists[len(w.lists)-1]
		n := lc.next
		value, _, _ := t.attrs("value", "")
		if v, ok := reqAttrNumber(value); ok {
			n = v
		}
		lc.next = n + 1
		w.pending = indent + strconv.Itoa(n) + ") "
	case atom.Table:
		w.flush()
		if tt == html.StartTagToken {
			w.raw(reqSerializeTable(collectReqHTMLTable(t)))
			w.flush()
		}
	case atom.A:
		if tt != html.StartTagToken {
			return
		}
		href, _, _ := t.attrs("href", "")
		href = strings.TrimSpace(href)
		if len(w.links) < 64 && (reqHasPrefixFold(href, "http://") || reqHasPrefixFold(href, "https://") || reqHasPrefixFold(href, "mailto:")) {
			w.links = append(w.links, href)
			w.raw("[")
		} else {
			w.links = append(w.links, "")
		}
	case atom.Del, atom.S, atom.Strike:
		w.raw("~~")
	case atom.Strong, atom.B:
		w.raw("**")
	case atom.Input:
		if typ, _, checked := t.attrs("type", "checked"); strings.EqualFold(typ, "checkbox") {
			if checked {
				w.raw("[x] ")
			} else {
				w.raw("[ ] ")
			}
		}
	}
}

func (w *reqHTMLWriter) end(a atom.Atom) {
	if w.skip != 0 {
		if a == w.skip {
			w.skip = 0
		}
		return
	}
	switch a {
	case atom.P, atom.Div, atom.Li, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Blockquote,
		atom.Section, atom.Article, atom.Header, atom.Footer, atom.Dt, atom.Dd, atom.Tr:
		w.flush()
	case atom.Pre:
		w.flush()
		if w.pre > 0 {
			w.pre--
		}
	case atom.Ol, atom.Ul:
		w.flush()
		if len(w.lists) > 0 {
			w.lists = w.lists[:len(w.lists)-1]
		}
	case atom.A:
		if n := len(w.links); n > 0 {
			href := w.links[n-1]
			w.links = w.links[:n-1]
			if href != "" {
				w.raw("](" + href + ")")
			}
		}
	case atom.Del, atom.S, atom.Strike:
		w.raw("~~")
	case atom.Strong, atom.B:
		w.raw("**")
	}
}

// reqSerializeTable writes a table back as one line of escaped HTML, with
// line breaks inside cells as <br>.
func reqSerializeTable(t *reqTable) string {
	var b strings.Builder
	b.WriteString("<table>")
	for i, row := range t.rows {
		b.WriteString("<tr>")
		tag := "td"
		if t.header[i] {
			tag = "th"
		}
		for _, c := range row {
			b.WriteString("<" + tag + ">")
			b.WriteString(strings.ReplaceAll(html.EscapeString(c), "\n", "<br>"))
			b.WriteString("</" + tag + ">")
		}
		b.WriteString("</tr>")
	}
	b.WriteString("</table>")
	return b.String()
}
