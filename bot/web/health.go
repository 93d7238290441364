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

// checkTimeout bounds each health check, so that a hung store or Bugzilla
// makes the check fail instead of the probe time out.
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
	ctx, cancel := context.WithTimeout(r.Context(), checkTimeout)
	defer cancel()
	if err := s.o.Source.Ping(ctx); err != nil {
		s.o.Log.Warn().Err(err).Msg("readyz: store does not answer")
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
func (s *Server) heartbeat(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), checkTimeout)
	defer cancel()
	body := heartbeatBody{Status: "ok", Checks: map[string]string{}, Details: map[string]string{}}
	note := func(name string, err error) {
		if err == nil {
			body.Checks[name] = "ok"
			return
		}
		body.Status = "error"
		body.Checks[name] = "error"
		body.Details[name] = err.Error()
	}
	if s.bz != nil {
		note("bugzilla", s.bz.run(ctx))
	}
	note("store", s.o.Source.Ping(ctx))
	if r, ok := s.o.Source.(roler); ok {
		body.Role = r.Role()
	}
	if body.Role == bot.RoleFollower {
		// A follower runs no cycles: the leader's heartbeat reports them.
		note("cycle", nil)
	} else {
		note("cycle", s.cycleFresh(ctx))
	}

	code := http.StatusOK
	if body.Status != "ok" {
		code = http.StatusInternalServerError
		s.o.Log.Warn().Interface("checks", body.Checks).Msg("heartbeat failing")
	}
	writeJSON(w, code, body)
}

// roler is a Source that runs among replicas; *bot.Bot is one (bot.Role).
type roler interface{ Role() string }

var _ roler = (*bot.Bot)(nil)

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
