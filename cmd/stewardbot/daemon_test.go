package main

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

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
