package logging

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"sync"
	"time"

	"github.com/rs/zerolog"
)

// MozLog is Mozilla's JSON log format, which its log pipeline expects: one
// object per line with these fields.
// https://wiki.mozilla.org/Firefox/Services/Logging
type mozLogLine struct {
	Timestamp  int64          `json:"Timestamp"` // nanoseconds since the Unix epoch
	Type       string         `json:"Type"`
	Logger     string         `json:"Logger"`
	Hostname   string         `json:"Hostname"`
	EnvVersion string         `json:"EnvVersion"`
	Severity   int            `json:"Severity"` // syslog: 0 emergency … 7 debug
	Pid        int            `json:"Pid"`
	Fields     map[string]any `json:"Fields"`
}

// MozLogWriter rewrites zerolog's JSON lines as MozLog. zerolog hands each
// event to Write as one JSON object; the writer moves its level to
// Severity, drops its own time (Timestamp is taken, in nanoseconds, when
// the line is written) and keeps every other field, the message as "msg",
// under Fields. A line that is not a JSON object is not dropped: it is
// written with its text as Fields.msg and Fields.mozlog_error saying why.
type MozLogWriter struct {
	out      io.Writer
	hostname string
	pid      int
	now      func() time.Time

	mu sync.Mutex // one line at a time
}

// NewMozLogWriter writes MozLog lines to out.
func NewMozLogWriter(out io.Writer) *MozLogWriter {
	host, err := os.Hostname()
	if err != nil {
		host = "unknown"
	}
	return &MozLogWriter{out: out, hostname: host, pid: os.Getpid(), now: time.Now}
}

// syslogSeverity maps zerolog's levels to syslog severities.
var syslogSeverity = map[string]int{
	zerolog.LevelTraceValue: 7,
	zerolog.LevelDebugValue: 7,
	zerolog.LevelInfoValue:  6,
	zerolog.LevelWarnValue:  4,
	zerolog.LevelErrorValue: 3,
	zerolog.LevelFatalValue: 2,
	zerolog.LevelPanicValue: 0,
}

// Write rewrites one zerolog event. It reports len(p) written when the
// MozLog line was, so zerolog sees a complete write.
func (w *MozLogWriter) Write(p []byte) (int, error) {
	line := mozLogLine{
		Timestamp: w.now().UnixNano(), Type: "app.log", Logger: "stewardbot", Hostname: w.hostname,
		EnvVersion: "2.0", Severity: 6, Pid: w.pid,
	}
	fields := map[string]any{}
	dec := json.NewDecoder(bytes.NewReader(p))
	dec.UseNumber() // ids stay exact integers
	if err := dec.Decode(&fields); err != nil || fields == nil {
		msg := "not a JSON object"
		if err != nil {
			msg = err.Error()
		}
		fields = map[string]any{"msg": string(bytes.TrimRight(p, "\n")), "mozlog_error": msg}
	}
	if lvl, ok := fields[zerolog.LevelFieldName].(string); ok {
		if sev, known := syslogSeverity[lvl]; known {
			line.Severity = sev
			delete(fields, zerolog.LevelFieldName)
		}
	}
	delete(fields, zerolog.TimestampFieldName)
	if m, ok := fields[zerolog.MessageFieldName]; ok && zerolog.MessageFieldName != "msg" {
		delete(fields, zerolog.MessageFieldName)
		fields["msg"] = m
	}
	line.Fields = fields
	out, err := json.Marshal(line)
	if err != nil {
		return 0, err
	}
	out = append(out, '\n')
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, err := w.out.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}
