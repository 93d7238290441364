// Package metrics is stewardbot's Prometheus instrumentation: requests to
// Bugzilla (through an http.RoundTripper), cycles, actions, the queue and
// the rate-limit park. It uses its own registry, never the global one, so
// that tests and several bots in one process do not collide.
//
// Labels are bounded sets: endpoint templates ("/rest/bug/{id}/comment"),
// methods, status codes, kinds and results. Never a bug id, a URL, a query
// or a key.
package metrics

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/stewardbot/stewardbot/bot"
)

// Metrics holds stewardbot's collectors and their registry. It implements
// bot.Observer. Safe for concurrent use.
type Metrics struct {
	reg *prometheus.Registry
	now func() time.Time

	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	cycles   *prometheus.CounterVec
	actions  *prometheus.CounterVec
	pending  prometheus.Gauge
	parked   prometheus.Gauge
	webhooks *prometheus.CounterVec // see webhook.go
	leader   prometheus.Gauge       // see leader.go
	trouble  troubleCollectors      // see troubled.go

	mu     sync.Mutex
	oldest time.Time // the oldest open request; zero when none
}

var _ bot.Observer = (*Metrics)(nil)

// New returns Metrics on a fresh registry holding the Go runtime and process
// collectors too. now is the clock for the oldest request's age (nil:
// time.Now).
func New(now func() time.Time) *Metrics {
	if now == nil {
		now = time.Now
	}
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		now: now,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "stewardbot_bugzilla_requests_total",
			Help: "HTTP requests sent to Bugzilla (each retry counts), by endpoint template, method and status code (\"error\" when no answer came).",
		}, []string{"endpoint", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "stewardbot_bugzilla_request_duration_seconds",
			Help:    "Time from sending a request to Bugzilla to its answer's headers, by endpoint template and method.",
			Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30},
		}, []string{"endpoint", "method"}),
		cycles: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "stewardbot_cycles_total",
			Help: "Bot cycles by result: ok, error, parked, follower (skipped: another replica leads).",
		}, []string{"result"}),
		actions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "stewardbot_actions_total",
			Help: "Marked actions (comments) by kind and result: posted, dry_run, already_done, failed, unknown, rate_limited.",
		}, []string{"kind", "result"}),
		pending: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "stewardbot_pending_requests",
			Help: "Open data-review requests after the last cycle.",
		}),
		parked: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "stewardbot_rate_limit_parked_until_timestamp_seconds",
			Help: "When the rate-limit park ends (Unix time); 0 when the bot is not parked.",
		}),
	}
	oldest := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "stewardbot_oldest_pending_request_age_seconds",
		Help: "Age of the oldest open data-review request; 0 when none is open.",
	}, m.oldestAge)
	for _, r := range []string{bot.CycleOK, bot.CycleError, bot.CycleParked, bot.CycleFollower} {
		m.cycles.WithLabelValues(r) // present from the start, at 0
	}
	m.reg.MustRegister(m.requests, m.duration, m.cycles, m.actions, m.pending, m.parked, oldest,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.webhooks = newWebhookCounter(m.reg)
	m.leader = newLeaderGauge(m.reg)
	m.trouble = newTroubleCollectors(m.reg)
	return m
}

// Registry is the registry holding every collector.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the registry in Prometheus' exposition formats.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// CycleDone implements bot.Observer.
func (m *Metrics) CycleDone(result string) { m.cycles.WithLabelValues(result).Inc() }

// ActionDone implements bot.Observer.
func (m *Metrics) ActionDone(kind, result string) { m.actions.WithLabelValues(kind, result).Inc() }

// QueueState implements bot.Observer.
func (m *Metrics) QueueState(pending int, oldest time.Time) {
	m.pending.Set(float64(pending))
	m.mu.Lock()
	m.oldest = oldest
	m.mu.Unlock()
}

// Parked implements bot.Observer.
func (m *Metrics) Parked(until time.Time) {
	if until.IsZero() {
		m.parked.Set(0)
		return
	}
	m.parked.Set(float64(until.UnixNano()) / 1e9)
}

func (m *Metrics) oldestAge() float64 {
	m.mu.Lock()
	oldest := m.oldest
	m.mu.Unlock()
	if oldest.IsZero() {
		return 0
	}
	return max(m.now().Sub(oldest).Seconds(), 0)
}

// RoundTripper counts and times every request that goes through next (nil:
// http.DefaultTransport), labelled by endpoint template. Give it to the
// Bugzilla client with bugzilla.WithHTTPClient(&http.Client{Transport: ...}).
func (m *Metrics) RoundTripper(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return roundTripper{m: m, next: next}
}

type roundTripper struct {
	m    *Metrics
	next http.RoundTripper
}

func (rt roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	endpoint := EndpointTemplate(req.URL.Path)
	start := rt.m.now()
	resp, err := rt.next.RoundTrip(req)
	rt.m.duration.WithLabelValues(endpoint, req.Method).Observe(max(rt.m.now().Sub(start).Seconds(), 0))
	code := "error"
	if err == nil {
		code = strconv.Itoa(resp.StatusCode)
	}
	rt.m.requests.WithLabelValues(endpoint, req.Method, code).Inc()
	return resp, err
}

// EndpointTemplate turns a request path into a bounded label: the part from
// "/rest" on (a server's base path dropped), numeric segments as {id}, and
// any segment that is not a plain lowercase word (a login, an alias, a list
// of ids) as {name}. Query strings never reach it.
func EndpointTemplate(path string) string {
	i := strings.Index(path, "/rest/")
	switch {
	case i >= 0:
		path = path[i:]
	case strings.HasSuffix(path, "/rest"):
		return "/rest"
	default:
		return "other"
	}
	segs := strings.Split(strings.TrimSuffix(path, "/"), "/")
	for j, s := range segs {
		switch {
		case s == "":
		case isNumber(s):
			segs[j] = "{id}"
		case !isWord(s):
			segs[j] = "{name}"
		}
	}
	return strings.Join(segs, "/")
}

func isNumber(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// isWord accepts the REST API's own path words: lowercase letters and '_'.
func isWord(s string) bool {
	for _, r := range s {
		if (r < 'a' || r > 'z') && r != '_' {
			return false
		}
	}
	return s != "" && len(s) <= 32
}
