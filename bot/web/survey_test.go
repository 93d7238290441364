package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stewardbot/stewardbot/bot"
	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bot/survey"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
	"github.com/stewardbot/stewardbot/internal/bottest"
	"github.com/stewardbot/stewardbot/internal/bottest/botrig"
)

// surveyServer serves the real bot's Status over a store seeded with
// surveyRows, at surveyNow, and returns its URL.
func surveyServer(t *testing.T, mutate func(*Options)) string {
	t.Helper()
	r, b := botrig.New(t, bugzillatest.BMO, nil)
	seedSurveyStore(t, r.Store)
	o := Options{Source: b.Status(), Now: func() time.Time { return surveyNow }, Version: []byte(`{}`)}
	if mutate != nil {
		mutate(&o)
	}
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	return hs.URL
}

func fetch(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

// The page over the store: the dashboard's headers (the strict CSP), no
// script, every chart with bars, the filter form, the private bugs
// counted but not described; a filter narrows it; a bad filter is a 400
// that says why.
func TestSurveyPage(t *testing.T) {
	url := surveyServer(t, nil)
	resp, body := fetch(t, url+"/survey")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	dash, _ := fetch(t, url+"/")
	for _, h := range []string{"Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy"} {
		if resp.Header.Get(h) == "" || resp.Header.Get(h) != dash.Header.Get(h) {
			t.Errorf("header %s = %q, the dashboard's %q", h, resp.Header.Get(h), dash.Header.Get(h))
		}
	}
	if resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("content type %q", resp.Header.Get("Content-Type"))
	}
	for _, bad := range []string{"<script", "javascript:", " style=", "<style"} {
		if strings.Contains(strings.ToLower(body), bad) {
			t.Errorf("the page holds %q, which the CSP forbids or no page should have", bad)
		}
	}
	if h := regexp.MustCompile(`(?i)<[^>]+\son[a-z]+=`).FindString(body); h != "" {
		t.Errorf("the page holds an event handler: %s", h)
	}
	for _, id := range []string{"by-year", "by-product", "default-on", "expiring", "permanent"} {
		svg := regexp.MustCompile(`(?s)<svg[^>]* id="` + id + `".*?</svg>`).FindString(body)
		if n := strings.Count(svg, `class="bar"`); n == 0 {
			t.Errorf("chart %s has no bars:\n%s", id, svg)
		}
		if !strings.Contains(body, `id="`+id+`-table"`) {
			t.Errorf("chart %s has no table behind it", id)
		}
	}
	rows := survey.Summarise(surveyRows(), survey.Options{Now: surveyNow})
	if !strings.Contains(body, `<span id="total">`+strconv.Itoa(rows.Total)+`</span>`) || rows.Total == 0 {
		t.Errorf("the total is not %d", rows.Total)
	}
	if !strings.Contains(body, "private bug 2005") || strings.Contains(body, "probe_5.a") {
		t.Errorf("private bug 2005 is not masked")
	}
	if !strings.Contains(body, `href="https://`) && !strings.Contains(body, `show_bug.cgi?id=2001`) {
		t.Errorf("bugs are not linked")
	}

	css, cssBody := fetch(t, url+"/survey.css")
	if css.StatusCode != 200 || !strings.Contains(cssBody, "@media print") || css.Header.Get("Content-Type") != "text/css; charset=utf-8" {
		t.Errorf("/survey.css: %d %q", css.StatusCode, css.Header.Get("Content-Type"))
	}

	// A filter: only Toolkit's collections of 2021.
	_, filtered := fetch(t, url+"/survey?year=2021&product=Toolkit")
	want := 0
	for _, r := range surveyRows() {
		if r.Status == "+" && r.Product == "Toolkit" && r.DecidedAt.Year() == 2021 && !r.Private() {
			want++
		}
	}
	if want == 0 || !strings.Contains(filtered, `<span id="total">`+strconv.Itoa(want)+`</span>`) {
		t.Errorf("filtered to Toolkit in 2021: want %d collections", want)
	}
	if !strings.Contains(filtered, `<option value="2021" selected>`) || !strings.Contains(filtered, `<option value="Toolkit" selected>`) {
		t.Errorf("the form does not show the filter")
	}

	resp, body = fetch(t, url+"/survey?category=7")
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `category "7": want one of`) {
		t.Errorf("bad category: %d %q", resp.StatusCode, body)
	}
}

// With survey.owner_activity on, the page shows what the "owners" task
// stored (never asking Bugzilla itself): owner8 no longer active, owner24
// and owner56 (not asked yet) unknown, owner32 without an account, the
// teams not logins, the active owner48 only counted, and owner16, whose
// bug is private, not at all; off, it says the activity is not looked up.
func TestSurveyOwners(t *testing.T) {
	for _, on := range []bool{true, false} {
		t.Run(strconv.FormatBool(on), func(t *testing.T) {
			r, b := botrig.New(t, bugzillatest.BMO, nil, bottest.WithConfig(func(c *bot.Config) { c.Survey.OwnerActivity = on }))
			seedSurveyStore(t, r.Store)
			if err := r.Store.SaveOwnerActivity(context.Background(), surveyActivity()); err != nil {
				t.Fatal(err)
			}
			s, err := New(Options{Source: b.Status(), Now: func() time.Time { return surveyNow }, Version: []byte(`{}`)})
			if err != nil {
				t.Fatal(err)
			}
			hs := httptest.NewServer(s)
			t.Cleanup(hs.Close)
			before := r.Fake.RequestCount("GET /rest/user")
			_, body := fetch(t, hs.URL+"/survey")
			if n := r.Fake.RequestCount("GET /rest/user"); n != before {
				t.Errorf("the page asked Bugzilla about users (%d requests)", n-before)
			}
			section := regexp.MustCompile(`(?s)<section id="owners-section".*?</section>`).FindString(body)
			if !on {
				if !strings.Contains(section, `id="owners-off"`) || strings.Contains(section, "owner8@") {
					t.Errorf("owner activity off, yet shown:\n%s", section)
				}
				return
			}
			part := func(id string) string {
				return regexp.MustCompile(`(?s)<h3 id="` + id + `">.*?(</table>|<p class="empty">None.</p>)`).FindString(section)
			}
			for id, want := range map[string][]string{
				"owners-inactive":   {"owner8@example.test", surveyNow.AddDate(-2, 0, 0).Format(time.DateOnly), "Bug 2008"},
				"owners-unknown":    {"owner24@example.test", "owner56@example.test"},
				"owners-no-account": {"owner32@example.test"},
				"owners-not-login":  {"Team 1", "Team 9"},
			} {
				got := part(id)
				for _, w := range want {
					if !strings.Contains(got, w) {
						t.Errorf("%s lacks %q:\n%s", id, w, got)
					}
				}
				if id != "owners-inactive" && strings.Contains(got, "owner8@") {
					t.Errorf("%s lists owner8", id)
				}
			}
			if strings.Contains(section, "owner48@") || strings.Contains(section, "owner16@") {
				t.Errorf("an active owner, or a private bug's owner, is listed")
			}
			if n := strings.Count(regexp.MustCompile(`(?s)<svg[^>]* id="owner-activity".*?</svg>`).FindString(section), `class="bar"`); n == 0 {
				t.Errorf("the owners chart has no bars")
			}
		})
	}
}

// Shown, private rows are described; the server's option decides.
func TestSurveyShowPrivate(t *testing.T) {
	url := surveyServer(t, func(o *Options) { o.ShowPrivate = true })
	_, body := fetch(t, url+"/survey")
	if strings.Contains(body, "private bug 2005") || !strings.Contains(body, "probe_5.a") {
		t.Errorf("with show_private, bug 2005 is still masked")
	}
}

// A source that cannot list collections has no survey.
func TestSurveyWithoutSource(t *testing.T) {
	s, err := New(Options{Source: &fakeSource{}})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "/survey", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("status %d, want 404", rec.Code)
	}
}

// The page's markup, for review (go test ./bot/web -run SurveyGolden
// -update rewrites it): served, and as the standalone file the report
// writes, whose inline stylesheet its CSP allows by hash.
func TestSurveyGolden(t *testing.T) {
	bugURL := func(id int) string { return "https://bugzilla.example.test/show_bug.cgi?id=" + strconv.Itoa(id) }
	activity := bot.OwnerActivityByLogin(surveyActivity())
	for _, tt := range []struct {
		name string
		page SurveyPage
	}{
		{"survey.golden.html", SurveyPage{Now: surveyNow, BugURL: bugURL, Activity: activity}},
		{"survey-filtered.golden.html", SurveyPage{Now: surveyNow, BugURL: bugURL, Filter: survey.Filter{Category: "3"}}},
		{"survey-standalone.golden.html", SurveyPage{Now: surveyNow, BugURL: bugURL, Standalone: true, Activity: activity}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteSurvey(&buf, surveyRows(), tt.page); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tt.name)
			if *update {
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if d := cmp.Diff(buf.String(), string(want)); d != "" {
				t.Errorf("%s (-got +want):\n%s", path, d)
			}
			if tt.page.Standalone {
				checkStandalone(t, buf.String())
			}
		})
	}
}

// checkStandalone checks that a file's one inline stylesheet is the one
// its Content-Security-Policy allows, and that it links nothing local.
func checkStandalone(t *testing.T, page string) {
	t.Helper()
	css := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindAllStringSubmatch(page, -1)
	if len(css) != 1 {
		t.Fatalf("%d style elements, want 1", len(css))
	}
	h := sha256.Sum256([]byte(css[0][1]))
	meta := regexp.MustCompile(`<meta http-equiv="Content-Security-Policy" content="([^"]*)">`).FindStringSubmatch(page)
	want := "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(h[:]) + "'"
	if meta == nil || html.UnescapeString(meta[1]) != want {
		t.Errorf("the file's CSP is %q, want %q", meta, want)
	}
	for _, bad := range []string{`href="/`, `<form`, "<script"} {
		if strings.Contains(page, bad) {
			t.Errorf("the file holds %q", bad)
		}
	}
}

// A new store has nothing reviewed yet: the page still renders, each
// chart saying there is nothing to show and each list "None.".
func TestSurveyEmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteSurvey(&buf, nil, SurveyPage{Now: surveyNow}); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	if n := strings.Count(page, "nothing to show"); n != 5 {
		t.Errorf("%d empty charts, want 5", n)
	}
	if strings.Contains(page, `class="bar"`) || !strings.Contains(page, `<span id="total">0</span>`) || !strings.Contains(page, "None.") {
		t.Errorf("the empty page:\n%s", page)
	}
}

// After a backfill a list can be long: the served page shows the first
// maxListedItems and says how many more the filter would show; the file
// lists them all.
func TestSurveyListCap(t *testing.T) {
	var rows []store.ReviewedCollection
	for i := range maxListedItems + 100 {
		rows = append(rows, store.ReviewedCollection{FlagID: i + 1, Status: "+", DecidedAt: surveyNow, Product: "Firefox",
			Collection: store.Collection{BugID: i + 1, Measurement: "m" + strconv.Itoa(i), Category: 1, DefaultOn: "yes"}})
	}
	for _, tt := range []struct {
		standalone bool
		lines      int
		more       string
	}{{false, maxListedItems, "And 100 more"}, {true, maxListedItems + 100, ""}} {
		var buf bytes.Buffer
		if err := WriteSurvey(&buf, rows, SurveyPage{Now: surveyNow, Standalone: tt.standalone}); err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(buf.String(), `<td data-label="Measurement">`); n != tt.lines {
			t.Errorf("standalone %v: %d lines listed, want %d", tt.standalone, n, tt.lines)
		}
		if got := strings.Contains(buf.String(), "more: choose a year"); got != (tt.more != "") || !strings.Contains(buf.String(), tt.more) {
			t.Errorf("standalone %v: the note on more lines is wrong (want %q)", tt.standalone, tt.more)
		}
	}
}
