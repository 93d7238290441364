package policy

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestParseReqMeasurementsRealWorld: the shapes of question 5 that real
// requests take and that used to give wrong measurements (issue 11, points
// 1, 2, 5 and 11). Each case says the point it covers.
func TestParseReqMeasurementsRealWorld(t *testing.T) {
	m := func(name, desc string, cat int, catText, bug string) Measurement {
		return Measurement{Name: name, Description: desc, Category: cat, CategoryText: catText, TrackingBug: bug}
	}
	tests := []struct {
		name string
		body string
		want []Measurement
	}{
		{
			name: "p1 header row of <td><strong> cells with a column that is not a header word",
			body: "<table><tr><td><strong>Measurement Description</strong></td><td><strong>Data Collection Category</strong></td>" +
				"<td><strong>How it is shared</strong></td><td><strong>Supports answering which question?</strong></td></tr>" +
				"<tr><td>panel.opened: times the panel opens</td><td>Category 2</td><td>Telemetry</td><td>Q1</td></tr></table>",
			want: []Measurement{m("panel.opened", "times the panel opens", 2, "Category 2", "")},
		},
		{
			name: "p1 header row written with pipes but no delimiter row",
			body: "Measurement Description | Data Collection Category | Tracking Bug # | Shared with\n" +
				"panel.opened | Category 2 | 1876543 | nobody\n",
			want: []Measurement{m("panel.opened", "nobody", 2, "Category 2", "1876543")},
		},
		{
			name: "p1 bold header row in a GFM table",
			body: "| **Metric** | **Category** | **Owner team** |\n|---|---|---|\n| panel.opened | 2 | Panels |\n",
			want: []Measurement{m("panel.opened", "Panels", 2, "2", "")},
		},
		{
			name: "p1 a first row with values is not a header",
			body: "<table><tr><td>Measurement of the panel</td><td>Category 2</td></tr><tr><td>panel.closed</td><td>Category 1</td></tr></table>",
			want: []Measurement{m("Measurement of the panel", "", 2, "Category 2", ""), m("panel.closed", "", 1, "Category 1", "")},
		},
		{
			name: "p2 columns aligned with spaces, bare category numbers, a row starting with #",
			body: "Measurement                 Category    Tracking bug\n" +
				"# of trackers loaded        2           1876543\n" +
				"panel.opened                1           1876544\n",
			want: []Measurement{m("# of trackers loaded", "", 2, "2", "1876543"), m("panel.opened", "", 1, "1", "1876544")},
		},
		{
			name: "p2 tab-separated without header, categories in their own column",
			body: "# of trackers blocked\t3\t1876543\npanel.opened\t1\t1876544\n",
			want: []Measurement{m("# of trackers blocked", "", 3, "3", "1876543"), m("panel.opened", "", 1, "1", "1876544")},
		},
		{
			name: "p2 prose with two spaces after full stops is not a table",
			body: "We record when the panel opens.  Nothing else is kept.\nThe data is category 2.  It is interaction data.\n",
			want: nil,
		},
		{
			name: "a template's placeholder row is not a measurement",
			body: "| Measurement Description | Data Collection Category | Tracking Bug # | Measurement Name |\n|---|---|---|---|\n" +
				"| (description) | (Category #) | (#BUG-0000) | (measurement.category.field) |\n",
			want: nil,
		},
		{
			name: "p5 half category reaches the higher one",
			body: "| Metric | Category |\n|---|---|\n| panel.opened | 2.5 |\n| panel.closed | Category 1.5 |\n",
			want: []Measurement{m("panel.opened", "", 3, "2.5", ""), m("panel.closed", "", 2, "Category 1.5", "")},
		},
		{
			name: "p5 categories in words and odd forms",
			body: "* panel.a - Cat 2: interaction\n* panel.b - Type 2\n* panel.c - Category 2?\n* panel.d - Category 1 or 2\n* panel.e - web activity\n* panel.f - interaction, technical\n",
			want: []Measurement{
				m("panel.a", "Cat 2: interaction", 2, "Cat 2, interaction", ""),
				m("panel.b", "Type 2", 2, "Type 2", ""),
				m("panel.c", "Category 2?", 2, "Category 2", ""),
				m("panel.d", "Category 1 or 2", 2, "Category 1 or 2", ""),
				m("panel.e", "web activity", 3, "web activity", ""),
				m("panel.f", "interaction, technical", 2, "interaction, technical", ""),
			},
		},
		{
			name: "p11 prose rows named by their leading phrase",
			body: "<table><tr><th>Measurement</th><th>Category</th></tr>" +
				"<tr><td>Video metadata (the video ID, title, description and view count)</td><td>Category 3</td></tr>" +
				"<tr><td>Survey parameters: total uri_count, onboarding flag, days used</td><td>Category 2</td></tr>" +
				"<tr><td>User-identifier (random, like but not the same as the telemetry\n            client_id)</td><td>Category 1</td></tr>" +
				"<tr><td>reason - identifies why the download stopped</td><td>Category 1</td></tr>" +
				"<tr><td>Number of tabs (browser.tabs.count)</td><td>Category 1</td></tr></table>",
			want: []Measurement{
				m("Video metadata", "the video ID, title, description and view count", 3, "Category 3", ""),
				m("Survey parameters", "total uri_count, onboarding flag, days used", 2, "Category 2", ""),
				m("User-identifier", "random, like but not the same as the telemetry client_id", 1, "Category 1", ""),
				m("reason", "identifies why the download stopped", 1, "Category 1", ""),
				m("browser.tabs.count", "Number of tabs", 1, "Category 1", ""),
			},
		},
		{
			name: "p11 a name column without identifier names the row, not a word of the description",
			body: "| Name | Description | Category |\n|---|---|---|\n| platform | Where the user signs in from: Desktop, Android or iOS. | 1 |\n",
			want: []Measurement{m("platform", "Where the user signs in from: Desktop, Android or iOS.", 1, "1", "")},
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

// TestReqBareCategory reads category cells of plain-text tables.
func TestReqBareCategory(t *testing.T) {
	for in, want := range map[string]int{
		"2": 2, " 3 ": 3, "2?": 2, "(1)": 1, "1, 2": 2, "2-3": 3, "2.5": 3, "1.5": 2, "3.5": 4,
		"0": 0, "5": 0, "12": 0, "1876543": 0, "": 0, "two": 0, "2.0.1": 0, "-2": 0,
	} {
		got, ok := reqBareCategory(in)
		if got != want || ok != (want > 0) {
			t.Errorf("reqBareCategory(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
}

// TestParseRequestCategoryForWholeRequest: a category stated once in the
// prose of question 5 is the request's when no measurement has one (point
// 5), and it never overrides the rows' own categories.
func TestParseRequestCategoryForWholeRequest(t *testing.T) {
	tests := []struct {
		name     string
		q5       string
		category int
		cats     []int // of the measurements
	}{
		{"no table, one sentence", "All the data is listed in our metrics document.\n\nThe data falls under Category 2 (interaction data)", 2, nil},
		{"rows without category, then the category", "1. probe.one - the first key\n2. probe.two - the second key\n\nThis is Category 1 - technical data, because it only describes the network.", 1, []int{1, 1}},
		{"rows with categories win", "* probe.one - Category 1\n* probe.two - Category 2\n\nOverall this is category 3.", 0, []int{1, 2}},
		{"no category at all", "All the data is listed in our metrics document.", 0, nil},
		{"a word of a sentence is not a category", "We measure the interaction between the panel and the menu.", 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := reqTestForm(func(k int, q string) string { return fmt.Sprintf("%d) %s\n", k, q) }, func(n int) string {
				if n == 5 {
					return tt.q5
				}
				return reqAnswerNumber(n)
			})
			r := ParseRequest(form)
			var cats []int
			for _, m := range r.Measurements {
				cats = append(cats, m.Category)
			}
			if r.Category != tt.category || !cmp.Equal(cats, tt.cats, cmpopts.EquateEmpty()) {
				t.Errorf("category %d, measurements %v; want %d, %v", r.Category, cats, tt.category, tt.cats)
			}
		})
	}
}
