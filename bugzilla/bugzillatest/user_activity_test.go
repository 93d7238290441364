package bugzillatest

import (
	"testing"
	"time"
)

// User.get's activity dates follow each dialect: BMO sends
// last_activity_time and last_seen_date (dateTime, null when the account
// never acted) to a logged-in caller only; upstream 5.2 sends neither.
func TestUserGetLastActivity(t *testing.T) {
	when := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	const path = "/rest/user?names=steward1%40example.test"
	for _, tc := range []struct {
		name    string
		dialect Dialect
		key     string
		set     time.Time
		want    any // nil: the key is absent; "null": present and null
	}{
		{"BMO logged in", BMO, botKey, when, "2024-05-06T07:08:09Z"},
		{"BMO logged in, never acted", BMO, botKey, time.Time{}, "null"},
		{"BMO logged out", BMO, "", when, nil},
		{"upstream logged in", Upstream, botKey, when, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := NewServer(t, WithDialect(tc.dialect))
			seedWorld(t, srv)
			srv.SetUserActivity("steward1@example.test", tc.set)
			users := get(t, srv, path, tc.key).object(t)["users"].([]any)
			u := users[0].(map[string]any)
			for _, field := range []string{"last_activity_time", "last_seen_date"} {
				got, present := u[field]
				switch {
				case tc.want == nil && present:
					t.Errorf("%s = %v, want no such key", field, got)
				case tc.want == "null" && (!present || got != nil):
					t.Errorf("%s = %v (present %v), want null", field, got, present)
				case tc.want != nil && tc.want != "null" && got != tc.want:
					t.Errorf("%s = %v, want %v", field, got, tc.want)
				}
			}
		})
	}
}
