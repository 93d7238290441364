package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/stewardbot/stewardbot/bot"
	"github.com/stewardbot/stewardbot/bot/store"
)

var _ bot.TroubleObserver = (*Metrics)(nil)

// troubleCollectors count work that keeps failing on a bug (bot/troubled.go).
type troubleCollectors struct {
	failures *prometheus.CounterVec
	troubled *prometheus.GaugeVec
}

// newTroubleCollectors registers stewardbot_bug_failures_total and
// stewardbot_troubled on reg, both by kind: read or write.
func newTroubleCollectors(reg *prometheus.Registry) troubleCollectors {
	t := troubleCollectors{
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "stewardbot_bug_failures_total",
			Help: "Failures of work on one bug, by kind: read (reading or handling the bug) or write (Bugzilla refused a comment). Each is logged at error level and listed on the dashboard.",
		}, []string{"kind"}),
		troubled: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "stewardbot_troubled",
			Help: "Bugs (read) and writes (write) that keep failing after the last cycle: retried with backoff, or given up on (writes), as the dashboard lists them.",
		}, []string{"kind"}),
	}
	for _, k := range []string{store.TroubleRead, store.TroubleWrite} {
		t.failures.WithLabelValues(k)
		t.troubled.WithLabelValues(k)
	}
	reg.MustRegister(t.failures, t.troubled)
	return t
}

// Failed implements bot.TroubleObserver.
func (m *Metrics) Failed(kind string) { m.trouble.failures.WithLabelValues(kind).Inc() }

// Troubled implements bot.TroubleObserver.
func (m *Metrics) Troubled(kind string, n int) {
	m.trouble.troubled.WithLabelValues(kind).Set(float64(n))
}
