package web

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/stewardbot/stewardbot/bot"
)

// WebhookPath is where BMO delivers webhooks.
const WebhookPath = "/webhooks/bugzilla"

// Nudger is what the webhook handler needs of the bot; *bot.Bot implements
// it. Nudge marks a bug dirty and schedules a cycle that looks at it first
// (at once, or coalesced with the deliveries of the debounce window); Login is the
// bot's own account, whose events are ignored.
type Nudger interface {
	Nudge(ctx context.Context, bugID int, at time.Time) error
	Login() string
}

var _ Nudger = (*bot.Bot)(nil)

// Outcomes of a webhook delivery, for metrics (a bounded label set).
const (
	WebhookAccepted     = "accepted"     // 202: the bug is marked and a cycle scheduled
	WebhookIgnoredSelf  = "ignored_self" // 202: the bot's own change
	WebhookUnauthorized = "unauthorized" // 401: the secret header is missing or wrong
	WebhookTooLarge     = "too_large"    // 202, dropped: over webhooks.max_body_bytes
	WebhookBadRequest   = "bad_request"  // 202, dropped (not a webhook payload), or 405 (not POST)
	WebhookError        = "error"        // 503: the store failed; the sender retries
)

// WebhookOutcomes lists every outcome, for metrics to start at zero.
var WebhookOutcomes = []string{WebhookAccepted, WebhookIgnoredSelf, WebhookUnauthorized, WebhookTooLarge, WebhookBadRequest, WebhookError}

// WebhookOptions configure POST /webhooks/bugzilla (see bot.WebhooksConfig
// and docs/webhooks.md).
type WebhookOptions struct {
	Bot Nudger
	// Header carries Secret, alone or after "Token " or "Bearer ".
	Header string
	Secret string
	// MaxBodyBytes caps a delivery; default 512 KiB.
	MaxBodyBytes int64
	// Observe counts each delivery by outcome (Webhook*); nil counts nothing.
	Observe func(outcome string)
}

// webhook is the handler of WebhookPath.
type webhook struct {
	o      WebhookOptions
	digest [sha256.Size]byte // of the secret, compared in constant time
	now    func() time.Time
	log    *rateLimitedLog
	s      *Server
}

func newWebhook(s *Server, o WebhookOptions) (*webhook, error) {
	switch {
	case o.Bot == nil:
		return nil, errors.New("web: webhook: nil Bot")
	case o.Header == "":
		return nil, errors.New("web: webhook: no header name")
	case o.Secret == "":
		return nil, errors.New("web: webhook: no secret")
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = bot.DefaultWebhookMaxBytes
	}
	if o.Observe == nil {
		o.Observe = func(string) {}
	}
	return &webhook{o: o, digest: sha256.Sum256([]byte(o.Secret)), now: s.o.Now,
		log: &rateLimitedLog{every: time.Minute, now: s.o.Now}, s: s}, nil
}

// ServeHTTP authenticates a delivery, reads its bug id and nudges the bot.
// It never logs the body (it may hold a private comment) or the header.
func (h *webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	log := h.s.o.Log
	if r.Method != http.MethodPost {
		h.o.Observe(WebhookBadRequest)
		w.Header().Set("Allow", http.MethodPost)
		plain(w, http.StatusMethodNotAllowed, "method not allowed: POST only\n")
		return
	}
	if !h.authorized(r.Header) {
		h.o.Observe(WebhookUnauthorized)
		if h.log.allow() {
			// Once a minute at most: anyone can knock.
			log.Warn().Str("remote", r.RemoteAddr).Msg("webhook refused: missing or wrong secret header (further ones this minute not logged)")
		}
		plain(w, http.StatusUnauthorized, "unauthorized\n")
		return
	}
	if r.ContentLength > h.o.MaxBodyBytes {
		h.tooLarge(w, r)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.o.MaxBodyBytes))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		h.tooLarge(w, r)
		return
	case err != nil:
		h.o.Observe(WebhookBadRequest)
		plain(w, http.StatusAccepted, droppedPrefix+"bad request: the body could not be read\n")
		return
	}
	ev, err := ParseWebhook(body)
	if err != nil {
		h.o.Observe(WebhookBadRequest)
		log.Info().Str("reason", err.Error()).Msg("webhook refused: not a BMO webhook payload")
		plain(w, http.StatusAccepted, droppedPrefix+"bad request: "+err.Error()+"\n")
		return
	}
	entry := log.Debug().Int(bot.LogBugID, ev.BugID).Str("routing_key", clip(ev.RoutingKey, 200)).Str("webhook_id", clip(ev.WebhookID, 64))
	if self := h.o.Bot.Login(); self != "" && strings.EqualFold(ev.User, self) {
		h.o.Observe(WebhookIgnoredSelf)
		entry.Msg("webhook ignored: the bot's own change")
		plain(w, http.StatusAccepted, "ignored: the bot's own change\n")
		return
	}
	if err := h.o.Bot.Nudge(r.Context(), ev.BugID, h.now()); err != nil {
		h.o.Observe(WebhookError)
		log.Error().Err(err).Int(bot.LogBugID, ev.BugID).Msg("webhook: could not queue the bug; the sender will retry")
		plain(w, http.StatusServiceUnavailable, "unavailable: try again later\n")
		return
	}
	h.o.Observe(WebhookAccepted)
	entry.Msg("webhook accepted")
	plain(w, http.StatusAccepted, "accepted\n")
}

// droppedPrefix starts the answer to an authenticated delivery the bot
// cannot use (too large, not a BMO payload). It is still a 2xx: BMO takes
// any other answer as a transient failure, queues every later delivery
// behind it and retries for about a day before disabling the webhook, and
// the same payload will never become usable. The outcome is counted and
// logged, and polling finds the change anyway.
const droppedPrefix = "dropped, polling covers it: "

func (h *webhook) tooLarge(w http.ResponseWriter, r *http.Request) {
	h.o.Observe(WebhookTooLarge)
	h.s.o.Log.Warn().Int64("limit", h.o.MaxBodyBytes).Int64("content_length", r.ContentLength).
		Msg("webhook refused: body over webhooks.max_body_bytes")
	w.Header().Set("Connection", "close") // the rest of the body is not read
	plain(w, http.StatusAccepted, droppedPrefix+"payload too large\n")
}

// authorized compares the secret header with the secret in constant time.
// Both sides are hashed first, so that not even the length is revealed by
// timing. The value may carry an auth scheme, as BMO's QA sends
// "Authorization: Token SECRET". Exactly one such header must be present.
func (h *webhook) authorized(hdr http.Header) bool {
	vals := hdr.Values(h.o.Header)
	if len(vals) != 1 {
		return false
	}
	v := strings.TrimSpace(vals[0])
	for _, scheme := range []string{"Token ", "Bearer "} {
		if len(v) > len(scheme) && strings.EqualFold(v[:len(scheme)], scheme) {
			v = strings.TrimSpace(v[len(scheme):])
			break
		}
	}
	got := sha256.Sum256([]byte(v))
	return subtle.ConstantTimeCompare(got[:], h.digest[:]) == 1
}

// rateLimitedLog lets one message through per period.
type rateLimitedLog struct {
	every time.Duration
	now   func() time.Time

	mu   sync.Mutex
	last time.Time
}

func (l *rateLimitedLog) allow() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if !l.last.IsZero() && now.Sub(l.last) < l.every {
		return false
	}
	l.last = now
	return true
}

// clip bounds a payload string in a log line.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}
