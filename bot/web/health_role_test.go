package web

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stewardbot/stewardbot/bot"
)

// roleSource is a Source among PostgreSQL replicas.
type roleSource struct {
	fakeSource
	role string
}

func (r *roleSource) Role() string { return r.role }

// TestHeartbeatRole: the heartbeat says which replica leads; a follower
// runs no cycles, so an old last good cycle does not make it unhealthy,
// while a leader with one does fail.
func TestHeartbeatRole(t *testing.T) {
	stale := now0.Add(-time.Hour)
	tests := []struct {
		name     string
		src      roleSource
		wantCode int
		want     heartbeatBody
	}{
		{
			name: "follower", src: roleSource{fakeSource{lastGood: stale}, bot.RoleFollower}, wantCode: 200,
			want: heartbeatBody{Status: "ok", Role: "follower", Checks: map[string]string{"store": "ok", "cycle": "ok"}},
		},
		{
			name: "stale leader", src: roleSource{fakeSource{lastGood: stale}, bot.RoleLeader}, wantCode: 500,
			want: heartbeatBody{Status: "error", Role: "leader", Checks: map[string]string{"store": "ok", "cycle": "error"},
				Details: map[string]string{"cycle": "last good cycle 1h0m0s ago, more than three intervals (15m0s)"}},
		},
		{
			name: "single process", src: roleSource{fakeSource{lastGood: now0}, bot.RoleSingle}, wantCode: 200,
			want: heartbeatBody{Status: "ok", Checks: map[string]string{"store": "ok", "cycle": "ok"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newTestServer(t, &tt.src, nil)
			code, _, body := get(t, s, "/__heartbeat__")
			if code != tt.wantCode {
				t.Errorf("code = %d, want %d; body %s", code, tt.wantCode, body)
			}
			var got heartbeatBody
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatalf("%v: %s", err, body)
			}
			if d := cmp.Diff(got, tt.want); d != "" {
				t.Errorf("body (-got +want):\n%s", d)
			}
		})
	}
}

// TestDashboardRole: among replicas the dashboard says which this one is;
// a single process says nothing about roles.
func TestDashboardRole(t *testing.T) {
	for _, tt := range []struct {
		role, want string
	}{
		{bot.RoleLeader, `This replica is the <span id="role">leader</span>.`},
		{bot.RoleFollower, `This replica is the <span id="role">follower</span>.`},
		{bot.RoleSingle, ""},
	} {
		t.Run(tt.role, func(t *testing.T) {
			s, _ := newTestServer(t, &roleSource{fakeSource{lastGood: now0}, tt.role}, nil)
			code, _, body := get(t, s, "/")
			if code != 200 {
				t.Fatalf("code = %d; body %s", code, body)
			}
			if got := strings.Contains(body, "This replica is"); got != (tt.want != "") || !strings.Contains(body, tt.want) {
				t.Errorf("dashboard of a %q replica does not say %q:\n%s", tt.role, tt.want, body)
			}
		})
	}
}
