// Package svgchart draws horizontal stacked bar charts as SVG, on the
// server: the survey page (bot/web) shows its charts with no script at all,
// under a Content-Security-Policy that forbids every script and inline
// style, and the same markup is a file that prints.
//
// A chart is a small, fixed layout: one bar per label, one segment per
// series, a legend above, a value axis with round ticks below. Every
// segment carries a <title> (a tooltip and what a screen reader says) and,
// when it is wide enough, its number, so that the chart still reads in
// black and white. Text is escaped: labels may come from Bugzilla.
package svgchart

import (
	"encoding/xml"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Chart is what to draw.
type Chart struct {
	// ID makes the chart's element ids unique in a page ("by-year"). It
	// must be letters, digits, '-' or '_'.
	ID    string
	Title string // the chart's accessible name, drawn too
	Desc  string // what it shows, for screen readers
	// Labels name the bars, top to bottom.
	Labels []string
	// Series name the segments of every bar, left to right, and the legend.
	Series []string
	// Values[i][j] is bar i's segment of series j, never negative.
	Values [][]int
	// Axis names what the values count ("collections").
	Axis string
	// Colors fill the series, by index; missing ones come from Palette.
	Colors []string
}

// Palette is the default series colours: Okabe and Ito's, which people
// with the common colour-vision deficiencies tell apart.
var Palette = []string{"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999"}

// Layout, in the viewBox's units (the chart scales to its container).
const (
	width       = 720
	barHeight   = 22
	barGap      = 8
	legendRow   = 22
	axisHeight  = 44
	labelChars  = 28 // a longer label is cut, whole in its <title>
	charWidth   = 7.2
	fontSize    = 13
	minNumWidth = 26                // a segment narrower than this shows no number
	maxTotal    = 1_000_000_000_000 // a bar longer than this is an error: sums and ticks stay far from overflow
)

// SVG renders the chart, or says what is wrong with it.
func (c Chart) SVG() (string, error) {
	if err := c.validate(); err != nil {
		return "", err
	}
	var b strings.Builder
	labelW := 0
	for _, l := range c.Labels {
		labelW = max(labelW, min(utf8.RuneCountInString(l), labelChars+1))
	}
	left := 12 + int(float64(labelW)*charWidth)
	right := 48 // room for a bar's total
	plotW := width - left - right

	legendLines := c.legendLayout()
	top := 28 + legendRow*len(legendLines)
	bars := max(len(c.Labels), 1)
	height := top + bars*(barHeight+barGap) + axisHeight

	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="%s" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-title %s-desc" font-family="system-ui, sans-serif" font-size="%d">
`,
		c.ID, width, height, c.ID, c.ID, fontSize)
	fmt.Fprintf(&b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>
`, c.ID, esc(c.Title), c.ID, esc(c.Desc))
	fmt.Fprintf(&b, `<text x="0" y="16" font-weight="bold" fill="currentColor">%s</text>
`, esc(c.Title))
	c.legend(&b, legendLines)

	axisMax, step := niceAxis(c.maxTotal())
	scale := float64(plotW) / float64(axisMax)
	plotBottom := top + bars*(barHeight+barGap)
	// Grid lines and ticks first, so that the bars are drawn over them.
	for v := 0; v <= axisMax; v += step {
		x := left + int(float64(v)*scale+0.5)
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="currentColor" stroke-opacity="0.2"/>
`, x, top-4, x, plotBottom)
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" fill="currentColor">%d</text>
`, x, plotBottom+16, v)
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" fill="currentColor">%s</text>
`, left+plotW/2, plotBottom+36, esc(c.Axis))

	if len(c.Labels) == 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" fill="currentColor">nothing to show</text>
`, left+8, top+barHeight-6)
	}
	for i, label := range c.Labels {
		y := top + i*(barHeight+barGap)
		fmt.Fprintf(&b, `<g class="bar-group"><text x="%d" y="%d" text-anchor="end" fill="currentColor">%s<title>%s</title></text>
`,
			left-8, y+barHeight-6, esc(cut(label)), esc(label))
		x, total := float64(left), 0
		for j, v := range c.Values[i] {
			if v == 0 {
				continue
			}
			w := float64(v) * scale
			fmt.Fprintf(&b, `<rect class="bar" x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"><title>%s, %s: %d</title></rect>
`,
				x, y, w, barHeight, c.color(j), esc(label), esc(c.Series[j]), v)
			if w >= minNumWidth {
				fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" fill="%s" aria-hidden="true">%d</text>
`,
					x+w/2, y+barHeight-6, inkOn(c.color(j)), v)
			}
			x += w
			total += v
		}
		fmt.Fprintf(&b, `<text class="total" x="%.1f" y="%d" fill="currentColor">%d</text></g>
`, x+6, y+barHeight-6, total)
	}
	b.WriteString(`</svg>`)
	return b.String(), nil
}

func (c Chart) validate() error {
	if c.ID == "" || strings.IndexFunc(c.ID, func(r rune) bool {
		return !(r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) >= 0 {
		return fmt.Errorf("svgchart: id %q: want letters, digits, - or _", c.ID)
	}
	if len(c.Series) == 0 {
		return errors.New("svgchart: " + c.ID + ": no series")
	}
	if len(c.Values) != len(c.Labels) {
		return fmt.Errorf("svgchart: %s: %d labels but %d rows of values", c.ID, len(c.Labels), len(c.Values))
	}
	for i, row := range c.Values {
		if len(row) != len(c.Series) {
			return fmt.Errorf("svgchart: %s: bar %q has %d values for %d series", c.ID, c.Labels[i], len(row), len(c.Series))
		}
		total := 0
		for _, v := range row {
			if v < 0 {
				return fmt.Errorf("svgchart: %s: bar %q has a negative value %d", c.ID, c.Labels[i], v)
			}
			if v > maxTotal || total+v > maxTotal {
				return fmt.Errorf("svgchart: %s: bar %q is over %d: too large to draw", c.ID, c.Labels[i], maxTotal)
			}
			total += v
		}
	}
	return nil
}

func (c Chart) maxTotal() int {
	m := 0
	for _, row := range c.Values {
		t := 0
		for _, v := range row {
			t += v
		}
		m = max(m, t)
	}
	return m
}

func (c Chart) color(j int) string {
	if j < len(c.Colors) && c.Colors[j] != "" {
		return c.Colors[j]
	}
	return Palette[j%len(Palette)]
}

// legendLayout splits the series into lines that fit the width.
func (c Chart) legendLayout() [][]int {
	var lines [][]int
	var line []int
	x := 0
	for j, s := range c.Series {
		w := 22 + int(float64(utf8.RuneCountInString(s))*charWidth) + 16
		if x+w > width && len(line) > 0 {
			lines = append(lines, line)
			line, x = nil, 0
		}
		line = append(line, j)
		x += w
	}
	return append(lines, line)
}

func (c Chart) legend(b *strings.Builder, lines [][]int) {
	b.WriteString("<g class=\"legend\">\n")
	for k, line := range lines {
		y, x := 28+k*legendRow, 0
		for _, j := range line {
			fmt.Fprintf(b, `<rect x="%d" y="%d" width="14" height="14" fill="%s"/><text x="%d" y="%d" fill="currentColor">%s</text>
`,
				x, y, c.color(j), x+20, y+12, esc(c.Series[j]))
			x += 22 + int(float64(utf8.RuneCountInString(c.Series[j]))*charWidth) + 16
		}
	}
	b.WriteString("</g>\n")
}

// niceAxis returns the axis's end and its tick step: steps of 1, 2 or 5
// times a power of ten, at most five of them, covering m.
func niceAxis(m int) (end, step int) {
	if m <= 0 {
		return 1, 1
	}
	for pow := 1; ; pow *= 10 {
		for _, f := range []int{1, 2, 5} {
			step = f * pow
			if (m+step-1)/step <= 5 {
				return (m + step - 1) / step * step, step
			}
		}
	}
}

// inkOn picks black or white text for a fill colour "#RRGGBB", by its
// luminance; black when the colour cannot be read.
func inkOn(fill string) string {
	if len(fill) != 7 || fill[0] != '#' {
		return "#000"
	}
	v, err := strconv.ParseUint(fill[1:], 16, 32)
	if err != nil {
		return "#000"
	}
	r, g, bl := float64(v>>16&0xff), float64(v>>8&0xff), float64(v&0xff)
	if 0.299*r+0.587*g+0.114*bl > 140 {
		return "#000"
	}
	return "#fff"
}

// cut shortens a label to labelChars runes.
func cut(s string) string {
	if utf8.RuneCountInString(s) <= labelChars {
		return s
	}
	r := []rune(s)
	return string(r[:labelChars-1]) + "…"
}

// esc escapes text for SVG (XML); characters XML cannot hold become U+FFFD.
func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}
