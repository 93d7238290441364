package svgchart

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

// Whatever the labels and values, the chart is well-formed XML with one
// bar per non-zero value, or an error; never a panic.
func FuzzChart(f *testing.F) {
	f.Add("Firefox", "1 technical", 3, 0)
	f.Add("</text><script>", "\x00\ufffe&amp;", -1, 7)
	f.Add(strings.Repeat("é", 80), "", 1000000, 1)
	f.Fuzz(func(t *testing.T, label, series string, a, b int) {
		c := Chart{ID: "f", Title: label, Desc: series, Labels: []string{label, series}, Series: []string{series, label},
			Values: [][]int{{a, b}, {b, a}}}
		svg, err := c.SVG()
		if err != nil {
			if a >= 0 && b >= 0 && a+b <= maxTotal && a <= maxTotal && b <= maxTotal {
				t.Fatalf("non-negative values refused: %v", err)
			}
			return
		}
		bars := 0
		d := xml.NewDecoder(strings.NewReader(svg))
		for {
			tok, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("not well-formed: %v\n%s", err, svg)
			}
			if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "script" {
				t.Fatalf("a script element:\n%s", svg)
			}
			if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "rect" {
				for _, at := range se.Attr {
					if at.Name.Local == "class" && at.Value == "bar" {
						bars++
					}
				}
			}
		}
		want := 0
		for _, v := range []int{a, b} {
			if v > 0 {
				want += 2
			}
		}
		if bars != want {
			t.Fatalf("%d bars, want %d", bars, want)
		}
	})
}
