package policy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// reqGFMSamples are runs of lines at the edges of goldmark's table rules.
var reqGFMSamples = []string{
	"a | b\n--- | ---\nc | d",
	"| a | b |\n|---|:-:|\n| c | d | e |\n| f |",
	"| Measurement | Category |\n| --- | --- |\n| x.y | 2 |",
	"a | b | c\n--- | ---\nc | d", // header wider than the delimiter: no table
	"a\n|---|\nb | c\nd",
	"x | y\nnot a table | at all",
	"a \\| b | c\n---|---\nd \\| e | f\\|",
	"| a |\n| :--- |\n| b |\n| ---- |",
	"a | b\n---|---", // header only
	"a | b\n|", "|\n|---|", "||\n|-|-|\n||",
	"a | b\n --- | --- \n c | d ",
	"a | b\n:-: | :-\nc",
	"a | b\n-:- | ---\nc | d", "a | b\n: | ---\nc | d", "a | b\n::- | ---\nc | d",
	"a | b\n---\nc | d", "a | b\nc | d\n---",
	"a|b\n-|-\n`c|d`|e",
	"\u00a0a | b\n---|---\nc\u00a0| d",
}

func reqGFMLines(s string) []string { return strings.Split(s, "\n") }

func checkReqGFMTable(t *testing.T, s string) {
	t.Helper()
	lines := reqGFMLines(s)
	got, ok := reqGFMTable(lines)
	if !ok {
		return // goldmark reads these
	}
	if diff := cmp.Diff(got, reqGoldmarkPipeTables(lines), cmp.AllowUnexported(reqPipeTable{})); diff != "" {
		t.Errorf("tables in %q (-got +want):\n%s", s, diff)
	}
}

func TestReqGFMTableMatchesGoldmark(t *testing.T) {
	for _, s := range reqGFMSamples {
		t.Run("", func(t *testing.T) { checkReqGFMTable(t, s) })
	}
}

func FuzzReqGFMTable(f *testing.F) {
	for _, s := range reqGFMSamples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkReqGFMTable(t, s) })
}
