package bot

import (
	"strings"

	"github.com/stewardbot/stewardbot/policy"
)

// rosterEntry returns the roster's entry for login, compared without case.
func (b *Bot) rosterEntry(login string) (Steward, bool) {
	for _, s := range b.cfg.Stewards.Roster {
		if strings.EqualFold(s.Login, login) {
			return s, true
		}
	}
	return Steward{}, false
}

// stewardCalendar is login's business-day calendar: their zone, the team's
// weekend and holidays.
func (b *Bot) stewardCalendar(login string) *policy.Calendar {
	s, _ := b.rosterEntry(login)
	cal, err := policy.NewCalendar(s.Location(), weekend, b.cfg.Stewards.Holidays)
	if err != nil { // Validate refuses bad holidays; count without them
		cal, _ = policy.NewCalendar(s.Location(), weekend, nil)
	}
	return cal
}
