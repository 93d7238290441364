package bugzillatest

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// recording is one NN-what.http file of fixtures/bugzilla-5 with its
// NN-what.json answer.
type recording struct {
	name     string // "35-get-bug"
	num      int
	user     string // acting login, "anonymous" when none
	keyVia   string // query, header, body, bad-query, bad-header, query-bz, none
	recorded time.Time
	status   int
	method   string
	target   string // request target, with REDACTED placeholders
	header   http.Header
	body     []byte
	response []byte
}

var (
	actingRe   = regexp.MustCompile(`^# Acting user: (\S+)\s+\(API key passed via: ([\w-]+)\)`)
	recordedRe = regexp.MustCompile(`^# Recorded (\S+)`)
	responseRe = regexp.MustCompile(`^# Response: HTTP/1\.1 (\d{3})`)
)

// parseRecording reads the text of an .http file: '#' comment lines, a
// blank line, the request line, headers, a blank line and the body. The
// body is Content-Length bytes when that fits (recording 111 has no final
// newline of its own), otherwise the rest without its final newline: the
// recorded Content-Length counts the real API key, longer than REDACTED.
func parseRecording(data []byte) (*recording, error) {
	rec := &recording{header: http.Header{}}
	r := bufio.NewReader(bytes.NewReader(data))
	// Comments.
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return nil, fmt.Errorf("no request line")
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			break
		}
		if !strings.HasPrefix(line, "#") {
			return nil, fmt.Errorf("line %q: want a # comment before the request", line)
		}
		if m := actingRe.FindStringSubmatch(line); m != nil {
			rec.user, rec.keyVia = m[1], m[2]
		}
		if m := recordedRe.FindStringSubmatch(line); m != nil {
			t, err := time.Parse(time.RFC3339, m[1])
			if err != nil {
				return nil, fmt.Errorf("recorded time: %w", err)
			}
			rec.recorded = t
		}
		if m := responseRe.FindStringSubmatch(line); m != nil {
			rec.status, _ = strconv.Atoi(m[1])
		}
	}
	if rec.user == "" || rec.status == 0 || rec.recorded.IsZero() {
		return nil, fmt.Errorf("missing the acting user, the recorded time or the response status")
	}
	line, err := r.ReadString('\n')
	if err != nil {
		return nil, fmt.Errorf("reading the request line: %w", err)
	}
	parts := strings.Fields(line)
	if len(parts) != 3 || !strings.HasPrefix(parts[2], "HTTP/") {
		return nil, fmt.Errorf("bad request line %q", strings.TrimSpace(line))
	}
	rec.method, rec.target = parts[0], parts[1]
	h, err := textproto.NewReader(r).ReadMIMEHeader()
	if err != nil && len(h) == 0 {
		return nil, fmt.Errorf("reading headers: %w", err)
	}
	rec.header = http.Header(h)
	var body bytes.Buffer
	body.ReadFrom(r)
	b := body.Bytes()
	if n, err := strconv.Atoi(rec.header.Get("Content-Length")); err == nil && n >= 0 && n <= len(b) {
		b = b[:n]
	} else {
		b = bytes.TrimRight(b, "\r\n")
	}
	rec.body = b
	return rec, nil
}

// loadRecordings reads testdata/bugzilla-5 (a copy of the shared fixtures)
// in recording order.
func loadRecordings(t *testing.T) []*recording {
	t.Helper()
	files, err := filepath.Glob("testdata/bugzilla-5/*.http")
	if err != nil || len(files) == 0 {
		t.Fatalf("no recordings in testdata/bugzilla-5: %v", err)
	}
	var recs []*recording
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rec, err := parseRecording(data)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		rec.name = strings.TrimSuffix(filepath.Base(f), ".http")
		rec.num, _ = strconv.Atoi(strings.SplitN(rec.name, "-", 2)[0])
		if rec.response, err = os.ReadFile(strings.TrimSuffix(f, ".http") + ".json"); err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
	}
	sort.Slice(recs, func(i, j int) bool { return recs[i].num < recs[j].num })
	return recs
}

func TestParseRecording(t *testing.T) {
	in := "# Recorded 2026-11-28T20:24:30Z from Bugzilla\n" +
		"# Acting user: bot@example.test   (API key passed via: query)\n" +
		"# Response: HTTP/1.1 400 Bad Request\n" +
		"\n" +
		"PUT /rest/bug/1?api_key=REDACTED HTTP/1.1\n" +
		"Host: 127.0.0.1:18080\n" +
		"Content-Type: application/json\n" +
		"Content-Length: 5\n" +
		"\n" +
		"{\"a\":\n"
	rec, err := parseRecording([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if rec.method != "PUT" || rec.target != "/rest/bug/1?api_key=REDACTED" || rec.status != 400 ||
		rec.user != "bot@example.test" || rec.keyVia != "query" || string(rec.body) != `{"a":` ||
		rec.header.Get("Content-Type") != "application/json" || !rec.recorded.Equal(time.Date(2026, 11, 28, 20, 24, 30, 0, time.UTC)) {
		t.Errorf("parsed %+v", rec)
	}
	for _, bad := range []string{
		"",
		"GET / HTTP/1.1\n",
		"# Acting user: x   (API key passed via: none)\n\nGET / HTTP/1.1\n\n",
		"# Recorded 2026-11-28T20:24:30Z\n# Acting user: x (API key passed via: none)\n# Response: HTTP/1.1 200 OK\n\nGET /\n\n",
	} {
		if _, err := parseRecording([]byte(bad)); err == nil {
			t.Errorf("parseRecording(%q) succeeded", bad)
		}
	}
}

func FuzzParseRecording(f *testing.F) {
	files, _ := filepath.Glob("testdata/bugzilla-5/*.http")
	for _, name := range files[:min(len(files), 8)] {
		data, err := os.ReadFile(name)
		if err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rec, err := parseRecording(data)
		if err == nil && (rec.method == "" || rec.status == 0) {
			t.Errorf("accepted a recording without method or status: %+v", rec)
		}
	})
}
