package bot

import (
	"testing"
	"time"
)

func TestPollInterval(t *testing.T) {
	at := time.Date(2026, 11, 28, 10, 7, 0, 0, time.UTC)
	tests := []struct {
		schedule string
		want     time.Duration
	}{
		{"@every 5m", 5 * time.Minute},
		{"@hourly", time.Hour},
		{"*/10 * * * *", 10 * time.Minute},
		{"not a schedule", 5 * time.Minute},
	}
	for _, tt := range tests {
		if got := PollInterval(PollConfig{Schedule: tt.schedule, TimeZone: "UTC"}, at); got != tt.want {
			t.Errorf("PollInterval(%q) = %s, want %s", tt.schedule, got, tt.want)
		}
	}
}
