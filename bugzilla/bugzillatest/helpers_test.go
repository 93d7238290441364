package bugzillatest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// answer is a raw HTTP answer from the fake.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the answer, failing the test when it is not JSON.
func (a answer) json(t testing.TB) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(a.body, &v); err != nil {
		t.Fatalf("answer %d is not JSON: %v\n%s", a.status, err, a.body)
	}
	return v
}

func (a answer) object(t testing.TB) map[string]any {
	t.Helper()
	m, ok := a.json(t).(map[string]any)
	if !ok {
		t.Fatalf("answer is not an object: %s", a.body)
	}
	return m
}

// code is the Bugzilla error code of an error answer (0 if none).
func (a answer) code(t testing.TB) int {
	t.Helper()
	var e struct {
		Error bool `json:"error"`
		Code  int  `json:"code"`
	}
	if json.Unmarshal(a.body, &e) != nil || !e.Error {
		return 0
	}
	return e.Code
}

// request describes a call: the key goes in ?api_key= unless header is set.
type request struct {
	method, path string
	key          string
	headerKey    string
	body         any // marshalled to JSON unless it is a string
}

func do(t testing.TB, srv *Server, r request) answer {
	t.Helper()
	var body io.Reader
	switch b := r.body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		body = bytes.NewReader(raw)
	}
	url := srv.URL() + r.path
	if r.key != "" {
		sep := "?"
		if strings.Contains(r.path, "?") {
			sep = "&"
		}
		url += sep + "api_key=" + r.key
	}
	req, err := http.NewRequest(r.method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if r.headerKey != "" {
		req.Header.Set("X-BUGZILLA-API-KEY", r.headerKey)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", r.method, r.path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: raw}
}

func get(t testing.TB, srv *Server, path, key string) answer {
	t.Helper()
	return do(t, srv, request{method: "GET", path: path, key: key})
}

// wantError checks an error answer's status and code.
func wantError(t testing.TB, a answer, status, code int) {
	t.Helper()
	if a.status != status || a.code(t) != code {
		t.Errorf("got %d code %d, want %d code %d: %s", a.status, a.code(t), status, code, a.body)
	}
}

func wantStatus(t testing.TB, a answer, status int) {
	t.Helper()
	if a.status != status {
		t.Errorf("got status %d, want %d: %s", a.status, status, a.body)
	}
}

// bugIDsOf lists the ids of a search answer.
func bugIDsOf(t testing.TB, a answer) []int {
	t.Helper()
	var v struct {
		Bugs []struct {
			ID int `json:"id"`
		} `json:"bugs"`
	}
	if err := json.Unmarshal(a.body, &v); err != nil {
		t.Fatalf("not a bug list: %v: %s", err, a.body)
	}
	ids := []int{}
	for _, b := range v.Bugs {
		ids = append(ids, b.ID)
	}
	return ids
}

// fakeTB records Fatalf instead of stopping the goroutine, to test that
// seeding errors reach the test.
type fakeTB struct {
	testing.TB
	fatal []string
}

func (f *fakeTB) Helper()           {}
func (f *fakeTB) Cleanup(fn func()) { f.TB.Cleanup(fn) }
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.fatal = append(f.fatal, fmt.Sprintf(format, args...))
}

const (
	botKey      = "bot-api-key"
	steward1Key = "steward1-api-key"
	steward2Key = "steward2-api-key"
	dev1Key     = "dev1-api-key"
	dev2Key     = "dev2-api-key"
	adminKey    = "admin-api-key"
)

// seedWorld files the recorded server's four bugs through the seeding API:
// bug 1 with a data-review?(steward1) attachment, bug 2 whose attachment
// is private, bug 3 whose data-review? has no requestee, and bug 4 in
// security-sensitive.
func seedWorld(t testing.TB, srv *Server) {
	t.Helper()
	for i, b := range []struct {
		summary, product, component string
		groups                      []string
		requestee                   string
		private                     bool
	}{
		{"Add telemetry probe for tab unloading", "Firefox", "General", nil, "steward1@example.test", false},
		{"Collect search engine usage counts in Telemetry", "Toolkit", "Telemetry", nil, "steward1@example.test", true},
		{"Record about:preferences interaction events", "Firefox", "General", nil, "", false},
		{"Security: collect crash reason for sandbox escapes", "Firefox", "General", []string{"security-sensitive"}, "steward1@example.test", false},
	} {
		id := srv.AddBug(Bug{Summary: b.summary, Product: b.product, Component: b.component, Creator: "dev1@example.test", Groups: b.groups, Description: "description"})
		if id != i+1 {
			t.Fatalf("bug id %d, want %d", id, i+1)
		}
		att := srv.AddAttachment(Attachment{
			BugID: id, FileName: "request.md", Summary: "Data review request", Data: []byte("# Request for data collection review form\n"),
			Comment: "Data review request form attached.", IsPrivate: b.private,
			Flags: []Flag{DataReview(b.requestee)},
		})
		if att != i+1 {
			t.Fatalf("attachment id %d, want %d", att, i+1)
		}
	}
}
