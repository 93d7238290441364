package main

import (
	"bytes"
	"context"
	"errors"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/stewardbot/stewardbot/bot"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// envFor configures a bot through the environment only, as a container would.
func envFor(srv *bugzillatest.Server, key, dsn string) func(string) string {
	env := map[string]string{
		bot.EnvBugzillaURL:   srv.URL(),
		bot.EnvBugzillaLogin: "bot@example.test",
		bot.EnvAPIKey:        key,
		bot.EnvStoreDSN:      dsn,
		bot.EnvDryRun:        "false",
		bot.EnvLogFormat:     "json",
	}
	return func(k string) string { return env[k] }
}

func TestOnceWithABadKeyExitsAfterOneRequest(t *testing.T) {
	for _, d := range []bugzillatest.Dialect{bugzillatest.BMO, bugzillatest.Upstream} {
		t.Run(d.String(), func(t *testing.T) {
			srv := bugzillatest.NewServer(t, bugzillatest.WithDialect(d))
			var out, errOut bytes.Buffer
			err := run(context.Background(), []string{"once"}, &out, &errOut,
				envFor(srv, "not-the-key", filepath.Join(t.TempDir(), "s.db")))
			var code exitCode
			if !errors.As(err, &code) || code != 1 {
				t.Fatalf("run = %v, want exit status 1", err)
			}
			if !strings.Contains(errOut.String(), "rejected the API key") {
				t.Errorf("no clear message:\n%s", errOut.String())
			}
			if strings.Contains(errOut.String(), "not-the-key") {
				t.Errorf("the key was printed:\n%s", errOut.String())
			}
			if n := len(srv.Requests()); n != 1 {
				t.Errorf("%d requests, want 1: %v", n, srv.RequestCounts())
			}
		})
	}
}

func TestOnceOnlyPoll(t *testing.T) {
	srv := bugzillatest.NewServer(t, bugzillatest.WithDialect(bugzillatest.BMO))
	bug := srv.AddBug(bugzillatest.Bug{Summary: "x", Creator: "dev1@example.test"})
	srv.AddAttachment(bugzillatest.Attachment{BugID: bug, Summary: "patch", IsPatch: true, Data: []byte("diff"),
		Flags: []bugzillatest.Flag{bugzillatest.DataReview("steward1@example.test")}})
	env := envFor(srv, "bot-api-key", filepath.Join(t.TempDir(), "s.db"))
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"once", "--only", "poll"}, &out, &errOut, env); err != nil {
		t.Fatalf("once --only poll: %v\n%s", err, errOut.String())
	}
	if n := len(srv.Writes()); n != 0 {
		t.Fatalf("--only poll wrote %d times", n)
	}
	if err := run(context.Background(), []string{"once"}, &out, &errOut, env); err != nil {
		t.Fatalf("once: %v\n%s", err, errOut.String())
	}
	if n := len(srv.Writes()); n != 1 {
		t.Errorf("once after the poll: %d writes, want 1\n%s", n, errOut.String())
	}
	if err := run(context.Background(), []string{"once", "--only", "no-such-task"}, &out, &errOut, env); err == nil {
		t.Errorf("an unknown task was accepted")
	}
}

// An outage at start is waited out: the daemon retries with backoff, is not
// ready and says why on /__heartbeat__ meanwhile, and runs its first cycle
// once Bugzilla answers again.
func TestRunWaitsOutAnOutageAtStart(t *testing.T) {
	srv := bugzillatest.NewServer(t, bugzillatest.WithDialect(bugzillatest.Upstream))
	up := srv.InjectFault(bugzillatest.Fault{Status: 500}) // every request, until removed
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d, hs := liveDaemon(t, srv, bot.WithStartBackoff(time.Millisecond, 5*time.Millisecond))
	done := make(chan error, 1)
	go func() { done <- d.bot.Run(ctx, "") }()

	// Several tries fail while the server is down; Run keeps going.
	for srv.RequestCounts()["GET /rest/valid_login"] < 3 {
		select {
		case err := <-done:
			t.Fatalf("Run returned during the outage: %v", err)
		case <-time.After(time.Millisecond):
		}
	}
	if code, body := fetch(t, hs.URL+"/readyz"); code != 503 || !strings.Contains(body, "not started") {
		t.Errorf("/readyz during the outage = %d %q, want 503 not started", code, body)
	}
	if code, body := fetch(t, hs.URL+"/__heartbeat__"); code != 500 || !strings.Contains(body, `"start":"bot: bugzilla: authenticate:`) || !strings.Contains(body, "HTTP 500") {
		t.Errorf("/__heartbeat__ during the outage = %d %s, want the start failure and why", code, body)
	}

	up()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if code, _ := fetch(t, hs.URL+"/readyz"); code == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("not ready 10 s after the outage ended")
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v, want nil after the shutdown", err)
	}
}

// What retrying cannot fix ends the daemon at once: a rejected API key.
func TestRunExitsOnARejectedKey(t *testing.T) {
	srv := bugzillatest.NewServer(t, bugzillatest.WithDialect(bugzillatest.BMO))
	var out, errOut bytes.Buffer
	env := envFor(srv, "not-the-key", filepath.Join(t.TempDir(), "s.db"))
	withListen := func(k string) string {
		if k == bot.EnvHTTPListen {
			return "127.0.0.1:0"
		}
		return env(k)
	}
	err := run(context.Background(), []string{"run"}, &out, &errOut, withListen)
	var code exitCode
	if !errors.As(err, &code) || code != 1 {
		t.Fatalf("run = %v, want exit status 1", err)
	}
	if !strings.Contains(errOut.String(), "rejected the API key") {
		t.Errorf("no clear message:\n%s", errOut.String())
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("%d requests, want 1: %v", n, srv.RequestCounts())
	}
}

// The start-up probe is remembered in the store: on upstream Bugzilla, which
// has no /rest/whoami, a later `once` authenticates in one request instead
// of asking whoami again (a 404) on every start.
func TestOnceRemembersTheServer(t *testing.T) {
	for _, d := range []bugzillatest.Dialect{bugzillatest.Upstream, bugzillatest.BMO} {
		t.Run(d.String(), func(t *testing.T) {
			srv := bugzillatest.NewServer(t, bugzillatest.WithDialect(d))
			env := envFor(srv, "bot-api-key", filepath.Join(t.TempDir(), "s.db"))
			var out, errOut bytes.Buffer
			authRequests := func() int {
				n := 0
				for _, r := range srv.Requests() {
					if r.Path == "/rest/valid_login" || r.Path == "/rest/whoami" {
						n++
					}
				}
				return n
			}
			if err := run(context.Background(), []string{"once"}, &out, &errOut, env); err != nil {
				t.Fatalf("once: %v\n%s", err, errOut.String())
			}
			first := authRequests()
			for range 2 {
				if err := run(context.Background(), []string{"once"}, &out, &errOut, env); err != nil {
					t.Fatalf("once: %v\n%s", err, errOut.String())
				}
			}
			if first != 2 {
				t.Errorf("first start: %d authentication requests, want 2 (valid_login, whoami)", first)
			}
			if n := authRequests() - first; n != 2 {
				t.Errorf("two later starts: %d authentication requests, want 1 each", n)
			}
		})
	}
}

// What check-config finds, `once` finds too, before any request: a dry run
// without a key, a store in a missing folder.
func TestOnceStopsBeforeContactingBugzilla(t *testing.T) {
	srv := bugzillatest.NewServer(t, bugzillatest.WithDialect(bugzillatest.Upstream))
	for _, tc := range []struct {
		name, key, dsn, want string
	}{
		{"no key in dry run", "", filepath.Join(t.TempDir(), "s.db"), "bugzilla.api_key: required to run, in dry run too"},
		{"store folder missing", "bot-api-key", filepath.Join(t.TempDir(), "nope", "s.db"), "does not exist"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := envFor(srv, tc.key, tc.dsn)
			dry := func(k string) string {
				if k == bot.EnvDryRun {
					return "true"
				}
				return env(k)
			}
			var out, errOut bytes.Buffer
			err := run(context.Background(), []string{"once"}, &out, &errOut, dry)
			var code exitCode
			if !errors.As(err, &code) || code != 1 {
				t.Fatalf("run = %v, want exit status 1", err)
			}
			if !strings.Contains(errOut.String(), tc.want) {
				t.Errorf("stderr does not say %q:\n%s", tc.want, errOut.String())
			}
			if n := len(srv.Requests()); n != 0 {
				t.Errorf("%d requests to Bugzilla, want none", n)
			}
		})
	}
}

// liveDaemon wires a writing daemon over srv, with its HTTP server.
func liveDaemon(t *testing.T, srv *bugzillatest.Server, opts ...bot.Option) (*daemon, *httptest.Server) {
	t.Helper()
	cfg := bot.DefaultConfig()
	cfg.DryRun = false
	cfg.Bugzilla.URL, cfg.Bugzilla.Login, cfg.Bugzilla.APIKey = srv.URL(), "bot@example.test", bot.NewSecret("bot-api-key")
	cfg.Store.DSN = filepath.Join(t.TempDir(), "s.db")
	d, err := newDaemon(context.Background(), cfg, zerolog.Nop(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	h, err := d.httpHandler(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(h)
	t.Cleanup(hs.Close)
	return d, hs
}
