package bugzilla

import (
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// upstreamKey is where upstream Bugzilla 5.2 reads a key: the query or the
// JSON body, never the X-BUGZILLA-API-KEY header.
func upstreamKey(r *http.Request, body []byte) string {
	if k := r.URL.Query().Get("Bugzilla_api_key"); k != "" {
		return k
	}
	if k := r.URL.Query().Get("api_key"); k != "" {
		return k
	}
	var b struct {
		APIKey string `json:"api_key"`
	}
	json.Unmarshal(body, &b)
	return b.APIKey
}

// upstream makes f answer valid_login like upstream 5.2 for the key owner
// "bot@example.test" (recordings 13, 14, 97, 115, 116); whoami stays
// unrouted (404, code 32614, recording 12).
func (f *fake) upstream(t *testing.T, key string) {
	f.handle("GET /rest/valid_login", func(w http.ResponseWriter, r *http.Request) {
		got := upstreamKey(r, nil)
		switch {
		case got != "" && got != key:
			writeJSON(w, 400, recording(t, "97-error-bad-api-key.json"))
		case got == key && r.URL.Query().Get("login") == "bot@example.test":
			writeJSON(w, 200, recording(t, "13-valid-login.json"))
		default: // anonymous, or another login
			writeJSON(w, 200, recording(t, "14-valid-login-other-login.json"))
		}
	})
}

// bmoKey is where BMO reads a key: the X-BUGZILLA-API-KEY header, which
// wins, else the query or the JSON body.
func bmoKey(r *http.Request) string {
	if k := r.Header.Get("X-BUGZILLA-API-KEY"); k != "" {
		return k
	}
	return upstreamKey(r, nil)
}

// bmo makes f answer whoami and valid_login like BMO, for a key owned by
// login.
func (f *fake) bmo(t *testing.T, key, login string) {
	raw, err := os.ReadFile(filepath.Join(fixturesDir, "bmo", "whoami.json"))
	if err != nil {
		t.Fatal(err)
	}
	f.handle("GET /rest/whoami", func(w http.ResponseWriter, r *http.Request) {
		switch got := bmoKey(r); {
		case got == "":
			st, body := nested(t, raw, "errors", "no_credentials")
			writeJSON(w, st, body)
		case got != key:
			st, body := nested(t, raw, "errors", "bad_api_key")
			writeJSON(w, st, body)
		default:
			_, body := bmoFixture(t, "whoami.json", "code_response")
			writeJSON(w, 200, []byte(strings.ReplaceAll(string(body), "bot@example.test", login)))
		}
	})
	f.handle("GET /rest/valid_login", func(w http.ResponseWriter, r *http.Request) {
		switch got := bmoKey(r); {
		case got != "" && got != key:
			writeJSON(w, 400, recording(t, "97-error-bad-api-key.json"))
		case got == key && r.URL.Query().Get("login") == login:
			writeJSON(w, 200, recording(t, "13-valid-login.json"))
		default:
			writeJSON(w, 200, recording(t, "14-valid-login-other-login.json"))
		}
	})
}

// keyIn says where a request carried the key.
func keyIn(s seen) (header, query, body bool) {
	header = s.Header.Get("X-BUGZILLA-API-KEY") != ""
	query = strings.Contains(s.RawQuery, "api_key")
	body = strings.Contains(string(s.Body), `"api_key"`)
	return
}

func TestAuthenticateAutoPlacement(t *testing.T) {
	t.Run("upstream: query and body", func(t *testing.T) {
		f := newFake(t)
		f.upstream(t, testKey)
		f.serve("GET /rest/version", 200, recording(t, "10-version.json"))
		f.serve("POST /rest/bug/3/comment", 201, recording(t, "120-apikey-body-post-comment.json"))
		c, _ := testClient(t, f)

		id, err := c.Authenticate(bg)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(id, &Identity{Login: "bot@example.test", Placement: KeyQuery}); diff != "" {
			t.Errorf("identity (-got +want):\n%s", diff)
		}
		checkProbes(t, f.requests())

		if _, err := c.Version(bg); err != nil {
			t.Fatal(err)
		}
		if got, err := c.AddComment(bg, 3, NewComment{Text: "Key passed in the JSON body as api_key."}); err != nil || got != 14 {
			t.Fatalf("AddComment = %d, %v", got, err)
		}
		reqs := f.requests()
		if h, q, b := keyIn(reqs[2]); h || !q || b {
			t.Errorf("GET after auth: header %v query %v body %v, want the query", h, q, b)
		}
		if h, q, b := keyIn(reqs[3]); h || q || !b {
			t.Errorf("POST after auth: header %v query %v body %v, want the body", h, q, b)
		}
		var body map[string]any
		if err := json.Unmarshal(reqs[3].Body, &body); err != nil || body["api_key"] != testKey || body["comment"] == nil {
			t.Errorf("POST body %s", reqs[3].Body)
		}
	})

	t.Run("BMO: header", func(t *testing.T) {
		f := newFake(t)
		f.bmo(t, testKey, "bot@example.test")
		f.serve("GET /rest/version", 200, recording(t, "10-version.json"))
		f.serve("POST /rest/bug/3/comment", 201, recording(t, "120-apikey-body-post-comment.json"))
		c, _ := testClient(t, f)

		id, err := c.Authenticate(bg)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(id, &Identity{Login: "bot@example.test", Placement: KeyHeader, BMO: true}); diff != "" {
			t.Errorf("identity (-got +want):\n%s", diff)
		}
		checkProbes(t, f.requests())
		c.Version(bg)
		c.AddComment(bg, 3, NewComment{Text: "x"})
		for _, r := range f.requests()[2:] {
			if h, q, b := keyIn(r); !h || q || b {
				t.Errorf("%s %s: header %v query %v body %v, want the header only", r.Method, r.Path, h, q, b)
			}
		}
	})
}

// checkProbes checks KeyAuto's two probes: valid_login with the key in the
// header and the query (one request judges the key, whichever the server
// reads), then whoami with the key in the header only.
func checkProbes(t *testing.T, reqs []seen) {
	t.Helper()
	if len(reqs) < 2 || reqs[0].Path != "/rest/valid_login" || reqs[1].Path != "/rest/whoami" {
		t.Fatalf("probes: %d requests, want valid_login then whoami", len(reqs))
	}
	if h, q, _ := keyIn(reqs[0]); !h || !q || reqs[0].Query.Get("Bugzilla_api_key") != testKey ||
		reqs[0].Query.Get("login") != "bot@example.test" {
		t.Errorf("valid_login probe: header %v query %v, want both, and login=bot@example.test", h, q)
	}
	if h, q, _ := keyIn(reqs[1]); !h || q {
		t.Errorf("whoami probe: header %v query %v, want the header only", h, q)
	}
}

func TestAuthenticateBadKey(t *testing.T) {
	for _, tc := range []struct {
		name      string
		setup     func(*testing.T, *fake)
		placement KeyPlacement
	}{
		// KeyAuto's first request carries the key in the header (BMO reads
		// it) and the query (upstream does): one request on either.
		{"BMO, auto", func(t *testing.T, f *fake) { f.bmo(t, "the-real-key", "bot@example.test") }, KeyAuto},
		{"BMO, header", func(t *testing.T, f *fake) { f.bmo(t, "the-real-key", "bot@example.test") }, KeyHeader},
		{"BMO, query", func(t *testing.T, f *fake) { f.bmo(t, "the-real-key", "bot@example.test") }, KeyQuery},
		{"upstream, query", func(t *testing.T, f *fake) { f.upstream(t, "the-real-key") }, KeyQuery},
		{"upstream, auto", func(t *testing.T, f *fake) { f.upstream(t, "the-real-key") }, KeyAuto},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			tc.setup(t, f)
			f.serve("GET /rest/version", 200, recording(t, "10-version.json"))
			c, logs := testClient(t, f, WithKeyPlacement(tc.placement))

			_, err := c.Authenticate(bg)
			if !errors.Is(err, ErrInvalidAPIKey) {
				t.Fatalf("got %v, want ErrInvalidAPIKey", err)
			}
			if f.count() != 1 {
				t.Errorf("%d requests, want 1", f.count())
			}
			// The client now refuses to send anything with that key.
			for range 3 {
				if _, err := c.Version(bg); !errors.Is(err, ErrInvalidAPIKey) {
					t.Errorf("after a bad key: %v", err)
				}
			}
			if _, err := c.Authenticate(bg); !errors.Is(err, ErrInvalidAPIKey) {
				t.Errorf("authenticate again: %v", err)
			}
			if f.count() != 1 {
				t.Errorf("%d requests sent after the key was rejected", f.count()-1)
			}
			if !strings.Contains(logs.String(), "rejected the API key") {
				t.Errorf("not logged: %s", logs)
			}
		})
	}
}

func TestAuthenticateFailures(t *testing.T) {
	for _, tc := range []struct {
		name     string
		setup    func(*testing.T, *fake)
		opts     []Option
		sentinel string
		contains string
	}{
		{"BMO: key of another user", func(t *testing.T, f *fake) { f.bmo(t, testKey, "dev1@example.test") }, nil,
			"ErrWrongLogin", `does not belong to "bot@example.test"`},
		{"BMO, header: key of another user", func(t *testing.T, f *fake) { f.bmo(t, testKey, "dev1@example.test") },
			[]Option{WithKeyPlacement(KeyHeader)}, "ErrWrongLogin", `belongs to "dev1@example.test", not "bot@example.test"`},
		{"whoami names another user", func(t *testing.T, f *fake) {
			f.upstream(t, testKey)
			f.handle("GET /rest/whoami", func(w http.ResponseWriter, _ *http.Request) {
				_, body := bmoFixture(t, "whoami.json", "code_response")
				writeJSON(w, 200, []byte(strings.ReplaceAll(string(body), "bot@example.test", "dev1@example.test")))
			})
		}, nil, "ErrWrongLogin", `belongs to "dev1@example.test", not "bot@example.test"`},
		{"upstream: key of another user", func(t *testing.T, f *fake) { f.upstream(t, testKey) },
			[]Option{WithLogin("steward1@example.test")}, "ErrWrongLogin", `does not belong to "steward1@example.test"`},
		// User.valid_login compares with Perl's eq (WebService/User.pm): a
		// login spelled in other letters' case is another login.
		{"upstream: the login in other case", func(t *testing.T, f *fake) { f.upstream(t, testKey) },
			[]Option{WithLogin("Bot@Example.test")}, "ErrWrongLogin", "compares logins exactly, case included"},
		{"header forced on upstream", func(t *testing.T, f *fake) { f.upstream(t, testKey) },
			[]Option{WithKeyPlacement(KeyHeader)}, "ErrNotSupported", "ignores X-BUGZILLA-API-KEY"},
		{"no key", func(*testing.T, *fake) {}, []Option{WithAPIKey("")}, "ErrLoginRequired", "no API key"},
		{"upstream without a login", func(t *testing.T, f *fake) { f.upstream(t, testKey) },
			[]Option{WithLogin("")}, "ErrNotSupported", "WithLogin"},
		{"upstream without a login, query", func(t *testing.T, f *fake) { f.upstream(t, testKey) },
			[]Option{WithLogin(""), WithKeyPlacement(KeyQuery)}, "ErrNotSupported", "WithLogin"},
		{"server error", func(t *testing.T, f *fake) {
			f.serve("GET /rest/valid_login", 500, []byte(`{"error":true,"code":100500,"message":"boom"}`))
		},
			[]Option{WithRetries(0, time.Millisecond, time.Millisecond)}, "", "HTTP 500"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			tc.setup(t, f)
			c, _ := testClient(t, f, tc.opts...)
			_, err := c.Authenticate(bg)
			if err == nil {
				t.Fatal("no error")
			}
			checkSentinels(t, err, tc.sentinel)
			if !strings.Contains(err.Error(), tc.contains) {
				t.Errorf("error %q does not say %q", err, tc.contains)
			}
			// One prefix per layer: the package and the step once each.
			if n, m := strings.Count(err.Error(), "bugzilla:"), strings.Count(err.Error(), "authenticate"); n != 1 || m != 1 {
				t.Errorf("error %q says bugzilla: %d times and authenticate %d times, want once each", err, n, m)
			}
		})
	}
}

func TestAuthenticateOtherPaths(t *testing.T) {
	t.Run("BMO without a configured login takes whoami's", func(t *testing.T) {
		f := newFake(t)
		f.bmo(t, testKey, "bot@example.test")
		c, _ := testClient(t, f, WithLogin(""))
		id, err := c.Authenticate(bg)
		if err != nil || id.Login != "bot@example.test" || id.Placement != KeyHeader {
			t.Fatalf("got %+v, %v", id, err)
		}
	})
	t.Run("query forced on BMO", func(t *testing.T) {
		f := newFake(t)
		f.bmo(t, testKey, "bot@example.test") // BMO reads the query too
		c, _ := testClient(t, f, WithKeyPlacement(KeyQuery))
		id, err := c.Authenticate(bg)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(id, &Identity{Login: "bot@example.test", Placement: KeyQuery, BMO: true}); diff != "" {
			t.Errorf("identity (-got +want):\n%s", diff)
		}
		for _, r := range f.requests() {
			if h, q, _ := keyIn(r); h || !q {
				t.Errorf("%s: header %v query %v, want the query only", r.Path, h, q)
			}
		}
	})
	t.Run("whoami that ignores the header", func(t *testing.T) {
		f := newFake(t)
		f.handle("GET /rest/whoami", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 401, recording(t, "106-error-comment-anonymous.json"))
		})
		f.upstream(t, testKey)
		c, _ := testClient(t, f)
		id, err := c.Authenticate(bg)
		if err != nil || id.Placement != KeyQuery || !id.BMO {
			t.Fatalf("got %+v, %v", id, err)
		}
		checkProbes(t, f.requests())
	})
	t.Run("a failing whoami probe fails authentication", func(t *testing.T) {
		f := newFake(t)
		f.upstream(t, testKey)
		f.serve("GET /rest/whoami", 500, []byte(`{"error":true,"code":100500,"message":"boom"}`))
		c, _ := testClient(t, f, WithRetries(0, 0, 0))
		if id, err := c.Authenticate(bg); err == nil {
			t.Fatalf("got %+v, want an error", id)
		}
	})
}

func TestWhoAmIAndValidLogin(t *testing.T) {
	f := newFake(t)
	f.upstream(t, testKey)
	c, _ := testClient(t, f, WithKeyPlacement(KeyQuery))
	if _, err := c.WhoAmI(bg); !errors.Is(err, ErrNotFound) {
		t.Errorf("WhoAmI upstream: %v, want ErrNotFound", err)
	}
	for login, want := range map[string]bool{"bot@example.test": true, "dev1@example.test": false} {
		if got, err := c.ValidLogin(bg, login); err != nil || got != want {
			t.Errorf("ValidLogin(%s) = %v, %v; want %v", login, got, err, want)
		}
	}
	if _, err := c.ValidLogin(bg, ""); err == nil {
		t.Error("empty login accepted")
	}
}

func TestUserAgent(t *testing.T) {
	f := newFake(t)
	f.serve("GET /rest/version", 200, recording(t, "10-version.json"))
	c, _ := testClient(t, f, WithUserAgent("1.2.3", "mailto:ops@example.test"))
	c.Version(bg)
	d, _ := testClient(t, f)
	d.Version(bg)
	reqs := f.requests()
	if got := reqs[0].Header.Get("User-Agent"); got != "stewardbot/1.2.3 (+mailto:ops@example.test)" {
		t.Errorf("User-Agent %q", got)
	}
	if got := reqs[1].Header.Get("User-Agent"); got != "stewardbot/dev (+"+DefaultUserAgentContact+")" {
		t.Errorf("default User-Agent %q", got)
	}
	if got := reqs[0].Header.Get("Accept"); got != "application/json" {
		t.Errorf("Accept %q", got)
	}
}

func TestNewClientValidates(t *testing.T) {
	for _, tc := range []struct {
		name string
		url  string
		opts []Option
	}{
		{"relative URL", "bugzilla.example.com", nil},
		{"ftp", "ftp://bugzilla.example.com", nil},
		{"credentials in URL", "https://u:p@bugzilla.example.com", nil},
		{"query in URL", "https://bugzilla.example.com/?Bugzilla_api_key=x", nil},
		{"key with newline", "https://b.example", []Option{WithAPIKey(testKey + "\n")}},
		{"negative retries", "https://b.example", []Option{WithRetries(-1, 0, 0)}},
		{"zero timeout", "https://b.example", []Option{WithTimeout(0)}},
		{"zero cap", "https://b.example", []Option{WithMaxAttachmentBytes(0)}},
		{"bad placement", "https://b.example", []Option{WithKeyPlacement(7)}},
		{"nil clock", "https://b.example", []Option{WithClock(nil)}},
		{"nil http client", "https://b.example", []Option{WithHTTPClient(nil)}},
		{"negative park", "https://b.example", []Option{WithRateLimitPark(-1)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewClient(tc.url, tc.opts...)
			if err == nil {
				t.Fatal("accepted")
			}
			if leaks(err.Error(), testKey) {
				t.Errorf("error shows the key: %v", err)
			}
		})
	}
	c, err := NewClient("https://bugzilla.example.com/bugzilla/")
	if err != nil {
		t.Fatal(err)
	}
	if c.base.String() != "https://bugzilla.example.com/bugzilla" {
		t.Errorf("base %s", c.base)
	}
}
