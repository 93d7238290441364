package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"

	"github.com/stewardbot/stewardbot/bot"
	"github.com/stewardbot/stewardbot/bot/demo"
	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// The -update flag rewrites golden files. Another test file of the package
// may define it first; then this one uses that.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files in testdata/")
	}
}

func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if updating() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if d := cmp.Diff(string(got), string(want)); d != "" {
		t.Errorf("%s (-got +want):\n%s", path, d)
	}
}

// surveyStore runs the real bot over the demo's bugs on a fake Bugzilla
// with a fake clock, has the stewards answer most requests, and returns the
// configuration file naming the store it filled.
func surveyStore(t *testing.T) string {
	t.Helper()
	path, _ := surveyStoreOn(t)
	return path
}

// surveyStoreOn is surveyStore, with the fake BMO it was filled from (it
// stays up until the test ends).
func surveyStoreOn(t *testing.T) (string, *bugzillatest.Server) {
	t.Helper()
	ctx := context.Background()
	srv := bugzillatest.NewServer(t, bugzillatest.WithDialect(bugzillatest.BMO))
	if _, err := demo.Seed(srv); err != nil {
		t.Fatal(err)
	}
	// A permanent collection whose owner is written with markup, which
	// the report must show inertly.
	form, err := os.ReadFile("../../bot/demo/forms/clean-12q.md")
	if err != nil {
		t.Fatal(err)
	}
	permanent := strings.Replace(string(form), "I want this data to be collected for 6 months initially (potentially renewable).",
		"I want to permanently monitor this data. (Jane *Doe* <jane@example.test> | @owners)", 1)
	if permanent == string(form) {
		t.Fatal("the demo form changed: update surveyStore")
	}
	owned := srv.AddBug(bugzillatest.Bug{Summary: "Keep counting onboarding", Creator: "dev1@example.test", Description: "Permanent."})
	srv.AddAttachment(bugzillatest.Attachment{BugID: owned, Summary: "Data review request", FileName: "request.md",
		ContentType: "text/plain", Data: []byte(permanent), Flags: []bugzillatest.Flag{bugzillatest.DataReview("steward1@example.test")}})

	dir := t.TempDir()
	cfg := bot.DefaultConfig()
	cfg.DryRun = false
	cfg.Bugzilla.URL, cfg.Bugzilla.Login, cfg.Bugzilla.APIKey = srv.URL(), demoLogin, bot.NewSecret(demoAPIKey)
	cfg.Store.DSN = filepath.Join(dir, "stewardbot.db")
	clock := bot.NewFakeClock(srv.Now())
	d, err := newDaemon(ctx, cfg, zerolog.Nop(), bot.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	cycle := func(n int) {
		for range n {
			srv.Advance(5 * time.Minute)
			clock.Set(srv.Now())
			if err := d.bot.RunOnce(ctx, ""); err != nil {
				t.Fatalf("cycle: %v", err)
			}
		}
	}
	cycle(2)
	answers := map[int]string{1001: "+", 1002: "+", 1003: "+", 1005: "-", 1006: "+", 1007: "+", 1008: "+", 1009: "+", owned: "+"} // 1004 stays open
	for bug, status := range answers {
		answered := false
		for _, a := range srv.Attachments(bug) {
			for _, f := range a.Flags {
				if f.Name == "data-review" && f.Status == "?" {
					steward := f.Requestee
					if steward == "" {
						steward = "steward2@example.test"
					}
					if err := srv.SetAttachmentFlags(steward, a.ID, bugzillatest.FlagChange{ID: f.ID, Status: status}); err != nil {
						t.Fatalf("bug %d: %v", bug, err)
					}
					answered = true
				}
			}
		}
		if !answered {
			t.Fatalf("bug %d has no open data-review flag", bug)
		}
	}
	cycle(2)
	path := filepath.Join(dir, "config.yaml")
	// No bugzilla settings: the report needs none.
	if err := os.WriteFile(path, []byte("store:\n  dsn: "+cfg.Store.DSN+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, srv
}

func TestReportGolden(t *testing.T) {
	config := surveyStore(t)
	tests := []struct {
		name string
		args []string
	}{
		{"csv", []string{"--format", "csv"}},
		{"markdown", []string{"--format", "markdown"}},
		{"csv-show-private", []string{"--show-private"}},
		{"markdown-show-private", []string{"--format", "markdown", "--show-private"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if code := runReport(context.Background(), append([]string{"--config", config}, tt.args...), &out, &errOut, noEnv); code != 0 {
				t.Fatalf("exit status %d\n%s", code, errOut.String())
			}
			golden(t, filepath.Join("testdata", "report", tt.name+".golden"), out.Bytes())
		})
	}

	// The CSV reads back with one header and one row per measurement,
	// private rows folded.
	var out bytes.Buffer
	if code := runReport(context.Background(), []string{"--config", config}, &out, &out, noEnv); code != 0 {
		t.Fatal(out.String())
	}
	records, err := csv.NewReader(&out).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(records[0], reportColumns); d != "" {
		t.Errorf("header (-got +want):\n%s", d)
	}
	bugs := map[string]bool{}
	for _, r := range records[1:] {
		bugs[r[0]] = true
		if r[0] == "1007" && (r[5] != "private bug 1007" || r[4] != "" || r[13] != "yes") {
			t.Errorf("private bug not hidden: %q", r)
		}
		if r[0] == "1004" {
			t.Errorf("an open request is listed: %q", r)
		}
	}
	for _, want := range []string{"1001", "1003", "1005", "1007"} {
		if !bugs[want] {
			t.Errorf("bug %s is not listed", want)
		}
	}
}

func TestReportSinceAndOutput(t *testing.T) {
	config := surveyStore(t)
	dir := t.TempDir()
	for _, tt := range []struct {
		since string
		rows  bool
	}{{"2026-11-28", true}, {"2026-11-29", false}} {
		file := filepath.Join(dir, tt.since+".csv")
		// A file that is already there, readable by all, is made private too.
		if err := os.WriteFile(file, []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if code := runReport(context.Background(), []string{"--config", config, "--since", tt.since, "--output", file}, &out, &out, noEnv); code != 0 {
			t.Fatalf("since %s: exit %d\n%s", tt.since, code, out.String())
		}
		if out.Len() != 0 {
			t.Errorf("with --output, standard output got %q", out.String())
		}
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if fi, _ := os.Stat(file); fi.Mode().Perm() != 0o600 {
			t.Errorf("report file mode %v, want 0600", fi.Mode().Perm())
		}
		if lines := strings.Count(string(data), "\n"); (lines > 1) != tt.rows {
			t.Errorf("since %s: %d lines, want rows: %v\n%s", tt.since, lines, tt.rows, data)
		}
	}
}

// emptyStore makes a store with nothing in it and a config naming it.
func emptyStore(t *testing.T) (config, dsn string) {
	t.Helper()
	dir := t.TempDir()
	dsn = filepath.Join(dir, "empty.db")
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	config = filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(config, []byte("store:\n  dsn: sqlite:"+dsn+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return config, dsn
}

func TestReportCLI(t *testing.T) {
	config, dsn := emptyStore(t)
	missing := filepath.Join(t.TempDir(), "nothing-here.db")
	badConfig := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(badConfig, []byte("store:\n  dsn: "+dsn+"\npoll:\n  page_size: -1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	webhooksConfig := filepath.Join(t.TempDir(), "webhooks.yaml")
	if err := os.WriteFile(webhooksConfig, []byte("store:\n  dsn: "+dsn+"\nwebhooks:\n  enabled: true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	header := strings.Join(reportColumns, ",") + "\n"
	mdHeader := "| " + strings.Join(reportColumns, " | ") + " |\n|" + strings.Repeat(" --- |", len(reportColumns)) + "\n"
	tests := []struct {
		name     string
		args     []string
		env      map[string]string
		code     int
		stdout   string // exact, when code is 0
		inStderr string
	}{
		{"empty store, csv", []string{"--config", config}, nil, 0, header, ""},
		{"empty store, markdown", []string{"--config", config, "--format", "markdown"}, nil, 0, mdHeader, ""},
		{"the store from the environment", nil, map[string]string{"STEWARDBOT_STORE_DSN": dsn}, 0, header, ""},
		{"the config from the environment", nil, map[string]string{"STEWARDBOT_CONFIG": config}, 0, header, ""},
		{"bad format", []string{"--config", config, "--format", "xlsx"}, nil, 2, "", "unknown --format \"xlsx\""},
		{"bad since", []string{"--config", config, "--since", "last year"}, nil, 2, "", "--since wants a date"},
		{"unknown flag", []string{"--colour"}, nil, 2, "", "usage: stewardbot report"},
		{"extra argument", []string{"--config", config, "now"}, nil, 2, "", "unexpected arguments"},
		{"no store there", nil, map[string]string{"STEWARDBOT_STORE_DSN": missing}, 1, "", "no store at"},
		{"config problems other than bugzilla", []string{"--config", badConfig}, nil, 1, "", "poll.page_size"},
		{"webhooks on without a secret (the report serves none)", nil,
			map[string]string{"STEWARDBOT_CONFIG": webhooksConfig}, 0, header, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := runReport(context.Background(), tt.args, &out, &errOut, func(k string) string { return tt.env[k] })
			if code != tt.code {
				t.Fatalf("exit status %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, out.String(), errOut.String())
			}
			if tt.code == 0 && out.String() != tt.stdout {
				t.Errorf("stdout (-got +want):\n%s", cmp.Diff(out.String(), tt.stdout))
			}
			if tt.code == 2 && !strings.Contains(errOut.String(), "usage: stewardbot report") {
				t.Errorf("a usage error without the usage:\n%s", errOut.String())
			}
			if !strings.Contains(errOut.String(), tt.inStderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.inStderr, errOut.String())
			}
		})
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("the report created a store at a wrong path: %v", err)
	}
}

// Form text is hostile: a cell cannot break the CSV, start a formula, or
// become markdown.
func TestReportCellsInert(t *testing.T) {
	row := store.ReviewedCollection{Status: "+", FlagID: 1, Collection: store.Collection{BugID: 7,
		Measurement: "=HYPERLINK(\"https://evil.example\")", Owner: "@everyone | [x](https://evil.example) <b>hi</b>\nnext\u202eline",
		Expiry: "-1 day", CategoryText: "x"}}
	table := surveyTable([]store.ReviewedCollection{row}, false)
	var c, m bytes.Buffer
	if err := writeReportCSV(&c, table); err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(&c).ReadAll()
	if err != nil || len(records) != 2 {
		t.Fatalf("CSV does not read back as 2 records: %v\n%s", err, c.String())
	}
	got := records[1]
	if got[5] != "'=HYPERLINK(\"https://evil.example\")" || got[10] != "'-1 day" || got[12] != "'@everyone | [x](https://evil.example) <b>hi</b> nextline" {
		t.Errorf("CSV cells: %q", got)
	}
	if err := writeReportMarkdown(&m, table); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(m.String(), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("markdown table has %d lines, want 3:\n%s", len(lines), m.String())
	}
	for _, bad := range []string{"](https://", "<b>", " @everyone", "\u202e"} {
		if strings.Contains(lines[2], bad) {
			t.Errorf("markdown row holds %q: %s", bad, lines[2])
		}
	}
	// Escaped pipes do not split cells: the row has as many cells as the header.
	cells := func(line string) int { return strings.Count(strings.ReplaceAll(line, `\|`, ""), "|") }
	if cells(lines[2]) != cells(lines[0]) {
		t.Errorf("row has %d separators, header %d: %s", cells(lines[2]), cells(lines[0]), lines[2])
	}
}
