package policy

import (
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Markdown pipe tables (glean_parser writes one, without outer pipes) are
// recognised by goldmark's GFM table extension, run with the paragraph
// parser only and no inline parsers. A full goldmark parse is not safe on
// untrusted text: its inline parser is superlinear on inputs such as "[a]("
// repeated (a 1 MB line took minutes), while block parsing and the table
// transformer are linear. Cells are read as raw text.

var reqPipeTableParser = sync.OnceValue(func() parser.Parser {
	return parser.NewParser(
		parser.WithBlockParsers(util.Prioritized(parser.NewParagraphParser(), 1000)),
		parser.WithParagraphTransformers(util.Prioritized(extension.NewTableParagraphTransformer(), 200)),
		parser.WithASTTransformers(util.Prioritized(extension.NewTableASTTransformer(), 0)),
	)
})

// reqPipeTable is a table found in a run of lines: rows of cells, the
// first one being the GFM header, and the lines it spans.
type reqPipeTable struct {
	rows        [][]string
	first, last int // line indexes, inclusive
}

// reqPipeTables finds the GFM tables in lines (each a line of the answer,
// without quote markers). A run of lines with pipes but no delimiter row is
// not a table; its lines are read one by one.
func reqPipeTables(lines []string) []reqPipeTable {
	if !slices.ContainsFunc(lines, reqMayBeDelimiterRow) {
		return nil // goldmark would find no table: skip its parse
	}
	if t, ok := reqGFMTable(lines); ok {
		return t
	}
	return reqGoldmarkPipeTables(lines)
}

// reqGoldmarkPipeTables is reqPipeTables read by goldmark: for the lines
// reqGFMTable does not read.
func reqGoldmarkPipeTables(lines []string) []reqPipeTable {
	var src strings.Builder
	starts := make([]int, len(lines))
	for i, l := range lines {
		starts[i] = src.Len()
		src.WriteString(strings.TrimLeft(l, " \t"))
		src.WriteByte('\n')
	}
	b := []byte(src.String())
	doc := reqPipeTableParser().Parse(text.NewReader(b))
	lineOf := func(pos int) int {
		return max(sort.SearchInts(starts, pos+1)-1, 0)
	}
	var out []reqPipeTable
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		tbl, ok := n.(*east.Table)
		if !ok {
			continue
		}
		t := reqPipeTable{first: -1}
		for row := tbl.FirstChild(); row != nil; row = row.NextSibling() {
			var cells []string
			for c := row.FirstChild(); c != nil; c = c.NextSibling() {
				cells = append(cells, reqSegmentsText(c, b))
			}
			ln := reqNodeLine(row, lineOf)
			if ln >= 0 {
				if t.first < 0 {
					t.first = ln
				}
				t.last = max(t.last, ln)
			}
			// GFM drops cells beyond the header's count; keep them as one
			// more cell so that a category written there is still read
			if ln >= 0 {
				if extra := reqExtraCells(lines[ln], len(cells)); extra != "" {
					cells = append(cells, extra)
				}
			}
			t.rows = append(t.rows, cells)
		}
		if t.first >= 0 {
			if t.first+1 < len(lines) && t.last < t.first+1 {
				t.last = t.first + 1 // the delimiter row
			}
			out = append(out, t)
		}
	}
	return out
}

// reqMayBeDelimiterRow reports a line that may be a GFM delimiter row
// ("| --- | :-: |"): only pipes, colons, hyphens and spaces, with at least
// one hyphen. Without one, there is no table.
func reqMayBeDelimiterRow(line string) bool {
	hyphen := false
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '-':
			hyphen = true
		case '|', ':', ' ', '\t', '\n', '\v', '\f', '\r':
		default:
			return false
		}
	}
	return hyphen
}

// reqNodeLine returns the line of a table row node, or -1.
func reqNodeLine(row ast.Node, lineOf func(int) int) int {
	if p := row.Pos(); p >= 0 {
		return lineOf(p)
	}
	return -1
}

// reqSegmentsText returns a node's raw text with escaped pipes unescaped.
func reqSegmentsText(n ast.Node, src []byte) string {
	var b strings.Builder
	segs := n.Lines()
	for i := 0; segs != nil && i < segs.Len(); i++ {
		seg := segs.At(i)
		b.Write(seg.Value(src))
	}
	return strings.TrimSpace(strings.ReplaceAll(b.String(), `\|`, "|"))
}

// reqExtraCells returns the text after the n-th unescaped pipe of a row
// (outer pipes trimmed): the cells GFM drops, "" when there are none.
func reqExtraCells(line string, n int) string {
	s := strings.TrimSpace(line)
	s = strings.TrimPrefix(s, "|")
	s = strings.TrimSuffix(s, "|")
	seen := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '|' && (i == 0 || s[i-1] != '\\') {
			seen++
			if seen == n {
				return strings.TrimSpace(s[i+1:])
			}
		}
	}
	return ""
}
