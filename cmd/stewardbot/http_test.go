package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/stewardbot/stewardbot/bot"
	"github.com/stewardbot/stewardbot/bot/demo"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// The daemon's wiring: the client's requests are counted by endpoint
// template through the metrics RoundTripper, the bot reports its cycles and
// actions, and the HTTP server answers its health checks over the bot.
func TestDaemonHTTP(t *testing.T) {
	ctx := context.Background()
	srv := bugzillatest.NewServer(t, bugzillatest.WithDialect(bugzillatest.BMO))
	if _, err := demo.Seed(srv); err != nil {
		t.Fatal(err)
	}
	cfg := bot.DefaultConfig()
	cfg.DryRun = false
	cfg.Bugzilla.URL = srv.URL()
	cfg.Bugzilla.Login = "bot@example.test"
	cfg.Bugzilla.APIKey = bot.NewSecret("bot-api-key")
	cfg.Store.DSN = filepath.Join(t.TempDir(), "s.db")
	d, err := newDaemon(ctx, cfg, zerolog.Nop(), bot.WithClock(bot.NewFakeClock(srv.Now())))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	h, err := d.httpHandler(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(h)
	defer hs.Close()

	if code, body := fetch(t, hs.URL+"/readyz"); code != 503 || !strings.Contains(body, "not started") {
		t.Errorf("/readyz before the first cycle = %d %q, want 503 not started", code, body)
	}
	if err := d.bot.RunOnce(ctx, ""); err != nil {
		t.Fatal(err)
	}
	if code, _ := fetch(t, hs.URL+"/readyz"); code != 200 {
		t.Errorf("/readyz after a cycle = %d", code)
	}
	code, body := fetch(t, hs.URL+"/__heartbeat__")
	if code != 200 {
		t.Errorf("/__heartbeat__ = %d %s", code, body)
	}
	code, body = fetch(t, hs.URL+"/__version__")
	var v map[string]string
	if err := json.Unmarshal([]byte(body), &v); code != 200 || err != nil || v["version"] != buildVersion() || v["source"] != sourceURL {
		t.Errorf("/__version__ = %d %s (%v)", code, body, err)
	}
	_, metrics := fetch(t, hs.URL+"/metrics")
	for _, want := range []string{
		`stewardbot_bugzilla_requests_total{code="200",endpoint="/rest/bug/{id}/comment",method="GET"}`,
		`stewardbot_bugzilla_requests_total{code="201",endpoint="/rest/bug/{id}/comment",method="POST"}`,
		`stewardbot_cycles_total{result="ok"} 1`,
		`stewardbot_actions_total{kind="analysis",result="posted"}`,
		`stewardbot_pending_requests 10`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	for _, leak := range []string{"bot-api-key", srv.URL()} {
		if strings.Contains(metrics, leak) {
			t.Errorf("/metrics exposes %q", leak)
		}
	}
	// A bug id would show in a series' name or labels; a sample's value may
	// hold the same digits by chance (a byte count, a duration).
	for _, line := range strings.Split(metrics, "\n") {
		series := line
		if i := strings.LastIndexByte(line, ' '); i > 0 {
			series = line[:i] // the name and labels, without the value
		}
		if !strings.HasPrefix(line, "#") && strings.Contains(series, "1001") {
			t.Errorf("/metrics exposes bug 1001: %s", line)
		}
	}
	if code, body := fetch(t, hs.URL+"/"); code != 200 || !strings.Contains(body, "private bug 1007") {
		t.Errorf("/ = %d, private bug not masked", code)
	}
}

func fetch(t *testing.T, url string) (int, string) {
	t.Helper()
	c := &http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func TestOnceLogFormatMozLog(t *testing.T) {
	srv := bugzillatest.NewServer(t, bugzillatest.WithDialect(bugzillatest.BMO))
	env := envFor(srv, "bot-api-key", filepath.Join(t.TempDir(), "s.db"))
	var out, errOut strings.Builder
	if err := run(context.Background(), []string{"once", "--log-format", "mozlog"}, &out, &errOut, env); err != nil {
		t.Fatalf("once: %v\n%s", err, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(errOut.String()), "\n")
	if len(lines) == 0 || lines[0] == "" {
		t.Fatal("no log lines")
	}
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not JSON: %q", l)
		}
		if m["EnvVersion"] != "2.0" || m["Logger"] != "stewardbot" || m["Fields"] == nil {
			t.Errorf("not MozLog: %s", l)
		}
	}
	err := run(context.Background(), []string{"once", "--log-format", "xml"}, &out, &errOut, env)
	if err == nil || !strings.Contains(errOut.String(), `unknown format "xml"`) {
		t.Errorf("--log-format xml: %v\n%s", err, errOut.String())
	}
}
