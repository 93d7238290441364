package policy

import "strings"

// Telling a table's header row from its measurements by what the cells
// say, not by their markup: requesters write headers as <th>, as <td> with
// <strong>, as "**bold**" cells, as an ordinary row, or as the first line of
// columns pasted from a spreadsheet. A header row is never a measurement.

// reqMaxHeaderCellWords is the most words a column title has ("Supports
// answering which question?" has four).
const reqMaxHeaderCellWords = 6

// reqIsTableHeader reports a header row. Any row made only of header words
// ("Measurement Description | Data Collection Category | Tracking Bug #")
// is one. The first row of a table is one too when it holds column titles
// and no values: at least two cells, at least half of them naming a column
// (measurement, name, description, category, bug...), every cell short, and
// none holding a value of a measurement (an identifier, a category, a bug
// reference, a number).
func reqIsTableHeader(row []string, first bool) bool {
	if reqIsHeaderRow(row) {
		return true
	}
	if !first {
		return false
	}
	cells, titled := 0, 0
	for _, c := range row {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		cells++
		if reqCountWords(c) > reqMaxHeaderCellWords || reqHoldsValue(c) {
			return false
		}
		if reqColumnRole(c) != reqRoleNone {
			titled++
		}
	}
	return cells >= 2 && titled*2 >= cells
}

// reqHoldsValue reports a cell that holds what a measurement row holds and a
// column title does not: an identifier, a category (by number or name), a
// bug reference, or a number.
func reqHoldsValue(c string) bool {
	if name, _, _ := reqFindName(c, false); name != "" {
		return true
	}
	if cat, _ := reqScanCategories(c, true); cat > 0 {
		return true
	}
	if reqFindBugRef(c) != "" || reqIsBareBug(c) {
		return true
	}
	_, ok := reqBareCategory(c)
	return ok || reqIsNumber(c)
}

// reqCountWords counts the words of s.
func reqCountWords(s string) int {
	n := 0
	for i := 0; ; n++ {
		st, en := reqNextWord(s, i)
		if st >= len(s) {
			return n
		}
		i = en
	}
}

// reqIsNumber reports a cell that is only digits (and markup around them).
func reqIsNumber(s string) bool {
	s = strings.Trim(s, " \t*_`#")
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !reqIsDigit(s[i]) {
			return false
		}
	}
	return true
}

// reqBareCategoryTrim is what reqBareCategory trims around a cell.
var reqBareCategoryTrim = reqByteSet(" \t*_`()?")

// reqBareCategory reads a cell that is only a category number, as a
// spreadsheet column of categories holds: "2", "2?", "(3)", "1, 2" or
// "2-3" for a row that reaches two categories (the higher one counts), and
// "2.5", a row between two categories, which reaches the higher one: 3.
func reqBareCategory(s string) (int, bool) {
	s = reqTrimSet(s, &reqBareCategoryTrim)
	if len(s) == 3 && '1' <= s[0] && s[0] <= '3' && s[1:] == ".5" {
		return int(s[0]-'0') + 1, true // "2.5": the row reaches 3
	}
	best := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case '1' <= c && c <= '4':
			if i+1 < len(s) && reqIsDigit(s[i+1]) {
				return 0, false
			}
			best = max(best, int(c-'0'))
		case c == '.' || c == '-' || c == '/' || c == ',' || c == ' ' || c == '&':
			if i == 0 || i == len(s)-1 {
				return 0, false
			}
		default:
			return 0, false
		}
	}
	return best, best > 0
}

// reqBareCategoryColumns returns, for each column of the data rows, whether
// every non-empty cell of it is a bare category number: a column of
// categories pasted without its header. The first column never is (it
// names the measurement).
func reqBareCategoryColumns(rows [][]string, skip func(i int) bool) []bool {
	n := 0
	for _, r := range rows {
		n = max(n, len(r))
	}
	cols := make([]bool, n)
	seen := make([]bool, n)
	for k := 1; k < n; k++ {
		cols[k] = true
	}
	for i, r := range rows {
		if skip(i) {
			continue
		}
		for k := 1; k < n; k++ {
			if k >= len(r) || strings.TrimSpace(r[k]) == "" {
				continue
			}
			seen[k] = true
			if _, ok := reqBareCategory(r[k]); !ok {
				cols[k] = false
			}
		}
	}
	for k := range cols {
		cols[k] = cols[k] && seen[k]
	}
	return cols
}

// reqIsPlaceholderRow reports a row of a template's own making, every cell
// a placeholder wrapped in brackets: "(description) | (Category #) |
// (#FXA-0000)". It is template text, not a measurement.
func reqIsPlaceholderRow(row []string) bool {
	n := 0
	for _, c := range row {
		c = strings.Trim(c, " \t*_`")
		if c == "" {
			continue
		}
		if len(c) < 3 || strings.IndexByte("([<", c[0]) < 0 || c[len(c)-1] != map[byte]byte{'(': ')', '[': ']', '<': '>'}[c[0]] {
			return false
		}
		n++
	}
	return n > 0
}
