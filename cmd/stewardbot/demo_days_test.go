package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/stewardbot/stewardbot/bot"
	"github.com/stewardbot/stewardbot/bot/demo"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// manualReal is the "wall" time under a warpClock, moved by hand.
type manualReal struct {
	mu sync.Mutex
	t  time.Time
}

func (m *manualReal) now() time.Time { m.mu.Lock(); defer m.mu.Unlock(); return m.t }
func (m *manualReal) add(d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.t = m.t.Add(d)
}

func TestWarpClock(t *testing.T) {
	wall := &manualReal{t: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)}
	w := newWarpClock(wall.now, 14*24*time.Hour, time.Minute)
	for _, tc := range []struct {
		after time.Duration
		want  time.Duration
	}{
		{0, 0},
		{30 * time.Second, 7 * 24 * time.Hour},
		{30 * time.Second, 14 * 24 * time.Hour},
		{time.Hour, 14 * 24 * time.Hour}, // stands still at the end
	} {
		wall.add(tc.after)
		if got := w.Now().Sub(w.start); got != tc.want {
			t.Errorf("after %s more: moved %s, want %s", tc.after, got, tc.want)
		}
	}
}

// demoDaysRig is the --days demo's world in a test: the fake, the bot,
// the warp clock over a "wall" time moved by hand, and what the demo prints.
type demoDaysRig struct {
	wall  *manualReal
	clock *warpClock
	srv   *bugzillatest.Server
	d     *daemon
	watch *demoWatch
	dsn   string
	out   *strings.Builder // written under watch.mu only
	mu    sync.Mutex
	seen  map[string]int // "bug kind" → times posted
}

func newDemoDaysRig(t *testing.T, days int) *demoDaysRig {
	t.Helper()
	r := &demoDaysRig{wall: &manualReal{t: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)}, out: &strings.Builder{}, seen: map[string]int{}}
	r.clock = newWarpClock(r.wall.now, time.Duration(days)*24*time.Hour, demoDaysRun)
	r.srv = bugzillatest.NewServer(t, bugzillatest.WithDialect(bugzillatest.BMO), bugzillatest.WithClock(r.clock.Now))
	if err := seedDemo(r.srv, r.clock.Now()); err != nil {
		t.Fatal(err)
	}
	r.dsn = filepath.Join(t.TempDir(), "demo.db")
	cfg := demoConfig(r.srv.URL(), r.dsn)
	demoDaysConfig(&cfg, r.clock.Now())
	watch, err := newDemoWatch(r.out, r.srv, r.clock, r.clock, cfg.Poll.Schedule)
	if err != nil {
		t.Fatal(err)
	}
	r.watch = watch
	watch.store = r.dsn
	hook := func(p bot.Posted) {
		r.mu.Lock()
		r.seen[strings.Join([]string{itoa(p.BugID), p.Kind}, " ")]++
		r.mu.Unlock()
		watch.posted(p)
	}
	observe := func(m bot.Observer) bot.Observer { watch.next = m; return watch }
	r.d, err = newObservedDaemon(context.Background(), cfg, zerolog.Nop(), observe, bot.WithPostHook(hook), bot.WithClock(r.clock))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.d.Close() })
	if watch.past, err = demoBackfill(context.Background(), cfg, r.d, zerolog.Nop(), r.clock, r.out); err != nil {
		t.Fatal(err)
	}
	return r
}

// run runs one cycle per --days poll interval of "wall" time (as the
// scheduler would), until the clock has stood still for two cycles.
func (r *demoDaysRig) run(t *testing.T) {
	t.Helper()
	for range int(demoDaysRun/(2*time.Second)) + 2 {
		if err := r.d.bot.RunOnce(context.Background(), ""); err != nil {
			t.Fatalf("cycle at %s: %v", r.clock.Now(), err)
		}
		r.wall.add(2 * time.Second) // the --days poll interval
	}
}

// TestDemoDays runs the demo's world with its --days team and a warp clock
// over 14 days and checks that a person watching sees every kind of
// reminder the issue names, and never a reminder twice.
func TestDemoDays(t *testing.T) {
	r := newDemoDaysRig(t, 14)
	r.run(t)
	seen := r.seen
	for _, want := range []string{
		"1001 remind-1", "1001 remind-2", "1001 lead-notice", // reminders run out: the lead hears
		"1006 assign",      // no requestee: a steward is picked
		"1008 lead-notice", // steward3 is away: the lead hears at once
	} {
		if seen[want] != 1 {
			t.Errorf("%q posted %d times, want once; all: %v", want, seen[want], seen)
		}
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("%q posted %d times", k, n)
		}
		if strings.HasPrefix(k, "1011 ") && k != "1011 needs-form" {
			t.Errorf("the request without a form got %q", k)
		}
	}
}

// postedHeader is the line printed above each comment.
var postedHeader = regexp.MustCompile(`(?m)^bug (\d+) (.*) · ([\w-]+) · (public|private) · (.*)$`)

// TestDemoDaysPrintout checks what the --days demo prints of each comment:
// Bugzilla's comment number and the comment id as the fake has them (not
// "comment 0" for the comments written with a flag change), and the tag
// the comment carries on the fake.
func TestDemoDaysPrintout(t *testing.T) {
	r := newDemoDaysRig(t, 14)
	r.run(t)
	out := r.out.String()
	headers := postedHeader.FindAllStringSubmatch(out, -1)
	if len(headers) < 20 {
		t.Fatalf("only %d comments printed:\n%s", len(headers), out)
	}
	number := regexp.MustCompile(`^comment #(\d+) \(id (\d+)\)$`)
	for _, h := range headers {
		bug, kind := atoi(t, h[1]), h[3]
		m := number.FindStringSubmatch(h[2])
		if m == nil {
			t.Errorf("bug %d %s: printed %q, want \"comment #N (id M)\"", bug, kind, h[2])
			continue
		}
		count, id := atoi(t, m[1]), atoi(t, m[2])
		var found *bugzillatest.Comment
		for _, c := range r.srv.Comments(bug) {
			if c.ID == id {
				found = &c
			}
		}
		switch {
		case found == nil:
			t.Errorf("bug %d %s: comment id %d is not on the bug", bug, kind, id)
		case found.Count != count:
			t.Errorf("bug %d %s: printed comment #%d, the fake numbers it #%d", bug, kind, count, found.Count)
		case !strings.Contains(found.Text, "stewardbot:"+kind+" "):
			t.Errorf("bug %d %s: comment %d is not the %s comment:\n%s", bug, kind, id, kind, found.Text)
		}
		if found != nil {
			if want := postedTags(found.Tags); h[5] != want {
				t.Errorf("bug %d %s: printed %q, the fake has %q", bug, kind, h[5], want)
			}
			if len(found.Tags) > 0 && found.Tags[0] != "stewardbot-"+kind {
				t.Errorf("bug %d %s: tagged %v", bug, kind, found.Tags)
			}
		}
	}
}

// TestDemoDaysEnd: when the clock has moved its days the demo says so and
// prints the summary, instead of falling silent; the stewards have
// answered three requests, and the report lists them from the store.
func TestDemoDaysEnd(t *testing.T) {
	r := newDemoDaysRig(t, 14)
	r.run(t)
	out := r.out.String()
	for _, want := range []string{
		"The demo clock has moved its 14 days",
		"a steward answers: bug 1002 data-review+ by steward2@example.test, with a review comment",
		"a steward answers: bug 1005 data-review- by steward1@example.test",
		"a steward answers: bug 1007 data-review+ by steward1@example.test",
		"══ Summary ══",
		"Requests:    11 data-review requests: 7 waiting, 3 granted, 1 denied.",
		// The fake's history (demo.PastReviews) and bug 1010, answered
		// before the bot ran, backfilled at start.
		"Backfill: recorded 301 past reviews",
		"Past:        301 past reviews backfilled",
		"Escalations: 2: bug 1003 (trust and legal), bug 1004 (trust and legal).",
		"Reminders:   ",
		"    stewardbot report --store " + r.dsn + " --format markdown\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the printout lacks %q:\n%s", want, out)
		}
	}
	_, after, _ := strings.Cut(out, "The demo clock has moved")
	if strings.Contains(after, "idle at ") {
		t.Errorf("idle lines after the clock stopped:\n%s", after)
	}
	if n := strings.Count(out, "idle at "); n == 0 || n > 14 {
		t.Errorf("%d idle lines over 14 days, want some, at most one a day", n)
	}
	if n := strings.Count(out, "══ Summary ══"); n != 1 {
		t.Errorf("summary printed %d times, want once", n)
	}
	var rep, errOut strings.Builder
	if code := runReport(context.Background(), []string{"--store", r.dsn}, &rep, &errOut, noEnv); code != 0 {
		t.Fatalf("report --store: exit %d: %s", code, errOut.String())
	}
	for _, want := range []string{"1002,", "granted", "steward2@example.test", "denied", "private bug 1007"} {
		if !strings.Contains(rep.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, rep.String())
		}
	}
	// Every answered request, the past ones included, is in the report.
	bugs := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(rep.String()), "\n")[1:] {
		bug, _, _ := strings.Cut(line, ",")
		bugs[bug] = true
	}
	if len(bugs) != demo.PastReviews+4 { // 1002, 1005, 1007 and 1010
		t.Errorf("the report lists %d bugs, want %d", len(bugs), demo.PastReviews+4)
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestDemoStoreExists: --store names a new file; an existing one (a store
// of an earlier demo, whose fake is gone) is refused before anything runs.
func TestDemoStoreExists(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.db")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut strings.Builder
	code := runDemo(context.Background(), []string{"--store", path, "--for", "1ms"}, &out, &errOut, noEnv)
	if code != 1 || !strings.Contains(errOut.String(), "the file exists") {
		t.Errorf("demo --store EXISTING: exit %d, stderr %q; want 1 and a word about the file", code, errOut.String())
	}
	if data, _ := os.ReadFile(path); string(data) != "old" {
		t.Errorf("the existing file was changed")
	}
}

func TestDemoDaysFlag(t *testing.T) {
	var out strings.Builder
	if code := runDemo(context.Background(), []string{"--days", "-1"}, &out, &out, noEnv); code != 2 || !strings.Contains(out.String(), "--days") {
		t.Errorf("demo --days -1: exit %d, output %q; want 2 and a word about --days", code, out.String())
	}
}
