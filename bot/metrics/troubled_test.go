package metrics

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestTroubleMetrics(t *testing.T) {
	m := New(nil)
	m.Failed("write")
	m.Failed("write")
	m.Failed("read")
	m.Troubled("write", 1)
	m.Troubled("read", 0)
	for _, tc := range []struct {
		kind             string
		failures, listed float64
	}{{"read", 1, 0}, {"write", 2, 1}} {
		if got := testutil.ToFloat64(m.trouble.failures.WithLabelValues(tc.kind)); got != tc.failures {
			t.Errorf("stewardbot_bug_failures_total{kind=%q} = %v, want %v", tc.kind, got, tc.failures)
		}
		if got := testutil.ToFloat64(m.trouble.troubled.WithLabelValues(tc.kind)); got != tc.listed {
			t.Errorf("stewardbot_troubled{kind=%q} = %v, want %v", tc.kind, got, tc.listed)
		}
	}
}
