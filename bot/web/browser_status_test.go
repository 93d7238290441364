package web

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The status column in a real browser over the demo: it is there, each
// row says where its request stands in words, bug 1011 (waiting for its
// form) is not overdue, and a screenshot shows the column's text: every
// status cell has ink on it. The same check over the column with its text
// made invisible must fail, so the check is known to look at the pixels.
// Then the filters and the order, used as a person would (the GET form and
// the column header's link), and a click from a row to the bot's analysis
// comment on the fake Bugzilla's bug page.
func TestDashboardStatusInBrowser(t *testing.T) {
	ctx := browser(t)
	url := demoServer(t, nil)
	if err := chromedp.Do(ctx, chromedp.Navigate(url+"/"), chromedp.WaitVisible(chromedp.CSS("#queue"))); err != nil {
		t.Fatal(err)
	}
	header := run(t, ctx, chromedp.Text(chromedp.CSS("#queue th.status")))
	if header != "Status" {
		t.Fatalf("the status column's header reads %q", header)
	}
	statuses := run(t, ctx, chromedp.Evaluate[map[string]string](`Object.fromEntries([...document.querySelectorAll("#queue tbody tr")].map(r => [r.dataset.bug, r.querySelector("td.status").innerText]))`))
	for bug, s := range statuses {
		if strings.TrimSpace(s) == "" {
			t.Errorf("bug %s has no status", bug)
		}
	}
	if s := statuses["1011"]; s != "waiting for the form" {
		t.Errorf("bug 1011's status reads %q, want %q", s, "waiting for the form")
	}
	if s := statuses["1003"]; !strings.HasPrefix(s, "escalation blocked") {
		t.Errorf("bug 1003's status reads %q", s)
	}
	if late := run(t, ctx, chromedp.Evaluate[bool](`document.querySelector("#bug-1011").classList.contains("overdue")`)); late {
		t.Error("bug 1011, waiting for its requester's form, is shown overdue")
	}
	reason := run(t, ctx, chromedp.Text(chromedp.CSS("#bug-1003 .reason")))
	if !strings.Contains(reason, "contact configured") {
		t.Errorf("bug 1003's blocked escalation says %q", reason)
	}
	fontPx := run(t, ctx, chromedp.Evaluate[float64](`parseFloat(getComputedStyle(document.querySelector("#queue td.status")).fontSize)`))
	if fontPx < 12 {
		t.Errorf("the status column's text is %vpx high", fontPx)
	}

	ink := statusColumnInk(t, ctx)
	if len(ink) != len(statuses)+1 { // the header and every row
		t.Fatalf("the screenshot has %d status cells, want %d", len(ink), len(statuses)+1)
	}
	for i, n := range ink {
		if n < 20 {
			t.Errorf("status cell %d (0 is the header) shows %d pixels of text in the screenshot: blank", i, n)
		}
	}
	// The control: the same column with its text the colour of the page.
	run(t, ctx, chromedp.Evaluate[bool](`[...document.querySelectorAll("#queue .status")].forEach(c => { c.style.color = getComputedStyle(document.body).backgroundColor; }), true`))
	for i, n := range statusColumnInk(t, ctx) {
		if n >= 20 {
			t.Errorf("the check sees %d pixels of text in status cell %d made invisible: it does not look at the pixels", n, i)
		}
	}

	// The status filter and overdue only, through the form.
	if err := chromedp.Do(ctx, chromedp.Navigate(url+"/"), chromedp.WaitVisible(chromedp.CSS("#filters"))); err != nil {
		t.Fatal(err)
	}
	submit(t, ctx, chromedp.SetValue(chromedp.CSS("#f-status"), "form"))
	if bugs := run(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#queue tbody tr")].map(r => r.dataset.bug)`)); !slices.Equal(bugs, []string{"1011"}) {
		t.Errorf("status \"waiting for the form\" shows bugs %v, want [1011]", bugs)
	}
	submit(t, ctx, chromedp.SetValue(chromedp.CSS("#f-status"), ""), chromedp.Click(chromedp.CSS("#f-overdue")))
	loc := run(t, ctx, chromedp.Location())
	rows := run(t, ctx, chromedp.Evaluate[[]bool](`[...document.querySelectorAll("#queue tbody tr")].map(r => r.classList.contains("overdue"))`))
	if !strings.Contains(loc, "overdue=1") || slices.Contains(rows, false) {
		t.Errorf("overdue only (%s) shows rows overdue %v", loc, rows)
	}

	// The order, by the column header's link.
	days := func() []float64 {
		return run(t, ctx, chromedp.Evaluate[[]float64](`[...document.querySelectorAll("#queue tbody td.waiting")].map(c => parseFloat(c.innerText))`))
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(url+"/"), chromedp.WaitVisible(chromedp.CSS("#queue"))); err != nil {
		t.Fatal(err)
	}
	desc := days()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#sort-waiting")), chromedp.WaitVisible(chromedp.CSS(`th[aria-sort="ascending"]`))); err != nil {
		t.Fatal(err)
	}
	asc := days()
	if !slices.IsSortedFunc(desc, func(a, b float64) int { return int(b*10 - a*10) }) || !slices.IsSorted(asc) || len(asc) != len(desc) {
		t.Errorf("waiting times longest first %v, shortest first %v", desc, asc)
	}

	// From a row to the bot's analysis on the bug's page.
	if err := chromedp.Do(ctx, chromedp.Navigate(url+"/"), chromedp.WaitVisible(chromedp.CSS("#queue")),
		chromedp.Click(chromedp.CSS("#bug-1002 a.analysis")), chromedp.WaitVisible(chromedp.CSS(".comment"))); err != nil {
		t.Fatal(err)
	}
	loc = run(t, ctx, chromedp.Location())
	_, anchor, _ := strings.Cut(loc, "#")
	if !strings.Contains(loc, "show_bug.cgi?id=1002#c") {
		t.Fatalf("the analysis link of bug 1002 went to %s", loc)
	}
	comment := run(t, ctx, chromedp.Text(chromedp.CSS("#"+anchor)))
	if !strings.Contains(comment, "stewardbot") {
		t.Errorf("comment %s of bug 1002 is not the bot's analysis:\n%s", anchor, comment)
	}
}

// submit fills in the filter form with fill, submits it, and waits for the
// new page (the old one is marked, so that its elements are not taken for
// the new page's).
func submit(t *testing.T, ctx context.Context, fill ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	run(t, ctx, chromedp.Evaluate[bool](`document.body.dataset.stale = "1", true`))
	for _, a := range fill {
		run(t, ctx, a)
	}
	run(t, ctx, chromedp.Click(chromedp.CSS(`#filters button[type="submit"]`)))
	run(t, ctx, chromedp.WaitNotPresent(chromedp.CSS("body[data-stale]")))
	run(t, ctx, chromedp.WaitVisible(chromedp.CSS("#filters")))
}

// statusColumnInk takes a screenshot of the page and counts, in the content
// box of each cell of the queue's status column (the header first), the
// pixels that stand out from the cell's background (its commonest colour):
// text.
func statusColumnInk(t *testing.T, ctx context.Context) []int {
	t.Helper()
	type box struct{ X, Y, W, H float64 }
	// Each cell's content box: its borders (the rows' lines) are not text.
	boxes := run(t, ctx, chromedp.Evaluate[[]box](`[...document.querySelectorAll("#queue .status")].map(c => {
		const r = c.getBoundingClientRect(), s = getComputedStyle(c), px = p => parseFloat(s[p]) || 0;
		const left = px("borderLeftWidth") + px("paddingLeft"), top = px("borderTopWidth") + px("paddingTop");
		return {X: r.left + scrollX + left, Y: r.top + scrollY + top,
			W: r.width - left - px("borderRightWidth") - px("paddingRight"),
			H: r.height - top - px("borderBottomWidth") - px("paddingBottom")};
	})`))
	pageWidth := run(t, ctx, chromedp.Evaluate[float64](`document.documentElement.scrollWidth`))
	shot := run(t, ctx, chromedp.FullScreenshot(100))
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("the screenshot is no PNG: %v", err)
	}
	scale := float64(img.Bounds().Dx()) / pageWidth
	out := make([]int, 0, len(boxes))
	for _, b := range boxes {
		r := image.Rect(int(b.X*scale), int(b.Y*scale), int((b.X+b.W)*scale), int((b.Y+b.H)*scale)).Intersect(img.Bounds())
		if r.Dx() < 20 || r.Dy() < 8 {
			t.Errorf("a status cell is %dx%d pixels in the screenshot: too small to read", r.Dx(), r.Dy())
		}
		out = append(out, inkIn(img, r))
	}
	return out
}

// inkIn counts the pixels of r that differ clearly from its commonest colour.
func inkIn(img image.Image, r image.Rectangle) int {
	seen := map[color.RGBA]int{}
	var bg color.RGBA
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			seen[c]++
			if seen[c] > seen[bg] {
				bg = c
			}
		}
	}
	ink := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			if diff(c.R, bg.R)+diff(c.G, bg.G)+diff(c.B, bg.B) > 96 {
				ink++
			}
		}
	}
	return ink
}

func diff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}
