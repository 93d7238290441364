package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/rs/zerolog"

	"github.com/stewardbot/stewardbot/bot"
	"github.com/stewardbot/stewardbot/internal/logging"
)

const daemonUsage = `usage: stewardbot %s [--config FILE] [--only TASK] [--log-format FORMAT]

%s

The configuration is FILE (default $STEWARDBOT_CONFIG), then the
STEWARDBOT_* environment overrides; the API key comes from
STEWARDBOT_BUGZILLA_API_KEY, STEWARDBOT_BUGZILLA_API_KEY_FILE or systemd's
$CREDENTIALS_DIRECTORY. Tasks, in the order a cycle runs them: %s.

`

// noConfigHelp is said before the configuration's errors when no file was
// named: "bugzilla.url: required" alone does not tell a newcomer that a
// configuration file is what is missing.
const noConfigHelp = `stewardbot: no configuration given: name a file with --config FILE or
$STEWARDBOT_CONFIG (deploy/config.example.yaml is a start; check it with
"stewardbot check-config FILE"), or set at least STEWARDBOT_BUGZILLA_URL
and the API key in the environment. To try the bot without a Bugzilla:
"stewardbot demo".
`

// daemonFlags parses the flags run and once share.
func daemonFlags(name, doc string, args []string, stdout, stderr io.Writer, getenv func(string) string) (config, only, logFormat string, code int) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), daemonUsage, name, doc, strings.Join(bot.TaskNames(), ", "))
		fs.PrintDefaults()
	}
	fs.StringVar(&config, "config", getenv("STEWARDBOT_CONFIG"), "configuration `FILE`")
	fs.StringVar(&only, "only", "", "run only `TASK`")
	fs.StringVar(&logFormat, "log-format", "", "log as `FORMAT`: auto, json, console or mozlog (default: log.format, itself auto: console on a terminal, else json)")
	if code, stop := parseFlags(fs, stdout, stderr, func() error { return fs.Parse(args) }); stop {
		if code == 0 {
			return "", "", "", -1 // help: done, status 0
		}
		return "", "", "", code
	}
	if fs.NArg() != 0 {
		fmt.Fprintf(stderr, "%s: unexpected arguments %q\n", name, fs.Args())
		return "", "", "", 2
	}
	return config, only, logFormat, 0
}

// loadRunnable loads a configuration the bot can run with (run, once,
// backfill) and its logger, reporting problems on stderr; ok is false
// after a problem (exit status 1).
func loadRunnable(path, logFormat string, stderr io.Writer, getenv func(string) string) (cfg bot.Config, log zerolog.Logger, ok bool) {
	cfg, err := bot.LoadConfig(path, getenv, nil)
	if err == nil {
		// What would fail later, said now and in the configuration's terms.
		err = cfg.CheckRunnable()
	}
	if err != nil {
		if path == "" {
			fmt.Fprint(stderr, noConfigHelp)
		}
		fmt.Fprintln(stderr, "stewardbot:", err)
		return cfg, log, false
	}
	if logFormat != "" {
		cfg.Log.Format = logFormat // NewLogger refuses an unknown one
	}
	log, err = logging.NewLogger(cfg.Log.Level, cfg.Log.Format, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "stewardbot:", err)
		return cfg, log, false
	}
	return cfg, log, true
}

// startDaemon loads the configuration and wires the bot, reporting problems.
func startDaemon(ctx context.Context, path, logFormat string, stderr io.Writer, getenv func(string) string) (*daemon, int) {
	cfg, log, ok := loadRunnable(path, logFormat, stderr, getenv)
	if !ok {
		return nil, 1
	}
	d, err := newDaemon(ctx, cfg, log)
	if err != nil {
		fmt.Fprintln(stderr, "stewardbot:", err)
		return nil, 1
	}
	return d, 0
}

// runDaemon is "stewardbot run": it polls on the schedule until SIGINT or
// SIGTERM, then finishes the write in flight and exits 0.
func runDaemon(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	path, only, logFormat, code := daemonFlags("run", "Runs the daemon and its HTTP server (http.listen) until interrupted.", args, stdout, stderr, getenv)
	if code != 0 {
		return max(code, 0)
	}
	d, code := startDaemon(ctx, path, logFormat, stderr, getenv)
	if d == nil {
		return code
	}
	defer d.Close()
	h, err := d.httpHandler(d.cfg)
	if err != nil {
		fmt.Fprintln(stderr, "stewardbot:", err)
		return 1
	}
	// The server stops with the bot: a bot that cannot run (a rejected
	// key) must not leave a healthy-looking process behind.
	hctx, stopHTTP := context.WithCancel(ctx)
	defer stopHTTP()
	_, wait, err := startHTTP(hctx, d.cfg.HTTP.Listen, h, d.log)
	if err != nil {
		fmt.Fprintln(stderr, "stewardbot:", err)
		return 1
	}
	runErr := d.bot.Run(ctx, only)
	stopHTTP()
	httpErr := wait()
	if runErr != nil {
		d.log.Error().Err(runErr).Msg("stopped")
		fmt.Fprintln(stderr, "stewardbot:", runErr)
		return 1
	}
	if httpErr != nil {
		fmt.Fprintln(stderr, "stewardbot:", httpErr)
		return 1
	}
	return 0
}

// runOnce is "stewardbot once": one cycle, exit 0 when it went well (or was
// skipped because of a rate-limit park), 1 otherwise.
func runOnce(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	path, only, logFormat, code := daemonFlags("once", "Runs one cycle and exits, for cron.", args, stdout, stderr, getenv)
	if code != 0 {
		return max(code, 0)
	}
	d, code := startDaemon(ctx, path, logFormat, stderr, getenv)
	if d == nil {
		return code
	}
	defer d.Close()
	err := d.bot.RunOnce(ctx, only)
	var park *bot.ParkedError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &park):
		d.log.Warn().Time("until", park.Until).Msg("rate-limit park in force; nothing sent")
		return 0
	default:
		fmt.Fprintln(stderr, "stewardbot:", err)
		return 1
	}
}
