// Package web is stewardbot's HTTP server: Mozilla's Dockerflow endpoints
// (/__lbheartbeat__, /__heartbeat__, /__version__), the Kubernetes probes
// /livez and /readyz, Prometheus metrics at /metrics, the steward
// dashboard at /, and, when enabled, BMO's webhooks at /webhooks/bugzilla.
//
// It reads the bot through the small Source interface, so that it can run
// over any bot (the daemon, the demo, a test fake), and it never writes to
// Bugzilla: a webhook only marks a bug for the bot to look at (Nudger).
package web

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/rs/zerolog"

	"github.com/stewardbot/stewardbot/bot"
)

// Source is what the server reads from the bot; *bot.Status (bot.Bot.Status) implements it.
type Source interface {
	// Queue lists the open requests, oldest first.
	Queue(ctx context.Context) ([]bot.QueueEntry, error)
	// Ping checks the store.
	Ping(ctx context.Context) error
	// Started reports whether the bot has authenticated.
	Started() bool
	// LastGoodCycle is when the last clean cycle started (zero: none yet).
	LastGoodCycle(ctx context.Context) (time.Time, error)
}

var _ Source = (*bot.Status)(nil)

// Options configure a Server. Source is required; the rest have defaults.
type Options struct {
	Source Source
	// Bugzilla checks that Bugzilla answers, for /__heartbeat__. The server
	// caches its result for BugzillaCacheFor, so a busy monitor costs
	// Bugzilla at most one request per period. Nil skips the check.
	Bugzilla         func(ctx context.Context) error
	BugzillaCacheFor time.Duration // default 1 minute
	// CheckTimeout bounds each of /__heartbeat__'s checks, and /readyz's.
	// Default 5 seconds.
	CheckTimeout time.Duration
	// Interval is the poll interval: /__heartbeat__ fails when the last
	// good cycle is older than three of them. Default 5 minutes.
	Interval time.Duration
	// Metrics serves /metrics; nil answers 404.
	Metrics http.Handler
	// Version is the body of /__version__ (Dockerflow's version.json).
	Version []byte
	// ShowPrivate shows private requests' details on the dashboard.
	ShowPrivate bool
	// Webhook serves POST /webhooks/bugzilla (webhook.go); nil answers 404.
	Webhook *WebhookOptions
	Now     func() time.Time // default time.Now
	Log     zerolog.Logger
}

// Server is the HTTP handler. Build it with New.
type Server struct {
	o       Options
	mux     *http.ServeMux
	started time.Time
	bz      *cachedCheck
	// heartbeatLog lets one "heartbeat failing" line through a minute.
	heartbeatLog *rateLimitedLog
	readyLog     *rateLimitedLog // the same for /readyz's store failures
}

// New builds the server's handler.
func New(o Options) (*Server, error) {
	if o.Source == nil {
		return nil, errors.New("web: nil Source")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Interval <= 0 {
		o.Interval = 5 * time.Minute
	}
	if o.BugzillaCacheFor <= 0 {
		o.BugzillaCacheFor = time.Minute
	}
	if o.CheckTimeout <= 0 {
		o.CheckTimeout = checkTimeout
	}
	s := &Server{o: o, mux: http.NewServeMux(), started: o.Now(),
		heartbeatLog: &rateLimitedLog{every: time.Minute, now: o.Now},
		readyLog:     &rateLimitedLog{every: time.Minute, now: o.Now}}
	if o.Bugzilla != nil {
		s.bz = &cachedCheck{check: o.Bugzilla, ttl: o.BugzillaCacheFor, now: o.Now}
	}
	s.mux.HandleFunc("GET /__lbheartbeat__", s.lbHeartbeat)
	s.mux.HandleFunc("GET /__heartbeat__", s.heartbeat)
	s.mux.HandleFunc("GET /__version__", s.version)
	s.mux.HandleFunc("GET /livez", s.livez)
	s.mux.HandleFunc("GET /readyz", s.readyz)
	if o.Metrics != nil {
		s.mux.Handle("GET /metrics", o.Metrics)
	}
	if o.Webhook != nil {
		wh, err := newWebhook(s, *o.Webhook)
		if err != nil {
			return nil, err
		}
		s.mux.Handle(WebhookPath, wh) // every method: webhook.go answers 405 itself, and counts it
	}
	s.mux.HandleFunc("GET /style.css", s.style)
	s.mux.HandleFunc("GET /{$}", s.dashboard)
	s.mux.HandleFunc("GET /survey", s.survey)
	s.mux.HandleFunc("GET /survey.css", s.surveyStyle)
	return s, nil
}

// ServeHTTP sets the headers every answer shares and routes the request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
	s.mux.ServeHTTP(w, r)
}

// Serve answers on ln until ctx is cancelled, then shuts down gracefully
// (in-flight requests get five seconds).
func Serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("web: serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("web: shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("web: serve: %w", err)
	}
	return nil
}
