package metrics

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestLeaderGauge(t *testing.T) {
	m := New(nil)
	const head = `# HELP stewardbot_leader 1 while this process is the one that writes to Bugzilla (the leader among PostgreSQL replicas, or the only process with SQLite), 0 while it follows. Summed over replicas it should be 1.
# TYPE stewardbot_leader gauge
`
	for _, tc := range []struct {
		leading bool
		want    string
	}{{true, "1"}, {false, "0"}, {true, "1"}} {
		m.Leading(tc.leading)
		if err := testutil.GatherAndCompare(m.Registry(), strings.NewReader(head+"stewardbot_leader "+tc.want+"\n"), "stewardbot_leader"); err != nil {
			t.Errorf("after Leading(%v): %v", tc.leading, err)
		}
	}
}
