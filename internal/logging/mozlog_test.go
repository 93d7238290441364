package logging

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"
)

func TestMozLogWriter(t *testing.T) {
	var buf bytes.Buffer
	w := NewMozLogWriter(&buf)
	at := time.Date(2026, 11, 28, 21, 0, 0, 123456789, time.UTC)
	w.now = func() time.Time { return at }
	zl := zerolog.New(w).Level(zerolog.DebugLevel).With().Timestamp().Logger()

	zl.Info().Int("bug_id", 1234567).Str("action", "analysis").Msg("posted")
	zl.Warn().Err(errors.New("boom")).Msg("careful")
	zl.Debug().Msg("details")
	zl.Error().Msg("bad")

	host, _ := os.Hostname()
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("got %d lines, want 4:\n%s", len(lines), buf.String())
	}
	type line struct {
		Timestamp  int64
		Type       string
		Logger     string
		Hostname   string
		EnvVersion string
		Severity   int
		Pid        int
		Fields     map[string]any
	}
	base := line{Timestamp: at.UnixNano(), Type: "app.log", Logger: "stewardbot", Hostname: host, EnvVersion: "2.0", Pid: os.Getpid()}
	want := []line{base, base, base, base}
	want[0].Severity, want[0].Fields = 6, map[string]any{"msg": "posted", "bug_id": float64(1234567), "action": "analysis"}
	want[1].Severity, want[1].Fields = 4, map[string]any{"msg": "careful", "error": "boom"}
	want[2].Severity, want[2].Fields = 7, map[string]any{"msg": "details"}
	want[3].Severity, want[3].Fields = 3, map[string]any{"msg": "bad"}
	for i, l := range lines {
		var got line
		dec := json.NewDecoder(strings.NewReader(l))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&got); err != nil {
			t.Fatalf("line %d %q: %v", i, l, err)
		}
		if d := cmp.Diff(got, want[i]); d != "" {
			t.Errorf("line %d (-got +want):\n%s", i, d)
		}
		if strings.Contains(l, `"time"`) || strings.Contains(l, `"level"`) {
			t.Errorf("line %d keeps zerolog's own time or level: %s", i, l)
		}
	}
	// Ids stay exact integers in the text, not floats.
	if !strings.Contains(lines[0], `"bug_id":1234567`) {
		t.Errorf("bug_id not an integer: %s", lines[0])
	}
}

// A line that is not JSON is written with its text, never dropped.
func TestMozLogWriterNotJSON(t *testing.T) {
	var buf bytes.Buffer
	w := NewMozLogWriter(&buf)
	n, err := w.Write([]byte("plain text\n"))
	if err != nil || n != len("plain text\n") {
		t.Fatalf("Write = %d, %v", n, err)
	}
	var got struct {
		Severity int
		Fields   map[string]any
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Fields["msg"] != "plain text" || got.Fields["mozlog_error"] == nil || got.Severity != 6 {
		t.Errorf("got %+v", got)
	}
}

func TestNewLoggerMozLog(t *testing.T) {
	var buf bytes.Buffer
	log, err := NewLogger("info", "mozlog", &buf)
	if err != nil {
		t.Fatal(err)
	}
	log.Info().Msg("hello")
	var got map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("%v: %s", err, buf.String())
	}
	if got["Logger"] != "stewardbot" || got["EnvVersion"] != "2.0" {
		t.Errorf("not MozLog: %s", buf.String())
	}
	if ts, ok := got["Timestamp"].(float64); !ok || ts < 1e18 {
		t.Errorf("Timestamp %v is not in nanoseconds", got["Timestamp"])
	}
}
