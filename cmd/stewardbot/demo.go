package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/robfig/cron/v3"
	"github.com/rs/zerolog"

	"github.com/stewardbot/stewardbot/bot"
	"github.com/stewardbot/stewardbot/bot/demo"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
	"github.com/stewardbot/stewardbot/internal/logging"
)

const demoUsage = `usage: stewardbot demo [--for DURATION] [--days N] [--addr ADDR] [--http ADDR] [--store FILE]

Starts a fake Bugzilla on loopback, seeded with about ten data-review
requests, and runs the bot against it live (dry_run off, SQLite in a
temporary folder unless --store). Every comment the bot posts is printed
with its bug, comment number (#N, the bug page's #cN) and id; a line says
when the bot is idle and when it polls next. It keeps running so you can
look at the fake until Ctrl-C, or for DURATION, then prints a summary.
Each bug's page is at URL/show_bug.cgi?id=N (read-only, private comments
shown and marked), its REST API at URL/rest/.

With --days N, the fake's clock and the bot's run N days forward over about
a minute, with a steward team configured: watch the stewards reminded, the
lead told when reminders run out or a steward is away, the request without
a requestee given to a steward, and stewards answering three requests
(bugs 1002, 1005, 1007). When the clock stops the summary is printed; with
--store FILE, "stewardbot report --store FILE" then lists the answers.

`

// demoLogin is the bot's account in the fake; its key is the fake's
// documented test key, not a secret.
const (
	demoLogin  = "bot@example.test"
	demoAPIKey = "bot-api-key"
)

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer, _ func(string) string) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(fs.Output(), demoUsage); fs.PrintDefaults() }
	runFor := fs.Duration("for", 0, "stop after `DURATION` (0: until interrupted)")
	addr := fs.String("addr", "127.0.0.1:0", "serve the fake Bugzilla on `ADDR`")
	days := fs.Int("days", 0, "move the clocks `N` days forward over about a minute (0: real time)")
	httpAddr := fs.String("http", "", "also serve the bot's HTTP server (dashboard, health, metrics) on `ADDR`, such as 127.0.0.1:8080")
	storePath := fs.String("store", "", "keep the bot's SQLite store in `FILE` (default: a temporary folder, deleted on exit); \"stewardbot report --store FILE\" reads it")
	if code, stop := parseFlags(fs, stdout, stderr, func() error { return fs.Parse(args) }); stop {
		return code
	}
	if fs.NArg() != 0 {
		fmt.Fprintf(stderr, "demo: unexpected arguments %q\n", fs.Args())
		return 2
	}
	if *days < 0 || *days > 365 {
		fmt.Fprintf(stderr, "demo: --days wants 0 to 365, not %d\n", *days)
		return 2
	}
	if *runFor > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *runFor)
		defer cancel()
	}
	opts := demoOptions{addr: *addr, httpAddr: *httpAddr, days: *days, store: *storePath}
	if err := demoMain(ctx, opts, stdout, stderr); err != nil {
		fmt.Fprintln(stderr, "stewardbot demo:", err)
		return 1
	}
	return 0
}

// demoOptions are the demo's flags.
type demoOptions struct {
	addr, httpAddr string
	days           int
	store          string // the SQLite file to keep; "" for a temporary one
}

func demoMain(ctx context.Context, o demoOptions, stdout, stderr io.Writer) error {
	var clock bot.Clock = bot.SystemClock{}
	var warp *warpClock
	if o.days > 0 {
		warp = newWarpClock(time.Now, time.Duration(o.days)*24*time.Hour, demoDaysRun)
		clock = warp
	}
	srv := bugzillatest.New(bugzillatest.WithDialect(bugzillatest.BMO), bugzillatest.WithClock(clock.Now))
	defer srv.Close()
	if err := seedDemo(srv, clock.Now()); err != nil {
		return err
	}
	if err := srv.Listen(o.addr); err != nil {
		return err
	}
	dsn, cleanup, err := demoStore(o.store)
	if err != nil {
		return err
	}
	defer cleanup()

	cfg := demoConfig(srv.URL(), dsn)
	if o.days > 0 {
		demoDaysConfig(&cfg, clock.Now())
	} else {
		demoPlainConfig(&cfg)
	}
	log, err := logging.NewLogger(cfg.Log.Level, cfg.Log.Format, stderr)
	if err != nil {
		return err
	}
	watch, err := newDemoWatch(stdout, srv, clock, warp, cfg.Poll.Schedule)
	if err != nil {
		return err
	}
	watch.store = o.store
	printDemoHeader(stdout, srv.URL())
	if o.days > 0 {
		printDemoTeam(stdout, cfg, o.days)
	}
	observe := func(m bot.Observer) bot.Observer { watch.next = m; return watch }
	d, err := newObservedDaemon(ctx, cfg, log, observe, bot.WithPostHook(watch.posted), bot.WithClock(clock))
	if err != nil {
		return err
	}
	defer d.Close()
	if watch.past, err = demoBackfill(ctx, cfg, d, log, clock, stdout); err != nil {
		return err
	}
	wait := func() error { return nil }
	if o.httpAddr != "" {
		h, err := d.httpHandler(cfg)
		if err != nil {
			return err
		}
		hctx, stopHTTP := context.WithCancel(ctx)
		defer stopHTTP()
		bound, w, err := startHTTP(hctx, o.httpAddr, h, log)
		if err != nil {
			return err
		}
		wait = func() error { stopHTTP(); return w() }
		fmt.Fprintf(stdout, "The steward dashboard: http://%s/ (health: /__heartbeat__, metrics: /metrics)\n\n", bound)
	}
	if err := d.bot.Run(ctx, ""); err != nil {
		wait()
		return err
	}
	if err := wait(); err != nil {
		return err
	}
	watch.summary()
	fmt.Fprintln(stdout, "demo stopped.")
	return nil
}

// newDemoWatch builds what prints the demo, for the wall clock (warp nil)
// or a --days clock, whose stewards then answer requests (demoAnswers).
func newDemoWatch(out io.Writer, srv *bugzillatest.Server, clock bot.Clock, warp *warpClock, schedule string) (*demoWatch, error) {
	sched, err := cron.ParseStandard(schedule)
	if err != nil {
		return nil, fmt.Errorf("poll schedule: %w", err)
	}
	w := &demoWatch{out: out, srv: srv, now: clock.Now,
		nextPoll: func() time.Time { return sched.Next(time.Now()) }}
	if warp != nil {
		w.days = int(warp.span / (24 * time.Hour))
		w.nextPoll = func() time.Time { return warp.at(sched.Next(warp.wallNow())) }
		w.ended = warp.ended
		w.afterCycle = newDemoStewards(srv, warp.start).due
	}
	return w, nil
}

// demoConfig is the bot's configuration against the demo's fake.
func demoConfig(url, dsn string) bot.Config {
	cfg := bot.DefaultConfig()
	cfg.DryRun = false
	cfg.Bugzilla.URL = url
	cfg.Bugzilla.Login = demoLogin
	cfg.Bugzilla.APIKey = bot.NewSecret(demoAPIKey)
	cfg.Bugzilla.Contact = "demo"
	cfg.Poll.Schedule = "@every 5s" // lively: act on the fake and watch the bot answer
	cfg.Store.DSN = dsn
	cfg.Log = bot.LogConfig{Level: "warn", Format: "console"}
	// The survey page shows the owners' activity: the bot asks the fake
	// (GET /rest/user only) about the owners the granted forms name.
	cfg.Survey.OwnerActivity = true
	return cfg
}

// demoStore is the demo's SQLite store: the file asked for, new and kept,
// or one in a temporary folder that cleanup deletes. An existing file is
// refused: each run starts a fresh fake Bugzilla, and an old journal would
// speak of comments that fake never had.
func demoStore(path string) (dsn string, cleanup func(), err error) {
	if path != "" {
		if _, err := os.Stat(path); err == nil {
			return "", nil, fmt.Errorf("--store %s: the file exists; each demo starts a fresh fake Bugzilla and wants a new store: delete it or name another file", path)
		}
		return path, func() {}, nil
	}
	dir, err := os.MkdirTemp("", "stewardbot-demo-")
	if err != nil {
		return "", nil, fmt.Errorf("temporary folder: %w", err)
	}
	return filepath.Join(dir, "stewardbot.db"), func() { os.RemoveAll(dir) }, nil
}

func printDemoHeader(w io.Writer, url string) {
	fmt.Fprintf(w, "stewardbot demo: fake Bugzilla (BMO flavour) at %s\n", url)
	fmt.Fprintf(w, "Read a bug as a person would at %s, or as the bot does at %s/rest/bug/1001/comment\n\n", showBugURL(url, 1001), url)
	fmt.Fprintln(w, "The requests it holds:")
	for _, c := range demo.Cases() {
		fmt.Fprintf(w, "  bug %d  %-60s expect: %s\n", c.Bug, c.Shows, c.Want)
	}
	fmt.Fprintln(w)
}

// seedDemo fills the demo's fake: its requests, and years of answered
// reviews before the bot's time, which demoBackfill records for the survey.
func seedDemo(srv *bugzillatest.Server, now time.Time) error {
	if _, err := demo.Seed(srv); err != nil {
		return err
	}
	_, err := demo.SeedPast(srv, demo.DemoPast(now))
	return err
}

// demoBackfill records the fake's past reviews in the demo's store, as
// "stewardbot backfill" would, before the bot starts: the survey and the
// report then list years of reviews, not only the demo's few. It returns
// how many it recorded.
func demoBackfill(ctx context.Context, cfg bot.Config, d *daemon, log zerolog.Logger, clock bot.Clock, stdout io.Writer) (int, error) {
	bf, err := bot.NewBackfill(cfg, d.client, d.store, bot.BackfillOptions{}, bot.WithLogger(log), bot.WithClock(clock))
	if err != nil {
		return 0, err
	}
	res, err := bf.Run(ctx)
	if err != nil {
		return 0, err
	}
	fmt.Fprintf(stdout, "Backfill: recorded %d past reviews (%d with the steward's review form) from the fake's history since %d.\n",
		res.Answered, res.Reviews, clock.Now().AddDate(-6, 0, 0).Year())
	fmt.Fprintf(stdout, "Try it yourself, into another store:\n\n    STEWARDBOT_BUGZILLA_URL=%s STEWARDBOT_BUGZILLA_LOGIN=%s \\\n    STEWARDBOT_BUGZILLA_API_KEY=%s STEWARDBOT_STORE_DSN=past.db stewardbot backfill\n\n",
		cfg.Bugzilla.URL, demoLogin, demoAPIKey)
	return int(res.Answered), nil
}
