package policy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReadReqHTMLTable(t *testing.T) {
	tests := []struct {
		name   string
		html   string
		rows   [][]string
		header []bool
		rest   string // what follows the table
	}{
		{
			name:   "template",
			html:   "<table>\n  <tr>\n    <td>Measurement Description</td>\n    <td>Data Collection Category</td>\n  </tr>\n  <tr>\n    <td></td>\n    <td></td>\n  </tr>\n</table>\nafter",
			rows:   [][]string{{"Measurement Description", "Data Collection Category"}, {"", ""}},
			header: []bool{false, false},
			rest:   "\nafter",
		},
		{
			name:   "th, nested tags, multi-line cells, entities",
			html:   "<TABLE><tr><th>Name</th><th>Category</th></tr><tr><td><code>a.b</code> &amp; <b>more</b></td><td>Category 2<br>(interaction)</td></tr></TABLE>x",
			rows:   [][]string{{"Name", "Category"}, {"a.b & more", "Category 2\n(interaction)"}},
			header: []bool{true, false},
			rest:   "x",
		},
		{
			name:   "nested table flattened into its cell, missing and extra cells",
			html:   "<table><tr><td>a<table><tr><td>inner</td></tr></table></td></tr><tr><td>1</td><td>2</td><td>3</td></tr></table>",
			rows:   [][]string{{"a\ninner"}, {"1", "2", "3"}},
			header: []bool{false, false},
		},
		{
			name:   "cells without rows, unclosed",
			html:   "<table><td>x</td><td>y",
			rows:   [][]string{{"x", "y"}},
			header: []bool{false},
		},
		{
			name:   "script ignored",
			html:   "<table><tr><td>a<script>var x = '</td>';</script>b</td></tr></table>",
			rows:   [][]string{{"ab"}},
			header: []bool{false},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tbl, n := readReqHTMLTable(tt.html)
			if diff := cmp.Diff(tbl.rows, tt.rows); diff != "" {
				t.Errorf("rows (-got +want):\n%s", diff)
			}
			if diff := cmp.Diff(tbl.header, tt.header); diff != "" {
				t.Errorf("header (-got +want):\n%s", diff)
			}
			if rest := tt.html[n:]; rest != tt.rest {
				t.Errorf("rest = %q, want %q", rest, tt.rest)
			}
		})
	}
}

func TestHTMLToRequestText(t *testing.T) {
	in := `<html><head><title>t</title><style>p{}</style></head><body>
<h1>Title</h1>
<p>Intro &ldquo;quoted&rdquo;&nbsp;text,
split over lines.</p>
<ol start="5"><li><p>Fifth</p><p>its answer</p><ul><li>a bullet</li></ul></li><li value="9">Ninth</li></ol>
<p><a href="https://example.com/x">a link</a> <del>struck</del> <input type="checkbox" checked> ticked</p>
<table><tr><td>a &lt; b</td></tr></table>
<pre>keep
  this</pre>
</body></html>`
	want := strings.Join([]string{
		"Title",
		"Intro \u201cquoted\u201d\u00a0text, split over lines.",
		"5) Fifth",
		"its answer",
		"  * a bullet",
		"9) Ninth",
		"[a link](https://example.com/x) ~~struck~~ [x] ticked",
		"<table><tr><td>a &lt; b</td></tr></table>",
		"keep",
		"  this",
	}, "\n") + "\n"
	if got := htmlToRequestText(in); got != want {
		t.Errorf("htmlToRequestText:\n%s\nwant:\n%s", got, want)
	}
}

func TestReqHTMLBlockTags(t *testing.T) {
	for text, want := range map[string]int{
		"plain text":                                      0,
		"<table><tr><td>x</td></tr></table>":              0,
		"<table><tr><td>a<br>b<p>c</td></tr></TABLE><br>": 1,
		"<p>a</p><br/><LI>b<ol start=2>":                  4,
		"a <b>bold</b> <br> x<p":                          1,
	} {
		if got := reqHTMLBlockTags(text); got != want {
			t.Errorf("reqHTMLBlockTags(%q) = %d, want %d", text, got, want)
		}
	}
}
