package config

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/stewardbot/stewardbot/policy"
)

// StewardsConfig is the data steward team: who leads it (and hears about
// requests the reminders did not move), who reviews, when they are away,
// and which days nobody works.
type StewardsConfig struct {
	Lead     string    `yaml:"lead"`     // login told when reminders run out or a request has no one
	Roster   []Steward `yaml:"roster"`   // the stewards unassigned requests go to, round-robin
	Holidays []string  `yaml:"holidays"` // YYYY-MM-DD, no business day for anyone
	// AssignUnassigned picks a steward for a request without a requestee;
	// when false the lead is reminded of it instead.
	AssignUnassigned bool `yaml:"assign_unassigned"`
}

// Steward is one member of the roster.
type Steward struct {
	Login    string      `yaml:"login"`
	TimeZone string      `yaml:"time_zone"` // IANA name their business days are read in; default UTC
	MaxOpen  int         `yaml:"max_open"`  // open requests above which none are assigned to them; 0: no cap
	Away     []AwayRange `yaml:"away"`
}

// AwayRange is a steward's absence, both dates included, read in their zone.
type AwayRange struct {
	From string `yaml:"from"` // YYYY-MM-DD
	To   string `yaml:"to"`   // YYYY-MM-DD
}

// RemindersConfig says when and how stewards are reminded of requests.
type RemindersConfig struct {
	After        int    `yaml:"after"`          // business days from the request (or a sign of life) to the first reminder
	Every        int    `yaml:"every"`          // business days between reminders
	Max          int    `yaml:"max"`            // reminders in all; then one notice to the lead
	Mode         string `yaml:"mode"`           // needinfo (a comment with needinfo?) or comment (the comment only)
	MaxPerCycle  int    `yaml:"max_per_cycle"`  // reminders, notices and assignments per cycle
	MaxPerPerson int    `yaml:"max_per_person"` // reminders one person gets in 24 hours
}

// Values of RemindersConfig.Mode.
const (
	RemindNeedinfo = "needinfo"
	RemindComment  = "comment"
)

func defaultStewards() StewardsConfig { return StewardsConfig{AssignUnassigned: true} }

func defaultReminders() RemindersConfig {
	return RemindersConfig{After: 2, Every: 3, Max: 3, Mode: RemindNeedinfo, MaxPerCycle: 20, MaxPerPerson: 3}
}

// Policy is the reminder schedule for policy.NextReminder.
func (r RemindersConfig) Policy() policy.ReminderPolicy {
	return policy.ReminderPolicy{After: r.After, Every: r.Every, Max: r.Max}
}

func (r RemindersConfig) validate(p *problems) {
	if r.After < 0 || r.After > 60 {
		p.addf("reminders.after", "want 0 to 60 business days, not %d", r.After)
	}
	if r.Every < 1 || r.Every > 60 {
		p.addf("reminders.every", "want 1 to 60 business days, not %d", r.Every)
	}
	if r.Max < 0 || r.Max > 10 {
		p.addf("reminders.max", "want 0 to 10 reminders, not %d", r.Max)
	}
	switch r.Mode {
	case RemindNeedinfo, RemindComment:
	default:
		p.addf("reminders.mode", "want %s or %s, not %q", RemindNeedinfo, RemindComment, clip(r.Mode))
	}
	if r.MaxPerCycle < 1 || r.MaxPerCycle > MaxWritesCap {
		p.addf("reminders.max_per_cycle", "want 1 to %d, not %d", MaxWritesCap, r.MaxPerCycle)
	}
	if r.MaxPerPerson < 1 || r.MaxPerPerson > 100 {
		p.addf("reminders.max_per_person", "want 1 to 100, not %d", r.MaxPerPerson)
	}
}

func (s StewardsConfig) validate(p *problems) {
	if s.Lead != "" && !looksLikeEmail(s.Lead) {
		p.addf("stewards.lead", "want the lead's Bugzilla login, an email address, not %q", clip(s.Lead))
	}
	if _, err := policy.NewCalendar(time.UTC, weekend, s.Holidays); err != nil {
		p.addf("stewards.holidays", "%v", err)
	}
	seen := map[string]bool{}
	for i, st := range s.Roster {
		path := fmt.Sprintf("stewards.roster[%d]", i)
		switch {
		case !looksLikeEmail(st.Login):
			p.addf(path+".login", "want the steward's Bugzilla login, an email address, not %q", clip(st.Login))
		case seen[strings.ToLower(st.Login)]:
			p.addf(path+".login", "%s is on the roster twice", st.Login)
		}
		seen[strings.ToLower(st.Login)] = true
		if st.TimeZone != "" {
			if _, err := time.LoadLocation(st.TimeZone); err != nil {
				p.addf(path+".time_zone", "unknown IANA time zone %q", clip(st.TimeZone))
			}
		}
		if st.MaxOpen < 0 {
			p.addf(path+".max_open", "want 0 (no cap) or more, not %d", st.MaxOpen)
		}
		for j, a := range st.Away {
			ap := fmt.Sprintf("%s.away[%d]", path, j)
			from, err1 := time.Parse(time.DateOnly, a.From)
			to, err2 := time.Parse(time.DateOnly, a.To)
			switch {
			case err1 != nil:
				p.addf(ap+".from", "want a date written YYYY-MM-DD, not %q", clip(a.From))
			case err2 != nil:
				p.addf(ap+".to", "want a date written YYYY-MM-DD, not %q", clip(a.To))
			case to.Before(from):
				p.addf(ap, "ends (%s) before it starts (%s)", a.To, a.From)
			}
		}
	}
}

// weekend is the stewards' weekend.
var weekend = []time.Weekday{time.Saturday, time.Sunday}

// Weekend returns the stewards' weekend (a copy: callers may keep it).
func Weekend() []time.Weekday { return slices.Clone(weekend) }

// Location is a steward's time zone: theirs from the roster, else UTC.
// Validate has checked the name; a zone that fails to load anyway is UTC.
func (s Steward) Location() *time.Location {
	if s.TimeZone == "" {
		return time.UTC
	}
	loc, err := time.LoadLocation(s.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// AwayUntil reports whether the steward is away at t (in their zone), and
// when they are back: 00:00 of the day after the range that holds t.
func (s Steward) AwayUntil(t time.Time) (time.Time, bool) {
	loc := s.Location()
	day := t.In(loc).Format(time.DateOnly)
	for _, a := range s.Away {
		if a.From <= day && day <= a.To {
			to, err := time.ParseInLocation(time.DateOnly, a.To, loc)
			if err != nil {
				return time.Time{}, false // Validate refuses this
			}
			return to.AddDate(0, 0, 1), true
		}
	}
	return time.Time{}, false
}
