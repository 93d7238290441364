package bot

import (
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// ownerLookups counts the requests that asked Bugzilla about login.
func (e *e2e) ownerLookups(login string) int {
	n := 0
	for _, r := range e.srv.Requests() {
		if r.Method == http.MethodGet && r.Path == "/rest/user" && slices.Contains(r.Query["names"], login) {
			n++
		}
	}
	return n
}

// With survey.owner_activity on, the "owners" task records what Bugzilla
// says of the granted forms' owners: BMO's last activity, no date from
// upstream 5.2 (unknown, not inactive), no account for an unknown login
// (whose 404 does not lose the others). It asks at most once a day, and a
// rate limit parks the bot and is retried after. Off, it asks nothing.
func TestE2EOwnerActivity(t *testing.T) {
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			for _, on := range []bool{true, false} {
				t.Run(map[bool]string{true: "on", false: "off"}[on], func(t *testing.T) {
					e := newE2E(t, d, func(c *Config) { c.Survey.OwnerActivity = on })
					quiet := e.srv.Now().AddDate(-2, 0, 0).Truncate(time.Second).UTC()
					e.srv.AddUser(bugzillatest.User{Login: "jane@example.test", RealName: "Jane Doe", LastActivity: quiet})
					_, att := e.request("Collect visited URLs", expiringForm(t, "Jane Doe <jane@example.test>, gone@example.test"),
						false, "steward1@example.test")
					e.cycles(2)
					e.grant(att, "steward1@example.test")
					e.cycles(2)

					got, err := e.st.OwnerActivities(e.ctx)
					if err != nil {
						t.Fatal(err)
					}
					if !on {
						if len(got) != 0 || e.ownerLookups("gone@example.test") != 0 {
							t.Fatalf("owner activity off, yet looked up: %+v", got)
						}
						return
					}
					var wantLast time.Time
					if d == bugzillatest.BMO {
						wantLast = quiet
					}
					checked := got[0].CheckedAt
					want := []store.OwnerActivity{
						{Login: "gone@example.test", Found: false, CheckedAt: checked},
						{Login: "jane@example.test", Found: true, LastActivity: wantLast, CheckedAt: checked},
					}
					if diff := cmp.Diff(got, want); diff != "" {
						t.Fatalf("owner activity (-got +want):\n%s", diff)
					}

					asked := e.ownerLookups("gone@example.test")
					e.cycles(3)
					if n := e.ownerLookups("gone@example.test"); n != asked {
						t.Errorf("asked again within the day: %d requests, then %d", asked, n)
					}

					e.advance(25 * time.Hour)
					e.srv.InjectFault(bugzillatest.Fault{Path: "/rest/user", Status: http.StatusTooManyRequests, Times: 1, RetryAfter: time.Hour})
					var parked *ParkedError
					if err := e.cycle(); !errors.As(err, &parked) {
						t.Fatalf("a rate-limited lookup: cycle error %v, want a park", err)
					}
					e.advance(2 * time.Hour)
					before := e.ownerLookups("gone@example.test")
					e.cycles(1)
					if n := e.ownerLookups("gone@example.test"); n <= before {
						t.Errorf("not looked up again after the park")
					}
					got, err = e.st.OwnerActivities(e.ctx)
					if err != nil {
						t.Fatal(err)
					}
					if len(got) != 2 || !got[1].CheckedAt.After(checked) {
						t.Errorf("the check after the park was not recorded: %+v", got)
					}
				})
			}
		})
	}
}
