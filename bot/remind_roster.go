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

// awayUntil reports whether login is away at t, and when they are back
// (Steward.AwayUntil); a login not on the roster is never away.
func (ro roster) awayUntil(login string, t time.Time) (time.Time, bool) {
	s, ok := ro.rosterEntry(login)
	if !ok {
		return time.Time{}, false
	}
	return s.AwayUntil(t)
}

// stewardCalendar is login's business-day calendar: their zone, the team's
// weekend and holidays.
func (ro roster) stewardCalendar(login string) *policy.Calendar {
	s, _ := ro.rosterEntry(login)
	cal, err := policy.NewCalendar(s.Location(), weekend, ro.cfg.Holidays)
	if err != nil { // Validate refuses bad holidays; count without them
		cal, _ = policy.NewCalendar(s.Location(), weekend, nil)
	}
	return cal
}
