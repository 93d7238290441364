package bot

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

func TestRunCyclesAtOnceAndStops(t *testing.T) {
	e := newE2E(t, bugzillatest.Upstream, nil)
	bug, _ := e.request("Run at once", string(mustReadDemoForm(t, "clean-12q.md")), false, steward1)
	posted := make(chan Posted, 10)
	e.bot.onPost = func(p Posted) { posted <- p }
	ctx, cancel := context.WithCancel(e.ctx)
	done := make(chan error, 1)
	go func() { done <- e.bot.Run(ctx, "") }()
	p := <-posted // the first cycle runs without waiting for the schedule
	if p.BugID != bug || p.DryRun {
		t.Errorf("posted %+v", p)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v, want nil after a cancellation", err)
	}
}

func TestShutdownFinishesTheWriteInFlight(t *testing.T) {
	e := newE2E(t, bugzillatest.Upstream, nil)
	form := string(mustReadDemoForm(t, "clean-12q.md"))
	first, _ := e.request("First", form, false, steward1)
	second, _ := e.request("Second", form, false, steward1)
	inFlight := make(chan struct{})
	release := make(chan struct{})
	var once sync.Once
	e.rig.ClientOptions = append(e.rig.ClientOptions, e.rig.WithTransport(func(q *http.Request) {
		if q.Method == http.MethodPost && strings.HasSuffix(q.URL.Path, "/comment") {
			once.Do(func() { close(inFlight); <-release }) // the first comment waits for the shutdown
		}
	}))
	e.newProcess()
	ctx, cancel := context.WithCancel(e.ctx)
	done := make(chan error, 1)
	go func() { done <- e.bot.Run(ctx, "") }()
	<-inFlight
	cancel() // the shutdown signal arrives while the first POST is out
	close(release)
	if err := <-done; err != nil {
		t.Fatalf("Run = %v\nlogs:\n%s", err, e.logs.String())
	}
	if n := len(e.botComments(first)); n != 1 {
		t.Fatalf("the write in flight: %d comments, want 1\nlogs:\n%s", n, e.logs.String())
	}
	if n := len(e.botComments(second)); n != 0 {
		t.Errorf("a write started after the shutdown: bug %d has %d comments", second, n)
	}
	m, _ := parseFooter("stewardbot", e.botComments(first)[0].Text)
	if j, err := e.st.Action(context.Background(), m.Key()); err != nil || j.Status != store.ActionDone {
		t.Errorf("journal of the write in flight = %+v, %v; want done", j, err)
	}
}
