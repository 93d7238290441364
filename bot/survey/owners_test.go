package survey

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stewardbot/stewardbot/bot/store"
)

func TestOwnerLogins(t *testing.T) {
	tests := []struct {
		owner string
		want  []string
	}{
		{"jane@example.test", []string{"jane@example.test"}},
		{"Jane Doe <Jane.Doe@Example.test>", []string{"jane.doe@example.test"}},
		{"jane@example.test, bob+data@example.org; JANE@example.test", []string{"jane@example.test", "bob+data@example.org"}},
		{"ask jane@example.test.", []string{"jane@example.test"}},
		{"'o'neil@example.test'", []string{"o'neil@example.test"}},
		{"mailto:jane@example.test", []string{"jane@example.test"}},
		{"Telemetry team", nil},
		{":jane (Jane Doe)", nil},
		{"jane@localhost", nil},
		{"@example.test", nil},
		{"", nil},
	}
	for _, tc := range tests {
		t.Run(tc.owner, func(t *testing.T) {
			if diff := cmp.Diff(OwnerLogins(tc.owner), tc.want); diff != "" {
				t.Errorf("OwnerLogins(%q) (-got +want):\n%s", tc.owner, diff)
			}
		})
	}
}

// An owner is no longer active when Bugzilla's last activity is more than a
// year before now; a date the server did not give, or a login not asked
// yet, is unknown (never inactive); a login Bugzilla does not know is
// listed apart, and so is an answer that names no login.
func TestSummariseOwners(t *testing.T) {
	checked := now.Add(-2 * time.Hour)
	owned := func(bug, flag int, owner string) store.ReviewedCollection {
		return with(rc(bug, flag, 2024, "Firefox", 2), func(r *store.ReviewedCollection) { r.Owner = owner })
	}
	rows := []store.ReviewedCollection{
		owned(1, 10, "Quiet One <quiet@example.test>"),
		owned(2, 20, "quiet@example.test, busy@example.test"),
		owned(3, 30, "edge@example.test"),
		owned(4, 40, "silent@example.test"), // BMO gave no date (or upstream 5.2: no field)
		owned(5, 50, "new@example.test"),    // not looked up yet
		owned(6, 60, "gone@example.test"),   // no such account
		owned(7, 70, "Telemetry team"),
		owned(8, 80, ""),
		with(owned(9, 90, "secret@example.test"), func(r *store.ReviewedCollection) { r.BugPrivate = true }),
		with(owned(10, 100, "denied@example.test"), func(r *store.ReviewedCollection) { r.Status = "-" }),
	}
	yearAgo := now.AddDate(-1, 0, 0)
	activity := map[string]store.OwnerActivity{
		"quiet@example.test":  {Login: "quiet@example.test", Found: true, LastActivity: time.Date(2023, 5, 1, 0, 0, 0, 0, time.UTC), CheckedAt: checked},
		"busy@example.test":   {Login: "busy@example.test", Found: true, LastActivity: now.Add(-24 * time.Hour), CheckedAt: checked},
		"edge@example.test":   {Login: "edge@example.test", Found: true, LastActivity: yearAgo, CheckedAt: checked}, // exactly a year: still active
		"silent@example.test": {Login: "silent@example.test", Found: true, CheckedAt: now.Add(-30 * time.Hour)},
		"gone@example.test":   {Login: "gone@example.test", Found: false, CheckedAt: checked},
		"secret@example.test": {Login: "secret@example.test", Found: true, LastActivity: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), CheckedAt: checked},
		"denied@example.test": {Login: "denied@example.test", Found: true, LastActivity: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), CheckedAt: checked},
	}
	names := func(os []Owner) []string {
		var out []string
		for _, o := range os {
			out = append(out, o.Name)
		}
		return out
	}
	tests := []struct {
		name        string
		o           Options
		nilOwners   bool
		inactive    []string
		inactiveOn  []string
		unknown     []string
		noAccount   []string
		notLogin    []string
		active      int
		quietBugs   []int
		checkedDate string
	}{
		{name: "not looked up", o: Options{Now: now}, nilOwners: true},
		{
			name: "private hidden", o: Options{Now: now, Activity: activity},
			inactive: []string{"quiet@example.test"}, inactiveOn: []string{"2023-05-01"},
			unknown: []string{"new@example.test", "silent@example.test"}, noAccount: []string{"gone@example.test"},
			notLogin: []string{"Telemetry team"}, active: 2, quietBugs: []int{1, 2}, checkedDate: "2026-12-06",
		},
		{
			name: "private shown", o: Options{Now: now, Activity: activity, ShowPrivate: true},
			inactive: []string{"secret@example.test", "quiet@example.test"}, inactiveOn: []string{"2020-01-01", "2023-05-01"},
			unknown: []string{"new@example.test", "silent@example.test"}, noAccount: []string{"gone@example.test"},
			notLogin: []string{"Telemetry team"}, active: 2, quietBugs: []int{1, 2}, checkedDate: "2026-12-06",
		},
		{
			name: "a filter that keeps them all", o: Options{Now: now, Activity: activity, Filter: Filter{Year: "2024", Category: "2"}},
			inactive: []string{"quiet@example.test"}, inactiveOn: []string{"2023-05-01"},
			unknown: []string{"new@example.test", "silent@example.test"}, noAccount: []string{"gone@example.test"},
			notLogin: []string{"Telemetry team"}, active: 2, quietBugs: []int{1, 2}, checkedDate: "2026-12-06",
		},
		{
			name: "filtered out", o: Options{Now: now, Activity: activity, Filter: Filter{Year: "2019"}},
		},
		{
			name: "nothing asked yet", o: Options{Now: now, Activity: map[string]store.OwnerActivity{}},
			unknown:  []string{"busy@example.test", "edge@example.test", "gone@example.test", "new@example.test", "quiet@example.test", "silent@example.test"},
			notLogin: []string{"Telemetry team"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := Summarise(rows, tc.o)
			if tc.nilOwners {
				if s.Owners != nil {
					t.Fatalf("Owners = %+v, want nil when activity is not looked up", s.Owners)
				}
				return
			}
			o := s.Owners
			if o == nil {
				t.Fatal("Owners is nil")
			}
			if o.Since != "2025-12-07" {
				t.Errorf("Since = %s, want 2025-12-07", o.Since)
			}
			var on []string
			for _, ow := range o.Inactive {
				on = append(on, ow.LastActivity)
			}
			for _, c := range []struct {
				what      string
				got, want []string
			}{
				{"inactive", names(o.Inactive), tc.inactive}, {"inactive since", on, tc.inactiveOn},
				{"unknown", names(o.Unknown), tc.unknown}, {"no account", names(o.NoAccount), tc.noAccount},
				{"not a login", names(o.NotLogin), tc.notLogin},
			} {
				if diff := cmp.Diff(c.got, c.want); diff != "" {
					t.Errorf("%s (-got +want):\n%s", c.what, diff)
				}
			}
			if o.Active != tc.active {
				t.Errorf("Active = %d, want %d", o.Active, tc.active)
			}
			if o.CheckedAt != tc.checkedDate {
				t.Errorf("CheckedAt = %q, want %q", o.CheckedAt, tc.checkedDate)
			}
			if tc.quietBugs != nil {
				var bugs []int
				for _, ow := range o.Inactive {
					if ow.Name == "quiet@example.test" {
						for _, it := range ow.Items {
							bugs = append(bugs, it.BugID)
						}
					}
				}
				if diff := cmp.Diff(bugs, tc.quietBugs); diff != "" {
					t.Errorf("quiet's collections (-got +want):\n%s", diff)
				}
			}
		})
	}
}
