package web

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

// ctxSource is a fakeSource whose store answers fail once their context
// has ended, as a real store's do.
type ctxSource struct{ fakeSource }

func (s *ctxSource) Ping(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.fakeSource.Ping(ctx)
}

func (s *ctxSource) LastGoodCycle(ctx context.Context) (time.Time, error) {
	if err := ctx.Err(); err != nil {
		return time.Time{}, err
	}
	return s.fakeSource.LastGoodCycle(ctx)
}

// A Bugzilla slower than the checks' deadline fails its own check only:
// the store and the cycle, checked under their own deadlines, are fine.
func TestHeartbeatSlowBugzillaBlamesOnlyBugzilla(t *testing.T) {
	slow := func(ctx context.Context) error {
		<-ctx.Done() // answers after the deadline
		return ctx.Err()
	}
	s, _ := newTestServer(t, &ctxSource{fakeSource{lastGood: now0}}, func(o *Options) {
		o.Bugzilla, o.CheckTimeout = slow, 20*time.Millisecond
	})
	code, _, body := get(t, s, "/__heartbeat__")
	var got heartbeatBody
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	if code != 500 || got.Checks["bugzilla"] != "error" || got.Checks["store"] != "ok" || got.Checks["cycle"] != "ok" {
		t.Errorf("heartbeat = %d %s; want 500 with only bugzilla failing", code, body)
	}
}

// The checks run at once: three slow checks take one deadline, not three.
func TestHeartbeatChecksRunConcurrently(t *testing.T) {
	started := make(chan string, 3)
	release := make(chan struct{})
	wait := func(name string) func(context.Context) error {
		return func(ctx context.Context) error {
			started <- name
			select {
			case <-release:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	src := &blockingSource{ping: wait("store"), last: wait("cycle")}
	s, _ := newTestServer(t, src, func(o *Options) { o.Bugzilla, o.CheckTimeout = wait("bugzilla"), time.Minute })
	done := make(chan int, 1)
	go func() {
		code, _, _ := get(t, s, "/__heartbeat__")
		done <- code
	}()
	for range 3 { // all three are running before any returns
		select {
		case <-started:
		case <-time.After(10 * time.Second):
			t.Fatal("the checks ran one after another")
		}
	}
	close(release)
	if code := <-done; code != 200 {
		t.Errorf("code = %d, want 200", code)
	}
}

// blockingSource answers its store checks through the functions given.
type blockingSource struct {
	fakeSource
	ping, last func(context.Context) error
}

func (s *blockingSource) Ping(ctx context.Context) error { return s.ping(ctx) }

func (s *blockingSource) LastGoodCycle(ctx context.Context) (time.Time, error) {
	return now0, s.last(ctx)
}

// A failing heartbeat is logged once a minute at most, by the server's
// clock, however often it is asked.
func TestHeartbeatFailureLoggedOnceAMinute(t *testing.T) {
	var logs strings.Builder
	s, c := newTestServer(t, &fakeSource{lastGood: now0, pingErr: errors.New("store: ping: closed")}, func(o *Options) {
		o.Log = zerolog.New(&logs)
	})
	count := func() int { return strings.Count(logs.String(), "heartbeat failing") }
	for range 5 {
		if code, _, _ := get(t, s, "/__heartbeat__"); code != 500 {
			t.Fatalf("code = %d, want 500", code)
		}
	}
	if n := count(); n != 1 {
		t.Fatalf("%d log lines for 5 failing heartbeats in a second, want 1:\n%s", n, logs.String())
	}
	c.Advance(59 * time.Second)
	get(t, s, "/__heartbeat__")
	if n := count(); n != 1 {
		t.Fatalf("%d log lines within the minute, want 1", n)
	}
	c.Advance(time.Second)
	get(t, s, "/__heartbeat__")
	if n := count(); n != 2 {
		t.Fatalf("%d log lines a minute later, want 2", n)
	}
	if !strings.Contains(logs.String(), "store: ping: closed") {
		t.Errorf("the log does not say why:\n%s", logs.String())
	}
}

// /readyz's store failures are logged once a minute too.
func TestReadyzFailureLoggedOnceAMinute(t *testing.T) {
	var logs strings.Builder
	s, c := newTestServer(t, &fakeSource{started: true, pingErr: errors.New("store: ping: closed")}, func(o *Options) {
		o.Log = zerolog.New(&logs)
	})
	for range 5 {
		if code, _, _ := get(t, s, "/readyz"); code != 503 {
			t.Fatalf("code = %d, want 503", code)
		}
	}
	c.Advance(time.Minute)
	get(t, s, "/readyz")
	if n := strings.Count(logs.String(), "readyz: store does not answer"); n != 2 {
		t.Errorf("%d log lines for 6 failures over a minute, want 2:\n%s", n, logs.String())
	}
}
