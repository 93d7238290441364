package bugzilla

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/rs/zerolog"
)

// Client talks to one Bugzilla server. Safe for concurrent use.
type Client struct {
	// Set by NewClient and its options, then read-only.
	base          *url.URL
	key           string
	login         string
	userAgent     string
	log           zerolog.Logger
	timeout       time.Duration
	baseHTTP      *http.Client
	placement     KeyPlacement // as configured; KeyAuto until Authenticate decides
	park          time.Duration
	retryMax      int
	retryWaitMin  time.Duration
	retryWaitMax  time.Duration
	maxAttachment int64
	// readConcurrency bounds the requests of one batched read in flight (WithReadConcurrency).
	readConcurrency int
	now             func() time.Time
	errs            []error
	rc              *retryablehttp.Client

	// resolved is where the key travels now: the configured placement, or
	// what Authenticate found under KeyAuto (header until then).
	resolved atomic.Int32

	// newestChange is the newest bug last_change_time decoded so far, in
	// Unix nanoseconds (0: none): Time's last resort (see seeBugs).
	newestChange atomic.Int64

	// mu guards the state that stops the client from sending at all.
	mu         sync.Mutex
	parkedTill time.Time
	parkErr    RateLimitError // what set the park
	badKey     *APIError      // the server rejected the key: nothing more is sent
}

// maxResponseBytes bounds every answer the client reads, whatever it is.
// Attachment data has its own, tighter limits.
const maxResponseBytes = 64 << 20

// NewClient returns a client for the Bugzilla at baseURL, such as
// "https://bugzilla.mozilla.org" (the REST API lives under baseURL + "/rest").
// It sends nothing: call Authenticate to choose where the key travels and to
// check who it belongs to.
func NewClient(baseURL string, opts ...Option) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("bugzilla: new client: base URL must be an absolute http(s) URL, got %q", baseURL)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("bugzilla: new client: base URL must not carry credentials, a query or a fragment")
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	c := &Client{
		base:            u,
		userAgent:       userAgent("dev", DefaultUserAgentContact),
		log:             zerolog.Nop(),
		timeout:         DefaultTimeout,
		park:            DefaultRateLimitPark,
		retryMax:        DefaultRetries,
		retryWaitMin:    DefaultRetryWaitMin,
		retryWaitMax:    DefaultRetryWaitMax,
		maxAttachment:   DefaultMaxAttachmentBytes,
		readConcurrency: DefaultReadConcurrency,
		now:             time.Now,
	}
	for _, opt := range opts {
		if opt != nil {
			opt(c)
		}
	}
	if strings.ContainsFunc(c.key, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		// Said without the key itself: a key read from a file often keeps its newline.
		c.configErr(errors.New("API key contains spaces or control characters"))
	}
	if err := errors.Join(c.errs...); err != nil {
		return nil, fmt.Errorf("bugzilla: new client: %w", err)
	}
	if c.key != "" && u.Scheme == "http" && !isLoopback(u.Hostname()) {
		c.log.Warn().Str("host", u.Host).Msg("bugzilla: base URL is not https; the API key travels in clear")
	}
	c.resolved.Store(int32(c.placement))

	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	if c.baseHTTP != nil {
		copied := *c.baseHTTP
		hc = &copied
	}
	hc.Timeout = c.timeout
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c.rc = &retryablehttp.Client{
		HTTPClient:     hc,
		Logger:         nil, // its messages name URLs; the client logs for itself (retry.go)
		RetryMax:       c.retryMax,
		RetryWaitMin:   c.retryWaitMin,
		RetryWaitMax:   c.retryWaitMax,
		CheckRetry:     checkRetry,
		Backoff:        backoff,
		ErrorHandler:   retryablehttp.PassthroughErrorHandler,
		RequestLogHook: c.logRetry,
		PrepareRetry:   c.gateRetry,
	}
	return c, nil
}

func (c *Client) configErr(err error) { c.errs = append(c.errs, err) }

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// call is one REST request, described without the key.
type call struct {
	method   string       // http.MethodGet, MethodPost or MethodPut
	endpoint string       // path template for logs and errors: "/rest/bug/{id}/comment"
	path     string       // the path sent: "/rest/bug/1/comment"
	query    url.Values   // parameters, without the key
	body     any          // JSON body of a write; nil for a GET
	maxBytes int64        // cap on the answer; 0 means maxResponseBytes
	keyIn    KeyPlacement // overrides the client's placement (Authenticate's probes); KeyAuto: as the client does now
}

func (cl call) isWrite() bool { return cl.method != http.MethodGet && cl.method != http.MethodHead }

// do sends one call and decodes a 2xx JSON answer into out (unless out is
// nil). Every method of the client goes through it: it places the key,
// refuses to send while parked or after the key was rejected, retries GETs
// (retry.go), turns error answers into *APIError, *RateLimitError or
// *WriteUnknownError, and redacts the key from everything it returns. The
// answer's header is returned whenever an answer arrived, errors included.
func (c *Client) do(ctx context.Context, cl call, out any) (http.Header, error) {
	if err := c.gate(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("bugzilla: %s %s: not sent: %w", cl.method, cl.endpoint, err)
	}
	req, err := c.newRequest(ctx, cl)
	if err != nil {
		return nil, err
	}

	start := time.Now()
	resp, err := c.rc.Do(req)
	if err != nil {
		if resp != nil {
			resp.Body.Close()
		}
		var gated *gatedRetry
		if errors.As(err, &gated) {
			return nil, gated.err // parked while the retry waited: not sent
		}
		return nil, c.transportFailure(cl, err)
	}
	defer resp.Body.Close()

	limit := cl.maxBytes
	if limit <= 0 {
		limit = maxResponseBytes
	}
	body, readErr := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	c.log.Debug().Str("method", cl.method).Str("endpoint", cl.endpoint).
		Int("status", resp.StatusCode).Int("attempts", attempts(req)).
		Dur("duration", time.Since(start)).Msg("bugzilla request")

	if readErr != nil {
		return resp.Header, c.failure(cl, &transportError{
			msg: c.redact(fmt.Sprintf("bugzilla: %s %s: reading the answer: %v", cl.method, cl.endpoint, readErr)),
			err: readErr,
		}, resp.StatusCode < 300)
	}
	if int64(len(body)) > limit {
		return resp.Header, c.failure(cl, fmt.Errorf("bugzilla: %s %s: answer larger than %d bytes: %w",
			cl.method, cl.endpoint, limit, ErrTooLarge), resp.StatusCode < 300)
	}

	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		msg := newAPIError(cl.method, cl.endpoint, resp.StatusCode, resp.Header, body, c.redact).Message
		return resp.Header, c.rateLimited(resp, msg)
	case resp.StatusCode >= 300:
		apiErr := newAPIError(cl.method, cl.endpoint, resp.StatusCode, resp.Header, body, c.redact)
		if resp.StatusCode < 400 {
			// Redirects are refused (they could carry the key header to
			// another host); the Location is not repeated, it may echo the key.
			apiErr.Message = "unexpected redirect; check the base URL"
		}
		return resp.Header, c.apiFailure(cl, apiErr)
	}

	if out == nil {
		return resp.Header, nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		if code, msg, ok := parseErrorBody(body); ok {
			// An error object with a 2xx status: not seen from Bugzilla's REST
			// API, but JSON-RPC style servers answer so.
			return resp.Header, c.apiFailure(cl, &APIError{Status: resp.StatusCode, Code: code,
				Message: c.redact(msg), Method: cl.method, Endpoint: cl.endpoint})
		}
		return resp.Header, c.failure(cl, fmt.Errorf("bugzilla: %s %s: decoding the answer: %s",
			cl.method, cl.endpoint, c.redact(err.Error())), true)
	}
	return resp.Header, nil
}

// newRequest builds the HTTP request for cl, placing the key.
func (c *Client) newRequest(ctx context.Context, cl call) (*retryablehttp.Request, error) {
	placement := c.keyPlacement()
	if cl.keyIn != KeyAuto {
		placement = cl.keyIn
	}
	q := url.Values{}
	for k, v := range cl.query {
		q[k] = v
	}
	var body []byte
	if cl.isWrite() {
		if placement == keyBoth {
			// Only GET probes send the key twice; a write never needs to.
			return nil, fmt.Errorf("bugzilla: %s %s: the key goes in one place for a write", cl.method, cl.endpoint)
		}
		var err error
		if body, err = json.Marshal(cl.body); err != nil {
			return nil, fmt.Errorf("bugzilla: %s %s: encoding the request: %w", cl.method, cl.endpoint, err)
		}
		if c.key != "" && placement == KeyQuery {
			// Upstream reads api_key from a JSON body (recording 120), which
			// keeps the key out of the URL of every write.
			if body, err = withBodyKey(body, c.key); err != nil {
				return nil, fmt.Errorf("bugzilla: %s %s: %w", cl.method, cl.endpoint, err)
			}
		}
	} else if c.key != "" && (placement == KeyQuery || placement == keyBoth) {
		q.Set("Bugzilla_api_key", c.key) // recording 121
	}
	u := *c.base
	u.Path = c.base.Path + cl.path
	u.RawQuery = q.Encode()

	info := &callInfo{method: cl.method, endpoint: cl.endpoint, write: cl.isWrite()}
	ctx = context.WithValue(ctx, callInfoKey{}, info)
	var raw any
	if body != nil {
		raw = body
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, cl.method, u.String(), raw)
	if err != nil {
		return nil, &transportError{
			msg: c.redact(fmt.Sprintf("bugzilla: %s %s: building the request: %v", cl.method, cl.endpoint, err)),
			err: err,
		}
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.key != "" && placement != KeyQuery {
		req.Header.Set("X-BUGZILLA-API-KEY", c.key)
	}
	return req, nil
}

// withBodyKey adds "api_key" to a JSON object.
func withBodyKey(body []byte, key string) ([]byte, error) {
	body = bytes.TrimSpace(body)
	if len(body) < 2 || body[0] != '{' {
		return nil, errors.New("request body is not a JSON object, cannot carry the API key")
	}
	k, _ := json.Marshal(key)
	out := make([]byte, 0, len(body)+len(k)+16)
	out = append(out, `{"api_key":`...)
	out = append(out, k...)
	if rest := bytes.TrimSpace(body[1:]); len(rest) > 0 && rest[0] != '}' {
		out = append(out, ',')
	}
	return append(out, body[1:]...), nil
}

// transportFailure handles a call that got no HTTP answer. The error from
// net/http names the URL, so only its cause is kept. A write that may have
// reached the server becomes a *WriteUnknownError.
func (c *Client) transportFailure(cl call, err error) error {
	cause := err
	var ue *url.Error
	if errors.As(err, &ue) {
		cause = ue.Err
	}
	te := &transportError{
		msg: c.redact(fmt.Sprintf("bugzilla: %s %s: %v", cl.method, cl.endpoint, cause)),
		err: cause,
	}
	if cl.isWrite() && !notSent(cause) {
		c.log.Warn().Str("method", cl.method).Str("endpoint", cl.endpoint).Msg("bugzilla: write outcome unknown")
		return &WriteUnknownError{Method: cl.method, Endpoint: cl.endpoint, Err: te}
	}
	return te
}

// notSent reports whether err proves the request never left: the connection
// could not even be opened.
func notSent(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// apiFailure handles an error answer: BMO's rate-limit answer parks the
// client, a rejected key stops it, and a gateway's answer to a write leaves
// the outcome unknown.
func (c *Client) apiFailure(cl call, e *APIError) error {
	switch {
	case isRateLimitMessage(e.Code, e.Message):
		return c.setPark(e.Status, c.park, e.Message)
	case e.Code == codeInvalidAPIKey && c.key != "":
		c.mu.Lock()
		c.badKey = e
		c.mu.Unlock()
		c.log.Error().Str("method", cl.method).Str("endpoint", cl.endpoint).
			Msg("bugzilla: the server rejected the API key; the client sends nothing more")
		return e
	case cl.isWrite() && e.Code == 0 && e.Status >= 500:
		// Bugzilla rolls back when it answers with its own error object; a
		// proxy's 502/503/504 page says nothing about whether it ran.
		return &WriteUnknownError{Method: cl.method, Endpoint: cl.endpoint, Err: e}
	}
	return e
}

// failure wraps err as a *WriteUnknownError when a write's answer said it
// succeeded (answered) but could not be read.
func (c *Client) failure(cl call, err error, answered bool) error {
	if cl.isWrite() && answered {
		return &WriteUnknownError{Method: cl.method, Endpoint: cl.endpoint, Err: err}
	}
	return err
}

// redact removes the API key, raw and escaped, from s.
func (c *Client) redact(s string) string {
	if c.key == "" {
		return s
	}
	for _, k := range []string{c.key, url.QueryEscape(c.key), url.PathEscape(c.key)} {
		s = strings.ReplaceAll(s, k, "REDACTED")
	}
	return s
}
