package web

import (
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

var update = flag.Bool("update", false, "write the dashboard screenshots to testdata/")

// findChromium returns Debian's chromium. Without it the browser test is
// skipped on a developer's machine but fails in CI (CI=true), where
// .ci/run installs it: a browser test that silently never runs is no test.
func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "/usr/bin/chromium"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium not found, and CI is set: install Debian's chromium package (apt-get install -y chromium)")
	}
	t.Skip("chromium not found: install Debian's chromium package (apt-get install -y chromium) to run the dashboard's browser test")
	return ""
}

// browser starts a headless chromium with a fresh profile and nothing that
// reaches the network on its own.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := findChromium(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 900),
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	t.Cleanup(cancel)
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(acancel)
	bctx, bcancel := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	t.Cleanup(bcancel)
	if err := chromedp.Do(bctx); err != nil { // start the browser now, to fail early
		t.Fatalf("start chromium %s: %v", path, err)
	}
	return bctx
}

// The dashboard over the demo's data, in a real browser: the queue's rows,
// the private bug masked, the steward filter by clicking its link, and a
// phone-sized viewport without sideways scrolling. Screenshots are saved.
func TestDashboardInBrowser(t *testing.T) {
	ctx := browser(t)
	url := demoServer(t, nil)

	if err := chromedp.Do(ctx, chromedp.Navigate(url+"/"), chromedp.WaitVisible(chromedp.CSS("#queue"))); err != nil {
		t.Fatal(err)
	}
	bugs := run(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#queue tbody tr")].map(r => r.dataset.bug)`))
	rowTexts := run(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#queue tbody tr")].map(r => r.innerText)`))
	privateText := run(t, ctx, chromedp.Text(chromedp.CSS("#bug-1007 a.bug")))
	summaryCell := run(t, ctx, chromedp.Text(chromedp.CSS("#bug-1001 .summary-cell")))

	// Every open demo request; 1010 was answered before the bot saw it, so
	// it is not in the queue.
	wantBugs := []string{"1001", "1002", "1003", "1004", "1005", "1006", "1007", "1008", "1009", "1011"}
	slices.Sort(bugs)
	if !slices.Equal(bugs, wantBugs) {
		t.Errorf("rows for bugs %v, want %v", bugs, wantBugs)
	}
	if privateText != "private bug 1007" {
		t.Errorf("bug 1007 reads %q, want %q", privateText, "private bug 1007")
	}
	if summaryCell != "Measure how people use the tab-group onboarding panel" {
		t.Errorf("bug 1001's summary = %q", summaryCell)
	}
	all := strings.Join(rowTexts, "\n")
	if strings.Contains(all, "certificate error") {
		t.Errorf("the private bug's summary is on the page:\n%s", all)
	}
	for _, want := range []string{"steward1@example.test", "dev1@example.test", "overdue"} {
		if !strings.Contains(all, want) {
			t.Errorf("the queue does not show %q:\n%s", want, all)
		}
	}
	saveScreenshot(t, ctx, "dashboard-desktop.png")

	// The steward filter, by clicking the steward's link as a person would.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`a[data-steward="steward2@example.test"]`)),
		chromedp.WaitVisible(chromedp.CSS("#filter")),
	); err != nil {
		t.Fatal(err)
	}
	filter := run(t, ctx, chromedp.Text(chromedp.CSS("#filter")))
	filtered := run(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#queue tbody tr")].map(r => r.dataset.steward)`))
	if filter != "steward2@example.test" || len(filtered) == 0 || len(filtered) >= len(wantBugs) {
		t.Errorf("filter %q shows %d rows of %d", filter, len(filtered), len(wantBugs))
	}
	for _, s := range filtered {
		if s != "steward2@example.test" {
			t.Errorf("filtered by steward2, a row of %q is shown", s)
		}
	}

	// A phone: the page fits its width.
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
		chromedp.Navigate(url+"/"),
		chromedp.WaitVisible(chromedp.CSS("#queue")),
	); err != nil {
		t.Fatal(err)
	}
	scrollWidth := run(t, ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	innerWidth := run(t, ctx, chromedp.Evaluate[int](`window.innerWidth`))
	if scrollWidth > innerWidth {
		t.Errorf("on a phone the page is %dpx wide in a %dpx viewport: it scrolls sideways", scrollWidth, innerWidth)
	}
	saveScreenshot(t, ctx, "dashboard-phone.png")
}

// run runs one browser action and fails the test on error.
func run[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// saveScreenshot writes a full-page screenshot to testdata/ with -update,
// else to a folder under the system's temporary directory that outlives the
// test, and logs where.
func saveScreenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png := run(t, ctx, chromedp.FullScreenshot(100))
	dir := "testdata"
	if !*update {
		var err error
		if dir, err = os.MkdirTemp("", "stewardbot-dashboard-"); err != nil {
			t.Fatal(err)
		}
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(path)
	t.Logf("screenshot: %s", abs)
}
