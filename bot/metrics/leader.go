package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/stewardbot/stewardbot/bot"
)

var _ bot.LeaderObserver = (*Metrics)(nil)

// newLeaderGauge registers stewardbot_leader on reg.
func newLeaderGauge(reg *prometheus.Registry) prometheus.Gauge {
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "stewardbot_leader",
		Help: "1 while this process is the one that writes to Bugzilla (the leader among PostgreSQL replicas, or the only process with SQLite), 0 while it follows. Summed over replicas it should be 1.",
	})
	reg.MustRegister(g)
	return g
}

// Leading implements bot.LeaderObserver.
func (m *Metrics) Leading(leading bool) {
	if leading {
		m.leader.Set(1)
		return
	}
	m.leader.Set(0)
}
