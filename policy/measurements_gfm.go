package policy

import "strings"

// reqGFMTable reads the GFM table in a run of lines with pipes as
// goldmark's table extension, run with the paragraph parser only, reads it
// (reqGoldmarkPipeTables), without building its syntax tree: goldmark was
// a sixth of the parse of a form with a pipe table. It reads only lines
// with no control byte but the tab, all non-blank: one paragraph, whose
// spaces are ' ' and '\t' alone; ok is false for other lines, which
// goldmark reads. FuzzReqGFMTable checks both readings agree.
//
// goldmark's rules, as this follows them: the first line after the first
// that is a delimiter row ("| --- | :-: |") makes the line before it the
// header and every line after it a row; a header with more cells than the
// delimiter has columns means no table at all; a row's cells beyond that
// count are dropped and missing ones are empty.
func reqGFMTable(lines []string) (tables []reqPipeTable, ok bool) {
	for _, l := range lines {
		if !reqGFMPlainLine(l) {
			return nil, false
		}
	}
	for i := 1; i < len(lines); i++ {
		cols := reqGFMDelimiterColumns(lines[i])
		if cols == 0 {
			continue
		}
		header := reqGFMRow(lines[i-1], cols, true)
		if len(header) > cols {
			return nil, true
		}
		t := reqPipeTable{first: i - 1, last: i}
		t.rows = append(t.rows, reqGFMWithExtra(header, lines[i-1]))
		for j := i + 1; j < len(lines); j++ {
			t.rows = append(t.rows, reqGFMWithExtra(reqGFMRow(lines[j], cols, false), lines[j]))
			t.last = j
		}
		return []reqPipeTable{t}, true
	}
	return nil, true
}

// reqGFMPlainLine reports a line reqGFMTable reads: not blank, and no
// control byte but the tab.
func reqGFMPlainLine(l string) bool {
	blank := true
	for i := 0; i < len(l); i++ {
		c := l[i]
		if c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
		blank = blank && (c == ' ' || c == '\t')
	}
	return !blank
}

// reqGFMTrim trims goldmark's spaces (here ' ' and '\t') at both ends.
func reqGFMTrim(s string) string { return strings.Trim(s, " \t") }

// reqGFMDelimiterColumns returns the number of columns of a delimiter row
// (each cell ":?-+:?" between spaces, outer pipes optional), or 0.
func reqGFMDelimiterColumns(line string) int {
	line = reqGFMTrim(line)
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case ' ', '\t', '-', '|', ':':
		default:
			return 0
		}
	}
	cols := strings.Split(line, "|")
	if reqGFMTrim(cols[0]) == "" {
		cols = cols[1:]
	}
	if len(cols) > 0 && reqGFMTrim(cols[len(cols)-1]) == "" {
		cols = cols[:len(cols)-1]
	}
	for _, c := range cols {
		c = strings.TrimSuffix(strings.TrimPrefix(reqGFMTrim(c), ":"), ":")
		if c == "" || strings.Trim(c, "-") != "" {
			return 0
		}
	}
	return len(cols)
}

// reqGFMRow splits a row into its cells as goldmark does: outer pipes
// dropped, a pipe after a backslash kept in its cell; a body row stops at
// cols cells, a header keeps them all; both are padded to cols. A cell is
// its text trimmed, "\|" written "|".
func reqGFMRow(line string, cols int, header bool) []string {
	line = reqGFMTrim(line)
	pos, limit := 0, len(line)
	if len(line) > 0 && line[0] == '|' {
		pos++
	}
	if len(line) > 0 && line[limit-1] == '|' {
		limit--
	}
	cells := make([]string, 0, cols)
	for pos < limit {
		if len(cells) >= cols && !header {
			return cells
		}
		end := pos
		for end < limit && !(line[end] == '|' && (end == 0 || line[end-1] != '\\')) {
			end++
		}
		cells = append(cells, strings.TrimSpace(strings.ReplaceAll(reqGFMTrim(line[pos:end]), `\|`, "|")))
		pos = end + 1
	}
	for len(cells) < cols {
		cells = append(cells, "")
	}
	return cells
}

// reqGFMWithExtra keeps, as reqGoldmarkPipeTables does, the cells GFM drops
// beyond the header's count as one more cell.
func reqGFMWithExtra(cells []string, line string) []string {
	if extra := reqExtraCells(line, len(cells)); extra != "" {
		cells = append(cells, extra)
	}
	return cells
}
