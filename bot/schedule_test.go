package bot

import (
	"context"
	"testing"

	"github.com/stewardbot/stewardbot/bot/store"
)

func TestRunCyclesAtOnceAndStops(t *testing.T) {
	h := newHarness(t, nil)
	h.request(1, fakeForm("a 1"), false)
	posted := make(chan Posted, 10)
	h.bot.onPost = func(p Posted) { posted <- p }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.bot.Run(ctx, "") }()
	p := <-posted // the first cycle runs without waiting for the schedule
	if p.BugID != 1 || p.DryRun {
		t.Errorf("posted %+v", p)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v, want nil after a cancellation", err)
	}
}

func TestShutdownFinishesTheWriteInFlight(t *testing.T) {
	h := newHarness(t, nil)
	h.request(1, fakeForm("a 1"), false)
	h.request(2, fakeForm("b 1"), false)
	ctx, cancel := context.WithCancel(context.Background())
	inFlight := make(chan struct{})
	release := make(chan struct{})
	first := true
	h.bz.beforeWrite = func() {
		if first {
			first = false
			close(inFlight)
			<-release
		}
	}
	done := make(chan error, 1)
	go func() { done <- h.bot.Run(ctx, "") }()
	<-inFlight
	cancel() // the shutdown signal arrives while the first POST is out
	close(release)
	if err := <-done; err != nil {
		t.Fatalf("Run = %v", err)
	}
	if n := len(h.bz.botComments(1)); n != 1 {
		t.Fatalf("the write in flight: %d comments, want 1", n)
	}
	if n := len(h.bz.botComments(2)); n != 0 {
		t.Errorf("a write started after the shutdown: bug 2 has %d comments", n)
	}
	m, _ := parseFooter("stewardbot", h.bz.botComments(1)[0].Text)
	if j, err := h.st.Action(context.Background(), m.Key()); err != nil || j.Status != store.ActionDone {
		t.Errorf("journal of the write in flight = %+v, %v; want done", j, err)
	}
}
