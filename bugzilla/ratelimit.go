package bugzilla

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Rate limits. A 429 (or BMO's 400/32000 "You have exceeded the rate
// limit.") parks the client: until the park ends it sends nothing and every
// call fails at once with a *RateLimitError. BMO blocks the address for an
// hour, answers every request during the block with an HTML 429 page without
// Retry-After, and restarts the hour on each of them, so a client that keeps
// trying never gets out.

// gate refuses to send while the client is parked or after the server
// rejected the key.
func (c *Client) gate() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.badKey != nil {
		return c.badKey
	}
	if now := c.now(); now.Before(c.parkedTill) {
		e := c.parkErr
		e.RetryAfter = c.parkedTill.Sub(now)
		return &e
	}
	return nil
}

// setPark parks the client for d (or keeps a longer park already set) and
// returns the error describing it.
func (c *Client) setPark(status int, d time.Duration, msg string) *RateLimitError {
	now := c.now()
	until := now.Add(d)
	c.mu.Lock()
	if until.After(c.parkedTill) {
		c.parkedTill = until
		c.parkErr = RateLimitError{RetryAfter: d, Until: until, Status: status, Message: msg}
	}
	e := c.parkErr
	e.RetryAfter = c.parkedTill.Sub(now)
	c.mu.Unlock()
	c.log.Warn().Int("status", status).Dur("retry_after", e.RetryAfter).
		Time("until", e.Until).Msg("bugzilla: rate limited; sending nothing until the park ends")
	return &e
}

// rateLimited parks the client after a 429: for Retry-After when the
// answer has one, else for the configured park.
func (c *Client) rateLimited(resp *http.Response, msg string) *RateLimitError {
	d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), c.now())
	if !ok {
		d = c.park
	}
	return c.setPark(resp.StatusCode, d, msg)
}

// parseRetryAfter reads Retry-After as seconds or as an HTTP date (RFC 9110
// section 10.2.3). A date in the past gives 0.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		const maxSecs = int64(1<<63-1) / int64(time.Second)
		if secs > maxSecs {
			secs = maxSecs
		}
		return time.Duration(secs) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	if d := t.Sub(now); d > 0 {
		return d, true
	}
	return 0, true
}
