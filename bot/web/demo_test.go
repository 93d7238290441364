package web

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bot"
	"github.com/stewardbot/stewardbot/bot/demo"
	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// demoServer runs the real bot once over the demo's world (the fake
// Bugzilla seeded by bot/demo) and serves the web server over it on
// loopback. It returns the server's URL.
func demoServer(t *testing.T, mutate func(*Options)) string {
	t.Helper()
	ctx := context.Background()
	fake := bugzillatest.NewServer(t, bugzillatest.WithDialect(bugzillatest.BMO))
	if _, err := demo.Seed(fake); err != nil {
		t.Fatal(err)
	}
	cfg := bot.DefaultConfig()
	cfg.DryRun = false
	cfg.Bugzilla.URL = fake.URL()
	cfg.Bugzilla.Login = "bot@example.test"
	cfg.Bugzilla.APIKey = bot.NewSecret("bot-api-key")
	cfg.Bugzilla.Timeout = 10 * time.Second
	client, err := bugzilla.NewClient(fake.URL(), bugzilla.WithAPIKey(cfg.Bugzilla.APIKey.Reveal()),
		bugzilla.WithLogin(cfg.Bugzilla.Login), bugzilla.WithTimeout(cfg.Bugzilla.Timeout))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "stewardbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clock := bot.NewFakeClock(fake.Now())
	b, err := bot.New(cfg, client, st, bot.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.RunOnce(ctx, ""); err != nil {
		t.Fatalf("the bot's cycle over the demo: %v", err)
	}
	o := Options{Source: b.Status(), Now: clock.Now, Version: []byte(`{}`)}
	if mutate != nil {
		mutate(&o)
	}
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	return hs.URL
}
