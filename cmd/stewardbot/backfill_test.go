package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bot/demo"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// backfillEnv is the environment of a backfill against srv into a new
// SQLite store in dir.
func backfillEnv(srv *bugzillatest.Server, dsn string) func(string) string {
	env := map[string]string{
		"STEWARDBOT_BUGZILLA_URL":     srv.URL(),
		"STEWARDBOT_BUGZILLA_LOGIN":   demoLogin,
		"STEWARDBOT_BUGZILLA_API_KEY": demoAPIKey,
		"STEWARDBOT_STORE_DSN":        dsn,
		"STEWARDBOT_LOG_LEVEL":        "warn",
	}
	return func(k string) string { return env[k] }
}

// TestBackfillThenReport: "backfill" then "report" on a fresh store lists
// every past review the fake holds, one row per measurement, and the
// private ones masked.
func TestBackfillThenReport(t *testing.T) {
	for _, dialect := range []bugzillatest.Dialect{bugzillatest.Upstream, bugzillatest.BMO} {
		t.Run(dialect.String(), func(t *testing.T) {
			srv := bugzillatest.NewServer(t, bugzillatest.WithDialect(dialect))
			if _, err := demo.SeedPast(srv, demo.DemoPast(srv.Now())); err != nil {
				t.Fatal(err)
			}
			dsn := filepath.Join(t.TempDir(), "stewardbot.db")
			env := backfillEnv(srv, dsn)
			var out, errOut bytes.Buffer
			if code := runBackfill(context.Background(), nil, &out, &errOut, env); code != 0 {
				t.Fatalf("backfill: exit status %d\n%s", code, &errOut)
			}
			want := strconv.Itoa(demo.PastReviews) + " requests recorded"
			if !strings.Contains(out.String(), want) {
				t.Errorf("backfill says %q, want %q in it", out.String(), want)
			}
			// The demo's withdrawn requests (cleared, nothing set in their
			// place) are recorded and counted too.
			withdrawn := 0
			for _, id := range srv.BugIDs() {
				for _, h := range srv.History(id) {
					for _, ch := range h.Changes {
						if ch.FieldName == "flagtypes.name" && strings.HasPrefix(ch.Removed, "data-review?") && ch.Added == "" {
							withdrawn++
						}
					}
				}
			}
			if want := strconv.Itoa(withdrawn) + " withdrawn requests"; withdrawn == 0 || !strings.Contains(out.String(), want) {
				t.Errorf("backfill says %q, want %q in it (and some)", out.String(), want)
			}
			if w := srv.Writes(); len(w) != 0 {
				t.Errorf("backfill wrote to Bugzilla: %s %s", w[0].Method, w[0].Path)
			}
			out.Reset()
			if code := runReport(context.Background(), []string{"--store", dsn, "--show-private"}, &out, &errOut, noEnv); code != 0 {
				t.Fatalf("report: exit status %d\n%s", code, &errOut)
			}
			rows, err := csv.NewReader(&out).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			// Every answered flag of the fake has its rows: one per
			// measurement of its form.
			bugs := map[string]bool{}
			for _, r := range rows[1:] {
				bugs[r[0]] = true
			}
			var missing []int
			for _, id := range srv.BugIDs() {
				if !bugs[strconv.Itoa(id)] && !bugs["private bug "+strconv.Itoa(id)] {
					missing = append(missing, id)
				}
			}
			if len(missing) > 0 || len(srv.BugIDs()) != demo.PastReviews {
				t.Errorf("report lacks bugs %v of the fake's %d", missing, len(srv.BugIDs()))
			}
			// Without --show-private, a private bug or form is one masked
			// row, as for the reviews the daemon saw.
			private := map[string]bool{}
			for _, id := range srv.BugIDs() {
				bug, _ := srv.Bug(id)
				atts := srv.Attachments(id)
				if len(bug.Groups) > 0 || (!atts[0].IsPatch && atts[0].IsPrivate) {
					private[strconv.Itoa(id)] = true
				}
			}
			out.Reset()
			if code := runReport(context.Background(), []string{"--store", dsn}, &out, &errOut, noEnv); code != 0 {
				t.Fatalf("report: exit status %d\n%s", code, &errOut)
			}
			masked := map[string]bool{}
			for _, r := range mustCSV(t, out.String())[1:] {
				if strings.HasPrefix(r[5], "private bug ") {
					masked[r[0]] = true
				}
			}
			if len(private) == 0 || !maps.Equal(masked, private) {
				t.Errorf("masked rows of bugs %v, want the private ones %v", slices.Sorted(maps.Keys(masked)), slices.Sorted(maps.Keys(private)))
			}
		})
	}
}

// TestBackfillAgainIsDone: a second run over a window with an end, read to
// it, reads nothing and says so.
func TestBackfillAgainIsDone(t *testing.T) {
	srv := bugzillatest.NewServer(t)
	if _, err := demo.SeedPast(srv, demo.Past{N: 5, Seed: 1, From: srv.Now().AddDate(-1, 0, 0), To: srv.Now()}); err != nil {
		t.Fatal(err)
	}
	env := backfillEnv(srv, filepath.Join(t.TempDir(), "stewardbot.db"))
	window := []string{"--since", "2020-01-01", "--until", srv.Now().Format(time.DateOnly)}
	var out, errOut bytes.Buffer
	if code := runBackfill(context.Background(), window, &out, &errOut, env); code != 0 {
		t.Fatalf("backfill: exit status %d\n%s", code, &errOut)
	}
	out.Reset()
	srv.ResetRecords()
	if code := runBackfill(context.Background(), window, &out, &errOut, env); code != 0 {
		t.Fatalf("second backfill: exit status %d\n%s", code, &errOut)
	}
	if !strings.Contains(out.String(), "nothing to do") || srv.RequestCount("GET /rest/bug") != 0 {
		t.Errorf("second run: %q, %d searches", out.String(), srv.RequestCount("GET /rest/bug"))
	}
}

func mustCSV(t *testing.T, s string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
