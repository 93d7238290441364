package bugzillatest

import (
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// fuzzServer is a seeded fake used directly as an http.Handler.
func fuzzServer(t testing.TB) *Server {
	srv := New(WithDialect(BMO), WithRateLimits(false))
	seedWorld(t, srv)
	srv.SetBugFlags("bot@example.test", 3, Needinfo("dev2@example.test").change())
	return srv
}

// checkAnswer: every answer to a REST path is Bugzilla JSON with an
// expected status, whatever the input.
func checkAnswer(t *testing.T, rec *httptest.ResponseRecorder, input string) {
	t.Helper()
	if len(input) > 200 {
		input = input[:200] + "..."
	}
	if rec.Code == 414 { // a request target over 8 KiB: plain text or HTML, as the front end sends
		return
	}
	switch rec.Code {
	case 200, 201, 400, 401, 404:
	default:
		t.Fatalf("status %d for %q: %s", rec.Code, input, rec.Body)
	}
	if !json.Valid(rec.Body.Bytes()) {
		t.Fatalf("answer for %q is not JSON: %s", input, rec.Body)
	}
}

func FuzzSearchQuery(f *testing.F) {
	for _, q := range []string{
		"f1=flagtypes.name&o1=equals&v1=data-review%3F",
		"f1=OP&j1=OR&f2=bug_id&o2=lessthan&v2=3&f3=CP&n1=1",
		"chfieldfrom=-1ws&chfieldto=Now&order=changeddate%20DESC&limit=2&offset=1",
		"id=1,3&include_fields=id,flags.status&exclude_fields=_all",
		"f1=delta_ts&o1=greaterthan&v1=2026-11-28T20:22:34Z&j_top=OR",
		"f1=short_desc&o1=regexp&v1=%5B",
	} {
		f.Add(q)
	}
	srv := fuzzServer(f)
	f.Fuzz(func(t *testing.T, q string) {
		if _, err := url.ParseQuery(q); err != nil {
			return
		}
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/rest/bug", nil)
		req.URL.RawQuery = q + "&api_key=" + botKey
		srv.ServeHTTP(rec, req)
		checkAnswer(t, rec, q)
	})
}

func FuzzWriteBody(f *testing.F) {
	for _, seed := range []struct{ path, body string }{
		{"/rest/bug/1", `{"flags":[{"name":"needinfo","status":"?","requestee":"dev1@example.test"}],"comment":{"body":"x"}}`},
		{"/rest/bug/3", `{"flags":[{"id":6,"status":"X"},{"type_id":2,"status":"?","new":true}]}`},
		{"/rest/bug/attachment/1", `{"flags":[{"id":1,"status":"+"}],"comment":"ok","is_obsolete":true}`},
		{"/rest/bug/1/comment", `{"comment":"hi","is_private":true,"comment_tags":["abc"]}`},
		{"/rest/bug/comment/1/tags", `{"add":["abc"],"remove":["x"]}`},
		{"/rest/bug/1/attachment", `{"data":"aGk=","file_name":"a","summary":"s","content_type":"text/plain"}`},
		{"/rest/bug", `{"product":"Firefox","component":"General","summary":"s","groups":["insiders"]}`},
		{"/rest/bug/1", `{"flags": [ this is not json`},
	} {
		f.Add(seed.path, seed.body)
	}
	srv := fuzzServer(f)
	f.Fuzz(func(t *testing.T, path, body string) {
		if !strings.HasPrefix(path, "/rest/") {
			return
		}
		for _, method := range []string{"PUT", "POST"} {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(method, "/rest/?api_key="+botKey, strings.NewReader(body))
			req.URL.Path = path // any path, even one a client could not send
			srv.ServeHTTP(rec, req)
			checkAnswer(t, rec, method+" "+path+" "+body)
		}
	})
}
