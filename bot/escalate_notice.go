package bot

import (
	"fmt"
	"slices"
	"strings"

	"github.com/stewardbot/stewardbot/policy"
)

// maxNoticePlaces bounds the measurements a notice names for one finding
// code; the analysis comment lists them all.
const maxNoticePlaces = 5

// teamContacts is who the bot may ask on a bug for one team.
type teamContacts struct {
	team string
	cc   *contactCheck
}

// escalationNotice is the text of the one notice about a form revision:
// which teams it needs, which finding codes call for each (with the
// questions and measurements concerned, quoted inertly) and who is asked.
// It links the analysis comment (analysis, its number on the bug; 0 when
// unknown) rather than repeating it: "comment N" is a link on BMO and on
// upstream Bugzilla alike. Contacts that could not be asked are counted,
// never named. contacts is nil until they are checked.
func escalationNotice(escs []policy.Escalation, f *foundForm, a *policy.Analysis, force *forcedEscalation,
	contacts []teamContacts, needinfo bool, ft textFormat, analysis int) string {
	var teams []string
	reasons := false
	for _, e := range escs {
		teams = append(teams, teamWords(e.To))
		reasons = reasons || len(e.Reasons) > 0
	}
	both := strings.Join(teams, " and ")
	var s strings.Builder
	s.WriteString(ft.strong("stewardbot: this data review request needs "+both) + "\n\n")
	if force != nil {
		fmt.Fprintf(&s, "Escalated as asked in comment %d by %s.", force.comment, ft.code(force.by, 100))
		if !reasons {
			s.WriteString(" The analysis itself found no reason to escalate.")
		}
		s.WriteString("\n\n")
	}
	where := "the bot's analysis comment above"
	if analysis > 0 {
		where = fmt.Sprintf("comment %d", analysis)
	}
	switch {
	case f != nil && reasons:
		fmt.Fprintf(&s, "The analysis of %s (revision %s), in %s, found what the data review policy sends to %s; "+
			"it explains each finding:\n\n", formPlace(f), ft.name(f.Rev), where, both)
		// Teams sent the request for the same reasons share a line.
		var lines, who []string
		for _, e := range escs {
			if len(e.Reasons) == 0 {
				continue
			}
			var codes []string
			for _, code := range e.Reasons {
				codes = append(codes, reasonPlaces(a, code, ft))
			}
			line := strings.Join(codes, ", ")
			if i := slices.Index(lines, line); i >= 0 {
				who[i] += " and " + teamWords(e.To)
				continue
			}
			lines, who = append(lines, line), append(who, teamWords(e.To))
		}
		for i, line := range lines {
			fmt.Fprintf(&s, "- %s: %s\n", who[i], line)
		}
		s.WriteString("\n")
	case f != nil:
		fmt.Fprintf(&s, "The request's form is %s (revision %s), analysed in %s.\n\n", formPlace(f), ft.name(f.Rev), where)
	}
	for _, tc := range contacts {
		s.WriteString("- " + contactWords(tc, needinfo, ft) + "\n")
	}
	if len(contacts) > 0 {
		s.WriteString("\n")
	}
	s.WriteString(ft.em("This is not a review: only a data steward sets data-review+ or data-review-."))
	return s.String()
}

// reasonPlaces names a finding code and where the analysis found it:
// "`category-4` (Q5: `a`, `b`)".
func reasonPlaces(a *policy.Analysis, code string, ft textFormat) string {
	var qs []int
	var ms []string
	if a != nil {
		for _, fd := range a.Findings {
			if fd.Code != code {
				continue
			}
			if fd.Question > 0 && !slices.Contains(qs, fd.Question) {
				qs = append(qs, fd.Question)
			}
			if fd.Measurement != "" && !slices.Contains(ms, fd.Measurement) {
				ms = append(ms, fd.Measurement)
			}
		}
	}
	var parts []string
	for _, q := range qs {
		parts = append(parts, fmt.Sprintf("Q%d", q))
	}
	place := strings.Join(parts, ", ")
	if len(ms) > 0 {
		var names []string
		for i, m := range ms {
			if i == maxNoticePlaces {
				names = append(names, fmt.Sprintf("%d more", len(ms)-i))
				break
			}
			names = append(names, ft.code(m, 100))
		}
		if place != "" {
			place += ": "
		}
		place += strings.Join(names, ", ")
	}
	if place == "" {
		return ft.code(code, 60)
	}
	return ft.code(code, 60) + " (" + place + ")"
}

// contactWords says whom the notice asks for one team.
func contactWords(tc teamContacts, needinfo bool, ft textFormat) string {
	team, cc := teamWords(tc.team), tc.cc
	var s strings.Builder
	switch {
	case len(cc.ask) > 0 && needinfo:
		fmt.Fprintf(&s, "%s: asking %s with needinfo.", team, loginList(cc.ask, ft))
	case len(cc.ask) > 0:
		fmt.Fprintf(&s, "%s contacts: %s.", team, loginList(cc.ask, ft))
	case len(cc.blocked) == 0:
		fmt.Fprintf(&s, "No %s contact is configured; a data steward will forward this.", team)
	}
	if n := len(cc.blocked); n > 0 {
		if len(cc.ask) > 0 {
			s.WriteString(" ")
		}
		fmt.Fprintf(&s, "%d configured %s contact(s) could not be asked here (they may not be able to see this bug); "+
			"the stewards' dashboard lists this escalation as blocked.", n, team)
	}
	return s.String()
}

func teamWords(team string) string {
	switch team {
	case policy.EscalateTrust:
		return "Trust"
	case policy.EscalateLegal:
		return "Legal"
	}
	return policy.InlineText(team, 20)
}

// loginList names logins inertly: in markdown escaped, so no autolink or
// mention forms; in plain text as they are, to be copied.
func loginList(logins []string, ft textFormat) string {
	out := make([]string, len(logins))
	for i, l := range logins {
		out[i] = ft.inline(l, 100)
	}
	return strings.Join(out, ", ")
}
