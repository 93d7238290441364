package bugzilla

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestRateLimitParks(t *testing.T) {
	version := recording(t, "10-version.json")
	for _, tc := range []struct {
		name    string
		handler func(t *testing.T) http.HandlerFunc
		opts    []Option
		park    time.Duration
		status  int
		message string
	}{
		{
			name: "429 with Retry-After seconds",
			handler: func(*testing.T) http.HandlerFunc {
				return plain(429, "text/plain", []byte("slow down"), "Retry-After", "120")
			},
			park: 120 * time.Second, status: 429, message: "slow down",
		},
		{
			name: "429 with Retry-After date",
			handler: func(*testing.T) http.HandlerFunc {
				return plain(429, "text/plain", nil, "Retry-After", newClock().Now().Add(90*time.Second).Format(http.TimeFormat))
			},
			park: 90 * time.Second, status: 429, message: "Too Many Requests",
		},
		{
			name:    "BMO's HTML 429 without Retry-After: the default hour",
			handler: func(t *testing.T) http.HandlerFunc { return plain(429, "text/html", bmoBlockedPage(t)) },
			park:    time.Hour, status: 429, message: "you have sent too many requests to us recently",
		},
		{
			name:    "429 without Retry-After: the configured park",
			handler: func(t *testing.T) http.HandlerFunc { return plain(429, "text/html", bmoBlockedPage(t)) },
			opts:    []Option{WithRateLimitPark(10 * time.Minute)},
			park:    10 * time.Minute, status: 429, message: "Too Many Requests",
		},
		{
			name: "BMO's 400/32000 rate limit answer",
			handler: func(t *testing.T) http.HandlerFunc {
				st, body := bmoFixture(t, "rate-limit-exceeded-400.json", "response")
				return status(st, body)
			},
			park: time.Hour, status: 400, message: "You have exceeded the rate limit.",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := newClock()
			f := newFake(t)
			f.serveSeq("GET /rest/version", tc.handler(t), status(200, version))
			c, logs := testClient(t, f, append(tc.opts, WithClock(clock.Now))...)

			_, err := c.Version(bg)
			var rl *RateLimitError
			if !errors.As(err, &rl) || !errors.Is(err, ErrRateLimited) {
				t.Fatalf("got %v, want *RateLimitError", err)
			}
			if rl.RetryAfter != tc.park || !rl.Until.Equal(clock.Now().Add(tc.park)) || rl.Status != tc.status {
				t.Errorf("RetryAfter %s Until %s Status %d; want %s, now+%s, %d", rl.RetryAfter, rl.Until, rl.Status, tc.park, tc.park, tc.status)
			}
			if !strings.Contains(err.Error(), tc.message) {
				t.Errorf("error %q does not say %q", err, tc.message)
			}
			if f.count() != 1 {
				t.Fatalf("%d requests, want 1: a 429 is never retried", f.count())
			}

			// During the park nothing is sent, and the same error comes back.
			clock.Advance(tc.park - time.Second)
			for _, call := range []func() error{
				func() error { _, err := c.Version(bg); return err },
				func() error { _, err := c.AddComment(bg, 1, NewComment{Text: "x"}); return err },
				func() error { _, err := c.Authenticate(bg); return err },
			} {
				err := call()
				var again *RateLimitError
				if !errors.As(err, &again) || !again.Until.Equal(rl.Until) || again.RetryAfter != time.Second {
					t.Errorf("during the park: %v; want the same park with 1s left", err)
				}
			}
			if f.count() != 1 {
				t.Errorf("%d requests during the park, want none", f.count()-1)
			}
			if !strings.Contains(logs.String(), "rate limited") {
				t.Errorf("park not logged: %s", logs)
			}

			// After it, the client sends again.
			clock.Advance(time.Second)
			if v, err := c.Version(bg); err != nil || v != "5.2+" {
				t.Errorf("after the park: %q, %v", v, err)
			}
			if f.count() != 2 {
				t.Errorf("%d requests, want 2", f.count())
			}
		})
	}
}

func TestRateLimitOnWriteIsNotUnknown(t *testing.T) {
	f := newFake(t)
	f.handle("POST /rest/bug/1/comment", plain(429, "text/html", bmoBlockedPage(t)))
	c, _ := testClient(t, f, WithClock(newClock().Now))
	_, err := c.AddComment(bg, 1, NewComment{Text: "x"})
	checkSentinels(t, err, "ErrRateLimited")
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 28, 20, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{" 30 ", 30 * time.Second, true},
		{"-5", 0, false},
		{"soon", 0, false},
		{"Sat, 28 Nov 2026 20:01:00 GMT", time.Minute, true},
		{"Sat, 28 Nov 2026 19:00:00 GMT", 0, true},
		{"99999999999999999999", 0, false},
		{"9223372036854775807", time.Duration(1<<63-1) / time.Second * time.Second, true},
	} {
		got, ok := parseRetryAfter(tc.in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseRetryAfter(%q) = %s, %v; want %s, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// A longer park already set is never shortened by a later, shorter one.
func TestParkNeverShortened(t *testing.T) {
	clock := newClock()
	f := newFake(t)
	c, _ := testClient(t, f, WithClock(clock.Now))
	c.setPark(429, time.Hour, "first")
	e := c.setPark(429, time.Minute, "second")
	if e.RetryAfter != time.Hour || e.Message != "first" {
		t.Errorf("park shortened: %v", e)
	}
}
