package main

import (
	"context"
	"path/filepath"
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

// TestDemoDays runs the demo's world with its --days team and a warp clock
// over 14 days, one cycle per poll interval of "wall" time (moved by hand,
// as cron would), and checks that a person watching sees every kind of
// reminder the issue names, and never a reminder twice.
func TestDemoDays(t *testing.T) {
	ctx := context.Background()
	wall := &manualReal{t: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)}
	clock := newWarpClock(wall.now, 14*24*time.Hour, demoDaysRun)
	srv := bugzillatest.NewServer(t, bugzillatest.WithDialect(bugzillatest.BMO), bugzillatest.WithClock(clock.Now))
	if _, err := demo.Seed(srv); err != nil {
		t.Fatal(err)
	}
	cfg := bot.DefaultConfig()
	cfg.DryRun = false
	cfg.Bugzilla.URL = srv.URL()
	cfg.Bugzilla.Login, cfg.Bugzilla.APIKey = demoLogin, bot.NewSecret(demoAPIKey)
	cfg.Store.DSN = filepath.Join(t.TempDir(), "stewardbot.db")
	demoDaysConfig(&cfg, clock.Now())
	var mu sync.Mutex
	seen := map[string]int{} // "bug kind" → times posted
	hook := func(p bot.Posted) {
		mu.Lock()
		defer mu.Unlock()
		seen[strings.Join([]string{itoa(p.BugID), p.Kind}, " ")]++
	}
	d, err := newDaemon(ctx, cfg, zerolog.Nop(), bot.WithPostHook(hook), bot.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for range int(demoDaysRun / (2 * time.Second)) {
		if err := d.bot.RunOnce(ctx, ""); err != nil {
			t.Fatalf("cycle at %s: %v", clock.Now(), err)
		}
		wall.add(2 * time.Second) // the --days poll interval
	}
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

func itoa(n int) string { return strconv.Itoa(n) }

func TestDemoDaysFlag(t *testing.T) {
	var out strings.Builder
	if code := runDemo(context.Background(), []string{"--days", "-1"}, &out, &out, noEnv); code != 2 || !strings.Contains(out.String(), "--days") {
		t.Errorf("demo --days -1: exit %d, output %q; want 2 and a word about --days", code, out.String())
	}
}
