package svgchart

import (
	"encoding/xml"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func TestNiceAxis(t *testing.T) {
	for _, tt := range []struct{ max, end, step int }{
		{0, 1, 1}, {-3, 1, 1}, {1, 1, 1}, {5, 5, 1}, {6, 6, 2}, {10, 10, 2}, {11, 15, 5},
		{25, 25, 5}, {26, 30, 10}, {99, 100, 20}, {1234, 1500, 500}, {1000000, 1000000, 200000},
	} {
		t.Run(strconv.Itoa(tt.max), func(t *testing.T) {
			end, step := niceAxis(tt.max)
			if end != tt.end || step != tt.step {
				t.Errorf("niceAxis(%d) = %d, %d; want %d, %d", tt.max, end, step, tt.end, tt.step)
			}
		})
	}
}

func TestChartErrors(t *testing.T) {
	ok := Chart{ID: "c", Labels: []string{"a"}, Series: []string{"s"}, Values: [][]int{{1}}}
	for _, tt := range []struct {
		name   string
		change func(*Chart)
		want   string
	}{
		{"no id", func(c *Chart) { c.ID = "" }, "id"},
		{"id breaks out of the attribute", func(c *Chart) { c.ID = `x" onload="alert(1)` }, "id"},
		{"no series", func(c *Chart) { c.Series = nil }, "no series"},
		{"fewer rows than labels", func(c *Chart) { c.Labels = []string{"a", "b"} }, "2 labels but 1 rows"},
		{"a short row", func(c *Chart) { c.Series = []string{"s", "t"} }, `bar "a" has 1 values for 2 series`},
		{"negative", func(c *Chart) { c.Values = [][]int{{-1}} }, "negative"},
		{"too large", func(c *Chart) { c.Series, c.Values = []string{"s", "t"}, [][]int{{1 << 62, 1 << 62}} }, "too large to draw"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.change(&c)
			_, err := c.SVG()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one saying %q", err, tt.want)
			}
		})
	}
	if _, err := ok.SVG(); err != nil {
		t.Errorf("a good chart: %v", err)
	}
}

// element is what the tests read back from a chart's markup.
type element struct {
	Name  string
	Attrs map[string]string
	Text  string // the direct text content
}

// parse reads the SVG as XML (it must be well-formed) into its elements.
func parse(t *testing.T, svg string) []element {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	var out []element
	var stack []int
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, svg)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			e := element{Name: tok.Name.Local, Attrs: map[string]string{}}
			for _, a := range tok.Attr {
				e.Attrs[a.Name.Local] = a.Value
			}
			out = append(out, e)
			stack = append(stack, len(out)-1)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				out[stack[len(stack)-1]].Text += string(tok)
			}
		}
	}
	return out
}

// The bars: one rect per non-zero segment, widths in proportion to the
// values, the longest bar filling the plot; the accessible name and
// description are wired; every segment says what it is.
func TestChartBars(t *testing.T) {
	c := Chart{ID: "by-year", Title: "Collections per year", Desc: "Granted collections by the year of review.",
		Labels: []string{"2023", "2024", "2025"}, Series: []string{"technical", "interaction"},
		Values: [][]int{{3, 1}, {0, 0}, {10, 10}}, Axis: "collections"}
	svg, err := c.SVG()
	if err != nil {
		t.Fatal(err)
	}
	els := parse(t, svg)
	root := els[0]
	if root.Name != "svg" || root.Attrs["role"] != "img" || root.Attrs["aria-labelledby"] != "by-year-title by-year-desc" {
		t.Errorf("root %+v", root)
	}
	var bars []element
	titles := map[string]string{}
	for i, e := range els {
		if e.Name == "rect" && e.Attrs["class"] == "bar" {
			bars = append(bars, e)
			if i+1 < len(els) && els[i+1].Name == "title" {
				titles[els[i+1].Text] = e.Attrs["width"]
			}
		}
		if e.Name == "title" && e.Attrs["id"] != "" {
			titles["#"+e.Attrs["id"]] = e.Text
		}
		if e.Name == "desc" {
			titles["#desc"] = e.Text
		}
	}
	if len(bars) != 4 {
		t.Fatalf("%d bars, want 4 (zero segments are not drawn)", len(bars))
	}
	width := func(key string) float64 {
		w, err := strconv.ParseFloat(titles[key], 64)
		if err != nil {
			t.Fatalf("segment %q: width %q", key, titles[key])
		}
		return w
	}
	// 20 is the longest bar: the axis ends at 20, the bar spans the plot.
	plot := width("2025, technical: 10") + width("2025, interaction: 10")
	if got := width("2023, technical: 3"); got < plot*3/20-0.2 || got > plot*3/20+0.2 {
		t.Errorf("3 of 20 is %.1f wide of %.1f", got, plot)
	}
	if got := width("2023, interaction: 1"); got < plot/20-0.2 || got > plot/20+0.2 {
		t.Errorf("1 of 20 is %.1f wide of %.1f", got, plot)
	}
	if titles["#by-year-title"] != "Collections per year" || titles["#desc"] != c.Desc {
		t.Errorf("title and desc: %q, %q", titles["#by-year-title"], titles["#desc"])
	}
}

// Labels come from Bugzilla: markup in them stays text, and a label
// too long to fit is cut, whole in its title.
func TestChartEscapes(t *testing.T) {
	hostile := `</text><script>alert(1)</script> & "Firefox for Android, the very long product name"` + "\x00"
	c := Chart{ID: "p", Title: "<b>t</b>", Labels: []string{hostile}, Series: []string{"<i>s</i>"}, Values: [][]int{{2}}}
	svg, err := c.SVG()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(svg, "<script") || strings.Contains(svg, "<b>") || strings.Contains(svg, "<i>") {
		t.Fatalf("markup got through:\n%s", svg)
	}
	var texts []string
	for _, e := range parse(t, svg) {
		texts = append(texts, e.Text)
	}
	all := strings.Join(texts, "\n")
	for _, want := range []string{"</text><script>alert(1)</sc…", strings.TrimSuffix(hostile, "\x00") + "\uFFFD", "<b>t</b>"} {
		if !strings.Contains(all, want) {
			t.Errorf("the text %q is not in the chart:\n%s", want, all)
		}
	}
}

// An empty chart still draws, and says so.
func TestChartEmpty(t *testing.T) {
	svg, err := Chart{ID: "e", Title: "Nothing", Series: []string{"s"}}.SVG()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(svg, "nothing to show") || strings.Contains(svg, `class="bar"`) {
		t.Errorf("empty chart:\n%s", svg)
	}
}

func TestInkOn(t *testing.T) {
	for fill, want := range map[string]string{"#000000": "#fff", "#F0E442": "#000", "#0072B2": "#fff", "#999999": "#000", "red": "#000", "#zzzzzz": "#000"} {
		if got := inkOn(fill); got != want {
			t.Errorf("inkOn(%q) = %q, want %q", fill, got, want)
		}
	}
}

// The whole markup of a typical chart, to review changes to the layout
// (go test ./internal/svgchart -update rewrites it).
func TestChartGolden(t *testing.T) {
	c := Chart{ID: "by-product", Title: "Collections by product", Desc: "Granted collections per product, by category.",
		Labels: []string{"Firefox", "Firefox for Android", "Toolkit", "a product with a name longer than the label room"},
		Series: []string{"1 technical", "2 interaction", "3 stored content", "4 highly sensitive", "none written", "private"},
		Values: [][]int{{12, 7, 2, 1, 0, 0}, {4, 3, 0, 0, 1, 0}, {9, 0, 0, 0, 0, 2}, {1, 0, 0, 0, 0, 0}},
		Axis:   "collections (measurements)", Colors: []string{5: "#999999"}}
	svg, err := c.SVG()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "by-product.svg")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(svg+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if d := cmp.Diff(svg+"\n", string(want)); d != "" {
		t.Errorf("%s (-got +want):\n%s", path, d)
	}
}
