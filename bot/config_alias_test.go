package bot

import (
	"testing"

	"github.com/stewardbot/stewardbot/bot/config"
)

// bot/config refuses a watermark overlap shorter than twice the time poll
// looks back for changes made in a search's own second; it cannot import
// poll's constant, so it states the number, and this keeps the two equal.
func TestMinOverlapIsTwiceTheSettleTime(t *testing.T) {
	if config.MinOverlap != 2*settleTime {
		t.Errorf("config.MinOverlap = %s, want 2 × settleTime = %s", config.MinOverlap, 2*settleTime)
	}
}
