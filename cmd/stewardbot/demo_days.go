package main

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/stewardbot/stewardbot/bot"
)

// demoDaysRun is how long, in wall time, `demo --days N` takes to move its
// clock N days: short enough to watch reminders, notices and assignments
// happen, long enough for a few cycles per simulated business day.
const demoDaysRun = time.Minute

// warpClock is the demo's compressed time: it starts at the wall now and
// runs speed times faster until it has moved span, then stands still. The
// fake Bugzilla and the bot both read it (bugzillatest.WithClock and
// bot.WithClock), so the server's timestamps and the bot's schedule agree.
type warpClock struct {
	mu    sync.Mutex
	wall  func() time.Time
	start time.Time // wall and virtual time at the start
	speed float64
	span  time.Duration
}

func newWarpClock(wall func() time.Time, span, over time.Duration) *warpClock {
	return &warpClock{wall: wall, start: wall(), speed: float64(span) / float64(over), span: span}
}

// Now is the virtual time.
func (w *warpClock) Now() time.Time { return w.at(w.wall()) }

// at is the virtual time at the wall time t.
func (w *warpClock) at(t time.Time) time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	moved := time.Duration(float64(t.Sub(w.start)) * w.speed)
	return w.start.Add(min(max(moved, 0), w.span))
}

// wallNow is the wall time under the virtual one.
func (w *warpClock) wallNow() time.Time { return w.wall() }

// ended reports whether the clock has moved its whole span and stands still.
func (w *warpClock) ended() bool { return !w.Now().Before(w.start.Add(w.span)) }

var _ bot.Clock = (*warpClock)(nil)

// demoDaysConfig is the demo's team for `demo --days`: a lead, three
// stewards (the third away for the first week, so the lead hears about it),
// short waits and a fast poll so that a minute shows every kind of reminder.
func demoDaysConfig(cfg *bot.Config, start time.Time) {
	cfg.Poll.Schedule = "@every 2s"
	cfg.Stewards = bot.StewardsConfig{
		Lead: "lead@example.test",
		Roster: []bot.Steward{
			{Login: "steward1@example.test"},
			{Login: "steward2@example.test"},
			{Login: "steward3@example.test", Away: []bot.AwayRange{{
				From: start.AddDate(0, 0, -10).Format(time.DateOnly),
				To:   start.AddDate(0, 0, 6).Format(time.DateOnly),
			}}},
		},
		AssignUnassigned: true,
	}
	cfg.Reminders.After, cfg.Reminders.Every, cfg.Reminders.Max = 2, 2, 2
}

// demoPlainConfig keeps the wall-time demo about analyses: at wall-clock
// speed no reminder would come due while anyone watches, and the seed's
// requests are days old, so reminders and assignments are left to --days.
func demoPlainConfig(cfg *bot.Config) {
	cfg.Reminders.Max = 0
	cfg.Stewards.AssignUnassigned = false
}

// printDemoTeam says who the --days demo's stewards are and how fast its
// clock runs.
func printDemoTeam(w io.Writer, cfg bot.Config, days int) {
	fmt.Fprintf(w, "Clock: %d days in about %s. Lead: %s. Roster:", days, demoDaysRun, cfg.Stewards.Lead)
	for _, s := range cfg.Stewards.Roster {
		fmt.Fprintf(w, " %s", s.Login)
		for _, a := range s.Away {
			fmt.Fprintf(w, " (away %s to %s)", a.From, a.To)
		}
	}
	fmt.Fprintf(w, ".\nReminders after %d business days, every %d, at most %d; then one notice to the lead.\n\n",
		cfg.Reminders.After, cfg.Reminders.Every, cfg.Reminders.Max)
}
