package bot

import (
	"testing"
	"time"
)

func TestBackoffDelay(t *testing.T) {
	b := backoff{first: time.Second, limit: time.Minute}
	for _, tc := range []struct {
		attempt int
		want    time.Duration
	}{{0, time.Second}, {1, 2 * time.Second}, {5, 32 * time.Second}, {6, time.Minute}, {7, time.Minute}, {1000, time.Minute}} {
		if got := b.delay(tc.attempt); got != tc.want {
			t.Errorf("delay(%d) = %s, want %s", tc.attempt, got, tc.want)
		}
	}
	tb := troubleBackoff
	if tb.delay(0) != 5*time.Minute || tb.delay(1) != 10*time.Minute || tb.delay(20) != 6*time.Hour {
		t.Errorf("trouble backoff: %s, %s, %s", tb.delay(0), tb.delay(1), tb.delay(20))
	}
}
