package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/stewardbot/stewardbot/bot"
	"github.com/stewardbot/stewardbot/bot/store"
)

const reportUsage = `usage: stewardbot report [--config FILE] [--store DSN] [--format csv|markdown|html] [--since DATE] [--output FILE] [--show-private]

Lists every data collection the bot has seen reviewed, one row per
measurement: its bug, the steward's answer and who gave it, the category,
default-on, channels, expiry and owner the Request form states. The yearly
survey of collections starts from this list. Columns: docs/report.md.

It reads the store the configuration names (store.dsn; STEWARDBOT_STORE_DSN
and --store override it) and sends Bugzilla nothing, so it needs no API key. It lists
requests answered data-review+ ("granted") and data-review- ("denied");
only what this store saw: requests the bot analysed while they were open,
and the past reviews "stewardbot backfill" recorded.
One exception: with survey.owner_activity, bugzilla.url and an API key,
--format html asks Bugzilla (GET /rest/user only, never during the bot's
rate-limit park) when the owners the store has no fresh answer for last
acted; without a key it shows what the daemon stored.

  --config        configuration FILE (default $STEWARDBOT_CONFIG)
  --store         the store to read, as store.dsn writes it: a SQLite file
                  (such as the one "stewardbot demo --store FILE" kept) or
                  a postgres:// DSN; no configuration is needed then
  --format        csv (default), markdown (a table) or html (the survey
                  page the dashboard serves at /survey: charts and the
                  tables behind them, granted collections only; one file
                  with no script, readable in print)
  --since         only requests answered on or after DATE (YYYY-MM-DD, UTC)
  --output        write to FILE (mode 0600) instead of standard output
  --show-private  show what private bugs and forms collect; by default each
                  such request is one row reading "private bug N"

Exit status: 0 when the report is written, 1 when the store or the
configuration cannot be used, 2 for a usage error.
`

// runReport is "stewardbot report".
func runReport(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(fs.Output(), reportUsage) }
	config := fs.String("config", getenv("STEWARDBOT_CONFIG"), "")
	storeDSN := fs.String("store", "", "")
	format := fs.String("format", "csv", "")
	sinceFlag := fs.String("since", "", "")
	output := fs.String("output", "", "")
	showPrivate := fs.Bool("show-private", false, "")
	if code, stop := parseFlags(fs, stdout, stderr, func() error { return fs.Parse(args) }); stop {
		return code
	}
	usageError := func(format string, args ...any) int {
		fmt.Fprintf(stderr, "report: "+format+"\n\n", args...)
		fs.Usage()
		return 2
	}
	if fs.NArg() != 0 {
		return usageError("unexpected arguments %q", fs.Args())
	}
	write, ok := reportWriters[*format]
	if !ok && *format != "html" {
		return usageError("unknown --format %q: want csv, markdown or html", *format)
	}
	var since time.Time
	if *sinceFlag != "" {
		t, err := time.Parse(time.DateOnly, *sinceFlag)
		if err != nil {
			return usageError("--since wants a date written YYYY-MM-DD, not %q", *sinceFlag)
		}
		since = t
	}

	cfg, err := reportConfig(*config, getenv)
	if err != nil {
		fmt.Fprintln(stderr, "stewardbot report:", err)
		return 1
	}
	if *storeDSN != "" {
		cfg.Store.DSN = *storeDSN
	}
	st, err := openReportStore(ctx, cfg.Store.DSN)
	if err != nil {
		fmt.Fprintln(stderr, "stewardbot report:", err)
		return 1
	}
	defer st.Close()
	rows, err := st.ReviewedCollections(ctx, store.CollectionFilter{Since: since})
	if err != nil {
		fmt.Fprintln(stderr, "stewardbot report:", err)
		return 1
	}
	var buf bytes.Buffer
	if *format == "html" {
		now := time.Now()
		var activity map[string]store.OwnerActivity
		if cfg.Survey.OwnerActivity {
			activity = reportOwnerActivity(ctx, cfg, st, rows, now, stderr)
		}
		err = writeReportHTML(&buf, rows, *showPrivate, cfg.Bugzilla.URL, activity, now)
	} else {
		err = write(&buf, surveyTable(rows, *showPrivate))
	}
	if err != nil {
		fmt.Fprintln(stderr, "stewardbot report:", err)
		return 1
	}
	if *output == "" {
		if _, err := stdout.Write(buf.Bytes()); err != nil {
			fmt.Fprintln(stderr, "stewardbot report:", err)
			return 1
		}
		return 0
	}
	// 0600: the report names people, and with --show-private more. An
	// existing file gets the mode too (WriteFile sets it only on create).
	if err := writePrivateFile(*output, buf.Bytes()); err != nil {
		fmt.Fprintln(stderr, "stewardbot report:", err)
		return 1
	}
	return 0
}

// writePrivateFile writes data to name, readable by its owner only.
func writePrivateFile(name string, data []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// reportConfig loads the configuration as the daemon does, but passes over
// problems with the bugzilla settings and a missing webhook secret: the
// report never talks to Bugzilla nor serves webhooks, so an operator may
// run it with no API key or secret, or with only STEWARDBOT_STORE_DSN set.
func reportConfig(path string, getenv func(string) string) (bot.Config, error) {
	cfg, err := bot.LoadConfig(path, getenv, nil)
	if err == nil {
		return cfg, nil
	}
	var ce bot.ConfigErrors
	if !errors.As(err, &ce) {
		return cfg, err
	}
	var left bot.ConfigErrors
	for _, e := range ce {
		if !strings.HasPrefix(e.Field, "bugzilla.") && e.Field != "webhooks.secret" && e.Field != "survey.owner_activity" {
			left = append(left, e)
		}
	}
	if len(left) > 0 {
		return cfg, fmt.Errorf("config %s: %w", path, left)
	}
	return cfg, nil
}

// openReportStore opens the store the report reads. A SQLite file that
// does not exist is an error, not an empty report: opening it would create
// an empty store and hide a wrong path.
func openReportStore(ctx context.Context, dsn string) (store.Store, error) {
	if path, ok := sqlitePath(dsn); ok {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("no store at %s (store.dsn): %w", path, err)
		}
	}
	return store.Open(ctx, dsn)
}

// reportOwnerActivity is the owners' activity for the survey file
// (survey.owner_activity): what the daemon stored, and, with bugzilla.url
// and an API key, Bugzilla's answer for the owners the store has none
// from the last day (bot.ReportOwnerActivity: GET /rest/user only, never
// during the daemon's rate-limit park). A failure is reported on stderr
// and the page shows what the store holds: it never stops the report.
func reportOwnerActivity(ctx context.Context, cfg bot.Config, st store.Store, rows []store.ReviewedCollection, now time.Time, stderr io.Writer) map[string]store.OwnerActivity {
	var (
		activity map[string]store.OwnerActivity
		err      error
	)
	if cfg.Bugzilla.URL != "" && cfg.Bugzilla.APIKey.IsSet() {
		client, cerr := newClient(cfg, zerolog.Nop())
		if cerr != nil {
			fmt.Fprintf(stderr, "stewardbot report: owner activity: %v; showing what the store holds\n", cerr)
			activity, err = bot.ReportOwnerActivity(ctx, st, nil, rows, now)
		} else {
			activity, err = bot.ReportOwnerActivity(ctx, st, client, rows, now)
		}
	} else {
		activity, err = bot.ReportOwnerActivity(ctx, st, nil, rows, now)
	}
	if err != nil {
		fmt.Fprintf(stderr, "stewardbot report: owner activity: %v; showing what the store holds\n", err)
	}
	return activity
}

// sqlitePath returns the file a SQLite DSN names ("sqlite:PATH" or a bare
// PATH); ok is false for a DSN with a scheme, such as postgres://.
func sqlitePath(dsn string) (string, bool) {
	if p, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		return p, true
	}
	if dsn == "" || strings.Contains(dsn, "://") || store.IsPostgresDSN(dsn) {
		return "", false
	}
	return dsn, true
}
