package metrics

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/stewardbot/stewardbot/bot"
)

func TestEndpointTemplate(t *testing.T) {
	tests := []struct{ path, want string }{
		{"/rest/bug/1234/comment", "/rest/bug/{id}/comment"},
		{"/rest/bug/attachment/99", "/rest/bug/attachment/{id}"},
		{"/rest/bug/comment/5/tags", "/rest/bug/comment/{id}/tags"},
		{"/rest/bug", "/rest/bug"},
		{"/rest/whoami", "/rest/whoami"},
		{"/rest/review/flag_activity", "/rest/review/flag_activity"},
		{"/bugzilla/rest/bug/7", "/rest/bug/{id}"}, // a server under a base path
		{"/rest/user/someone@example.org", "/rest/user/{name}"},
		{"/rest/bug/my-alias", "/rest/bug/{name}"},
		{"/rest/bug/1,2,3", "/rest/bug/{name}"},
		{"/rest/bug/123/", "/rest/bug/{id}"},
		{"/rest", "/rest"},
		{"/show_bug.cgi", "other"},
		{"", "other"},
	}
	for _, tt := range tests {
		if got := EndpointTemplate(tt.path); got != tt.want {
			t.Errorf("EndpointTemplate(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}

func FuzzEndpointTemplate(f *testing.F) {
	for _, s := range []string{"/rest/bug/1/comment", "/rest/user/a@b", "/x/rest/", "/rest//1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, path string) {
		got := EndpointTemplate(path)
		// Bounded: no digits and nothing but path words and placeholders.
		for _, seg := range strings.Split(got, "/") {
			if seg == "" || seg == "{id}" || seg == "{name}" || seg == "other" {
				continue
			}
			if !isWord(seg) {
				t.Fatalf("EndpointTemplate(%q) = %q: segment %q is not bounded", path, got, seg)
			}
		}
	})
}

// Requests are counted and timed by endpoint template, method and status;
// a transport error counts as "error". No id, query or key reaches a label.
func TestRoundTripper(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/comment") {
			w.WriteHeader(http.StatusCreated)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer ts.Close()
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	m := New(func() time.Time { return now })
	hc := &http.Client{Transport: m.RoundTripper(nil)}
	for _, p := range []string{"/rest/bug/1001/comment?api_key=SECRET", "/rest/bug/1002/comment", "/rest/bug?id=1001"} {
		resp, err := hc.Post(ts.URL+p, "application/json", strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	failing := &http.Client{Transport: m.RoundTripper(roundTripFunc(func(*http.Request) (*http.Response, error) {
		return nil, errors.New("connection reset")
	}))}
	if _, err := failing.Get(ts.URL + "/rest/whoami"); err == nil {
		t.Fatal("no error from the failing transport")
	}

	want := `
# HELP stewardbot_bugzilla_requests_total HTTP requests sent to Bugzilla (each retry counts), by endpoint template, method and status code ("error" when no answer came).
# TYPE stewardbot_bugzilla_requests_total counter
stewardbot_bugzilla_requests_total{code="200",endpoint="/rest/bug",method="POST"} 1
stewardbot_bugzilla_requests_total{code="201",endpoint="/rest/bug/{id}/comment",method="POST"} 2
stewardbot_bugzilla_requests_total{code="error",endpoint="/rest/whoami",method="GET"} 1
`
	if err := testutil.CollectAndCompare(m.requests, strings.NewReader(want)); err != nil {
		t.Error(err)
	}
	if n := testutil.CollectAndCount(m.duration); n != 3 {
		t.Errorf("duration series = %d, want 3 (one per endpoint and method)", n)
	}
	body := scrape(t, m)
	for _, leak := range []string{"SECRET", "api_key", ts.URL} {
		if strings.Contains(body, leak) {
			t.Errorf("metrics expose %q", leak)
		}
	}
	// The bug ids as values of their own (a label, a path), not as digits
	// inside a duration's float such as 0.0010021.
	for _, id := range []string{"1001", "1002"} {
		if regexp.MustCompile(`(^|[^0-9.e+-])` + id + `([^0-9]|$)`).MatchString(body) {
			t.Errorf("metrics expose bug %s", id)
		}
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestObserver(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	m := New(func() time.Time { return now })
	var o bot.Observer = m
	o.CycleDone(bot.CycleOK)
	o.CycleDone(bot.CycleOK)
	o.CycleDone(bot.CycleParked)
	o.ActionDone("analysis", bot.ActionPosted)
	o.ActionDone("analysis", bot.ActionAlreadyDone)
	o.ActionDone("needs-form", bot.ActionDryRun)
	o.QueueState(7, now.Add(-90*time.Minute))
	o.Parked(time.Unix(1_800_000_000, 0))

	want := `
# HELP stewardbot_cycles_total Bot cycles by result: ok, error, parked, follower (skipped: another replica leads).
# TYPE stewardbot_cycles_total counter
stewardbot_cycles_total{result="error"} 0
stewardbot_cycles_total{result="follower"} 0
stewardbot_cycles_total{result="ok"} 2
stewardbot_cycles_total{result="parked"} 1
# HELP stewardbot_actions_total Marked actions (comments) by kind and result: posted, dry_run, already_done, failed, unknown, rate_limited.
# TYPE stewardbot_actions_total counter
stewardbot_actions_total{kind="analysis",result="already_done"} 1
stewardbot_actions_total{kind="analysis",result="posted"} 1
stewardbot_actions_total{kind="needs-form",result="dry_run"} 1
# HELP stewardbot_pending_requests Open data-review requests after the last cycle.
# TYPE stewardbot_pending_requests gauge
stewardbot_pending_requests 7
# HELP stewardbot_oldest_pending_request_age_seconds Age of the oldest open data-review request; 0 when none is open.
# TYPE stewardbot_oldest_pending_request_age_seconds gauge
stewardbot_oldest_pending_request_age_seconds 5400
# HELP stewardbot_rate_limit_parked_until_timestamp_seconds When the rate-limit park ends (Unix time); 0 when the bot is not parked.
# TYPE stewardbot_rate_limit_parked_until_timestamp_seconds gauge
stewardbot_rate_limit_parked_until_timestamp_seconds 1.8e+09
`
	if err := testutil.GatherAndCompare(m.Registry(), strings.NewReader(want),
		"stewardbot_cycles_total", "stewardbot_actions_total", "stewardbot_pending_requests",
		"stewardbot_oldest_pending_request_age_seconds", "stewardbot_rate_limit_parked_until_timestamp_seconds"); err != nil {
		t.Error(err)
	}
	// Nothing open, no park: both read 0.
	o.QueueState(0, time.Time{})
	o.Parked(time.Time{})
	if v := testutil.ToFloat64(m.parked); v != 0 {
		t.Errorf("parked = %v after the park", v)
	}
	if v := m.oldestAge(); v != 0 {
		t.Errorf("oldest age = %v with nothing open", v)
	}
}

func TestHandler(t *testing.T) {
	m := New(nil)
	body := scrape(t, m)
	for _, want := range []string{"stewardbot_cycles_total", "go_goroutines", "stewardbot_pending_requests"} {
		if !strings.Contains(body, want) {
			t.Errorf("scrape lacks %s", want)
		}
	}
}

func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	b, _ := io.ReadAll(rec.Body)
	if rec.Code != 200 {
		t.Fatalf("scrape: %d %s", rec.Code, b)
	}
	return string(b)
}
