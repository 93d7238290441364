package bugzilla

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

// echo answers with a page that repeats everything the request carried:
// the URL (query key included) and the key header. A server or proxy that
// does this must not make the client leak the key.
func echo(code int, contentType string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		said := r.URL.String() + " " + r.Header.Get("X-BUGZILLA-API-KEY")
		switch contentType {
		case "json":
			msg, _ := jsonString("A REST API resource was not found for '" + said + "'.")
			writeJSON(w, code, []byte(`{"error":true,"code":32614,"message":`+msg+`}`))
		default:
			w.Header().Set("Content-Type", contentType)
			w.Header().Set("Location", "https://elsewhere.example"+r.URL.String())
			w.WriteHeader(code)
			fmt.Fprintf(w, "<html><title>%d</title><body><p>%s</p></body></html>", code, said)
		}
	}
}

func jsonString(s string) (string, error) {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String(), nil
}

// errorChain lists err and everything it wraps.
func errorChain(err error) []error {
	if err == nil {
		return nil
	}
	out := []error{err}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		out = append(out, errorChain(u.Unwrap())...)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			out = append(out, errorChain(e)...)
		}
	}
	return out
}

// TestKeyNeverLeaks drives every error path, with the key in the header and
// in the query/body, and checks the key is in no log line, no error string
// (of any error in the chain) and no URL an error carries.
func TestKeyNeverLeaks(t *testing.T) {
	// Characters that URL-escape differently, to catch escaped leaks too.
	const key = "Key+With/Odd=Chars&0123456789abcdefghij"

	type path struct {
		name string
		run  func(t *testing.T, f *fake, c *Client) error
	}
	get := func(route string, h http.HandlerFunc) func(*testing.T, *fake, *Client) error {
		return func(t *testing.T, f *fake, c *Client) error {
			f.handle(route, h)
			_, err := c.Version(bg)
			return err
		}
	}
	post := func(h http.HandlerFunc) func(*testing.T, *fake, *Client) error {
		return func(t *testing.T, f *fake, c *Client) error {
			f.handle("POST /rest/bug/1/comment", h)
			_, err := c.AddComment(bg, 1, NewComment{Text: "x"})
			return err
		}
	}
	paths := []path{
		{"Bugzilla error echoing the URL", get("GET /rest/version", echo(404, "json"))},
		{"HTML page echoing the URL", get("GET /rest/version", echo(414, "text/html"))},
		{"HTML 429 echoing the URL", get("GET /rest/version", echo(429, "text/html"))},
		{"redirect with the key in Location", get("GET /rest/version", echo(302, "text/html"))},
		{"gateway error, retried", get("GET /rest/version", echo(503, "text/html"))},
		{"write to a gateway error", post(echo(502, "text/html"))},
		{"write with Bugzilla error echoing", post(echo(400, "json"))},
		{"bad key", get("GET /rest/version", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 400, recording(t, "97-error-bad-api-key.json"))
		})},
		{"undecodable answer", get("GET /rest/version", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, []byte(`{"version": `+r.URL.RawQuery))
		})},
		{"answer too large", func(t *testing.T, f *fake, c *Client) error {
			f.serve("GET /rest/bug/attachment/1", 200, []byte(`{"attachments":{"1":{"id":1,"data":"`+strings.Repeat("A", 1<<16)+`"}}}`))
			_, err := c.attachmentsByID(bg, []int{1}, url.Values{}, 1024)
			return err
		}},
		{"connection refused", func(t *testing.T, f *fake, c *Client) error {
			f.srv.Close() // nothing listens any more
			_, err := c.Version(bg)
			return err
		}},
		{"GET timeout", get("GET /rest/version", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })},
		{"write timeout", post(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })},
		{"authenticate", func(t *testing.T, f *fake, c *Client) error {
			f.handle("GET /rest/whoami", echo(500, "json"))
			_, err := c.Authenticate(bg)
			return err
		}},
		// KeyAuto's first probe carries the key in the header and the query.
		{"authenticate, valid_login echoing the URL", func(t *testing.T, f *fake, c *Client) error {
			f.handle("GET /rest/valid_login", echo(400, "json"))
			f.handle("GET /rest/whoami", echo(401, "json"))
			_, err := c.Authenticate(bg)
			return err
		}},
	}
	for _, placement := range []KeyPlacement{KeyAuto, KeyHeader, KeyQuery} {
		for _, p := range paths {
			t.Run(placement.String()+"/"+p.name, func(t *testing.T) {
				f := newFake(t)
				var logs logBuffer
				c, err := NewClient(f.srv.URL, WithAPIKey(key), WithLogin("bot@example.test"),
					WithKeyPlacement(placement), WithTimeout(100*time.Millisecond),
					WithRetries(1, time.Millisecond, time.Millisecond),
					WithLogger(zerolog.New(&logs).Level(zerolog.TraceLevel)))
				if err != nil {
					t.Fatal(err)
				}
				err = p.run(t, f, c)
				if err == nil {
					t.Fatal("no error")
				}
				for _, e := range errorChain(err) {
					for _, s := range []string{e.Error(), fmt.Sprintf("%+v", e), fmt.Sprintf("%#v", e)} {
						if leaks(s, key) {
							t.Errorf("error %T leaks the key: %s", e, s)
						}
					}
				}
				var ue *url.Error
				if errors.As(err, &ue) {
					t.Errorf("error carries a URL: %v", ue.URL)
				}
				var op *net.OpError
				if errors.As(err, &op) && leaks(op.Error(), key) {
					t.Errorf("net error leaks the key")
				}
				if leaks(logs.String(), key) {
					t.Errorf("logs leak the key:\n%s", logs.String())
				}
				if strings.Contains(logs.String(), "http://") {
					t.Errorf("logs name a URL:\n%s", logs.String())
				}
				// The test means something only if the key did travel.
				for _, r := range f.requests() {
					var b struct {
						APIKey string `json:"api_key"`
					}
					json.Unmarshal(r.Body, &b)
					if r.Header.Get("X-BUGZILLA-API-KEY") != key && r.Query.Get("Bugzilla_api_key") != key && b.APIKey != key {
						t.Errorf("request %s %s did not carry the key", r.Method, r.Path)
					}
				}
			})
		}
	}
}
