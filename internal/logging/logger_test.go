package logging

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"
)

// TestLoggerFormatChoice: the default (auto, or unset) is the console
// format on a terminal and JSON lines elsewhere; a configured format is
// used whatever the output is.
func TestLoggerFormatChoice(t *testing.T) {
	tests := []struct {
		format   string
		terminal bool
		wantJSON bool
	}{
		{"", true, false},
		{"", false, true},
		{"auto", true, false},
		{"auto", false, true},
		{"json", true, true}, // asked for: JSON even on a terminal
		{"json", false, true},
		{"console", false, false}, // asked for: console even in a pipe
		{"console", true, false},
	}
	for _, tt := range tests {
		name := tt.format
		if name == "" {
			name = "unset"
		}
		if tt.terminal {
			name += " on a terminal"
		} else {
			name += " in a pipe"
		}
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			log, err := newLogger("info", tt.format, &buf, func(io.Writer) bool { return tt.terminal })
			if err != nil {
				t.Fatal(err)
			}
			log.Info().Int("bug_id", 1001).Msg("posted")
			line := strings.TrimSpace(buf.String())
			if got := json.Valid([]byte(line)); got != tt.wantJSON {
				t.Errorf("JSON = %v, want %v: %q", got, tt.wantJSON, line)
			}
			if !strings.Contains(line, "posted") || !strings.Contains(line, "1001") {
				t.Errorf("the message or its field is missing: %q", line)
			}
		})
	}
	if _, err := newLogger("info", "text", io.Discard, func(io.Writer) bool { return false }); err == nil {
		t.Error("an unknown format was accepted")
	}
}
