package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"
)

// bmoFixtures holds BMO's webhook payloads, reconstructed from its code:
// the repository's one copy of ../shared/fixtures/bmo, which the bugzilla
// package's tests read too.
var bmoFixtures = filepath.Join("..", "..", "bugzilla", "bugzillatest", "testdata", "bmo")

// webhookFixture is one webhook-*.json file: the payload BMO sends (compact,
// keys sorted, as Mojo::JSON writes it), its private variant, and the
// delivery's headers.
type webhookFixture struct {
	payload, private []byte
	headers          map[string]string
}

func loadWebhookFixture(t testing.TB, name string) webhookFixture {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(bmoFixtures, name))
	if err != nil {
		t.Fatalf("reading fixture: %v", err)
	}
	var f struct {
		Payload  json.RawMessage `json:"payload"`
		Private  json.RawMessage `json:"private_variant_payload"`
		Delivery struct {
			Headers map[string]string `json:"headers"`
		} `json:"delivery"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	compact := func(raw json.RawMessage) []byte {
		var b bytes.Buffer
		if err := json.Compact(&b, raw); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return b.Bytes()
	}
	return webhookFixture{payload: compact(f.Payload), private: compact(f.Private), headers: f.Delivery.Headers}
}

const testSecret = "WebhookSecret0Never0Logged0x9"

// fakeNudger records nudges.
type fakeNudger struct {
	mu     sync.Mutex
	login  string
	err    error
	nudged []nudge
}

type nudge struct {
	BugID int
	At    time.Time
}

func (f *fakeNudger) Nudge(_ context.Context, bugID int, at time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	f.nudged = append(f.nudged, nudge{bugID, at})
	return nil
}

func (f *fakeNudger) Login() string { return f.login }

// outcomes records what the handler observed.
type outcomes struct {
	mu  sync.Mutex
	got []string
}

func (o *outcomes) observe(s string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.got = append(o.got, s)
}

func TestWebhook(t *testing.T) {
	flagChange := loadWebhookFixture(t, "webhook-attachment-flag-change.json")
	comment := loadWebhookFixture(t, "webhook-comment.json")
	bmoHeaders := flagChange.headers // Content-Type, Accept, User-Agent, Authorization
	withAuth := func(v string) map[string]string {
		h := map[string]string{}
		for k, val := range bmoHeaders {
			if k != "Authorization" {
				h[k] = val
			}
		}
		if v != "" {
			h["Authorization"] = v
		}
		return h
	}
	token := withAuth("Token " + testSecret)
	numericID := bytes.Replace(flagChange.payload, []byte(`"webhook_id":"3"`), []byte(`"webhook_id":3`), 1)
	if bytes.Equal(numericID, flagChange.payload) {
		t.Fatal("the fixture's webhook_id is not the string \"3\"")
	}
	big := append(bytes.Repeat([]byte(" "), 8<<10), flagChange.payload...)

	tests := []struct {
		name      string
		method    string
		header    string // webhooks.header; default Authorization
		headers   map[string]string
		extra     [][2]string // headers added, not set
		body      []byte
		chunked   bool // no Content-Length
		login     string
		nudgeErr  error
		wantCode  int
		wantBody  string
		wantNudge []int
		want      string // outcome
	}{
		{name: "attachment flag change, as BMO sends it", headers: token, body: flagChange.payload,
			wantCode: 202, wantBody: "accepted\n", wantNudge: []int{1}, want: WebhookAccepted},
		{name: "private attachment: only ids", headers: token, body: flagChange.private,
			wantCode: 202, wantBody: "accepted\n", wantNudge: []int{2}, want: WebhookAccepted},
		{name: "comment by someone else", headers: token, body: comment.payload, login: "stewardbot@example.org",
			wantCode: 202, wantBody: "accepted\n", wantNudge: []int{1}, want: WebhookAccepted},
		{name: "comment by the bot itself", headers: token, body: comment.payload,
			wantCode: 202, wantBody: "ignored: the bot's own change\n", want: WebhookIgnoredSelf},
		{name: "the bot's own private comment, login in another case", headers: token, body: comment.private, login: "Bot@Example.test",
			wantCode: 202, wantBody: "ignored: the bot's own change\n", want: WebhookIgnoredSelf},
		{name: "webhook_id as a number", headers: token, body: numericID,
			wantCode: 202, wantNudge: []int{1}, want: WebhookAccepted},
		{name: "bare secret", headers: withAuth(testSecret), body: flagChange.payload,
			wantCode: 202, wantNudge: []int{1}, want: WebhookAccepted},
		{name: "bearer scheme", headers: withAuth("bearer " + testSecret), body: flagChange.payload,
			wantCode: 202, wantNudge: []int{1}, want: WebhookAccepted},
		{name: "custom header", header: "X-Stewardbot-Secret", headers: map[string]string{"X-Stewardbot-Secret": testSecret},
			body: flagChange.payload, wantCode: 202, wantNudge: []int{1}, want: WebhookAccepted},
		{name: "secret in the wrong header", header: "X-Stewardbot-Secret", headers: token, body: flagChange.payload,
			wantCode: 401, wantBody: "unauthorized\n", want: WebhookUnauthorized},
		{name: "wrong secret", headers: withAuth("Token " + strings.ToUpper(testSecret)), body: flagChange.payload,
			wantCode: 401, wantBody: "unauthorized\n", want: WebhookUnauthorized},
		{name: "secret and more", headers: withAuth("Token " + testSecret + "x"), body: flagChange.payload,
			wantCode: 401, wantBody: "unauthorized\n", want: WebhookUnauthorized},
		{name: "a prefix of the secret", headers: withAuth("Token " + testSecret[:10]), body: flagChange.payload,
			wantCode: 401, wantBody: "unauthorized\n", want: WebhookUnauthorized},
		{name: "scheme alone", headers: withAuth("Token "), body: flagChange.payload,
			wantCode: 401, wantBody: "unauthorized\n", want: WebhookUnauthorized},
		{name: "no secret header", headers: withAuth(""), body: flagChange.payload,
			wantCode: 401, wantBody: "unauthorized\n", want: WebhookUnauthorized},
		{name: "two secret headers", headers: token, extra: [][2]string{{"Authorization", "Token other"}}, body: flagChange.payload,
			wantCode: 401, wantBody: "unauthorized\n", want: WebhookUnauthorized},
		{name: "unauthorized before too large", headers: withAuth("Token nope"), body: big,
			wantCode: 401, wantBody: "unauthorized\n", want: WebhookUnauthorized},
		{name: "GET", method: http.MethodGet, headers: token,
			wantCode: 405, wantBody: "method not allowed: POST only\n", want: WebhookBadRequest},
		{name: "PUT", method: http.MethodPut, headers: token, body: flagChange.payload,
			wantCode: 405, wantBody: "method not allowed: POST only\n", want: WebhookBadRequest},
		{name: "too large, by Content-Length", headers: token, body: big,
			wantCode: 202, wantBody: droppedPrefix + "payload too large\n", want: WebhookTooLarge},
		{name: "too large, chunked", headers: token, body: big, chunked: true,
			wantCode: 202, wantBody: droppedPrefix + "payload too large\n", want: WebhookTooLarge},
		{name: "malformed JSON", headers: token, body: flagChange.payload[:len(flagChange.payload)-1],
			wantCode: 202, wantBody: droppedPrefix + "bad request: invalid JSON\n", want: WebhookBadRequest},
		{name: "empty body", headers: token,
			wantCode: 202, wantBody: droppedPrefix + "bad request: empty body\n", want: WebhookBadRequest},
		{name: "no bug", headers: token, body: []byte(`{"event":{"routing_key":"bug.create"},"webhook_id":"3"}`),
			wantCode: 202, wantBody: droppedPrefix + "bad request: no bug id (bug.id)\n", want: WebhookBadRequest},
		{name: "bug id past Bugzilla's range", headers: token, body: []byte(`{"bug":{"id":9223372036854775807},"event":{"routing_key":"bug.modify"}}`),
			wantCode: 202, wantBody: droppedPrefix + "bad request: bug id out of range (1 to 2147483647)\n", want: WebhookBadRequest},
		{name: "a JSON list", headers: token, body: []byte(`[1,2]`),
			wantCode: 202, wantBody: droppedPrefix + "bad request: want a JSON object with a bug object\n", want: WebhookBadRequest},
		{name: "the store fails", headers: token, body: flagChange.payload, nudgeErr: errors.New("store: database is locked"),
			wantCode: 503, wantBody: "unavailable: try again later\n", want: WebhookError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs strings.Builder
			login := tt.login
			if login == "" {
				login = "bot@example.test"
			}
			n := &fakeNudger{login: login, err: tt.nudgeErr}
			var obs outcomes
			header := tt.header
			if header == "" {
				header = "Authorization"
			}
			s, _ := newTestServer(t, &fakeSource{}, func(o *Options) {
				o.Log = zerolog.New(&logs).Level(zerolog.DebugLevel)
				o.Webhook = &WebhookOptions{Bot: n, Header: header, Secret: testSecret, MaxBodyBytes: 4 << 10, Observe: obs.observe}
			})
			method := tt.method
			if method == "" {
				method = http.MethodPost
			}
			var body io.Reader = bytes.NewReader(tt.body)
			if tt.chunked {
				body = io.MultiReader(body) // hides the length
			}
			req := httptest.NewRequest(method, WebhookPath, body)
			if tt.chunked {
				req.ContentLength = -1
			}
			for k, v := range tt.headers {
				req.Header.Set(k, v)
			}
			for _, kv := range tt.extra {
				req.Header.Add(kv[0], kv[1])
			}
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			if rec.Code != tt.wantCode {
				t.Errorf("code = %d, want %d (body %q)", rec.Code, tt.wantCode, rec.Body.String())
			}
			if tt.wantBody != "" && rec.Body.String() != tt.wantBody {
				t.Errorf("body = %q, want %q", rec.Body.String(), tt.wantBody)
			}
			if tt.wantCode == 405 && rec.Header().Get("Allow") != "POST" {
				t.Errorf("Allow = %q, want POST", rec.Header().Get("Allow"))
			}
			var bugs []int
			for _, nd := range n.nudged {
				bugs = append(bugs, nd.BugID)
				if !nd.At.Equal(now0) {
					t.Errorf("nudged at %s, want the server's clock %s", nd.At, now0)
				}
			}
			if d := cmp.Diff(bugs, tt.wantNudge); d != "" {
				t.Errorf("nudged bugs (-got +want):\n%s", d)
			}
			if d := cmp.Diff(obs.got, []string{tt.want}); d != "" {
				t.Errorf("outcomes (-got +want):\n%s", d)
			}
			for _, secret := range []string{testSecret, "Data review bot: steward1", "Add telemetry probe", "tab-unloading"} {
				if strings.Contains(logs.String()+rec.Body.String(), secret) {
					t.Errorf("the log or the answer holds %q:\n%s", secret, logs.String())
				}
			}
		})
	}
}

// BMO delivers at least once: the same delivery twice is two nudges of the
// same bug, both accepted (the bot's dirty mark and marker-checked writes
// make the second harmless: see TestWebhookEndToEnd).
func TestWebhookDuplicateDelivery(t *testing.T) {
	fx := loadWebhookFixture(t, "webhook-attachment-flag-change.json")
	n := &fakeNudger{login: "bot@example.test"}
	s, c := newTestServer(t, &fakeSource{}, func(o *Options) {
		o.Webhook = &WebhookOptions{Bot: n, Header: "Authorization", Secret: testSecret}
	})
	for range 2 {
		req := httptest.NewRequest(http.MethodPost, WebhookPath, bytes.NewReader(fx.payload))
		req.Header.Set("Authorization", "Token "+testSecret)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != http.StatusAccepted {
			t.Fatalf("code = %d", rec.Code)
		}
		c.Advance(5 * time.Second)
	}
	want := []nudge{{1, now0}, {1, now0.Add(5 * time.Second)}}
	if d := cmp.Diff(n.nudged, want); d != "" {
		t.Errorf("nudges (-got +want):\n%s", d)
	}
}

func TestWebhookDisabled(t *testing.T) {
	s, _ := newTestServer(t, &fakeSource{}, nil)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, WebhookPath, strings.NewReader(`{"bug":{"id":1}}`)))
	if rec.Code != http.StatusNotFound {
		t.Errorf("POST %s without webhooks = %d, want 404", WebhookPath, rec.Code)
	}
}

func TestWebhookOptionsChecked(t *testing.T) {
	n := &fakeNudger{}
	for name, o := range map[string]WebhookOptions{
		"no bot":    {Header: "Authorization", Secret: testSecret},
		"no header": {Bot: n, Secret: testSecret},
		"no secret": {Bot: n, Header: "Authorization"},
	} {
		if _, err := New(Options{Source: &fakeSource{}, Webhook: &o}); err == nil {
			t.Errorf("%s: New accepted it", name)
		}
	}
}

// Refusals are logged at most once a minute: anyone can knock.
func TestWebhookUnauthorizedLogRateLimited(t *testing.T) {
	var logs strings.Builder
	s, c := newTestServer(t, &fakeSource{}, func(o *Options) {
		o.Log = zerolog.New(&logs)
		o.Webhook = &WebhookOptions{Bot: &fakeNudger{}, Header: "Authorization", Secret: testSecret}
	})
	post := func() {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, WebhookPath, strings.NewReader(`{}`)))
		if rec.Code != http.StatusUnauthorized {
			t.Fatalf("code = %d", rec.Code)
		}
	}
	for range 5 {
		post()
		c.Advance(time.Second)
	}
	if n := strings.Count(logs.String(), "webhook refused"); n != 1 {
		t.Errorf("%d refusals logged in 5 s, want 1", n)
	}
	c.Advance(time.Minute)
	post()
	if n := strings.Count(logs.String(), "webhook refused"); n != 2 {
		t.Errorf("%d refusals logged after a minute, want 2", n)
	}
}
