package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/rs/zerolog"
	"github.com/schollz/progressbar/v3"

	"github.com/stewardbot/stewardbot/bot"
)

// backfillProgress shows how a backfill goes: a progress bar when stderr
// is a terminal (bugs read of bugs found, forms read, requests made, their
// rate, the time left), else a log line every backfillLogEvery.
type backfillProgress struct {
	w        io.Writer
	log      zerolog.Logger
	start    time.Time
	progress func() bot.BackfillProgress
	requests func() int64
	tty      bool
	every    time.Duration
}

func newBackfillProgress(w io.Writer, log zerolog.Logger, start time.Time, progress func() bot.BackfillProgress, requests func() int64) *backfillProgress {
	tty := false
	if f, ok := w.(*os.File); ok {
		tty = isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
	}
	return &backfillProgress{w: w, log: log, start: start, progress: progress, requests: requests, tty: tty, every: backfillLogEvery}
}

// run starts showing progress; the function it returns stops, after one
// last update.
func (p *backfillProgress) run() (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if p.tty {
			p.bar(done)
		} else {
			p.lines(done)
		}
	}()
	return func() {
		close(done)
		wg.Wait()
	}
}

// description is the bar's words: what was found and read, and the rate.
func (p *backfillProgress) description(pr bot.BackfillProgress) string {
	reqs := p.requests()
	rate := float64(reqs) / max(time.Since(p.start).Seconds(), 0.001)
	found := fmt.Sprint(pr.BugsFound)
	if !pr.SearchDone {
		found += "+"
	}
	return fmt.Sprintf("bugs found %s · forms %d · reviews %d · requests %d (%.1f/s)", found, pr.Forms, pr.Reviews, reqs, rate)
}

func (p *backfillProgress) bar(done <-chan struct{}) {
	bar := progressbar.NewOptions64(-1,
		progressbar.OptionSetWriter(p.w),
		progressbar.OptionSetItsString("bugs"),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionShowDescriptionAtLineEnd(),
		progressbar.OptionSetWidth(30),
		// No spinner goroutine of the library's own (it reads the bar's
		// state unlocked): this loop renders every 200 ms.
		progressbar.OptionSetSpinnerChangeInterval(0),
	)
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	update := func() {
		pr := p.progress()
		if pr.BugsFound > 0 && bar.GetMax64() != pr.BugsFound {
			bar.ChangeMax64(pr.BugsFound)
		}
		bar.Describe(p.description(pr))
		_ = bar.Set64(pr.BugsRead)
	}
	for {
		select {
		case <-done:
			update()
			if pr := p.progress(); pr.SearchDone && pr.BugsRead == pr.BugsFound {
				_ = bar.Finish()
			} else {
				_ = bar.Exit() // stopped early: the bar stays where it was
			}
			fmt.Fprintln(p.w)
			return
		case <-tick.C:
			update()
		}
	}
}

func (p *backfillProgress) lines(done <-chan struct{}) {
	tick := time.NewTicker(p.every)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return
		case <-tick.C:
			p.line()
		}
	}
}

// line logs one progress line, with the time left once the search is
// done (bugs left at the rate so far).
func (p *backfillProgress) line() {
	pr := p.progress()
	elapsed := time.Since(p.start)
	reqs := p.requests()
	ev := p.log.Info().Int64("bugs_found", pr.BugsFound).Bool("search_done", pr.SearchDone).
		Int64("bugs_read", pr.BugsRead).Int64("flags", pr.Flags).Int64("forms", pr.Forms).Int64("reviews", pr.Reviews).
		Int64("requests", reqs).Float64("requests_per_s", float64(reqs)/max(elapsed.Seconds(), 0.001))
	if pr.SearchDone && pr.BugsRead > 0 {
		left := time.Duration(float64(elapsed) * float64(pr.BugsFound-pr.BugsRead) / float64(pr.BugsRead))
		ev = ev.Dur("time_left", left.Round(time.Second))
	}
	ev.Msg("backfill progress")
}
