package policy

import "strings"

// Measurements written as text: pipe tables, tab-separated rows, label
// blocks ("Annotation description: …", "Data collection category: …",
// "Tracking bug: …", or the labels on lines of their own followed by the
// values), and bullet or plain items. A bullet or line naming an identifier
// starts a measurement; deeper bullets and the plain lines right after it
// add to it.

// reqTextLine is one non-blank line of the measurement answer.
type reqTextLine struct {
	content     string // without quote markers and indentation
	indent      int
	blankBefore bool // a blank line (or only markup) comes before it
}

func (ms *reqMeasurements) addText(text string) {
	var lines []reqTextLine
	blank := false
	for l := range strings.SplitSeq(text, "\n") {
		for {
			t := strings.TrimLeft(l, " \t")
			if !strings.HasPrefix(t, ">") {
				break
			}
			l = t[1:]
		}
		c := strings.TrimSpace(l)
		if !reqHasLetterOrDigit(c) && !strings.Contains(c, "|") {
			blank = true // blank lines are not kept: 10^7 of them cost nothing
			continue
		}
		lines = append(lines, reqTextLine{content: c, indent: len(l) - len(strings.TrimLeft(l, " \t")), blankBefore: blank})
		blank = false
	}
	// run returns the end of the run of lines from i that contain sep,
	// with no blank line between them
	run := func(i int, sep string) int {
		j := i + 1
		for j < len(lines) && !lines[j].blankBefore && strings.Contains(lines[j].content, sep) {
			j++
		}
		return j
	}
	r := reqTextReader{ms: ms, lines: lines}
	notAligned := 0 // lines before this belong to a run already found not to be a table
	for i := 0; i < len(lines); {
		c := lines[i].content
		// a run of lines with pipes may hold GFM tables
		if strings.Contains(c, "|") {
			if j := run(i, "|"); j-i >= 2 {
				r.pipeRun(i, j)
				i = j
				continue
			}
		}
		// tab-separated rows, as copied from a rendered table
		if strings.Contains(c, "\t") {
			if j := run(i, "\t"); j-i >= 2 {
				r.flush()
				var rows [][]string
				for _, l := range lines[i:j] {
					rows = append(rows, strings.Split(l.content, "\t"))
				}
				ms.addTable(rows, nil)
				i = j
				continue
			}
		}
		// columns aligned with spaces, as pasted from a spreadsheet or a
		// terminal
		if i < notAligned {
			i = r.line(i)
			continue
		}
		if j, end := reqAlignedRun(lines, i); j > i {
			r.flush()
			rows := make([][]string, 0, j-i)
			for _, l := range lines[i:j] {
				rows = append(rows, reqSplitColumns(l.content))
			}
			ms.addTable(rows, nil)
			i = j
			continue
		} else {
			notAligned = end // a run that is not a table: its lines are read one by one
		}
		i = r.line(i)
	}
	r.flush()
}

// reqTextReader holds the item or label block being read.
type reqTextReader struct {
	ms    *reqMeasurements
	lines []reqTextLine

	item       strings.Builder
	itemOpen   bool
	itemIndent int
	blankAfter bool // a blank line since the item's last line

	block   reqRow
	pending reqRole // a label on its own line waiting for its value
}

// pipeRun reads lines[from:to], which all contain pipes: the GFM tables in
// it, and its other lines one by one.
func (r *reqTextReader) pipeRun(from, to int) {
	run := make([]string, to-from)
	for k := range run {
		run[k] = r.lines[from+k].content
	}
	tables := reqPipeTables(run)
	if len(tables) == 0 {
		// no delimiter row: rows written with pipes as an ordinary table
		if rows := reqPipeRows(run); rows != nil {
			r.flush()
			r.ms.addTable(rows, nil)
			return
		}
	}
	next := 0
	for _, t := range tables {
		for k := next; k < t.first; k++ {
			r.line(from + k)
		}
		r.flush()
		r.ms.addTable(t.rows, nil)
		next = t.last + 1
	}
	for k := next; k < len(run); k++ {
		r.line(from + k)
	}
}

// line reads line i and returns the index of the next line to read.
func (r *reqTextReader) line(i int) int {
	l := r.lines[i]
	if l.blankBefore {
		r.blankAfter = true
	}
	body, bullet := reqStripBullet(l.content)

	// labels
	if role, value, ok := reqLabelLine(body); ok {
		if value != "" {
			r.flushItem()
			r.addLabel(role, value)
			return i + 1
		}
		// labels on lines of their own: several in a row are a header
		// whose values follow, one line per cell
		var header []reqRole
		j := i
		for j < len(r.lines) {
			b, _ := reqStripBullet(r.lines[j].content)
			rl, v, ok := reqLabelLine(b)
			if !ok || v != "" {
				break
			}
			header = append(header, rl)
			j++
		}
		r.flush()
		if len(header) == 1 {
			r.pending = role
			return i + 1
		}
		var cells []string
		rows := 0
		for ; j < len(r.lines); j++ {
			if r.lines[j].blankBefore && cells == nil && rows > 0 {
				break // a blank line after a whole row ends the values
			}
			b, _ := reqStripBullet(r.lines[j].content)
			if _, _, ok := reqLabelLine(b); ok {
				break
			}
			cells = append(cells, b)
			if len(cells) == len(header) {
				r.ms.addRow(reqRow{cells: cells, roles: header, camel: true, isTable: true})
				cells = nil
				rows++
			}
		}
		if len(cells) > 0 {
			r.ms.addRow(reqRow{cells: cells, roles: header[:len(cells)], camel: true, isTable: true})
		}
		return j
	}
	if r.pending != reqRoleNone {
		role := r.pending
		r.pending = reqRoleNone
		r.addLabel(role, body)
		return i + 1
	}
	if len(r.block.cells) > 0 {
		r.flushBlock()
	}

	// items
	name, _, _ := reqFindName(body, false)
	switch {
	case name != "" && (bullet || !r.itemOpen || r.blankAfter || l.indent <= r.itemIndent):
		r.flushItem()
		r.openItem(body, l.indent)
	case r.itemOpen && bullet && l.indent > r.itemIndent:
		r.appendItem(body)
	case bullet:
		r.flushItem()
		r.openItem(body, l.indent)
	case r.itemOpen && !r.blankAfter:
		r.appendItem(body)
	default:
		r.flushItem() // prose
	}
	return i + 1
}

func (r *reqTextReader) openItem(body string, indent int) {
	r.item.Reset()
	r.item.WriteString(body)
	r.itemOpen, r.itemIndent, r.blankAfter = true, indent, false
}

func (r *reqTextReader) appendItem(body string) {
	r.item.WriteByte('\n')
	r.item.WriteString(body)
	r.blankAfter = false
}

func (r *reqTextReader) flushItem() {
	if !r.itemOpen {
		return
	}
	r.itemOpen = false
	for _, part := range reqSplitItem(r.item.String()) {
		r.ms.addRow(reqRow{cells: []string{part}})
	}
}

func (r *reqTextReader) addLabel(role reqRole, value string) {
	for _, have := range r.block.roles {
		if have == role {
			r.flushBlock()
			break
		}
	}
	r.block.cells = append(r.block.cells, value)
	r.block.roles = append(r.block.roles, role)
}

func (r *reqTextReader) flushBlock() {
	if len(r.block.cells) > 0 {
		r.block.camel, r.block.isTable = true, true
		r.ms.addRow(r.block)
	}
	r.block = reqRow{}
}

func (r *reqTextReader) flush() {
	r.flushItem()
	r.flushBlock()
	r.pending = reqRoleNone
}

// reqStripBullet removes a list marker ("* ", "- ", "+ ", "1. ", "1) ") and
// reports whether there was one.
func reqStripBullet(s string) (string, bool) {
	if len(s) >= 2 && (s[0] == '*' || s[0] == '-' || s[0] == '+') && (s[1] == ' ' || s[1] == '\t') {
		return strings.TrimSpace(s[2:]), true
	}
	i := 0
	for i < len(s) && i < 3 && reqIsDigit(s[i]) {
		i++
	}
	if i > 0 && i+1 < len(s) && (s[i] == '.' || s[i] == ')') && (s[i+1] == ' ' || s[i+1] == '\t') {
		return strings.TrimSpace(s[i+2:]), true
	}
	return s, false
}

// reqLabels are the labels of measurement blocks, lower case.
var reqLabels = map[string]reqRole{
	"measurement name": reqRoleName, "metric name": reqRoleName, "probe name": reqRoleName,
	"annotation name": reqRoleName, "name": reqRoleName, "annotation": reqRoleName, "probe": reqRoleName,
	"metric": reqRoleName, "measurement": reqRoleName, "key": reqRoleName, "event": reqRoleName,
	"scalar": reqRoleName, "histogram": reqRoleName, "telemetry probe": reqRoleName,

	"annotation description": reqRoleDesc, "measurement description": reqRoleDesc,
	"metric description": reqRoleDesc, "probe description": reqRoleDesc, "description": reqRoleDesc,

	"data collection category": reqRoleCat, "collection category": reqRoleCat, "data category": reqRoleCat,
	"category": reqRoleCat, "data sensitivity": reqRoleCat, "sensitivity": reqRoleCat,
	"data collection type": reqRoleCat, "category of data": reqRoleCat,

	"tracking bug #": reqRoleBug, "tracking bug": reqRoleBug, "tracking bug number": reqRoleBug,
	"bug #": reqRoleBug, "bug": reqRoleBug, "bugs": reqRoleBug, "bug number": reqRoleBug,
}

// reqLabelLine reads "Label: value" or a label alone on its line.
func reqLabelLine(s string) (role reqRole, value string, ok bool) {
	s = strings.Trim(s, "*_ \t")
	label := s
	if i := strings.IndexByte(s, ':'); i >= 0 && i <= 40 {
		label, value = s[:i], strings.TrimSpace(strings.Trim(s[i+1:], "*_ \t"))
	} else if len(s) > 40 {
		return 0, "", false
	}
	label = strings.ToLower(reqCollapseSpaces(strings.Trim(label, "*_ \t")))
	label = strings.TrimSuffix(label, ":")
	if role, ok := reqLabels[label]; ok {
		return role, value, true
	}
	if role, ok := reqLabels[strings.TrimSpace(strings.TrimSuffix(label, "#"))]; ok {
		return role, value, true
	}
	return 0, "", false
}

// reqSplitItem splits a line that lists several measurements, each with
// its own category ("a.b (category 2), c.d (category 1)"), as a form
// flattened into one paragraph does. Otherwise the item stays whole.
func reqSplitItem(item string) []string {
	var cuts []int
	prevEnd, split := -1, true
	for sc := (reqNameScanner{s: item}); ; {
		_, kind, st, en, ok := sc.next()
		if !ok {
			break
		}
		if kind != reqIdentDotted {
			continue
		}
		if prevEnd >= 0 {
			cut := reqItemSeparator(item[prevEnd:st])
			if cut < 0 {
				split = false
				break
			}
			cuts = append(cuts, prevEnd+cut)
		}
		prevEnd = en
	}
	if !split || len(cuts) == 0 {
		return []string{item}
	}
	parts := make([]string, 0, len(cuts)+1)
	from := 0
	for _, c := range cuts {
		parts = append(parts, item[from:c])
		from = c
	}
	parts = append(parts, item[from:])
	for _, p := range parts {
		if c, _ := reqScanCategories(reqMaskNames(p), true); c == 0 {
			return []string{item}
		}
	}
	return parts
}

// reqItemSeparator returns where, in the text between two names, the next
// measurement starts: after the last ", ", "; ", " and ", " * " or " - "
// that only markup follows; -1 if there is none.
func reqItemSeparator(between string) int {
	best := -1
	for _, sep := range []string{",", ";", " and ", " * ", " - ", "\n"} {
		if i := strings.LastIndex(between, sep); i >= 0 {
			end := i + len(sep)
			if !reqHasLetterOrDigit(between[end:]) && end > best {
				best = end
			}
		}
	}
	return best
}

// reqSplitColumns splits a line of a plain-text table into cells at tabs
// and at runs of two or more spaces.
func reqSplitColumns(line string) []string {
	var cells []string
	from := 0
	for i := 0; i < len(line); {
		c := line[i]
		if c != '\t' && !(c == ' ' && i+1 < len(line) && (line[i+1] == ' ' || line[i+1] == '\t')) {
			i++
			continue
		}
		j := i
		for j < len(line) && (line[j] == ' ' || line[j] == '\t') {
			j++
		}
		cells = append(cells, line[from:i])
		from, i = j, j
	}
	return append(cells, line[from:])
}

// reqAlignedRun returns the end of a run of plain-text table rows starting
// at lines[i], or i when there is none, and the end of the run of lines it
// looked at (so that they are not looked at again): at least two lines with no blank
// line between them, each split by runs of two or more spaces into the same
// number (two or more) of cells, and a column other than the first whose
// cells are all short (a category, a bug number, a word or two). Prose
// with two spaces after its full stops does not line up that way.
func reqAlignedRun(lines []reqTextLine, i int) (int, int) {
	n := reqAlignedCells(lines[i].content)
	if n < 2 {
		return i, i
	}
	j := i + 1
	for j < len(lines) && !lines[j].blankBefore && reqAlignedCells(lines[j].content) == n {
		j++
	}
	if j-i < 2 {
		return i, j
	}
	short := make([]bool, n)
	for k := 1; k < n; k++ {
		short[k] = true
	}
	for _, l := range lines[i:j] {
		for k, c := range reqSplitColumns(l.content) {
			if k > 0 && reqCountWords(c) > 3 {
				short[k] = false
			}
		}
	}
	for _, ok := range short {
		if ok {
			return j, j
		}
	}
	return i, j
}

// reqAlignedCells counts the cells of a line split at runs of two or more
// spaces, 0 when it has no such run (and so is not a row).
func reqAlignedCells(line string) int {
	if !strings.Contains(line, "  ") {
		return 0
	}
	n := 1
	for i := 0; i < len(line); i++ {
		if line[i] == '\t' || (line[i] == ' ' && i+1 < len(line) && (line[i+1] == ' ' || line[i+1] == '\t')) {
			n++
			for i+1 < len(line) && (line[i+1] == ' ' || line[i+1] == '\t') {
				i++
			}
		}
	}
	return n
}

// reqPipeRows splits lines written as table rows with pipes but no GFM
// delimiter row ("Measurement | Category | Bug" then one row per
// measurement) into cells; nil unless every line has the same number of
// cells, two or more.
func reqPipeRows(lines []string) [][]string {
	rows := make([][]string, 0, len(lines))
	for _, l := range lines {
		l = strings.TrimSpace(l)
		l = strings.TrimSuffix(strings.TrimPrefix(l, "|"), "|")
		cells := strings.Split(l, "|")
		if len(cells) < 2 || (len(rows) > 0 && len(cells) != len(rows[0])) {
			return nil
		}
		for k := range cells {
			cells[k] = strings.TrimSpace(cells[k])
		}
		rows = append(rows, cells)
	}
	return rows
}
