package web

import (
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"time"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bot/survey"
	"github.com/stewardbot/stewardbot/internal/svgchart"
)

//go:embed templates/survey.html
var surveyHTML string

//go:embed templates/survey.css
var surveyCSS []byte

var surveyTmpl = template.Must(template.New("survey.html").Parse(surveyHTML))

// SurveyPage says how to draw the survey.
type SurveyPage struct {
	Now         time.Time // today, for the expiry window
	ShowPrivate bool      // show private bugs' and forms' details
	Filter      survey.Filter
	// Activity is what Bugzilla said of the owners' accounts, by login
	// (survey.owner_activity); nil when it is not looked up.
	Activity map[string]store.OwnerActivity
	// BugURL links a bug; nil links none.
	BugURL func(id int) string
	// Standalone makes a page that is a file ("stewardbot report --format
	// html"): its stylesheet inline, allowed by a Content-Security-Policy
	// that names its hash and allows nothing else, and no filter form (a
	// file has no server to ask).
	Standalone bool
}

// WriteSurvey writes the survey page over rows (as
// store.ReviewedCollections lists them; only granted ones count).
func WriteSurvey(w io.Writer, rows []store.ReviewedCollection, p SurveyPage) error {
	sum := survey.Summarise(rows, survey.Options{Now: p.Now, ShowPrivate: p.ShowPrivate, Filter: p.Filter,
		Activity: p.Activity})
	d := surveyData{S: sum, Standalone: p.Standalone, Generated: p.Now.UTC().Format("2006-01-02 15:04 MST"),
		Categories: surveyCategories(), Window: survey.ExpiryWindowDays, ShowPrivate: p.ShowPrivate}
	if p.Standalone {
		d.CSS = template.CSS(surveyCSS)
		h := sha256.Sum256(surveyCSS)
		d.CSP = "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(h[:]) + "'"
	}
	link := func(f survey.Filter) string {
		if p.Standalone {
			return ""
		}
		if q := f.Query(); q != "" {
			return "/survey?" + q
		}
		return "/survey"
	}
	withYear := func(v string) string { f := p.Filter; f.Year = v; return link(f) }
	withProduct := func(v string) string { f := p.Filter; f.Product = v; return link(f) }
	withCategory := func(v string) string { f := p.Filter; f.Category = v; return link(f) }
	total := strconv.Itoa(sum.Total)
	same := func(s string) string { return s }
	noLink := func(string) string { return "" }

	// Each chart: where it goes, its counts, its text, and how its lines,
	// series and links read.
	for _, c := range []struct {
		dst                  *countsView
		counts               survey.Counts
		view                 countsView
		label, series, links func(string) string
	}{
		{&d.ByYear, sum.ByYear, countsView{ID: "by-year", Title: "Granted collections per year", LabelHead: "Year",
			Desc: "Granted collections (measurements) by the year of their review, split by category; " + total + " in all."},
			same, survey.CategoryLabel, withYear},
		{&d.ByProduct, sum.ByProduct, countsView{ID: "by-product", Title: "Granted collections per product", LabelHead: "Product",
			Desc: "Granted collections (measurements) by Bugzilla product, most first, split by category; " + total + " in all."},
			same, survey.CategoryLabel, withProduct},
		{&d.DefaultOn, sum.DefaultOn, countsView{ID: "default-on", Title: "Default-on answers per category", LabelHead: "Category",
			Desc: "Granted collections by category, split by the form's answer to whether they are collected by default."},
			survey.CategoryLabel, same, withCategory},
		{&d.Expiring, sum.Expiring, countsView{ID: "expiring", Title: "Collections expiring by " + sum.Until, LabelHead: "Month",
			Desc: "Granted collections whose dated expiry falls from " + sum.Today + " to " + sum.Until + ", by month, split by category."},
			same, survey.CategoryLabel, noLink},
		{&d.Permanent, sum.Permanent, countsView{ID: "permanent", Title: "Permanent collections: is someone responsible?", LabelHead: "Category",
			Desc: "Granted collections that never expire, by category, split by whether the form names who is responsible for them."},
			survey.CategoryLabel, same, withCategory},
	} {
		v, err := newCountsView(c.counts, c.view, c.label, c.series, c.links)
		if err != nil {
			return err
		}
		*c.dst = v
	}
	limit := maxListedItems
	if p.Standalone {
		limit = 0 // a file is read whole, or printed
	}
	d.DefaultOnItems = newItemList(sum.DefaultOnItems, p.BugURL, limit)
	d.ExpiringItems = newItemList(sum.ExpiringItems, p.BugURL, limit)
	d.PermanentItems = newItemList(sum.PermanentItems, p.BugURL, limit)
	if sum.Owners != nil {
		v, err := newOwnersView(sum.Owners, p.BugURL, limit)
		if err != nil {
			return err
		}
		d.Owners = &v
	}
	return surveyTmpl.Execute(w, d)
}

// maxListedItems bounds each list on the served page: after a backfill a
// list can hold thousands of collections, and the filter narrows it.
const maxListedItems = 500

// surveyData is what survey.html shows.
type surveyData struct {
	S           survey.Summary
	Standalone  bool
	ShowPrivate bool
	Generated   string
	Window      int
	CSS         template.CSS // Standalone only
	CSP         string       // Standalone only
	Categories  []option     // the category filter's choices

	ByYear, ByProduct, DefaultOn, Expiring, Permanent countsView
	DefaultOnItems, ExpiringItems, PermanentItems     itemList
	Owners                                            *ownersView // nil: owner activity not looked up
}

type option struct{ Value, Label string }

func surveyCategories() []option {
	out := make([]option, len(survey.CategoryKeys))
	for i, k := range survey.CategoryKeys {
		out[i] = option{k, survey.CategoryLabel(k)}
	}
	return out
}

// countsView is one chart and the table behind it.
type countsView struct {
	ID, Title, Desc, LabelHead string
	Chart                      template.HTML // svgchart's markup: every text in it escaped
	Series                     []string
	Rows                       []countsRow
}

type countsRow struct {
	Label, Link string
	Values      []int
	Total       int
}

func newCountsView(c survey.Counts, v countsView, label, series, link func(string) string) (countsView, error) {
	chart := svgchart.Chart{ID: v.ID, Title: v.Title, Desc: v.Desc, Values: c.Values, Axis: "collections (measurements)"}
	for _, s := range c.Series {
		name := series(s)
		chart.Series = append(chart.Series, name)
		v.Series = append(v.Series, name)
		chart.Colors = append(chart.Colors, seriesColor(s, len(chart.Colors)))
	}
	for i, l := range c.Labels {
		chart.Labels = append(chart.Labels, label(l))
		v.Rows = append(v.Rows, countsRow{Label: label(l), Link: link(l), Values: c.Values[i], Total: c.Total(i)})
	}
	if len(chart.Series) == 0 { // nothing counted: an empty chart still needs a legend entry
		chart.Series = []string{"collections"}
	}
	svg, err := chart.SVG()
	if err != nil {
		return v, fmt.Errorf("web: survey chart %s: %w", v.ID, err)
	}
	v.Chart = template.HTML(svg)
	return v, nil
}

// seriesColors keep each value's colour the same in every chart, whatever
// other values it has; hidden (private) is grey and missing answers
// vermilion, so that they never look like a category.
var seriesColors = map[string]string{
	"1": "#0072B2", "2": "#E69F00", "3": "#009E73", "4": "#CC79A7",
	survey.CategoryNone: "#D55E00", survey.CategoryPrivate: "#999999",
	"yes": "#CC79A7", "no": "#009E73", "unknown": "#D55E00",
	survey.OwnerNamed: "#009E73", survey.OwnerMissing: "#D55E00",
}

func seriesColor(key string, i int) string {
	if c, ok := seriesColors[key]; ok {
		return c
	}
	return svgchart.Palette[i%len(svgchart.Palette)]
}

// itemView is one line of a list, details already hidden when private.
type itemView struct {
	survey.Item
	URL          string
	CategoryName string
}

// itemList is a list as the page shows it: the first items, and how many
// more there are.
type itemList struct {
	Items []itemView
	More  int // not shown: narrow the filter to see them
}

// newItemList makes the list's lines, the first limit of them (all when
// limit is 0).
func newItemList(items []survey.Item, bugURL func(int) string, limit int) itemList {
	var l itemList
	if limit > 0 && len(items) > limit {
		l.More, items = len(items)-limit, items[:limit]
	}
	l.Items = make([]itemView, len(items))
	for i, it := range items {
		l.Items[i] = itemView{Item: it, CategoryName: survey.CategoryLabel(it.Category)}
		if bugURL != nil {
			l.Items[i].URL = bugURL(it.BugID)
		}
	}
	return l
}
