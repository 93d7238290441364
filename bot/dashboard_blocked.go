package bot

import (
	"slices"
	"strings"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/policy"
)

// BlockedContact is why an escalation notice could not ask someone: one
// contact who could not be asked, or (Login "") a team with no contact
// configured at all.
type BlockedContact struct {
	Team  string // "trust" or "legal"
	Login string // "" when the team has no contact configured
	Why   string // "cannot see the bug (not in security)"
}

// blockedContacts reads the escalations of one form revision recorded as
// blocked (store.Escalation.Blocked holds "login: why" lines).
func blockedContacts(escs []store.Escalation) []BlockedContact {
	var out []BlockedContact
	for _, e := range escs {
		if e.Status != store.EscalationBlocked {
			continue
		}
		if len(e.Blocked) == 0 && len(e.Asked) == 0 {
			out = append(out, BlockedContact{Team: e.Target, Why: "no contact configured"})
		}
		for _, line := range e.Blocked {
			login, why, ok := strings.Cut(line, ": ")
			if !ok {
				login, why = "", line
			}
			out = append(out, BlockedContact{Team: e.Target, Login: login, Why: why})
		}
	}
	slices.SortStableFunc(out, func(a, b BlockedContact) int { return teamOrder(a.Team) - teamOrder(b.Team) })
	return out
}

// teamOrder puts Trust before Legal, as the notices name them.
func teamOrder(team string) int {
	if team == policy.EscalateTrust {
		return 0
	}
	return 1
}

// BlockedReason says in words why the request's escalation is blocked, ""
// when it is not. masked leaves out the teams, the logins and the bug's
// groups, for a private row shown to anyone: it then says only whether a
// contact is missing from the configuration or could not be asked.
func (e QueueEntry) BlockedReason(masked bool) string {
	var parts []string
	add := func(s string) {
		if !slices.Contains(parts, s) {
			parts = append(parts, s)
		}
	}
	for _, b := range e.Blocked {
		switch {
		case masked && b.Login == "":
			add("no contact configured")
		case masked:
			add("a contact could not be asked")
		case b.Login == "":
			add("no " + teamWords(b.Team) + " contact configured")
		default:
			add(teamWords(b.Team) + " contact " + b.Login + ": " + b.Why)
		}
	}
	return strings.Join(parts, "; ")
}
