package bot

import "time"

// backoff is a capped exponential delay: first, then twice as long each
// attempt, never more than limit.
type backoff struct {
	first, limit time.Duration
}

// defaultStartBackoff paces Run's tries to start through an outage: an
// outage of a few minutes costs a few requests, and the bot is running
// within a minute of its end.
var defaultStartBackoff = backoff{first: time.Second, limit: time.Minute}

// delay is the wait before try attempt+1 (attempt counts from 0).
func (b backoff) delay(attempt int) time.Duration {
	d := b.first
	for range attempt {
		if d >= b.limit/2 {
			return b.limit
		}
		d *= 2
	}
	return min(d, b.limit)
}

// WithStartBackoff sets how Run waits between tries to start while
// Bugzilla or the store does not answer: first, doubling up to limit.
func WithStartBackoff(first, limit time.Duration) Option {
	return func(b *Bot) {
		if first > 0 && limit >= first {
			b.startBackoff = backoff{first: first, limit: limit}
		}
	}
}
