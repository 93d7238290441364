package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/stewardbot/stewardbot/bugzilla"
)

// kvParkedUntil is the store key of the end of a rate-limit park. It
// outlives the process so that a restart during a park sends nothing either.
const kvParkedUntil = "ratelimit.parked_until"

// ParkedError says the bot is waiting out a rate limit and sent nothing.
type ParkedError struct{ Until time.Time }

func (e *ParkedError) Error() string {
	return fmt.Sprintf("bot: rate limited by Bugzilla; sending nothing until %s", e.Until.UTC().Format(time.RFC3339))
}

// parking is the rate-limit park: while it lasts the bot sends Bugzilla
// nothing. It lives in the store, so that a restart honours it.
type parking struct {
	kv    kvStore
	clock Clock
	log   zerolog.Logger
	park  time.Duration // how long to park when Bugzilla does not say (bugzilla.rate_limit_park)
}

// until reads the park from the store; parked is true while it lasts.
func (p *parking) until(ctx context.Context) (until time.Time, parked bool, err error) {
	until, err = storedTime(ctx, p.kv, kvParkedUntil, "park")
	if err != nil || until.IsZero() {
		return time.Time{}, false, err
	}
	return until, p.clock.Now().Before(until), nil
}

// noteRateLimit records the park when err is a rate limit, and returns the
// ParkedError to stop the cycle with; nil for any other error.
func (p *parking) note(ctx context.Context, err error) *ParkedError {
	var rl *bugzilla.RateLimitError
	if !errors.As(err, &rl) {
		var pe *ParkedError
		if errors.As(err, &pe) {
			return pe
		}
		return nil
	}
	until := rl.Until
	if until.IsZero() {
		d := rl.RetryAfter
		if d <= 0 {
			d = p.park
		}
		until = p.clock.Now().Add(d)
	}
	// The park must be recorded even while shutting down.
	if err := p.kv.Set(context.WithoutCancel(ctx), kvParkedUntil, until.UTC().Format(time.RFC3339Nano)); err != nil {
		p.log.Error().Err(err).Msg("cannot record the rate-limit park")
	}
	p.log.Warn().Time("until", until).Msg("rate limited by Bugzilla; parking")
	return &ParkedError{Until: until}
}
