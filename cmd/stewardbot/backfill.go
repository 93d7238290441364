package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"github.com/stewardbot/stewardbot/bot"
	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
)

const backfillUsage = `usage: stewardbot backfill [--config FILE] [--since DATE] [--until DATE] [--product P] [--concurrency N] [--restart] [--log-format FORMAT]

Records the data reviews Bugzilla holds from before the bot ran, so that
"stewardbot report" and the survey list every collection reviewed, not
only those the bot saw while their requests were open. It finds every
attachment carrying a data-review flag (granted, denied or open), reads
its Request form and the steward's review form in the bug's comments,
and records them in the store (store.dsn) as the analyze task would; and
the requests withdrawn unanswered in the window (the flag cleared), from
the bugs' histories, recorded as withdrawn without their forms. It
writes nothing to Bugzilla, whatever dry_run says.

Killed or interrupted, it continues where it stopped when run again with
the same window; a window with --until read to its end is not read again
(--restart reads it anew), one without is read again from its start (what
was recorded is updated in place, never recorded twice). It can run
beside the daemon on a PostgreSQL store, or alone on SQLite. Details: docs/backfill.md.

  --config       configuration FILE (default $STEWARDBOT_CONFIG); the
                 bugzilla settings and API key are the daemon's
  --since        only flags last changed (answered) on or after DATE
                 (YYYY-MM-DD, UTC)
  --until        only flags last changed on or before DATE (the whole day)
  --product      only bugs of product P
  --concurrency  chunks of bugs read at once (default 4)
  --restart      read the window again from its start
  --log-format   log as FORMAT: auto, json, console or mozlog

On a terminal it shows a progress bar; otherwise it logs a progress line
every 10 seconds.

Exit status: 0 when the window is read to its end, 1 when it stopped
early (run it again to continue) or cannot start, 2 for a usage error.
`

// backfillLogEvery is how often progress is logged when no bar is shown.
const backfillLogEvery = 10 * time.Second

// runBackfill is "stewardbot backfill".
func runBackfill(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("backfill", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(fs.Output(), backfillUsage) }
	config := fs.String("config", getenv("STEWARDBOT_CONFIG"), "")
	sinceFlag := fs.String("since", "", "")
	untilFlag := fs.String("until", "", "")
	product := fs.String("product", "", "")
	concurrency := fs.Int("concurrency", bot.DefaultBackfillConcurrency, "")
	restart := fs.Bool("restart", false, "")
	logFormat := fs.String("log-format", "", "")
	if code, stop := parseFlags(fs, stdout, stderr, func() error { return fs.Parse(args) }); stop {
		return code
	}
	usageError := func(format string, args ...any) int {
		fmt.Fprintf(stderr, "backfill: "+format+"\n\n", args...)
		fs.Usage()
		return 2
	}
	if fs.NArg() != 0 {
		return usageError("unexpected arguments %q", fs.Args())
	}
	o := bot.BackfillOptions{Product: *product, Concurrency: *concurrency, Restart: *restart}
	var err error
	if o.Since, err = parseDay(*sinceFlag); err != nil {
		return usageError("--since: %v", err)
	}
	if o.Until, err = parseDay(*untilFlag); err != nil {
		return usageError("--until: %v", err)
	}
	if !o.Until.IsZero() {
		o.Until = o.Until.AddDate(0, 0, 1) // the whole day
	}
	if !o.Since.IsZero() && !o.Until.IsZero() && !o.Since.Before(o.Until) {
		return usageError("--since %s is after --until %s", *sinceFlag, *untilFlag)
	}
	if *concurrency < 1 || *concurrency > 64 {
		return usageError("--concurrency wants 1 to 64, not %d", *concurrency)
	}

	cfg, log, ok := loadRunnable(*config, *logFormat, stderr, getenv)
	if !ok {
		return 1
	}
	return backfill(ctx, cfg, o, log, stdout, stderr)
}

// parseDay reads a YYYY-MM-DD date, as midnight UTC; "" is the zero time.
func parseDay(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("want a date written YYYY-MM-DD, not %q", s)
	}
	return t, nil
}

// backfill runs one backfill with its progress shown, and says how it ended.
func backfill(ctx context.Context, cfg bot.Config, o bot.BackfillOptions, log zerolog.Logger, stdout, stderr io.Writer) int {
	rules, err := loadRules(cfg.RulesFile)
	if err != nil {
		fmt.Fprintln(stderr, "stewardbot backfill:", err)
		return 1
	}
	counter := &countingTransport{next: http.DefaultTransport.(*http.Transport).Clone()}
	client, err := newClient(cfg, log.With().Str("component", "bugzilla").Logger(),
		bugzilla.WithHTTPClient(&http.Client{Transport: counter}))
	if err != nil {
		fmt.Fprintln(stderr, "stewardbot backfill:", err)
		return 1
	}
	st, err := store.Open(ctx, cfg.Store.DSN)
	if err != nil {
		fmt.Fprintln(stderr, "stewardbot backfill:", err)
		return 1
	}
	defer st.Close()
	bf, err := bot.NewBackfill(cfg, client, st, o, bot.WithLogger(log), bot.WithRules(rules))
	if err != nil {
		fmt.Fprintln(stderr, "stewardbot backfill:", err)
		return 1
	}
	start := time.Now()
	show := newBackfillProgress(stderr, log, start, bf.Progress, counter.count.Load)
	stopShow := show.run()
	res, err := bf.Run(ctx)
	stopShow()
	took := time.Since(start).Round(time.Millisecond)
	switch {
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(stderr, "stewardbot backfill: interrupted after %d bugs; run it again to continue\n", res.BugsRead)
		return 1
	case err != nil:
		fmt.Fprintln(stderr, "stewardbot backfill:", err)
		fmt.Fprintln(stderr, "stewardbot backfill: what was read is recorded; run it again to continue")
		return 1
	case res.AlreadyDone:
		fmt.Fprintln(stdout, "backfill: an earlier run read this window to its end; nothing to do (--restart reads it again)")
		return 0
	}
	log.Info().Int64("bugs_found", res.BugsFound).Int64("bugs_read", res.BugsRead).Int64("flags", res.Flags).
		Int64("forms", res.Forms).Int64("reviews", res.Reviews).Int64("withdrawn", res.Withdrawn).Int64("requests", counter.count.Load()).
		Dur("took", took).Msg("backfill done")
	fmt.Fprintf(stdout, "backfill: %d bugs read, %d requests recorded (%d answered, %d forms, %d review forms), %d withdrawn requests; %d requests to Bugzilla in %s\n",
		res.BugsRead, res.Flags, res.Answered, res.Forms, res.Reviews, res.Withdrawn, counter.count.Load(), took)
	return 0
}

// countingTransport counts the requests sent to Bugzilla.
type countingTransport struct {
	next  http.RoundTripper
	count atomic.Int64
}

func (t *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.count.Add(1)
	return t.next.RoundTrip(r)
}
