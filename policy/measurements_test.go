package policy

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestReqFindName(t *testing.T) {
	tests := []struct {
		text  string
		camel bool
		want  string
	}{
		{"browser.engagement.tab_count: tabs", false, "browser.engagement.tab_count"},
		{"`sample_feature.widget_opened#source", false, "sample_feature.widget_opened#source"},
		{"**FX_TAB_SWITCH_MS** (histogram)", false, "FX_TAB_SWITCH_MS"},
		{"<code>a.b_c</code>", false, "a.b_c"},
		{"the `counter` metric", false, "counter"},
		{"see Histograms.json and metrics.yaml, then x.y_z", false, "x.y_z"},
		{"mail someone@example.com about telemetry.mozilla.org", false, ""},
		{"https://bugzilla.mozilla.org/show_bug.cgi?id=1 then a.bc_d", false, "a.bc_d"},
		{"[the docs](https://example.com/a_b.md) name_here", false, "name_here"},
		{"e.g. this, i.e. that", false, ""},
		{"interaction, stored_content", false, ""},
		{"MozCrashReason - why", false, ""},
		{"MozCrashReason - why", true, "MozCrashReason"},
		{"plain words only", true, ""},
		{"trailing dot a.b_c.", false, "a.b_c"},
	}
	for _, tt := range tests {
		if got, _, _ := reqFindName(tt.text, tt.camel); got != tt.want {
			t.Errorf("reqFindName(%q, %v) = %q, want %q", tt.text, tt.camel, got, tt.want)
		}
	}
}

// TestParseReqMeasurements reads the measurement answer in each shape it
// comes in.
func TestParseReqMeasurements(t *testing.T) {
	m := func(name, desc string, cat int, catText, bug string) Measurement {
		return Measurement{Name: name, Description: desc, Category: cat, CategoryText: catText, TrackingBug: bug}
	}
	tests := []struct {
		name string
		body string
		want []Measurement
	}{
		{
			name: "template HTML table, filled",
			body: "<table><tr><td>Measurement Description</td><td>Data Collection Category</td><td>Tracking Bug #</td></tr>" +
				"<tr><td>a.b_c: counts things</td><td>Category 2</td><td>Bug 1234567</td></tr></table>",
			want: []Measurement{m("a.b_c", "counts things", 2, "Category 2", "Bug 1234567")},
		},
		{
			name: "HTML table with th header, extra column, a missing cell",
			body: "<table><tr><th>Name</th><th>Category</th><th>Bug</th><th>Notes</th></tr>" +
				"<tr><td>x.one</td><td>technical</td><td>1</td><td>note</td></tr>" +
				"<tr><td>x.two</td><td>Cat 3</td></tr></table>",
			want: []Measurement{m("x.one", "note", 1, "technical", "1"), m("x.two", "", 3, "Cat 3", "")},
		},
		{
			name: "HTML table without header",
			body: "<table><tr><td>x.one</td><td>clicks, interaction</td></tr><tr><td>x.two</td><td>a count</td></tr></table>",
			want: []Measurement{m("x.one", "clicks, interaction", 2, "interaction", ""), m("x.two", "a count", 0, "", "")},
		},
		{
			name: "row without identifier",
			body: "<table><tr><th>Description</th><th>Category</th></tr><tr><td>Number of times the button is pressed</td><td>Category 2</td></tr></table>",
			want: []Measurement{m("Number of times the button is pressed", "", 2, "Category 2", "")},
		},
		{
			name: "GFM table without outer pipes and an unbalanced backtick",
			body: "Measurement Name | Measurement Description | Data Collection Category | Tracking Bug\n" +
				"--- | --- | --- | ---\n" +
				"`app.start | desc \\| with pipe | interaction, stored_content | https://bugzilla.mozilla.org/show_bug.cgi?id=5\n",
			want: []Measurement{m("app.start", "desc | with pipe", 3, "interaction, stored_content", "https://bugzilla.mozilla.org/show_bug.cgi?id=5")},
		},
		{
			name: "GFM row with more cells than the header",
			body: "| name | description |\n|---|---|\n| app.start | desc | Category 4 |\n",
			want: []Measurement{m("app.start", "desc", 4, "Category 4", "")},
		},
		{
			name: "pipe lines without a delimiter row",
			body: "app.start | Category 1\napp.stop | Category 2",
			want: []Measurement{m("app.start", "", 1, "Category 1", ""), m("app.stop", "", 2, "Category 2", "")},
		},
		{
			name: "bullets with sub-bullets",
			body: "* Scalars:\n  * `menu.opened` - first (Category 1 or 2)\n  * `menu.closed` - second\n    * Category 3\n* A prose bullet\n",
			want: []Measurement{m("menu.opened", "first (Category 1 or 2)", 2, "Category 1 or 2", ""), m("menu.closed", "second Category 3", 3, "Category 3", "")},
		},
		{
			name: "bullet without identifier but with category",
			body: "- Number of opened panels (Category 2?)",
			want: []Measurement{m("Number of opened panels", "", 2, "Category 2", "")},
		},
		{
			name: "a line listing two measurements",
			body: "menu.opened (Category 2), menu.closed (Category 1).",
			want: []Measurement{m("menu.opened", "Category 2", 2, "Category 2", ""), m("menu.closed", "(Category 1).", 1, "Category 1", "")},
		},
		{
			name: "label blocks",
			body: "Annotation description: SomeAnnotation - what it holds\nData collection category: Category 1\nTracking bug: 42\n\n" +
				"Annotation description: OtherAnnotation - more\nData collection category: Category 2\n",
			want: []Measurement{m("SomeAnnotation", "what it holds", 1, "Category 1", "42"), m("OtherAnnotation", "more", 2, "Category 2", "")},
		},
		{
			name: "labels as a header, values one per line",
			body: "Annotation description\nData collection category\nTracking bug\nSomeAnnotation - what\nCategory 1\nBug 99\n",
			want: []Measurement{m("SomeAnnotation", "what", 1, "Category 1", "Bug 99")},
		},
		{
			name: "tab-separated rows",
			body: "menu.opened\tCategory 2\tBug 1900007\nmenu.closed\tinteraction\tBug 1900008\n",
			want: []Measurement{m("menu.opened", "", 2, "Category 2", "Bug 1900007"), m("menu.closed", "", 2, "interaction", "Bug 1900008")},
		},
		{
			name: "the same name twice keeps the highest category",
			body: "* menu.opened (Category 1)\n* menu.opened (Category 3)",
			want: []Measurement{m("menu.opened", "Category 1", 3, "Category 3", "")},
		},
		{
			name: "prose only",
			body: "All measurements are described in the attached metrics.yaml file.",
			want: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parseReqMeasurements(reqSplitBlocks(tt.body))
			if diff := cmp.Diff(got, tt.want, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("(-got +want):\n%s", diff)
			}
		})
	}
}
