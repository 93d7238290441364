package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/stewardbot/stewardbot/bot"
	"github.com/stewardbot/stewardbot/bot/demo"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
	"github.com/stewardbot/stewardbot/internal/logging"
)

const demoUsage = `usage: stewardbot demo [--for DURATION] [--days N] [--addr ADDR] [--http ADDR]

Starts a fake Bugzilla on loopback, seeded with about ten data-review
requests, and runs the bot against it live (dry_run off, SQLite in a
temporary folder). Every comment the bot posts is printed. It keeps running
so you can look at the fake (its REST API is at the printed URL) until
Ctrl-C, or for DURATION.

With --days N, the fake's clock and the bot's run N days forward over about
a minute, with a steward team configured: watch the stewards reminded, the
lead told when reminders run out or a steward is away, and the request
without a requestee given to a steward.

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
	if err := demoMain(ctx, *addr, *httpAddr, *days, stdout, stderr); err != nil {
		fmt.Fprintln(stderr, "stewardbot demo:", err)
		return 1
	}
	return 0
}

func demoMain(ctx context.Context, addr, httpAddr string, days int, stdout, stderr io.Writer) error {
	var clock bot.Clock = bot.SystemClock{}
	if days > 0 {
		clock = newWarpClock(time.Now, time.Duration(days)*24*time.Hour, demoDaysRun)
	}
	srv := bugzillatest.New(bugzillatest.WithDialect(bugzillatest.BMO), bugzillatest.WithClock(clock.Now))
	defer srv.Close()
	if _, err := demo.Seed(srv); err != nil {
		return err
	}
	if err := srv.Listen(addr); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "stewardbot-demo-")
	if err != nil {
		return fmt.Errorf("temporary folder: %w", err)
	}
	defer os.RemoveAll(dir)

	cfg := bot.DefaultConfig()
	cfg.DryRun = false
	cfg.Bugzilla.URL = srv.URL()
	cfg.Bugzilla.Login = demoLogin
	cfg.Bugzilla.APIKey = bot.NewSecret(demoAPIKey)
	cfg.Bugzilla.Contact = "demo"
	cfg.Poll.Schedule = "@every 5s" // lively: act on the fake and watch the bot answer
	cfg.Store.DSN = filepath.Join(dir, "stewardbot.db")
	cfg.Log = bot.LogConfig{Level: "warn", Format: "console"}
	if days > 0 {
		demoDaysConfig(&cfg, clock.Now())
	} else {
		demoPlainConfig(&cfg)
	}
	log, err := logging.NewLogger(cfg.Log.Level, cfg.Log.Format, stderr)
	if err != nil {
		return err
	}

	printDemoHeader(stdout, srv.URL())
	if days > 0 {
		printDemoTeam(stdout, cfg, days)
	}
	var mu sync.Mutex // the hook may run from the scheduler's goroutines
	hook := func(p bot.Posted) {
		mu.Lock()
		defer mu.Unlock()
		if days > 0 {
			fmt.Fprintf(stdout, "[demo clock: %s]\n", clock.Now().UTC().Format("Mon 2006-01-02 15:04"))
		}
		printPosted(stdout, srv.URL(), p)
	}
	d, err := newDaemon(ctx, cfg, log, bot.WithPostHook(hook), bot.WithClock(clock))
	if err != nil {
		return err
	}
	defer d.Close()
	wait := func() error { return nil }
	if httpAddr != "" {
		h, err := d.httpHandler(cfg)
		if err != nil {
			return err
		}
		hctx, stopHTTP := context.WithCancel(ctx)
		defer stopHTTP()
		bound, w, err := startHTTP(hctx, httpAddr, h, log)
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
	fmt.Fprintln(stdout, "demo stopped.")
	return nil
}

func printDemoHeader(w io.Writer, url string) {
	fmt.Fprintf(w, "stewardbot demo: fake Bugzilla (BMO flavour) at %s\n", url)
	fmt.Fprintf(w, "Read it as anyone can, e.g. %s/rest/bug/1001/comment\n\n", url)
	fmt.Fprintln(w, "The requests it holds:")
	for _, c := range demo.Cases() {
		fmt.Fprintf(w, "  bug %d  %-60s expect: %s\n", c.Bug, c.Shows, c.Want)
	}
	fmt.Fprintln(w)
}

func printPosted(w io.Writer, url string, p bot.Posted) {
	vis := "public"
	if p.Comment.IsPrivate {
		vis = "private"
	}
	rule := strings.Repeat("─", 72)
	fmt.Fprintf(w, "%s\nbug %d · %s · %s comment %d · %s/rest/bug/%d/comment\n%s\n%s\n\n",
		rule, p.BugID, p.Kind, vis, p.CommentID, url, p.BugID, rule, strings.TrimSpace(p.Comment.Text))
}
