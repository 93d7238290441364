package web

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stewardbot/stewardbot/bot"
	"github.com/stewardbot/stewardbot/bot/clock"
)

// fakeSource is a Source whose answers the test sets (one goroutine only).
type fakeSource struct {
	queue    []bot.QueueEntry
	queueErr error
	pingErr  error
	started  bool
	lastGood time.Time
	lastErr  error
}

func (f *fakeSource) Queue(context.Context) ([]bot.QueueEntry, error) {
	return f.queue, f.queueErr
}

func (f *fakeSource) Ping(context.Context) error {
	return f.pingErr
}

func (f *fakeSource) Started() bool {
	return f.started
}

func (f *fakeSource) LastGoodCycle(context.Context) (time.Time, error) {
	return f.lastGood, f.lastErr
}

var now0 = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

func newTestServer(t *testing.T, src Source, mutate func(*Options)) (*Server, *clock.Fake) {
	t.Helper()
	c := clock.NewFake(now0)
	o := Options{Source: src, Now: c.Now, Interval: 5 * time.Minute, Version: []byte(`{"version":"v1"}`)}
	if mutate != nil {
		mutate(&o)
	}
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return s, c
}

func get(t *testing.T, h http.Handler, path string) (int, http.Header, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	body, _ := io.ReadAll(rec.Result().Body)
	// Logins carry a line-break opportunity (breakableLogin); checks of
	// what a page shows, or must not show, read them whole.
	return rec.Code, rec.Result().Header, strings.ReplaceAll(string(body), "@<wbr>", "@")
}

func TestNewNeedsSource(t *testing.T) {
	if _, err := New(Options{}); err == nil {
		t.Fatal("New without a Source: no error")
	}
}

func TestProbes(t *testing.T) {
	tests := []struct {
		name     string
		src      fakeSource
		path     string
		wantCode int
		wantBody string
	}{
		{"lbheartbeat", fakeSource{pingErr: errors.New("down")}, "/__lbheartbeat__", 200, ""},
		{"livez even when the store is down", fakeSource{pingErr: errors.New("down")}, "/livez", 200, "ok\n"},
		{"readyz ready", fakeSource{started: true}, "/readyz", 200, "ok\n"},
		{"readyz store down", fakeSource{started: true, pingErr: errors.New("disk I/O error")}, "/readyz", 503, "store: not reachable\n"},
		{"readyz not started", fakeSource{}, "/readyz", 503, "bot: not started\n"},
		{"version", fakeSource{}, "/__version__", 200, `{"version":"v1"}`},
		{"unknown path", fakeSource{}, "/nope", 404, "404 page not found\n"},
		{"no metrics handler", fakeSource{}, "/metrics", 404, "404 page not found\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newTestServer(t, &tt.src, nil)
			code, h, body := get(t, s, tt.path)
			if code != tt.wantCode || body != tt.wantBody {
				t.Errorf("GET %s = %d %q, want %d %q", tt.path, code, body, tt.wantCode, tt.wantBody)
			}
			if h.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("no nosniff header")
			}
		})
	}
}

func TestMethodNotAllowed(t *testing.T) {
	s, _ := newTestServer(t, &fakeSource{}, nil)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/livez", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST /livez = %d, want 405", rec.Code)
	}
}

func TestMetricsRoute(t *testing.T) {
	m := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "metrics here") })
	s, _ := newTestServer(t, &fakeSource{}, func(o *Options) { o.Metrics = m })
	if code, _, body := get(t, s, "/metrics"); code != 200 || body != "metrics here" {
		t.Errorf("GET /metrics = %d %q", code, body)
	}
}

func TestHeartbeat(t *testing.T) {
	bzDown := func(context.Context) error { return errors.New("bugzilla: GET /rest/version: 503") }
	bzUp := func(context.Context) error { return nil }
	tests := []struct {
		name     string
		src      fakeSource
		bz       func(context.Context) error
		advance  time.Duration // after the server started
		wantCode int
		want     heartbeatBody
	}{
		{
			name: "all good", src: fakeSource{lastGood: now0.Add(-10 * time.Minute)}, bz: bzUp, wantCode: 200,
			want: heartbeatBody{Status: "ok", Checks: map[string]string{"bugzilla": "ok", "store": "ok", "cycle": "ok"}},
		},
		{
			name: "bugzilla down", src: fakeSource{lastGood: now0}, bz: bzDown, wantCode: 500,
			want: heartbeatBody{Status: "error", Checks: map[string]string{"bugzilla": "error", "store": "ok", "cycle": "ok"},
				Details: map[string]string{"bugzilla": "bugzilla: GET /rest/version: 503"}},
		},
		{
			name: "store down", src: fakeSource{lastGood: now0, pingErr: errors.New("store: ping: closed")}, bz: bzUp, wantCode: 500,
			want: heartbeatBody{Status: "error", Checks: map[string]string{"bugzilla": "ok", "store": "error", "cycle": "ok"},
				Details: map[string]string{"store": "store: ping: closed"}},
		},
		{
			name: "stale cycle", src: fakeSource{lastGood: now0.Add(-16 * time.Minute)}, bz: bzUp, wantCode: 500,
			want: heartbeatBody{Status: "error", Checks: map[string]string{"bugzilla": "ok", "store": "ok", "cycle": "error"},
				Details: map[string]string{"cycle": "last good cycle 16m0s ago, more than three intervals (15m0s)"}},
		},
		{
			name: "no cycle yet, just started", src: fakeSource{}, wantCode: 200,
			want: heartbeatBody{Status: "ok", Checks: map[string]string{"store": "ok", "cycle": "ok"}},
		},
		{
			name: "no cycle for too long", src: fakeSource{}, advance: 20 * time.Minute, wantCode: 500,
			want: heartbeatBody{Status: "error", Checks: map[string]string{"store": "ok", "cycle": "error"},
				Details: map[string]string{"cycle": "no good cycle since the server started 20m0s ago"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, c := newTestServer(t, &tt.src, func(o *Options) { o.Bugzilla = tt.bz })
			c.Advance(tt.advance)
			code, h, body := get(t, s, "/__heartbeat__")
			if code != tt.wantCode {
				t.Errorf("code = %d, want %d; body %s", code, tt.wantCode, body)
			}
			if ct := h.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
			var got heartbeatBody
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatalf("%v: %s", err, body)
			}
			if d := cmp.Diff(got, tt.want); d != "" {
				t.Errorf("body (-got +want):\n%s", d)
			}
		})
	}
}

// The Bugzilla check runs at most once per cache period, whatever the
// result, however often the heartbeat is asked.
func TestHeartbeatCachesBugzilla(t *testing.T) {
	calls := 0
	fail := true
	check := func(context.Context) error {
		calls++
		if fail {
			return errors.New("down")
		}
		return nil
	}
	s, c := newTestServer(t, &fakeSource{lastGood: now0}, func(o *Options) {
		o.Bugzilla, o.BugzillaCacheFor = check, time.Minute
	})
	for range 5 {
		if code, _, _ := get(t, s, "/__heartbeat__"); code != 500 {
			t.Fatalf("code = %d, want 500 from the cached failure", code)
		}
	}
	if calls != 1 {
		t.Fatalf("check ran %d times in one period, want 1", calls)
	}
	fail = false
	c.Advance(time.Minute)
	if code, _, _ := get(t, s, "/__heartbeat__"); code != 200 || calls != 2 {
		t.Fatalf("after the period: code %d, calls %d; want 200, 2", code, calls)
	}
}

func TestLoadVersion(t *testing.T) {
	fallback := VersionInfo{Source: "https://github.com/stewardbot/stewardbot", Version: "v1.2.3", Commit: "abc"}
	dir := t.TempDir()
	t.Run("no file: the built-in one", func(t *testing.T) {
		got, err := LoadVersion(dir+"/missing.json", fallback)
		if err != nil {
			t.Fatal(err)
		}
		want := `{"source":"https://github.com/stewardbot/stewardbot","version":"v1.2.3","commit":"abc","build":""}`
		if string(got) != want {
			t.Errorf("got %s, want %s", got, want)
		}
	})
	t.Run("the file wins", func(t *testing.T) {
		path := dir + "/version.json"
		body := `{"source":"s","version":"v9","commit":"c","build":"b"}` + "\n"
		writeFile(t, path, body)
		got, err := LoadVersion(path, fallback)
		if err != nil || string(got) != body {
			t.Errorf("got %s, %v; want the file", got, err)
		}
	})
	t.Run("a broken file is an error", func(t *testing.T) {
		path := dir + "/broken.json"
		writeFile(t, path, "not json")
		if _, err := LoadVersion(path, fallback); err == nil || !strings.Contains(err.Error(), "not a JSON object") {
			t.Errorf("err = %v", err)
		}
	})
}
