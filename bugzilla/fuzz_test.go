package bugzilla

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"
	"unicode/utf8"
)

func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"", "0", "120", "-1", "Sat, 28 Nov 2026 20:01:00 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "1e9", "99999999999999999999"} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 28, 20, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := parseRetryAfter(s, now)
		if d < 0 || (!ok && d != 0) {
			t.Errorf("parseRetryAfter(%q) = %s, %v", s, d, ok)
		}
	})
}

func FuzzErrorBody(f *testing.F) {
	f.Add(429, "text/html", string(bmoBlockedPage(f)))
	f.Add(404, "application/json", string(recording(f, "107-error-unknown-resource.json")))
	f.Add(414, "text/plain", "414 URI Too Long")
	f.Add(500, "", "\xff\xfe<title>x")
	f.Add(400, "application/json", `{"error":true,"code":"32000","message":"x"}`)
	f.Fuzz(func(t *testing.T, status int, contentType, body string) {
		e := newAPIError("GET", "/rest/x", status, http.Header{"Content-Type": {contentType}}, []byte(body), func(s string) string { return s })
		if !utf8.ValidString(e.Message) && e.Code == 0 {
			t.Errorf("message not UTF-8: %q", e.Message)
		}
		if e.Code == 0 && len(e.Message) > maxErrorMessage+200 {
			t.Errorf("message of %d bytes", len(e.Message))
		}
		_ = e.Error()
		for _, s := range allSentinels {
			_ = e.Is(s)
		}
	})
}

func FuzzAttachmentJSON(f *testing.F) {
	f.Add(string(recording(f, "39-attachment-by-id.json")))
	f.Add(string(recording(f, "42-attachments-multi-bug.json")))
	f.Add(`{"attachments":{"1":{"id":1,"is_private":"1","data":""}}}`)
	f.Fuzz(func(t *testing.T, s string) {
		var r attachmentsAnswer
		if json.Unmarshal([]byte(s), &r) != nil {
			return
		}
		// What decoded must survive a round trip through the client's own encoding.
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		var again attachmentsAnswer
		if err := json.Unmarshal(b, &again); err != nil {
			t.Fatalf("re-decoding %s: %v", b, err)
		}
	})
}

func FuzzFlagActivityJSON(f *testing.F) {
	_, body := bmoFixture(f, "flag_activity.json", "response")
	f.Add(string(body))
	f.Add(`[{"id":"1","setter":"a@b","requestee":null,"attachment_id":null,"creation_time":"2026-11-28T20:22:30Z"}]`)
	f.Fuzz(func(t *testing.T, s string) {
		var rows []FlagActivity
		_ = json.Unmarshal([]byte(s), &rows)
	})
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2026-11-28T20:22:30Z", "2026-11-28 20:22:30", "2026-11-28T20:22:30", "2026-11-28T20:22:30+01:00", "", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := parseTime(s)
		if err != nil {
			return
		}
		if u := v.UTC(); u.Year() < 0 || u.Year() > 9999 {
			return // beyond what the layouts can write back
		}
		back, err := parseTime(formatTime(v))
		if err != nil || !back.Equal(v.Truncate(time.Second)) {
			t.Errorf("%q -> %v -> %q -> %v, %v", s, v, formatTime(v), back, err)
		}
	})
}

func FuzzWithBodyKey(f *testing.F) {
	f.Add(`{}`, "k")
	f.Add(`{"comment":"x"}`, testKey)
	f.Add(` { "a" : 1 } `, "k\"\\<&>")
	f.Fuzz(func(t *testing.T, body, key string) {
		out, err := withBodyKey([]byte(body), key)
		var obj map[string]any
		if json.Unmarshal([]byte(body), &obj) != nil || obj == nil {
			return // not an object: withBodyKey may refuse it
		}
		if err != nil {
			t.Fatalf("object %q refused: %v", body, err)
		}
		var got map[string]any
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("%q -> %q: %v", body, out, err)
		}
		if utf8.ValidString(key) && got["api_key"] != key {
			t.Errorf("api_key %q, want %q", got["api_key"], key)
		}
	})
}
