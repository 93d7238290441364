package policy

import (
	"regexp"
	"slices"
	"strings"
)

// Reading the measurements of question 5, however they were written: an
// HTML <table> (the template's own), a Markdown pipe table (glean_parser's),
// tab-separated rows pasted from a rendered table, "Annotation description:
// … / Data collection category: … / Tracking bug: …" blocks, bullet lists,
// or lines. Each becomes a row of cells with known or unknown roles, and
// every row is read the same way.

// reqRole is what a cell of a measurement row holds.
type reqRole int

const (
	reqRoleNone reqRole = iota
	reqRoleName
	reqRoleDesc
	reqRoleCat
	reqRoleBug
)

// reqRow is one measurement as written: cells, their roles, and whether it
// must name a measurement to count (prose lines need an identifier or a
// category; table rows always count).
type reqRow struct {
	cells   []string
	roles   []reqRole
	camel   bool // CamelCase names count (a name column or label)
	isTable bool
}

// reqMaxDescription caps a measurement's description.
const reqMaxDescription = 500

// parseReqMeasurements reads the measurements from the body of question 5.
func parseReqMeasurements(blocks []reqBlock) []Measurement {
	var ms reqMeasurements
	for _, b := range blocks {
		if b.table != nil {
			ms.addTable(b.table.rows, b.table.header)
			continue
		}
		ms.addText(b.text)
	}
	return ms.list
}

type reqMeasurements struct {
	list   []Measurement
	byName map[string]int
}

// add appends a measurement, merging it into an earlier one of the same name.
func (ms *reqMeasurements) add(m Measurement, ident bool) {
	if ident {
		if ms.byName == nil {
			ms.byName = map[string]int{}
		}
		if i, ok := ms.byName[m.Name]; ok {
			old := &ms.list[i]
			if m.Category > old.Category {
				old.Category, old.CategoryText = m.Category, m.CategoryText
			}
			if old.Description == "" {
				old.Description = m.Description
			}
			if old.TrackingBug == "" {
				old.TrackingBug = m.TrackingBug
			}
			return
		}
		ms.byName[m.Name] = len(ms.list)
	}
	ms.list = append(ms.list, m)
}

func (ms *reqMeasurements) addRow(r reqRow) {
	if m, ident, ok := reqRowMeasurement(r); ok {
		ms.add(m, ident)
	}
}

// addTable reads table rows. A row of <th> cells, or one whose content is
// column titles (reqIsTableHeader), is a header, never a measurement; the
// first one gives each column a role. A column without a role whose cells
// are all bare numbers 1 to 4 holds the categories.
func (ms *reqMeasurements) addTable(rows [][]string, header []bool) {
	ms.list = slices.Grow(ms.list, len(rows))
	isHeader := make([]bool, len(rows))
	firstRow := true
	for i, row := range rows {
		if reqRowIsEmpty(row) {
			continue
		}
		isHeader[i] = (i < len(header) && header[i]) || reqIsTableHeader(row, firstRow)
		firstRow = false
	}
	var roles []reqRole
	for i, row := range rows {
		if isHeader[i] {
			roles = make([]reqRole, len(row))
			for k, c := range row {
				roles[k] = reqColumnRole(c)
			}
			break
		}
		if !reqRowIsEmpty(row) {
			break // a header below the first row gives no roles
		}
	}
	bare := reqBareCategoryColumns(rows, func(i int) bool { return isHeader[i] })
	for k, b := range bare {
		if !b {
			continue
		}
		for len(roles) <= k {
			roles = append(roles, reqRoleNone)
		}
		if roles[k] == reqRoleNone {
			roles[k] = reqRoleCat
		}
	}
	for i, row := range rows {
		if isHeader[i] || reqRowIsEmpty(row) || reqIsPlaceholderRow(row) {
			continue
		}
		r := reqRow{cells: row, roles: make([]reqRole, len(row)), isTable: true}
		for k := range row {
			if k < len(roles) {
				r.roles[k] = roles[k]
				if roles[k] == reqRoleName {
					r.camel = true
				}
			}
		}
		ms.addRow(r)
	}
}

// reqRowIsEmpty reports a row without text.
func reqRowIsEmpty(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// reqColumnRole reads a header cell.
func reqColumnRole(h string) reqRole {
	l := strings.ToLower(h)
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(l, w) {
				return true
			}
		}
		return false
	}
	switch {
	case has("bug"):
		return reqRoleBug
	case has("categor", "sensitiv"):
		return reqRoleCat
	case has("type") && !has("metric", "probe", "measurement"):
		return reqRoleCat
	case has("description", "purpose", "details"):
		return reqRoleDesc
	case has("name", "probe", "metric", "measurement", "annotation", "key", "identifier", "event", "field", "scalar", "histogram"):
		return reqRoleName
	}
	return reqRoleNone
}

var (
	// reqBugRE finds a bug reference in a row without a bug column.
	reqBugRE = regexp.MustCompile(`(?i)\bbug\s*#?\s*\d{3,9}\b|https?://bugzilla\.[a-z.]+/show_bug\.cgi\?id=\d+|\bbugzil\.la/\d+`)
)

// reqFindBugRef returns the first bug reference in s, or "". Every form of
// one holds "bug": the regular expression only runs on text that does.
func reqFindBugRef(s string) string {
	if !reqContainsFold(s, "bug") {
		return ""
	}
	return reqBugRE.FindString(s)
}

// reqIsBareBug reports a table cell that holds only a bug number: five to
// eight digits, maybe after "#".
func reqIsBareBug(s string) bool {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "#")
	if len(s) < 5 || len(s) > 8 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !reqIsDigit(s[i]) {
			return false
		}
	}
	return true
}

// reqContainsFold reports whether s holds sub (lower case), ignoring ASCII
// case.
// The candidates are found by IndexByte for each case of sub's first byte,
// each search resumed only once passed, so s is read about twice at most.
func reqContainsFold(s, sub string) bool {
	if sub == "" {
		return true
	}
	lo, up := sub[0], sub[0]
	if 'a' <= lo && lo <= 'z' {
		up = lo - 'a' + 'A'
	}
	index := func(i int, c byte) int {
		if k := strings.IndexByte(s[i:], c); k >= 0 {
			return i + k
		}
		return len(s)
	}
	nextLo, nextUp := -1, -1
	for i := 0; i+len(sub) <= len(s); {
		if nextLo < i {
			nextLo = index(i, lo)
		}
		if nextUp < i {
			nextUp = index(i, up)
		}
		j := min(nextLo, nextUp)
		if j+len(sub) > len(s) {
			return false
		}
		if reqHasPrefixFold(s[j:], sub) {
			return true
		}
		i = j + 1
	}
	return false
}

// reqRowMeasurement turns a row into a measurement. ident says the name is
// an identifier (not text standing in for one); ok is false for a line of
// prose that names nothing.
func reqRowMeasurement(r reqRow) (m Measurement, ident, ok bool) {
	cell := func(k int) string { return r.cells[k] }
	leading := false // the name is a leading phrase, not an identifier
	phrased := false // the name is the leading phrase of a row without identifier
	role := func(k int) reqRole {
		if k < len(r.roles) {
			return r.roles[k]
		}
		return reqRoleNone
	}

	// the name: an identifier in the name column; without a name column
	// (or with an empty one), in any cell but category and bug. A leading
	// phrase that the identifier only details ("Survey parameters: total
	// uri_count, …") names the row instead.
	nameCell, nameAt, nameEnd, nameCol := -1, -1, -1, -1
	for k := range r.cells {
		if role(k) == reqRoleName && strings.TrimSpace(cell(k)) != "" {
			nameCol = k
			break
		}
	}
	for k := range r.cells {
		rk := role(k)
		if rk == reqRoleCat || rk == reqRoleBug || (nameCol >= 0 && k != nameCol) {
			continue
		}
		camel := r.camel && (rk == reqRoleName || rk == reqRoleDesc)
		if name, at, end := reqFindName(cell(k), camel); name != "" {
			if pe, ok := reqPhraseBeforeName(cell(k), at, end, r.isTable); ok {
				m.Name, nameCell, nameAt, nameEnd = reqTruncate(reqOneLine(cell(k)[:pe]), 80), k, 0, pe
				leading = true
				break
			}
			m.Name, nameCell, nameAt, nameEnd = name, k, at, end
			break
		}
	}
	ident = nameCell >= 0 && !leading

	// the category: a category column, else any cell but the bug's
	catCell := -1
	for k := range r.cells {
		if role(k) == reqRoleCat && strings.TrimSpace(cell(k)) != "" {
			catCell = k
			if c, _ := reqScanCategories(reqMaskNames(cell(k)), false); c > 0 {
				m.Category, m.CategoryText = c, reqOneLine(cell(k))
				break
			}
			if c, ok := reqBareCategory(cell(k)); ok {
				m.Category, m.CategoryText = c, reqOneLine(cell(k))
				break
			}
		}
	}
	if m.Category == 0 {
		var texts []string
		for k := range r.cells {
			if role(k) == reqRoleBug {
				continue
			}
			masked := reqMaskNames(cell(k))
			c, spans := reqScanCategories(masked, true)
			if c > m.Category {
				m.Category = c
			}
			for _, sp := range spans {
				texts = append(texts, strings.TrimSpace(cell(k)[sp[0]:sp[1]]))
			}
		}
		if m.Category > 0 {
			m.CategoryText = strings.Join(reqUniqueStrings(texts), ", ")
		} else if catCell >= 0 {
			m.CategoryText = reqOneLine(cell(catCell))
		}
	}

	// the tracking bug: a bug column, else a reference anywhere
	for k := range r.cells {
		if role(k) == reqRoleBug && strings.TrimSpace(cell(k)) != "" {
			m.TrackingBug = reqOneLine(cell(k))
			break
		}
	}
	if m.TrackingBug == "" {
		for k := range r.cells {
			if b := reqFindBugRef(cell(k)); b != "" && role(k) != reqRoleCat {
				m.TrackingBug = b
				break
			}
			if r.isTable && reqIsBareBug(cell(k)) {
				m.TrackingBug = strings.TrimSpace(cell(k))
				break
			}
		}
	}

	// without an identifier, the name column's text or the first text of
	// the row stands for the name: its leading phrase, when it has one
	// ("Video metadata (the video ID, title …)" is "Video metadata")
	if !ident && !leading {
		for k := range r.cells {
			if role(k) == reqRoleCat || role(k) == reqRoleBug || k == catCell || reqIsCategoryOrBug(cell(k)) || (nameCol >= 0 && k != nameCol) {
				continue
			}
			if t := reqDescription(cell(k)); t != "" {
				nameCell, nameAt, nameEnd = k, 0, len(cell(k))
				m.Name = reqTruncate(t, 80)
				if pe, ok := reqLeadingPhrase(cell(k)); ok {
					m.Name, nameEnd, phrased = reqTruncate(reqOneLine(cell(k)[:pe]), 80), pe, true
				}
				break
			}
		}
	}
	if m.Name == "" {
		return m, false, false
	}
	if !r.isTable && !ident && m.Category == 0 {
		return m, false, false // a line of prose
	}

	// the description: a description column, else the rest of the name's
	// cell, else (in a table) the first other cell with text
	for k := range r.cells {
		if role(k) != reqRoleDesc || (k != nameCell && reqLooksLikeCategory(cell(k))) {
			continue // a category in the description column: the row lost a cell
		}
		d := cell(k)
		if k == nameCell {
			d = d[:nameAt] + " " + d[nameEnd:]
		}
		if m.Description = reqDescription(d); m.Description != "" {
			break
		}
	}
	if m.Description == "" && nameCell >= 0 {
		m.Description = reqDescription(cell(nameCell)[:nameAt] + " " + cell(nameCell)[nameEnd:])
		if phrased && reqLooksLikeCategory(m.Description) {
			m.Description = "" // "Number of opened panels (Category 2)"
		}
	}
	if m.Description == "" && r.isTable {
		for k := range r.cells {
			if k == nameCell || k == catCell || role(k) != reqRoleNone || reqIsCategoryOrBug(cell(k)) {
				continue
			}
			if m.Description = reqDescription(cell(k)); m.Description != "" {
				break
			}
		}
	}
	return m, ident, true
}

// reqIsCategoryOrBug reports a cell that holds only a category or only a
// bug reference: it is neither a name nor a description.
func reqIsCategoryOrBug(s string) bool {
	t := strings.TrimSpace(s)
	return reqLooksLikeCategory(t) || reqIsBareBug(t) || (t != "" && reqFindBugRef(t) == t)
}

// reqLooksLikeCategory reports a short cell that names a category, such as
// "Category 2" or "interaction".
func reqLooksLikeCategory(s string) bool {
	c, spans := reqScanCategories(s, true)
	if c == 0 {
		return false
	}
	var rest strings.Builder
	at := 0
	for _, sp := range spans {
		rest.WriteString(s[at:sp[0]])
		rest.WriteByte(' ')
		at = sp[1]
	}
	rest.WriteString(s[at:])
	words := 0
	for _, w := range strings.Fields(rest.String()) {
		if _, header := reqLookupFold(reqHeaderWords, strings.Trim(w, "():,.?")); reqHasLetterOrDigit(w) && !header {
			words++
		}
	}
	return words == 0
}

// reqOneLine joins a cell's lines with spaces.
func reqOneLine(s string) string {
	return reqCollapseSpaces(strings.ReplaceAll(strings.TrimSpace(s), "\n", " "))
}

// reqDescription cleans a description: one line, without leading
// separators or trailing markup, capped.
func reqDescription(s string) string {
	s = reqOneLine(s)
	if strings.Contains(s, "( )") {
		s = reqCollapseSpaces(strings.ReplaceAll(s, "( )", "")) // a name cut out of its parentheses
	}
	s = strings.TrimLeft(s, " :-|,;=)>*_`")
	s = strings.TrimRight(s, " |,;=(<*_")
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") && strings.Count(s, "(") == 1 {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	if !reqHasLetterOrDigit(s) {
		return ""
	}
	return reqTruncate(s, reqMaxDescription)
}

// reqUniqueStrings drops empty strings and repeats (ignoring case).
func reqUniqueStrings(xs []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, x := range xs {
		if x != "" && !seen[strings.ToLower(x)] {
			seen[strings.ToLower(x)] = true
			out = append(out, x)
		}
	}
	return out
}
