package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/policy"
)

// reportColumns are the survey report's columns, in order (docs/report.md).
var reportColumns = []string{
	"bug", "outcome", "decided", "steward", "form", "measurement", "category", "category_name",
	"default_on", "channels", "expiry", "expiry_dates", "owner", "private",
}

// maxReportCell bounds one cell: form text can be long.
const maxReportCell = 300

// surveyTable turns the reviewed collections into the report's rows, in
// the store's order (bug, measurement). Unless showPrivate, the collections
// of a private bug or form are folded into one row per request that shows
// only the bug, the outcome and the date, and reads "private bug N".
func surveyTable(rows []store.ReviewedCollection, showPrivate bool) [][]string {
	out := [][]string{reportColumns}
	hidden := map[int]bool{} // flags already shown as one private row
	for _, r := range rows {
		outcome := map[string]string{"+": "granted", "-": "denied"}[r.Status]
		decided := ""
		if !r.DecidedAt.IsZero() {
			decided = r.DecidedAt.UTC().Format(time.DateOnly)
		}
		bug := strconv.Itoa(r.BugID)
		if r.Private() && !showPrivate {
			if hidden[r.FlagID] {
				continue
			}
			hidden[r.FlagID] = true
			out = append(out, []string{bug, outcome, decided, "", "", "private bug " + bug, "", "", "", "", "", "", "", "yes"})
			continue
		}
		category, categoryName := "", ""
		if r.Category > 0 {
			category, categoryName = strconv.Itoa(r.Category), policy.CategoryName(r.Category)
		}
		private := "no"
		if r.Private() {
			private = "yes"
		}
		out = append(out, []string{bug, outcome, decided, r.Steward, r.FormKey, r.Measurement, category, categoryName,
			r.DefaultOn, strings.Join(r.Channels, ", "), r.Expiry, strings.Join(r.ExpiryDates, " "), r.Owner, private})
	}
	return out
}

// reportWriters write the table in each --format.
var reportWriters = map[string]func(io.Writer, [][]string) error{
	"csv":      writeReportCSV,
	"markdown": writeReportMarkdown,
}

// writeReportCSV writes RFC 4180 CSV with a header row. Cells are made one
// line of printable text, and a cell a spreadsheet would read as a formula
// (=, +, -, @ first) gets a leading apostrophe: the text is the
// requester's, and the survey is read in spreadsheets.
func writeReportCSV(w io.Writer, table [][]string) error {
	cw := csv.NewWriter(w)
	for i, row := range table {
		if i > 0 {
			clean := make([]string, len(row))
			for k, c := range row {
				clean[k] = csvCell(c)
			}
			row = clean
		}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("csv: %w", err)
	}
	return nil
}

// csvCell makes one cell safe for a spreadsheet.
func csvCell(s string) string {
	s = policy.PlainText(s, maxReportCell)
	if s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
		s = "'" + s
	}
	return s
}

// writeReportMarkdown writes a GitHub-flavoured markdown table. Every cell
// goes through policy.InlineText, which makes it one line of inert
// markdown (no link, mention, HTML or emphasis; pipes escaped): the text is
// the requester's. The header is the column names as they are.
func writeReportMarkdown(w io.Writer, table [][]string) error {
	var b strings.Builder
	for i, row := range table {
		b.WriteString("|")
		for _, c := range row {
			if i > 0 { // the header is ours
				c = policy.InlineText(c, maxReportCell)
			}
			b.WriteString(" " + c + " |")
		}
		b.WriteString("\n")
		if i == 0 {
			b.WriteString("|")
			for range row {
				b.WriteString(" --- |")
			}
			b.WriteString("\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
