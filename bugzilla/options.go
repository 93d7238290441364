package bugzilla

import (
	"fmt"
	"net/http"
	"time"

	"github.com/rs/zerolog"
)

// Defaults for a new Client.
const (
	DefaultTimeout            = 60 * time.Second // per request attempt
	DefaultRateLimitPark      = 60 * time.Minute // BMO blocks an address for an hour and sends no Retry-After
	DefaultMaxAttachmentBytes = 1 << 20          // 1 MiB: a data review form is a few KiB
	DefaultRetries            = 3                // extra attempts for a GET after a 502/503/504 or a connection error
	DefaultRetryWaitMin       = 500 * time.Millisecond
	DefaultRetryWaitMax       = 15 * time.Second
	DefaultUserAgentContact   = "https://github.com/stewardbot/stewardbot"
)

// Option configures a Client.
type Option func(*Client)

// WithAPIKey sets the API key. It travels as KeyPlacement says, and never
// appears in a log line, an error string or a URL the client returns.
func WithAPIKey(key string) Option { return func(c *Client) { c.key = key } }

// WithLogin sets the login Authenticate must find: the key has to belong to
// it (ErrWrongLogin otherwise). On servers without /rest/whoami (upstream
// Bugzilla) Authenticate cannot check the key without it.
func WithLogin(login string) Option { return func(c *Client) { c.login = login } }

// WithUserAgent sets the User-Agent to "stewardbot/VERSION (+contact)", as
// BMO asks of bots so that its admins can reach the operator.
func WithUserAgent(version, contact string) Option {
	return func(c *Client) { c.userAgent = userAgent(version, contact) }
}

func userAgent(version, contact string) string {
	if version == "" {
		version = "dev"
	}
	ua := "stewardbot/" + version
	if contact != "" {
		ua += " (+" + contact + ")"
	}
	return ua
}

// WithLogger sets the logger. The client logs each request at debug level
// and each retry and rate limit at warn level, naming the endpoint template
// (such as "/rest/bug/{id}"), never a URL or the key.
func WithLogger(l zerolog.Logger) Option { return func(c *Client) { c.log = l } }

// WithTimeout bounds each request attempt, reading the answer included
// (default DefaultTimeout).
func WithTimeout(d time.Duration) Option {
	return func(c *Client) {
		if d <= 0 {
			c.configErr(fmt.Errorf("timeout must be positive, got %s", d))
			return
		}
		c.timeout = d
	}
}

// WithHTTPClient sets the base HTTP client (its Transport, mostly; tests use
// it). The client copies it: it sets the copy's Timeout and refuses
// redirects, which could carry the key header to another host.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) {
		if hc == nil {
			c.configErr(fmt.Errorf("nil *http.Client"))
			return
		}
		c.baseHTTP = hc
	}
}

// WithKeyPlacement forces where the key travels instead of letting
// Authenticate decide (KeyAuto, the default).
func WithKeyPlacement(p KeyPlacement) Option {
	return func(c *Client) {
		if p < KeyAuto || p > KeyQuery {
			c.configErr(fmt.Errorf("unknown key placement %d", int(p)))
			return
		}
		c.placement = p
	}
}

// WithRateLimitPark sets how long the client stays silent after a 429 that
// has no Retry-After header, or BMO's "exceeded the rate limit" answer
// (default DefaultRateLimitPark).
func WithRateLimitPark(d time.Duration) Option {
	return func(c *Client) {
		if d < 0 {
			c.configErr(fmt.Errorf("rate-limit park must not be negative, got %s", d))
			return
		}
		c.park = d
	}
}

// WithRetries sets how many times a GET is retried after a connection error
// or a 502, 503 or 504, and the bounds of the jittered exponential backoff
// between attempts. max 0 disables retries. Writes are never retried.
func WithRetries(max int, minWait, maxWait time.Duration) Option {
	return func(c *Client) {
		if max < 0 || minWait < 0 || maxWait < minWait {
			c.configErr(fmt.Errorf("bad retry settings: max %d, wait %s..%s", max, minWait, maxWait))
			return
		}
		c.retryMax, c.retryWaitMin, c.retryWaitMax = max, minWait, maxWait
	}
}

// WithMaxAttachmentBytes caps the content the client downloads for one
// attachment (default DefaultMaxAttachmentBytes): data is not fetched for an
// attachment whose size is over the cap (with AttachmentOptions.CheckedSizes
// the caller has made sure of that), data over the cap is dropped, and the
// answer is read through a limit, so a server that lies about sizes cannot
// make it read more.
func WithMaxAttachmentBytes(n int64) Option {
	return func(c *Client) {
		if n <= 0 {
			c.configErr(fmt.Errorf("attachment cap must be positive, got %d", n))
			return
		}
		c.maxAttachment = n
	}
}

// WithClock sets the clock used for the rate-limit park and for
// Retry-After dates (default time.Now).
func WithClock(now func() time.Time) Option {
	return func(c *Client) {
		if now == nil {
			c.configErr(fmt.Errorf("nil clock"))
			return
		}
		c.now = now
	}
}
