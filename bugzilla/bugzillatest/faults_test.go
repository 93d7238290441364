package bugzillatest

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestFailNext(t *testing.T) {
	srv := NewServer(t)
	srv.FailNext(2, http.StatusServiceUnavailable)
	for i := 0; i < 2; i++ {
		a := get(t, srv, "/rest/version", "")
		if a.status != 503 || !strings.HasPrefix(a.header.Get("Content-Type"), "text/html") {
			t.Errorf("request %d: %d %s", i, a.status, a.header.Get("Content-Type"))
		}
	}
	wantStatus(t, get(t, srv, "/rest/version", ""), 200)
	reqs := srv.Requests()
	if len(reqs) != 3 || reqs[0].Fault != "status 503" || reqs[0].Status != 503 || reqs[2].Fault != "" {
		t.Errorf("requests = %+v", reqs)
	}
	if n := srv.RequestCount("GET /rest/version"); n != 3 {
		t.Errorf("RequestCount = %d, want 3", n)
	}
}

func TestRateLimitNext(t *testing.T) {
	srv := NewServer(t)
	srv.RateLimitNext(1, 90*time.Second+time.Millisecond)
	a := get(t, srv, "/rest/version", "")
	if a.status != 429 || a.header.Get("Retry-After") != "91" {
		t.Errorf("429 with Retry-After: %d %q", a.status, a.header.Get("Retry-After"))
	}
	srv.RateLimitNext(1, 0)
	a = get(t, srv, "/rest/version", "")
	if a.status != 429 || a.header.Get("Retry-After") != "" || !strings.Contains(string(a.body), "Too Many Requests") {
		t.Errorf("429 without Retry-After: %d %v %s", a.status, a.header, a.body)
	}
	wantStatus(t, get(t, srv, "/rest/version", ""), 200)
}

func TestFaultMatching(t *testing.T) {
	srv := NewServer(t)
	seedWorld(t, srv)
	remove := srv.InjectFault(Fault{Method: "POST", Path: "/rest/bug/*/comment", Status: 502})
	wantStatus(t, get(t, srv, "/rest/bug/1/comment", botKey), 200)
	for i := 0; i < 3; i++ { // Times 0: every matching request
		wantStatus(t, do(t, srv, request{method: "POST", path: "/rest/bug/1/comment", key: botKey, body: map[string]any{"comment": "x"}}), 502)
	}
	remove()
	wantStatus(t, do(t, srv, request{method: "POST", path: "/rest/bug/1/comment", key: botKey, body: map[string]any{"comment": "x"}}), 201)
	if n := len(srv.Writes()); n != 1 {
		t.Errorf("%d writes recorded, want 1 (faulted requests apply nothing)", n)
	}
	srv.InjectFault(Fault{Path: "/rest/version", Status: 504})
	srv.ClearFaults()
	wantStatus(t, get(t, srv, "/rest/version", ""), 200)
}

func TestFaultValidation(t *testing.T) {
	for _, f := range []Fault{
		{},
		{Status: 503, Reset: true},
		{Status: 200},
		{Hang: true, Times: -1},
		{Reset: true, Path: "[bad"},
	} {
		tb := &fakeTB{TB: t}
		srv := NewServer(tb)
		srv.InjectFault(f)
		if len(tb.fatal) != 1 {
			t.Errorf("InjectFault(%+v) reported %v, want one error", f, tb.fatal)
		}
	}
}

func TestResetNext(t *testing.T) {
	srv := NewServer(t)
	seedWorld(t, srv)
	srv.ResetNext(1)
	req, _ := http.NewRequest("POST", srv.URL()+"/rest/bug/1/comment?api_key="+botKey, strings.NewReader(`{"comment":"x"}`))
	if _, err := srv.Client().Do(req); err == nil {
		t.Fatal("a reset connection answered")
	}
	if got := srv.Comments(1); len(got) != 2 {
		t.Errorf("a reset request was applied: %d comments", len(got))
	}
	wantStatus(t, get(t, srv, "/rest/version", ""), 200)
	if r := srv.Requests()[0]; r.Fault != "reset" || r.Status != 0 || r.User != "bot@example.test" {
		t.Errorf("recorded %+v", r)
	}
}

func TestLoseNextWrite(t *testing.T) {
	srv := NewServer(t)
	seedWorld(t, srv)
	srv.LoseNextWrite("POST", "/rest/bug/*/comment")
	wantStatus(t, get(t, srv, "/rest/bug/1/comment", botKey), 200) // GET does not match
	req, _ := http.NewRequest("POST", srv.URL()+"/rest/bug/1/comment?api_key="+botKey, strings.NewReader(`{"comment":"landed"}`))
	if _, err := srv.Client().Do(req); err == nil {
		t.Fatal("the lost write answered")
	}
	cs := srv.Comments(1)
	if last := cs[len(cs)-1]; last.Text != "landed" || last.Creator != "bot@example.test" {
		t.Errorf("the write did not land: %+v", last)
	}
	w := srv.Writes()
	if len(w) != 1 || !w[0].Lost || w[0].Body["comment"] != "landed" || w[0].Endpoint != "POST /rest/bug/{id}/comment" {
		t.Errorf("writes = %+v", w)
	}
	if _, leaked := w[0].Body["api_key"]; leaked {
		t.Error("the API key was recorded")
	}
	// A proxy timeout after the write landed.
	srv.InjectFault(Fault{Method: "PUT", Times: 1, Status: 504, AfterApply: true})
	a := do(t, srv, request{method: "PUT", path: "/rest/bug/1", key: botKey, body: map[string]any{
		"flags": []any{map[string]any{"name": "needinfo", "status": "?", "requestee": "dev1@example.test"}},
	}})
	wantStatus(t, a, 504)
	if b, _ := srv.Bug(1); len(b.Flags) != 1 {
		t.Errorf("the 504'd write did not land: %+v", b.Flags)
	}
}

func TestHangNext(t *testing.T) {
	srv := NewServer(t)
	srv.HangNext(1)
	c := &http.Client{Timeout: 50 * time.Millisecond}
	_, err := c.Get(srv.URL() + "/rest/version")
	var ue interface{ Timeout() bool }
	if err == nil || !errors.As(err, &ue) || !ue.Timeout() {
		t.Fatalf("hung request: err = %v, want a timeout", err)
	}
	wantStatus(t, get(t, srv, "/rest/version", ""), 200)
}

func TestCloseReleasesHangs(t *testing.T) {
	srv := New()
	held := make(chan struct{})
	srv.hangHook = func() { close(held) }
	srv.Start()
	srv.HangNext(1)
	done := make(chan error, 1)
	go func() {
		resp, err := http.Get(srv.URL() + "/rest/version")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		done <- err
	}()
	<-held
	srv.Close()
	if err := <-done; err == nil {
		t.Error("a hung request answered after Close")
	}
	srv.Close() // twice is fine
}

func TestLatencyStopsWithTheClient(t *testing.T) {
	srv := NewServer(t)
	srv.SetLatency(time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL()+"/rest/version", nil)
	if _, err := srv.Client().Do(req); err == nil {
		t.Fatal("answered despite an hour of latency")
	}
	srv.SetLatency(0)
	wantStatus(t, get(t, srv, "/rest/version", ""), 200)
}
