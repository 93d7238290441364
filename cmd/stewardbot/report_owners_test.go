package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bot"
	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// With survey.owner_activity, --format html shows the owners' activity:
// what the store holds (unknown here: nothing asked yet) without a
// Bugzilla key; asked of Bugzilla with one, writing nothing to the store;
// never asked during the daemon's rate-limit park, which stderr reports,
// the page still written.
func TestReportHTMLOwnerActivity(t *testing.T) {
	config, srv := surveyStoreOn(t)
	quiet := srv.Now().AddDate(-2, 0, 0).UTC().Truncate(time.Second)
	srv.AddUser(bugzillatest.User{Login: "jane@example.test", RealName: "Jane Doe", LastActivity: quiet})
	base, err := os.ReadFile(config)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, extra string) string {
		p := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(p, append(append([]byte{}, base...), extra...), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	storeOnly := write("store-only.yaml", "survey:\n  owner_activity: true\n")
	live := write("live.yaml", "survey:\n  owner_activity: true\nbugzilla:\n  url: "+srv.URL()+"\n  login: "+demoLogin+"\n")
	env := func(k string) string {
		if k == bot.EnvAPIKey {
			return demoAPIKey
		}
		return ""
	}
	owners := func(page, id string) string {
		return regexp.MustCompile(`(?s)<h3 id="` + id + `">.*?(</table>|<p class="empty">None.</p>)`).FindString(page)
	}
	run := func(config string, getenv func(string) string) (string, string) {
		t.Helper()
		var out, errOut bytes.Buffer
		if code := runReport(context.Background(), []string{"--config", config, "--format", "html"}, &out, &errOut, getenv); code != 0 {
			t.Fatalf("exit status %d\n%s", code, errOut.String())
		}
		return out.String(), errOut.String()
	}

	before := srv.RequestCount("GET /rest/user")
	page, stderr := run(storeOnly, noEnv)
	if !strings.Contains(owners(page, "owners-unknown"), "jane@example.test") || stderr != "" || srv.RequestCount("GET /rest/user") != before {
		t.Errorf("without a key: jane not unknown, or Bugzilla asked (stderr %q):\n%s", stderr, owners(page, "owners-unknown"))
	}

	page, stderr = run(live, env)
	inactive := owners(page, "owners-inactive")
	if !strings.Contains(inactive, "jane@example.test") || !strings.Contains(inactive, quiet.Format(time.DateOnly)) || stderr != "" {
		t.Errorf("with a key: jane not inactive since %s (stderr %q):\n%s", quiet.Format(time.DateOnly), stderr, inactive)
	}
	if srv.RequestCount("GET /rest/user") == before {
		t.Error("with a key, Bugzilla was not asked")
	}
	st, err := store.Open(context.Background(), dsnOf(t, config))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if got, err := st.OwnerActivities(context.Background()); err != nil || len(got) != 0 {
		t.Errorf("the report wrote the owners' activity to the store: %v %v", got, err)
	}

	if err := st.Set(context.Background(), "ratelimit.parked_until", time.Now().Add(time.Hour).UTC().Format(time.RFC3339Nano)); err != nil {
		t.Fatal(err)
	}
	asked := srv.RequestCount("GET /rest/user")
	page, stderr = run(live, env)
	if srv.RequestCount("GET /rest/user") != asked || !strings.Contains(stderr, "rate limited") ||
		!strings.Contains(owners(page, "owners-unknown"), "jane@example.test") {
		t.Errorf("during the park: asked %d times, stderr %q", srv.RequestCount("GET /rest/user")-asked, stderr)
	}
}

// dsnOf reads store.dsn back from a test configuration.
func dsnOf(t *testing.T, config string) string {
	t.Helper()
	data, err := os.ReadFile(config)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`dsn: (.*)`).FindStringSubmatch(string(data))
	if m == nil {
		t.Fatal("no store.dsn in " + config)
	}
	return strings.TrimSpace(m[1])
}
