package web

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// chartBars is, for each chart on the page, its id and how many of its
// bars the browser laid out with a width (drawn, not only in the markup).
const chartBars = `[...document.querySelectorAll("svg.chart")].map(s => s.id + ":" +
	[...s.querySelectorAll("rect.bar")].filter(r => r.getBBox().width > 0).length)`

// /survey in a real browser: every chart is there and draws bars, the
// filter form narrows the page by submitting (no script), the print
// stylesheet hides the form, and the page's screenshot is not blank.
// The standalone file the report writes styles itself under its own CSP.
func TestSurveyInBrowser(t *testing.T) {
	ctx := browser(t)
	url := surveyServer(t, nil)

	if err := chromedp.Do(ctx, chromedp.Navigate(url+"/survey"), chromedp.WaitVisible(chromedp.CSS("#by-year"))); err != nil {
		t.Fatal(err)
	}
	bars := run(t, ctx, chromedp.Evaluate[[]string](chartBars))
	wantCharts := []string{"by-year", "by-product", "default-on", "expiring", "permanent"}
	if len(bars) != len(wantCharts) {
		t.Fatalf("charts %v, want %v", bars, wantCharts)
	}
	for i, b := range bars {
		if b == wantCharts[i]+":0" || b[:len(wantCharts[i])] != wantCharts[i] {
			t.Errorf("chart %d: %s, want %s with bars", i, b, wantCharts[i])
		}
	}
	// The stylesheet loaded under the CSP: numbers are right-aligned.
	if align := run(t, ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("td.num")).textAlign`)); align != "right" {
		t.Errorf("td.num is aligned %q: the stylesheet did not load", align)
	}
	checkNotBlank(t, run(t, ctx, chromedp.FullScreenshot(100)), "survey-desktop.png")

	// The filter, by choosing and submitting as a person would.
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`select[name="category"]`), "3"),
		chromedp.Click(chromedp.CSS(`#filter button`)),
		chromedp.WaitVisible(chromedp.CSS("#clear")),
	); err != nil {
		t.Fatal(err)
	}
	cats := run(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#year-product-table tbody td:nth-child(3)")].map(td => td.innerText)`))
	if len(cats) == 0 {
		t.Fatal("filtered to category 3: the table is empty")
	}
	for _, c := range cats {
		if c != "3" {
			t.Errorf("filtered to category 3, a row of category %q is shown", c)
		}
	}

	// Printed: no form, the charts still there.
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	if d := run(t, ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("#filter")).display`)); d != "none" {
		t.Errorf("printed, the filter form shows (display %q)", d)
	}
	if n := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("svg.chart rect.bar").length`)); n == 0 {
		t.Error("printed, no bars")
	}
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{}); err != nil {
		t.Fatal(err)
	}

	// A phone: the page fits its width (a wide chart or table scrolls in
	// its own box). Chromium widens a mobile layout to fit what overflows,
	// so the width is compared with the phone's, not innerWidth.
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
		chromedp.Navigate(url+"/survey"),
		chromedp.WaitVisible(chromedp.CSS("#by-year")),
	); err != nil {
		t.Fatal(err)
	}
	scrollWidth := run(t, ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	innerWidth := run(t, ctx, chromedp.Evaluate[int](`window.innerWidth`))
	if scrollWidth > 390 || innerWidth > 390 {
		t.Errorf("on a 390px phone the survey is %dpx wide (viewport %dpx): it scrolls sideways", scrollWidth, innerWidth)
	}
	fontPx := run(t, ctx, chromedp.Evaluate[float64](`document.querySelector("svg.chart text").getBoundingClientRect().height`))
	if fontPx < 10 {
		t.Errorf("on a phone the charts' text is %.1fpx high: unreadable", fontPx)
	}
	writeScreenshot(t, run(t, ctx, chromedp.FullScreenshot(100)), "survey-phone.png")

	// The standalone file: its inline stylesheet applies (its CSP allows it by hash).
	var page bytes.Buffer
	if err := WriteSurvey(&page, surveyRows(), SurveyPage{Now: surveyNow, Standalone: true}); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "survey.html")
	if err := os.WriteFile(file, page.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+file), chromedp.WaitVisible(chromedp.CSS("#by-year"))); err != nil {
		t.Fatal(err)
	}
	if align := run(t, ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("td.num")).textAlign`)); align != "right" {
		t.Errorf("the file's td.num is aligned %q: its CSP blocked its own stylesheet", align)
	}
	if bars := run(t, ctx, chromedp.Evaluate[[]string](chartBars)); len(bars) != len(wantCharts) {
		t.Errorf("the file's charts: %v", bars)
	}
}

// checkNotBlank fails when a screenshot is one colour (or nearly), and
// saves it as saveScreenshot does.
func checkNotBlank(t *testing.T, shot []byte, name string) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	colours := map[[4]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, a := img.At(x, y).RGBA()
			colours[[4]uint32{r >> 8, g >> 8, bl >> 8, a >> 8}] = true
		}
	}
	if len(colours) < 8 {
		t.Errorf("the screenshot (%v) has %d colours: blank", b.Size(), len(colours))
	}
	if b.Dx() < 100 || b.Dy() < 100 {
		t.Errorf("the screenshot is %v", b.Size())
	}
	writeScreenshot(t, shot, name)
}

// writeScreenshot saves a screenshot where saveScreenshot would.
func writeScreenshot(t *testing.T, png []byte, name string) {
	t.Helper()
	dir := "testdata"
	if !*update {
		var err error
		if dir, err = os.MkdirTemp("", "stewardbot-survey-"); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}
