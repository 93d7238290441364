package bugzillatest

import "time"

// rateLimiter imitates BMO's check_rate_limit and BlockIP plugin on the fake
// clock. Every client of the fake shares one address (loopback), so there is
// one set of counters and one block.
type rateLimiter struct {
	hits         map[string][]time.Time
	blockedUntil time.Time
	blockFor     time.Duration // how long a block lasts, renewed by every request while blocked
}

type rateRule struct {
	max    int
	window time.Duration
}

// bmoRateRules are BMO's default_rate_limit_rules for the calls the fake serves.
var bmoRateRules = map[string]rateRule{
	"get_bug":          {75, 60 * time.Second},
	"get_comments":     {75, 60 * time.Second},
	"get_attachments":  {75, 60 * time.Second},
	"api_key_mismatch": {5, 60 * time.Second},
}

// bmoBlockDuration is BlockIP's BLOCK_TIMEOUT.
const bmoBlockDuration = time.Hour

func (l *rateLimiter) init() {
	l.hits = map[string][]time.Time{}
	l.blockFor = bmoBlockDuration
}

// hit counts one request against rule and reports whether it crossed the
// limit, in which case the client is now blocked. Call with s.mu held.
func (l *rateLimiter) hit(s *Server, rule string, now time.Time) bool {
	if !*s.cfg.rateLimits {
		return false
	}
	r, ok := bmoRateRules[rule]
	if !ok {
		return false
	}
	hits := l.hits[rule]
	keep := hits[:0]
	for _, t := range hits {
		if now.Sub(t) < r.window {
			keep = append(keep, t)
		}
	}
	if len(keep) >= r.max {
		l.hits[rule] = keep
		l.blockFor = bmoBlockDuration
		l.blockedUntil = now.Add(bmoBlockDuration)
		return true
	}
	l.hits[rule] = append(keep, now)
	return false
}

// blocked reports whether the client is blocked and, like BMO, restarts the
// block on every request made while it lasts. Call with s.mu held.
func (l *rateLimiter) blocked(s *Server, now time.Time) bool {
	if l.blockedUntil.IsZero() || !now.Before(l.blockedUntil) {
		return false
	}
	l.blockedUntil = now.Add(l.blockFor)
	return true
}

func errRateLimited() *Error {
	return bzErr(codeTransient, "You have exceeded the rate limit.")
}

// BlockFor starts BMO's block mode: every request answers 429 with BMO's
// HTML "Too Many Requests" page and no Retry-After, and each request made
// while blocked restarts the block for d, measured on the fake clock.
// BMO itself blocks for an hour after a rate limit is crossed.
func (s *Server) BlockFor(d time.Duration) {
	now := s.clock.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limiter.blockFor = d
	s.limiter.blockedUntil = now.Add(d)
}

// Unblock ends a block and forgets the rate-limit counters.
func (s *Server) Unblock() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limiter.blockedUntil = time.Time{}
	s.limiter.hits = map[string][]time.Time{}
}

// BlockedUntil reports when the current block ends (zero when not blocked).
func (s *Server) BlockedUntil() time.Time {
	now := s.clock.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if !now.Before(s.limiter.blockedUntil) {
		return time.Time{}
	}
	return s.limiter.blockedUntil
}

// bmoBlockPage is fixtures/bmo/rate-limit-block-429.html without its
// leading comment (which the fixture says is not part of the real page).
const bmoBlockPage = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <title>Too Many Requests</title>
    <meta name="robots" content="noindex">
  </head>
  <body>
<main id="bugzilla-body" tabindex="-1">
<div id="main-inner">

<h1>Too Many Requests</h1>

<p>
    We’re sorry, but you have sent too many requests to us recently.
    You will be unblocked in 60 minutes.
</p>

</div>
</main>
  </body>
</html>
`
