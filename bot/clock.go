package bot

import (
	"time"

	"github.com/stewardbot/stewardbot/bot/clock"
)

// The bot's clock lives in bot/clock; these names keep the callers outside
// bot (cmd, web, e2e) unchanged until they import it themselves.
type (
	// Clock tells the bot the time: see clock.Clock.
	Clock = clock.Clock
	// SystemClock is the wall clock: see clock.System.
	SystemClock = clock.System
	// FakeClock moves only when told: see clock.Fake.
	FakeClock = clock.Fake
)

// NewFakeClock returns a FakeClock stopped at t.
func NewFakeClock(t time.Time) *FakeClock { return clock.NewFake(t) }
