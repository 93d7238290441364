package bugzilla

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestGETRetriedOnGatewayErrors(t *testing.T) {
	version := recording(t, "10-version.json")
	for _, code := range []int{502, 503, 504} {
		t.Run(http.StatusText(code), func(t *testing.T) {
			f := newFake(t)
			f.serveSeq("GET /rest/version", status(code, []byte("<html>down</html>")), status(200, version))
			c, logs := testClient(t, f)
			v, err := c.Version(bg)
			if err != nil || v != "5.2+" {
				t.Fatalf("Version = %q, %v; want 5.2+", v, err)
			}
			if f.count() != 2 {
				t.Errorf("%d requests, want 2", f.count())
			}
			if !strings.Contains(logs.String(), `"endpoint":"/rest/version"`) || !strings.Contains(logs.String(), "retrying") {
				t.Errorf("retry not logged: %s", logs)
			}
		})
	}
}

func TestGETGivesUpAfterRetries(t *testing.T) {
	f := newFake(t)
	f.serve("GET /rest/version", 503, []byte("<h1>Service Unavailable</h1>"))
	c, _ := testClient(t, f, WithRetries(3, time.Millisecond, time.Millisecond))
	_, err := c.Version(bg)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 503 {
		t.Fatalf("got %v, want a 503 *APIError", err)
	}
	if f.count() != 4 {
		t.Errorf("%d requests, want 1 + 3 retries", f.count())
	}
}

func TestGETNotRetriedOnOtherStatuses(t *testing.T) {
	for _, code := range []int{400, 401, 404, 500} {
		f := newFake(t)
		f.serve("GET /rest/version", code, recording(t, "99-error-bug-nonexistent.json"))
		c, _ := testClient(t, f)
		if _, err := c.Version(bg); err == nil {
			t.Fatalf("%d: no error", code)
		}
		if f.count() != 1 {
			t.Errorf("%d: %d requests, want 1", code, f.count())
		}
	}
}

func TestWritesNeverRetried(t *testing.T) {
	for _, tc := range []struct {
		name  string
		write func(*Client) error
		route string
	}{
		{"POST comment", func(c *Client) error { _, err := c.AddComment(bg, 1, NewComment{Text: "hi"}); return err }, "POST /rest/bug/1/comment"},
		{"PUT bug", func(c *Client) error {
			_, err := c.UpdateBug(bg, 1, BugUpdate{Flags: []FlagChange{{ID: 5, Status: "X"}}})
			return err
		}, "PUT /rest/bug/1"},
		{"PUT attachment", func(c *Client) error {
			_, err := c.UpdateAttachment(bg, 1, AttachmentUpdate{Flags: []FlagChange{{ID: 1, Status: "?", Requestee: ptr("s@x")}}})
			return err
		}, "PUT /rest/bug/attachment/1"},
		{"PUT tags", func(c *Client) error { _, err := c.AddCommentTags(bg, 9, []string{"a"}, nil); return err }, "PUT /rest/bug/comment/9/tags"},
	} {
		for _, code := range []int{502, 503, 504} {
			t.Run(tc.name+" "+http.StatusText(code), func(t *testing.T) {
				f := newFake(t)
				f.serveSeq(tc.route, plain(code, "text/html", []byte("<html><title>Bad Gateway</title></html>")), status(201, []byte(`{"id":9}`)))
				c, _ := testClient(t, f)
				err := tc.write(c)
				if f.count() != 1 {
					t.Errorf("%d requests, want 1", f.count())
				}
				var wu *WriteUnknownError
				if !errors.As(err, &wu) || !errors.Is(err, ErrWriteOutcomeUnknown) {
					t.Fatalf("got %v, want *WriteUnknownError", err)
				}
				if !strings.HasPrefix(wu.Endpoint, "/rest/") || strings.ContainsAny(wu.Endpoint, "?0123456789") {
					t.Errorf("endpoint %q is not a path template", wu.Endpoint)
				}
				var apiErr *APIError
				if !errors.As(err, &apiErr) || apiErr.Status != code {
					t.Errorf("cause %v, want the %d answer", err, code)
				}
			})
		}
	}
}

// A Bugzilla JSON error on a write is a definite refusal (Bugzilla rolled
// back), not an unknown outcome.
func TestWriteRefusalIsNotUnknown(t *testing.T) {
	f := newFake(t)
	f.serve("POST /rest/bug/4/comment", 401, recording(t, "56-post-comment-secure-bug-as-bot.json"))
	c, _ := testClient(t, f)
	_, err := c.AddComment(bg, 4, NewComment{Text: "hi"})
	checkSentinels(t, err, "ErrAccessDenied")
}

func TestWriteTimeoutIsUnknown(t *testing.T) {
	release := make(chan struct{})
	f := newFake(t)
	f.handle("POST /rest/bug/1/comment", func(w http.ResponseWriter, r *http.Request) {
		select { // hold the answer until the client has given up
		case <-release:
		case <-r.Context().Done():
		}
	})
	c, logs := testClient(t, f, WithTimeout(50*time.Millisecond))
	defer close(release)
	_, err := c.AddComment(bg, 1, NewComment{Text: "analysis"})
	if !errors.Is(err, ErrWriteOutcomeUnknown) {
		t.Fatalf("got %v, want ErrWriteOutcomeUnknown", err)
	}
	var wu *WriteUnknownError
	if !errors.As(err, &wu) || wu.Method != "POST" || wu.Endpoint != "/rest/bug/{id}/comment" {
		t.Errorf("got %#v", wu)
	}
	if f.count() != 1 {
		t.Errorf("%d requests, want 1", f.count())
	}
	if !strings.Contains(logs.String(), "write outcome unknown") {
		t.Errorf("not logged: %s", logs)
	}
}

// roundTripFunc lets a test stand in for the network.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestWriteTransportErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		err     error
		unknown bool
	}{
		{"reset after sending", &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}, true},
		{"EOF", io.ErrUnexpectedEOF, true},
		{"context deadline", context.DeadlineExceeded, true},
		{"dial refused: never sent", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := 0
			hc := &http.Client{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) { n++; return nil, tc.err })}
			c, err := NewClient("http://127.0.0.1:1", WithAPIKey(testKey), WithKeyPlacement(KeyQuery),
				WithHTTPClient(hc), WithRetries(2, time.Millisecond, time.Millisecond))
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.AddComment(bg, 1, NewComment{Text: "x"})
			if got := errors.Is(err, ErrWriteOutcomeUnknown); got != tc.unknown {
				t.Errorf("unknown = %v, want %v (%v)", got, tc.unknown, err)
			}
			if err == nil || !errors.Is(err, tc.err) {
				t.Errorf("cause lost: %v", err)
			}
			if n != 1 {
				t.Errorf("%d attempts, want 1", n)
			}
		})
	}
}

func TestGETRetriedOnConnectionErrors(t *testing.T) {
	n := 0
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		n++
		if n < 3 {
			return nil, &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}
		}
		return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(`{"version":"5.2+"}`)), Request: r}, nil
	})}
	c, err := NewClient("http://127.0.0.1:1", WithHTTPClient(hc), WithRetries(3, time.Millisecond, time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if v, err := c.Version(bg); err != nil || v != "5.2+" {
		t.Fatalf("Version = %q, %v", v, err)
	}
	if n != 3 {
		t.Errorf("%d attempts, want 3", n)
	}
}

func TestCanceledContextNotSent(t *testing.T) {
	f := newFake(t)
	c, _ := testClient(t, f)
	ctx, cancel := context.WithCancel(bg)
	cancel()
	_, err := c.AddComment(ctx, 1, NewComment{Text: "x"})
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrWriteOutcomeUnknown) {
		t.Errorf("got %v, want context.Canceled and not an unknown outcome", err)
	}
	if f.count() != 0 {
		t.Errorf("%d requests sent", f.count())
	}
}

func TestBackoff(t *testing.T) {
	const min, max = 100 * time.Millisecond, time.Second
	for attempt := 0; attempt < 40; attempt++ {
		for _, r := range []func(int64) int64{
			func(int64) int64 { return 0 },
			func(n int64) int64 { return n - 1 },
		} {
			d := jitter(min, max, attempt, r)
			if d < min || d > max {
				t.Errorf("attempt %d: wait %s outside [%s, %s]", attempt, d, min, max)
			}
		}
	}
	// The window grows: the longest wait of attempt 2 is 4 × min.
	if d := jitter(min, max, 2, func(n int64) int64 { return n - 1 }); d != 4*min {
		t.Errorf("attempt 2 longest wait %s, want %s", d, 4*min)
	}
	if d := jitter(min, min, 5, func(int64) int64 { panic("no window") }); d != min {
		t.Errorf("equal bounds: %s", d)
	}
	resp := &http.Response{StatusCode: 503, Header: http.Header{"Retry-After": {"1"}}}
	if d := backoff(min, 2*time.Second, 0, resp); d != time.Second {
		t.Errorf("503 Retry-After 1 within bounds: %s, want 1s", d)
	}
	resp.Header.Set("Retry-After", "3600")
	if d := backoff(min, max, 0, resp); d > max {
		t.Errorf("503 Retry-After beyond max: %s", d)
	}
}

// TestRetryNotSentOnceParked: a GET backing off after a 503 sends no retry
// once another request parked the client in the meantime (a 429 among
// reads sent together): the call fails with the park's error, and the
// server hears nothing more.
func TestRetryNotSentOnceParked(t *testing.T) {
	f := newFake(t)
	var c *Client
	f.handle("GET /rest/version", func(w http.ResponseWriter, _ *http.Request) {
		// Another request of the batch is answered 429 while this one is
		// in flight.
		c.setPark(http.StatusTooManyRequests, time.Hour, "Too Many Requests")
		writeJSON(w, http.StatusServiceUnavailable, []byte("<h1>Service Unavailable</h1>"))
	})
	c, _ = testClient(t, f, WithRetries(3, time.Millisecond, time.Millisecond))
	_, err := c.Version(bg)
	var rl *RateLimitError
	if !errors.As(err, &rl) {
		t.Errorf("got %v, want the park's *RateLimitError", err)
	}
	if f.count() != 1 {
		t.Errorf("%d requests, want 1: no retry once parked", f.count())
	}
}
