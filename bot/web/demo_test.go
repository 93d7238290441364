package web

import (
	"net/http/httptest"
	"testing"

	"github.com/stewardbot/stewardbot/bot/demo"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
	"github.com/stewardbot/stewardbot/internal/bottest/botrig"
)

// demoServer runs the real bot once over the demo's world (the fake
// Bugzilla seeded by bot/demo) and serves the web server over it on
// loopback. It returns the server's URL.
func demoServer(t *testing.T, mutate func(*Options)) string {
	t.Helper()
	r, b := botrig.New(t, bugzillatest.BMO, nil)
	if _, err := demo.Seed(r.Fake); err != nil {
		t.Fatal(err)
	}
	if err := b.RunOnce(r.Ctx, ""); err != nil {
		t.Fatalf("the bot's cycle over the demo: %v", err)
	}
	o := Options{Source: b.Status(), Now: r.Clock.Now, Version: []byte(`{}`)}
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
