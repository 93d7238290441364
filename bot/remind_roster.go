package bot

import (
	"strings"
	"time"

	"github.com/stewardbot/stewardbot/policy"
)

// roster is the configured stewards (stewards.*): who is on the roster,
// when they are away, and the business days they count in. The reminders
// and the dashboard's waiting times go by it.
type roster struct{ cfg StewardsConfig }

func newRoster(cfg StewardsConfig) roster { return roster{cfg: cfg} }

var _ stewardRoster = roster{}

// rosterEntry returns the roster's entry for login, compared without case.
func (ro roster) rosterEntry(login string) (Steward, bool) {
	for _, s := range ro.cfg.Roster {
		if strings.EqualFold(s.Login, login) {
			return s, true
		}
	}
	return Steward{}, false
}

// location is a steward's time zone: theirs from the roster, else UTC.
// Validate has checked the name; a zone that fails to load anyway is UTC.
func (s Steward) location() *time.Location {
	if s.TimeZone == "" {
		return time.UTC
	}
	loc, err := time.LoadLocation(s.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// awayUntil reports whether the steward is away at t (in their zone), and
// when they are back: 00:00 of the day after the range that holds t.
func (s Steward) awayUntil(t time.Time) (time.Time, bool) {
	loc := s.location()
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

// stewardCalendar is login's business-day calendar: their zone, the team's
// weekend and holidays.
func (ro roster) stewardCalendar(login string) *policy.Calendar {
	s, _ := ro.rosterEntry(login)
	cal, err := policy.NewCalendar(s.location(), weekend, ro.cfg.Holidays)
	if err != nil { // Validate refuses bad holidays; count without them
		cal, _ = policy.NewCalendar(s.location(), weekend, nil)
	}
	return cal
}
