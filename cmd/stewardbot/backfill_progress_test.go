package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/stewardbot/stewardbot/bot"
)

func fixedProgress() bot.BackfillProgress {
	return bot.BackfillProgress{BugsFound: 1000, BugsRead: 250, Flags: 260, Answered: 255, Forms: 240, Reviews: 120, SearchDone: true}
}

// TestBackfillProgressLines: away from a terminal, progress is a log line
// with the counts, the request rate and, once the search is done, the time
// left.
func TestBackfillProgressLines(t *testing.T) {
	var logs bytes.Buffer
	p := newBackfillProgress(&logs, zerolog.New(&logs), time.Now().Add(-10*time.Second), fixedProgress, func() int64 { return 50 })
	if p.tty {
		t.Fatal("a buffer taken for a terminal")
	}
	p.every = 5 * time.Millisecond
	stop := p.run()
	time.Sleep(30 * time.Millisecond)
	stop()
	line, _, _ := strings.Cut(logs.String(), "\n")
	var got map[string]any
	if err := json.Unmarshal([]byte(line), &got); err != nil {
		t.Fatalf("not a JSON log line: %q", line)
	}
	for k, want := range map[string]any{"message": "backfill progress", "bugs_found": 1000.0, "bugs_read": 250.0,
		"flags": 260.0, "forms": 240.0, "reviews": 120.0, "requests": 50.0, "search_done": true} {
		if got[k] != want {
			t.Errorf("%s = %v, want %v in %s", k, got[k], want, line)
		}
	}
	if r, _ := got["requests_per_s"].(float64); r < 4 || r > 5.1 {
		t.Errorf("requests_per_s = %v, want about 5", got["requests_per_s"])
	}
	// 250 of 1,000 bugs in about 10 s: about 30 s left.
	if left, _ := got["time_left"].(float64); left < 29_000 || left > 32_000 {
		t.Errorf("time_left = %v ms, want about 30 s", got["time_left"])
	}
}

// TestBackfillProgressBar: on a terminal, the bar shows bugs read of bugs
// found and the counts.
func TestBackfillProgressBar(t *testing.T) {
	var out bytes.Buffer
	p := newBackfillProgress(&out, zerolog.Nop(), time.Now(), fixedProgress, func() int64 { return 7 })
	p.tty = true
	stop := p.run()
	time.Sleep(250 * time.Millisecond)
	stop()
	for _, want := range []string{"250/1000", "bugs found 1000", "forms 240", "reviews 120", "requests 7"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the bar lacks %q:\n%q", want, out.String())
		}
	}
	if strings.Contains(out.String(), "1000/1000") {
		t.Errorf("a bar stopped at 250 of 1000 shows it done:\n%q", out.String())
	}
}
