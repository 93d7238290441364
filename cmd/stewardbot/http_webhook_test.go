package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/stewardbot/stewardbot/bot"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// The daemon serves POST /webhooks/bugzilla only when webhooks.enabled is
// true, marks the delivered bug dirty in its store and counts deliveries.
func TestDaemonWebhook(t *testing.T) {
	const secret = "daemon0webhook0secret0xyz"
	for _, enabled := range []bool{false, true} {
		srv := bugzillatest.NewServer(t, bugzillatest.WithDialect(bugzillatest.BMO))
		cfg := bot.DefaultConfig()
		cfg.Bugzilla.URL = srv.URL()
		cfg.Bugzilla.Login = "bot@example.test"
		cfg.Store.DSN = filepath.Join(t.TempDir(), "s.db")
		cfg.Webhooks.Enabled, cfg.Webhooks.Secret = enabled, bot.NewSecret(secret)
		ctx := context.Background()
		d, err := newDaemon(ctx, cfg, zerolog.Nop())
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		h, err := d.httpHandler(cfg)
		if err != nil {
			t.Fatal(err)
		}
		post := func(auth string) int {
			req, _ := http.NewRequest(http.MethodPost, "/webhooks/bugzilla", strings.NewReader(`{"bug":{"id":4321},"event":{"user":{"login":"dev1@example.test"}},"webhook_id":"3"}`))
			req.Header.Set("Authorization", auth)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			return rec.Code
		}
		if !enabled {
			if code := post("Token " + secret); code != http.StatusNotFound {
				t.Errorf("webhooks disabled: POST = %d, want 404", code)
			}
			continue
		}
		if code := post("Token " + secret); code != http.StatusAccepted {
			t.Errorf("POST with the secret = %d, want 202", code)
		}
		if code := post("Token wrong"); code != http.StatusUnauthorized {
			t.Errorf("POST with a wrong secret = %d, want 401", code)
		}
		if ids, err := d.store.DirtyBugs(ctx, 0, 10); err != nil || len(ids) != 1 || ids[0] != 4321 {
			t.Errorf("dirty bugs = %v, %v; want [4321]", ids, err)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
		for _, want := range []string{
			`stewardbot_webhook_deliveries_total{outcome="accepted"} 1`,
			`stewardbot_webhook_deliveries_total{outcome="unauthorized"} 1`,
		} {
			if !strings.Contains(rec.Body.String(), want) {
				t.Errorf("/metrics lacks %s", want)
			}
		}
		// The bug id as a value of its own (a label, a sample), not as
		// digits inside a runtime metric's float such as 1.4321e-05.
		if strings.Contains(rec.Body.String(), secret) || regexp.MustCompile(`(^|[^0-9.e+-])4321([^0-9]|$)`).MatchString(rec.Body.String()) {
			t.Error("/metrics exposes the secret or a bug id")
		}
	}
}
