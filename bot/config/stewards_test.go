package config

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseStewardsAndReminders(t *testing.T) {
	const y = `
stewards:
  lead: lead@example.org
  roster:
    - login: s1@example.org
      time_zone: Europe/Berlin
      max_open: 4
      away: [{from: "2026-12-21", to: "2027-01-03"}]
    - login: s2@example.org
  holidays: ["2026-12-25", "2027-01-01"]
  assign_unassigned: false
reminders:
  after: 1
  every: 2
  max: 4
  mode: comment
  max_per_cycle: 7
  max_per_person: 2
`
	cfg, err := ParseConfig([]byte(y))
	if err != nil {
		t.Fatal(err)
	}
	want := StewardsConfig{
		Lead: "lead@example.org",
		Roster: []Steward{
			{Login: "s1@example.org", TimeZone: "Europe/Berlin", MaxOpen: 4, Away: []AwayRange{{From: "2026-12-21", To: "2027-01-03"}}},
			{Login: "s2@example.org"},
		},
		Holidays: []string{"2026-12-25", "2027-01-01"},
	}
	if d := cmp.Diff(cfg.Stewards, want); d != "" {
		t.Errorf("stewards (-got +want):\n%s", d)
	}
	wantR := RemindersConfig{After: 1, Every: 2, Max: 4, Mode: "comment", MaxPerCycle: 7, MaxPerPerson: 2}
	if d := cmp.Diff(cfg.Reminders, wantR); d != "" {
		t.Errorf("reminders (-got +want):\n%s", d)
	}
	if got := cfg.Source.Lines["stewards.roster[0].away[0].from"]; got == 0 {
		t.Errorf("no line recorded for a roster entry's away range")
	}
}

func TestParseStewardsErrors(t *testing.T) {
	for _, tc := range []struct{ name, yaml, field string }{
		{"roster not a list", "stewards:\n  roster: s1@example.org\n", "stewards.roster"},
		{"roster entry not a mapping", "stewards:\n  roster: [s1@example.org]\n", "stewards.roster[0]"},
		{"unknown key in entry", "stewards:\n  roster:\n    - login: s1@example.org\n      tz: UTC\n", "stewards.roster[0].tz"},
		{"holiday a mapping", "stewards:\n  holidays: [{a: b}]\n", "stewards.holidays[0]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tc.yaml))
			if d := cmp.Diff(problemFields(t, err), []string{tc.field}); d != "" {
				t.Errorf("problems (-got +want):\n%s", d)
			}
		})
	}
}

func TestValidateStewardsAndReminders(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(*Config)
		want   []string
	}{
		{"defaults", func(*Config) {}, nil},
		{"bad lead", func(c *Config) { c.Stewards.Lead = "Lead" }, []string{"stewards.lead"}},
		{"bad holiday", func(c *Config) { c.Stewards.Holidays = []string{"2026-02-30"} }, []string{"stewards.holidays"}},
		{"roster", func(c *Config) {
			c.Stewards.Roster = []Steward{
				{Login: "a@example.org", TimeZone: "Mars/Olympus", MaxOpen: -1},
				{Login: "A@example.org", Away: []AwayRange{{From: "2026-12-24", To: "2026-12-20"}, {From: "soon", To: "2026-12-20"}}},
			}
		}, []string{"stewards.roster[0].time_zone", "stewards.roster[0].max_open", "stewards.roster[1].login",
			"stewards.roster[1].away[0]", "stewards.roster[1].away[1].from"}},
		{"reminders", func(c *Config) {
			c.Reminders = RemindersConfig{After: -1, Every: 0, Max: 11, Mode: "email", MaxPerCycle: 0, MaxPerPerson: 0}
		}, []string{"reminders.after", "reminders.every", "reminders.max", "reminders.mode",
			"reminders.max_per_cycle", "reminders.max_per_person"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := validConfig()
			tc.mutate(&c)
			if d := cmp.Diff(problemFields(t, c.Validate()), tc.want); d != "" {
				t.Errorf("problems (-got +want):\n%s", d)
			}
		})
	}
}
