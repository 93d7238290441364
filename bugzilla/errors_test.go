package bugzilla

import (
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var allSentinels = map[string]error{
	"ErrNotFound":            ErrNotFound,
	"ErrAccessDenied":        ErrAccessDenied,
	"ErrLoginRequired":       ErrLoginRequired,
	"ErrInvalidAPIKey":       ErrInvalidAPIKey,
	"ErrRequestsBlocked":     ErrRequestsBlocked,
	"ErrNotSupported":        ErrNotSupported,
	"ErrWrongLogin":          ErrWrongLogin,
	"ErrWriteOutcomeUnknown": ErrWriteOutcomeUnknown,
	"ErrTooLarge":            ErrTooLarge,
	"ErrRateLimited":         ErrRateLimited,
}

var recordedStatus = regexp.MustCompile(`(?m)^# Response: HTTP/1\.1 (\d{3})`)

// statusOf reads the HTTP status a recording was answered with from its .http file.
func statusOf(t *testing.T, jsonName string) int {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(fixturesDir, "bugzilla-5", strings.TrimSuffix(jsonName, ".json")+".http"))
	if err != nil {
		t.Fatal(err)
	}
	m := recordedStatus.FindSubmatch(raw)
	if m == nil {
		t.Fatalf("%s: no response status line", jsonName)
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// TestRecordedErrors serves every recorded error answer and checks the
// *APIError and the sentinels it matches (and does not match).
func TestRecordedErrors(t *testing.T) {
	want := map[int]struct {
		code     int
		sentinel string // "" for none
	}{
		12: {32614, "ErrNotFound"}, 45: {304, "ErrAccessDenied"}, 46: {304, "ErrAccessDenied"},
		47: {102, "ErrAccessDenied"}, 48: {102, "ErrAccessDenied"}, 54: {113, "ErrAccessDenied"},
		55: {50, ""}, 56: {102, "ErrAccessDenied"}, 72: {132, ""}, 82: {32000, ""}, 83: {51, "ErrNotFound"},
		84: {130, ""}, 97: {306, "ErrInvalidAPIKey"}, 99: {101, "ErrNotFound"}, 100: {102, "ErrAccessDenied"},
		101: {100, ""}, 102: {51, "ErrNotFound"}, 103: {51, "ErrNotFound"}, 104: {129, ""},
		105: {51, "ErrNotFound"}, 106: {410, "ErrLoginRequired"}, 107: {32614, "ErrNotFound"},
		108: {32614, "ErrNotFound"}, 109: {102, "ErrAccessDenied"}, 110: {32000, ""}, 111: {32000, ""},
		117: {102, "ErrAccessDenied"}, 119: {410, "ErrLoginRequired"},
	}
	names := allRecordings(t)
	for _, n := range errorRecordings {
		name := names[n]
		w, ok := want[n]
		if !ok {
			t.Errorf("%s: no expectation", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			body := recording(t, name)
			st := statusOf(t, name)
			f := newFake(t)
			f.serve("GET /rest/thing", st, body)
			c, logs := testClient(t, f)
			_, err := c.do(bg, call{method: http.MethodGet, endpoint: "/rest/thing", path: "/rest/thing"}, &struct{}{})
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error %T %v, want *APIError", err, err)
			}
			if apiErr.Status != st || apiErr.Code != w.code {
				t.Errorf("status %d code %d, want %d %d", apiErr.Status, apiErr.Code, st, w.code)
			}
			code, msg, _ := parseErrorBody(body)
			if apiErr.Message != msg || code != w.code {
				t.Errorf("message %q, want %q", apiErr.Message, msg)
			}
			checkSentinels(t, err, w.sentinel)
			if f.count() != 1 {
				t.Errorf("%d requests, want 1 (a 4xx is never retried)", f.count())
			}
			if leaks(err.Error(), testKey) || leaks(logs.String(), testKey) {
				t.Errorf("key leaked: %v", err)
			}
		})
	}
}

// checkSentinels asserts err matches exactly the named sentinels.
func checkSentinels(t *testing.T, err error, names ...string) {
	t.Helper()
	wantSet := map[string]bool{}
	for _, n := range names {
		if n != "" {
			wantSet[n] = true
		}
	}
	for name, s := range allSentinels {
		if got := errors.Is(err, s); got != wantSet[name] {
			t.Errorf("errors.Is(err, %s) = %v, want %v (err: %v)", name, got, wantSet[name], err)
		}
	}
}

func TestBMOErrors(t *testing.T) {
	for _, tc := range []struct {
		file, key string
		sentinel  string
	}{
		{"needinfo-blocked-error.json", "response", "ErrRequestsBlocked"},
		{"review-blocked-error.json", "response", "ErrRequestsBlocked"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			st, body := bmoFixture(t, tc.file, tc.key)
			f := newFake(t)
			f.serve("PUT /rest/bug/1", st, body)
			c, _ := testClient(t, f)
			_, err := c.UpdateBug(bg, 1, BugUpdate{Flags: []FlagChange{{Name: "needinfo", Status: "?", Requestee: ptr("dev1@example.test")}}})
			checkSentinels(t, err, tc.sentinel)
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.Status != 400 || apiErr.Code != 32000 {
				t.Errorf("got %v, want a 400/32000 *APIError", err)
			}
			if !strings.Contains(err.Error(), "is not currently accepting") {
				t.Errorf("error %q does not say why", err)
			}
		})
	}
	t.Run("whoami errors", func(t *testing.T) {
		raw, err := os.ReadFile(filepath.Join(fixturesDir, "bmo", "whoami.json"))
		if err != nil {
			t.Fatal(err)
		}
		for key, sentinel := range map[string]string{"no_credentials": "ErrLoginRequired", "bad_api_key": "ErrInvalidAPIKey"} {
			st, body := nested(t, raw, "errors", key)
			e := newAPIError("GET", "/rest/whoami", st, nil, body, func(s string) string { return s })
			checkSentinels(t, e, sentinel)
		}
	})
}

func ptr[T any](v T) *T { return &v }

// TestNonJSONBodies checks that pages that are not Bugzilla JSON become clear errors.
func TestNonJSONBodies(t *testing.T) {
	for _, tc := range []struct {
		name        string
		status      int
		contentType string
		body        string
		want        []string
		sentinel    string
	}{
		{"plain-text 414 from a proxy", 414, "text/plain", "414 URI Too Long\n",
			[]string{"HTTP 414", "URI Too Long", "request URL is longer"}, ""},
		{"HTML 502 from a gateway", 502, "text/html", "<html><head><title>502 Bad Gateway</title><style>p{}</style></head><body><h1>Bad Gateway</h1><p>upstream &amp; friends</p></body></html>",
			[]string{"HTTP 502", "502 Bad Gateway: Bad Gateway: upstream & friends"}, ""},
		{"empty 500", 500, "", "", []string{"HTTP 500", "Internal Server Error (empty body)"}, ""},
		{"HTML 404", 404, "text/html; charset=utf-8", "<p>Not here</p>", []string{"Not Found: Not here"}, "ErrNotFound"},
		{"JSON that is not a Bugzilla error", 403, "application/json", `{"detail":"forbidden"}`, []string{"HTTP 403", "Forbidden"}, "ErrAccessDenied"},
		{"long page is cut", 400, "text/plain", strings.Repeat("x", 5000), []string{"…"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newAPIError("GET", "/rest/bug", tc.status, http.Header{"Content-Type": {tc.contentType}}, []byte(tc.body), func(s string) string { return s })
			msg := e.Error()
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not contain %q", msg, w)
				}
			}
			if len(msg) > 2*maxErrorMessage {
				t.Errorf("error is %d bytes long", len(msg))
			}
			if e.Code != 0 {
				t.Errorf("code %d for a non-Bugzilla body", e.Code)
			}
			checkSentinels(t, e, tc.sentinel)
		})
	}
}

func TestErrorStrings(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&APIError{Status: 404, Code: 101, Message: "Bug #99999 does not exist.", Method: "GET", Endpoint: "/rest/bug/{id}"},
			"bugzilla: GET /rest/bug/{id}: HTTP 404, code 101: Bug #99999 does not exist."},
		{&APIError{Status: 400, Code: 306, Message: "bad"}, "bugzilla: HTTP 400, code 306: bad"},
		{&WriteUnknownError{Method: "POST", Endpoint: "/rest/bug/{id}/comment", Err: errors.New("timeout")},
			"bugzilla: POST /rest/bug/{id}/comment: write outcome unknown, re-read Bugzilla before trying again: timeout"},
		{&TooLargeError{IDs: []int{3, 9}, Cap: 1024}, "bugzilla: attachment(s) [3 9] larger than the cap of 1024 bytes; their data was not read"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("got  %q\nwant %q", got, tc.want)
		}
	}
}

// nested returns the status and body of raw[k1][k2].
func nested(t *testing.T, raw []byte, k1, k2 string) (int, []byte) {
	t.Helper()
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil {
		t.Fatal(err)
	}
	var w map[string]struct {
		Status int             `json:"status"`
		Body   json.RawMessage `json:"body"`
	}
	if err := json.Unmarshal(top[k1], &w); err != nil {
		t.Fatal(err)
	}
	e, ok := w[k2]
	if !ok {
		t.Fatalf("no %s.%s", k1, k2)
	}
	return e.Status, e.Body
}
