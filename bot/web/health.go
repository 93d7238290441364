package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/stewardbot/stewardbot/bot"
)

// checkTimeout bounds each health check by default, so that a hung store
// or Bugzilla makes the check fail instead of the probe time out.
const checkTimeout = 5 * time.Second

// lbHeartbeat is Dockerflow's load-balancer check: 200 while the process
// serves HTTP, nothing else consulted.
func (s *Server) lbHeartbeat(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
}

// livez is the liveness probe: like /__lbheartbeat__, it says only that the
// process answers, so a Bugzilla outage never restarts the pod.
func (s *Server) livez(w http.ResponseWriter, _ *http.Request) {
	plain(w, http.StatusOK, "ok\n")
}

// readyz is the readiness probe: the store answers and the bot has started
// (authenticated).
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), s.o.CheckTimeout)
	defer cancel()
	if err := s.o.Source.Ping(ctx); err != nil {
		if s.readyLog.allow() {
			s.o.Log.Warn().Err(err).Msg("readyz: store does not answer (further failures this minute not logged)")
		}
		plain(w, http.StatusServiceUnavailable, "store: not reachable\n")
		return
	}
	if !s.o.Source.Started() {
		plain(w, http.StatusServiceUnavailable, "bot: not started\n")
		return
	}
	plain(w, http.StatusOK, "ok\n")
}

// heartbeatBody is /__heartbeat__'s answer: the overall status, each
// check's status, and for each failing check why.
type heartbeatBody struct {
	Status  string            `json:"status"`         // "ok" or "error"
	Role    string            `json:"role,omitempty"` // "leader" or "follower" among PostgreSQL replicas
	Checks  map[string]string `json:"checks"`         // name → "ok" or "error"
	Details map[string]string `json:"details,omitempty"`
}

// heartbeat is Dockerflow's application check: Bugzilla answers (a cached
// check), the store answers, and the last good cycle is younger than three
// poll intervals (or, before the first, the process is). 200 or 500.
//
// The checks run at once, each under its own deadline: a slow Bugzilla
// must not make the store look down. A failing heartbeat is logged at most
// once a minute, however often a monitor asks.
func (s *Server) heartbeat(w http.ResponseWriter, r *http.Request) {
	body := heartbeatBody{Status: "ok", Checks: map[string]string{}, Details: map[string]string{}}
	checks := map[string]func(context.Context) error{"store": s.o.Source.Ping}
	if s.bz != nil {
		checks["bugzilla"] = s.bz.run
	}
	if r, ok := s.o.Source.(roler); ok {
		body.Role = r.Role()
	}
	if body.Role == bot.RoleFollower {
		// A follower runs no cycles: the leader's heartbeat reports them.
		checks["cycle"] = func(context.Context) error { return nil }
	} else {
		checks["cycle"] = s.cycleFresh
	}
	if st, ok := s.o.Source.(startReporter); ok && !s.o.Source.Started() {
		// Waiting out an outage at start: say why the bot is not running.
		checks["start"] = func(context.Context) error { return st.StartError() }
	}
	for name, err := range runChecks(r.Context(), s.o.CheckTimeout, checks) {
		if err == nil {
			body.Checks[name] = "ok"
			continue
		}
		body.Status = "error"
		body.Checks[name] = "error"
		body.Details[name] = err.Error()
	}
	code := http.StatusOK
	if body.Status != "ok" {
		code = http.StatusInternalServerError
		if s.heartbeatLog.allow() {
			s.o.Log.Warn().Interface("checks", body.Checks).Interface("details", body.Details).
				Msg("heartbeat failing (further failures this minute not logged)")
		}
	}
	writeJSON(w, code, body)
}

// startReporter is a Source that says why it has not started yet;
// *bot.Status is one.
type startReporter interface{ StartError() error }

var _ startReporter = (*bot.Status)(nil)

// runChecks runs the checks concurrently, each under its own timeout, and
// returns every one's result. A check that ignores its context is reported
// as timed out rather than waited for.
func runChecks(ctx context.Context, timeout time.Duration, checks map[string]func(context.Context) error) map[string]error {
	type result struct {
		name string
		err  error
	}
	results := make(chan result, len(checks))
	for name, check := range checks {
		go func() {
			cctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			results <- result{name, check(cctx)}
		}()
	}
	out := make(map[string]error, len(checks))
	// Grace past the checks' own deadline for them to return their error.
	late := time.NewTimer(timeout + timeout/10)
	defer late.Stop()
	for len(out) < len(checks) {
		select {
		case r := <-results:
			out[r.name] = r.err
		case <-late.C:
			for name := range checks {
				if _, ok := out[name]; !ok {
					out[name] = fmt.Errorf("no answer within %s", timeout)
				}
			}
		}
	}
	return out
}

// roler is a Source that runs among replicas; *bot.Status is one (Status.Role).
type roler interface{ Role() string }

var _ roler = (*bot.Status)(nil)

// cycleFresh checks that the last good cycle is younger than three intervals.
func (s *Server) cycleFresh(ctx context.Context) error {
	limit := 3 * s.o.Interval
	last, err := s.o.Source.LastGoodCycle(ctx)
	if err != nil {
		return err
	}
	now := s.o.Now()
	if last.IsZero() {
		if now.Sub(s.started) < limit {
			return nil // starting: the first cycle may not have finished yet
		}
		return fmt.Errorf("no good cycle since the server started %s ago", now.Sub(s.started).Round(time.Second))
	}
	if age := now.Sub(last); age > limit {
		return fmt.Errorf("last good cycle %s ago, more than three intervals (%s)", age.Round(time.Second), limit)
	}
	return nil
}

// version serves Dockerflow's version.json.
func (s *Server) version(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	w.Write(s.o.Version)
}

// cachedCheck runs a check at most once per ttl and remembers its result,
// good or bad: a monitor polling /__heartbeat__ every second must not turn
// into a request to Bugzilla every second. Concurrent callers share one run.
type cachedCheck struct {
	check func(ctx context.Context) error
	ttl   time.Duration
	now   func() time.Time

	mu   sync.Mutex
	at   time.Time
	err  error
	done bool
}

func (c *cachedCheck) run(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done && c.now().Sub(c.at) < c.ttl {
		return c.err
	}
	c.err = c.check(ctx)
	c.at, c.done = c.now(), true
	return c.err
}

func plain(w http.ResponseWriter, code int, body string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	fmt.Fprint(w, body)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}
