package bugzilla

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

// fixturesDir holds the recorded server answers (bugzilla-5: a real
// upstream Bugzilla 5.2; bmo: BMO's shapes). It is the repository's one copy
// of ../shared/fixtures, kept with the fake that also serves it;
// bugzillatest's TestFixturesMatchShared keeps it equal to the original.
var fixturesDir = filepath.Join("bugzillatest", "testdata")

// testKey looks like a real Bugzilla key (40 alphanumerics) so that it is
// easy to spot if it ever leaks.
const testKey = "SeCrEtKeY0123456789abcdefghijKLMNOPQRSTU"

// recording reads a raw upstream recording body, such as "35-get-bug.json".
func recording(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixturesDir, "bugzilla-5", name))
	if err != nil {
		t.Fatalf("reading recording: %v", err)
	}
	return b
}

// bmoFixture reads a BMO reference file and returns the status and body
// under the given key path (such as "response" or "code_response").
func bmoFixture(t testing.TB, name, key string) (int, []byte) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(fixturesDir, "bmo", name))
	if err != nil {
		t.Fatalf("reading BMO fixture: %v", err)
	}
	var wrapper map[string]json.RawMessage
	if err := json.Unmarshal(raw, &wrapper); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var resp struct {
		Status int             `json:"status"`
		Body   json.RawMessage `json:"body"`
	}
	if err := json.Unmarshal(wrapper[key], &resp); err != nil || resp.Body == nil {
		t.Fatalf("%s: no %s.body: %v", name, key, err)
	}
	return resp.Status, resp.Body
}

var htmlLeadingComment = regexp.MustCompile(`(?s)<!--.*?-->\s*`)

// bmoBlockedPage is BMO's HTML 429 page without the fixture's explanatory
// comment, which is not part of the real body.
func bmoBlockedPage(t testing.TB) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(fixturesDir, "bmo", "rate-limit-block-429.html"))
	if err != nil {
		t.Fatal(err)
	}
	return htmlLeadingComment.ReplaceAll(raw, nil)
}

// seen is one request as the fake server received it.
type seen struct {
	Method, Path string
	RawQuery     string
	Query        url.Values
	Header       http.Header
	Body         []byte
}

// fake is a minimal Bugzilla on httptest for the client's own tests: routes
// answer with recorded bodies, every request is kept, and anything unrouted
// gets upstream's 404/32614.
type fake struct {
	t   testing.TB
	mux *http.ServeMux
	srv *httptest.Server

	mu   sync.Mutex
	reqs []seen
}

func newFake(t testing.TB) *fake {
	t.Helper()
	f := &fake{t: t, mux: http.NewServeMux()}
	f.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, []byte(`{"error":true,"code":32614,"message":"A REST API resource was not found for '`+
			r.Method+` `+strings.TrimPrefix(r.URL.Path, "/rest")+`'.","documentation":"https://bugzilla.readthedocs.org/en/5.0/api/"}`))
	})
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		f.mu.Lock()
		f.reqs = append(f.reqs, seen{r.Method, r.URL.Path, r.URL.RawQuery, r.URL.Query(), r.Header.Clone(), body})
		f.mu.Unlock()
		f.mux.ServeHTTP(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fake) handle(pattern string, h http.HandlerFunc) { f.mux.HandleFunc(pattern, h) }

// serve answers pattern with status and body, every time.
func (f *fake) serve(pattern string, status int, body []byte) {
	f.handle(pattern, func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, status, body) })
}

// serveSeq answers pattern with each handler in turn, the last one repeating.
func (f *fake) serveSeq(pattern string, hs ...http.HandlerFunc) {
	var mu sync.Mutex
	n := 0
	f.handle(pattern, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		h := hs[min(n, len(hs)-1)]
		n++
		mu.Unlock()
		h(w, r)
	})
}

func (f *fake) requests() []seen {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]seen(nil), f.reqs...)
}

func (f *fake) count() int { return len(f.requests()) }

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	w.Write(body)
}

func status(code int, body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, code, body) }
}

func plain(code int, contentType string, body []byte, header ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(code)
		w.Write(body)
	}
}

// logBuffer collects log output from any goroutine.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 11, 28, 20, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// testClient is a client of f with the test key, fast retries and captured
// logs. At cleanup it fails the test if the key appears in the logs.
func testClient(t testing.TB, f *fake, opts ...Option) (*Client, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	base := []Option{
		WithAPIKey(testKey),
		WithLogin("bot@example.test"),
		WithRetries(2, time.Millisecond, 2*time.Millisecond),
		WithLogger(zerolog.New(logs).Level(zerolog.DebugLevel)),
	}
	c, err := NewClient(f.srv.URL, append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if leaks(logs.String(), c.key) {
			t.Errorf("the API key appears in the logs:\n%s", logs.String())
		}
	})
	return c, logs
}

// leaks reports whether s holds key, raw or escaped.
func leaks(s, key string) bool {
	if key == "" {
		return false
	}
	for _, k := range []string{key, url.QueryEscape(key), url.PathEscape(key)} {
		if strings.Contains(s, k) {
			return true
		}
	}
	return false
}

var bg = context.Background()
