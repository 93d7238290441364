package bugzilla

import (
	"context"
	"crypto/x509"
	"errors"
	"math/rand/v2"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Retry policy. retryablehttp runs the loop; these functions decide.
//
//   - A GET is retried on a connection error and on 502, 503 and 504, with a
//     capped, jittered exponential backoff.
//   - A write (POST, PUT) is never retried: the first attempt may have been
//     applied, and a second comment is worse than none. The caller gets a
//     *WriteUnknownError and re-reads the bug (client.go).
//   - A 429 is never retried in-process: BMO renews its hour-long block on
//     every request it refuses, so the client parks instead (ratelimit.go).
//   - A retry passes the client's gate, as the first attempt did (gateRetry):
//     a GET backing off after a 503 while another request in flight parked
//     the client (a 429 among reads sent together) sends nothing more.

// callInfo travels in the request context so that the client-wide policy
// functions know what they are looking at.
type callInfo struct {
	method, endpoint string
	write            bool
	attempts         atomic.Int32
	lastReason       atomic.Value // string: why the previous attempt is retried
}

type callInfoKey struct{}

func infoFrom(ctx context.Context) *callInfo {
	info, _ := ctx.Value(callInfoKey{}).(*callInfo)
	return info
}

func attempts(req *retryablehttp.Request) int {
	if info := infoFrom(req.Context()); info != nil {
		return int(info.attempts.Load())
	}
	return 0
}

// checkRetry is the client's retryablehttp.CheckRetry.
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	info := infoFrom(ctx)
	if info == nil || info.write {
		return false, nil
	}
	if err != nil {
		if !retryableTransportError(err) {
			return false, nil
		}
		info.lastReason.Store("connection error")
		return true, nil
	}
	switch resp.StatusCode {
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		info.lastReason.Store(http.StatusText(resp.StatusCode))
		return true, nil
	}
	return false, nil
}

// gateRetry is the client's retryablehttp.PrepareRetry, called after the
// backoff, just before a retry is sent: while the client is parked, or once
// the key was rejected, the retry is not sent and the call fails with the
// gate's error (do unwraps it from gatedRetry).
func (c *Client) gateRetry(*http.Request) error {
	if err := c.gate(); err != nil {
		return &gatedRetry{err: err}
	}
	return nil
}

// gatedRetry is a retry the gate stopped; err is the gate's error.
type gatedRetry struct{ err error }

func (g *gatedRetry) Error() string { return g.err.Error() }
func (g *gatedRetry) Unwrap() error { return g.err }

// retryableTransportError excludes failures that another attempt cannot fix.
func retryableTransportError(err error) bool {
	var unknownAuthority x509.UnknownAuthorityError
	var invalidCert x509.CertificateInvalidError
	var hostname x509.HostnameError
	switch {
	case errors.Is(err, context.Canceled),
		errors.As(err, &unknownAuthority),
		errors.As(err, &invalidCert),
		errors.As(err, &hostname):
		return false
	}
	return true
}

// backoff is the client's retryablehttp.Backoff: full jitter over an
// exponentially growing window, capped at max. A 503's Retry-After is
// honoured when it is shorter than max.
func backoff(min, max time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && resp.StatusCode == http.StatusServiceUnavailable {
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok && d >= min && d <= max {
			return d
		}
	}
	return jitter(min, max, attempt, rand.Int64N)
}

// jitter picks a wait in [min, min(max, min*2^attempt)]; randN(n) returns a
// number in [0, n).
func jitter(min, max time.Duration, attempt int, randN func(int64) int64) time.Duration {
	if max <= min {
		return min
	}
	window := max
	if attempt < 30 {
		if w := min << uint(attempt); w > 0 && w < max {
			window = w
		}
	}
	if window <= min {
		return min
	}
	return min + time.Duration(randN(int64(window-min)+1))
}

// logRetry is the client's retryablehttp.RequestLogHook: it counts attempts
// and logs each retry without the URL.
func (c *Client) logRetry(_ retryablehttp.Logger, req *http.Request, attempt int) {
	info := infoFrom(req.Context())
	if info == nil {
		return
	}
	info.attempts.Add(1)
	if attempt == 0 {
		return
	}
	reason, _ := info.lastReason.Load().(string)
	c.log.Warn().Str("method", info.method).Str("endpoint", info.endpoint).
		Int("attempt", attempt+1).Str("reason", reason).Msg("bugzilla: retrying")
}
