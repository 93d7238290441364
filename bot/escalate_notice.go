package bot

import (
	"fmt"
	"strings"

	"github.com/stewardbot/stewardbot/policy"
)

// maxNoticeFindings bounds the findings one notice lists.
const maxNoticeFindings = 20

// escalationNotice is the text of the notice to one team: why (the finding
// codes and, for each, the questions or measurements concerned, requester
// text quoted inertly), which form, and who is asked. Contacts that could
// not be asked are counted, never named.
func escalationNotice(e policy.Escalation, f *foundForm, a *policy.Analysis, force *forcedEscalation,
	cc *contactCheck, needinfo bool, ft textFormat) string {
	team := teamWords(e.To)
	var s strings.Builder
	s.WriteString(ft.strong("stewardbot: this data review request needs "+team) + "\n\n")
	if force != nil {
		fmt.Fprintf(&s, "Escalated as asked in comment %d by %s.", force.comment, ft.code(force.by, 100))
		if len(e.Reasons) == 0 {
			s.WriteString(" The analysis itself found no reason to escalate.")
		}
		s.WriteString("\n\n")
	}
	switch {
	case f != nil && len(e.Reasons) > 0:
		fmt.Fprintf(&s, "The analysis of %s (revision %s) found what the data review policy sends to %s:\n\n",
			formPlace(f), ft.name(f.Rev), team)
	case f != nil:
		fmt.Fprintf(&s, "The request's form is %s (revision %s).\n\n", formPlace(f), ft.name(f.Rev))
	}
	shown := 0
	for _, code := range e.Reasons {
		found := false
		if a != nil {
			for _, fd := range a.Findings {
				if fd.Code != code {
					continue
				}
				found = true
				if shown == maxNoticeFindings {
					continue
				}
				shown++
				fmt.Fprintf(&s, "- %s", ft.code(fd.Code, 60))
				if where := findingPlace(fd, ft); where != "" {
					s.WriteString(" (" + where + ")")
				}
				s.WriteString(": " + ft.inline(fd.Message, 600) + "\n")
			}
		}
		if !found {
			fmt.Fprintf(&s, "- %s\n", ft.code(code, 60))
		}
	}
	if total := countReasonFindings(a, e.Reasons); total > shown && shown == maxNoticeFindings {
		fmt.Fprintf(&s, "- … and %d more (see the analysis).\n", total-shown)
	}
	if len(e.Reasons) > 0 {
		s.WriteString("\n")
	}
	if cc != nil {
		switch {
		case len(cc.ask) > 0 && needinfo:
			fmt.Fprintf(&s, "Asking %s with needinfo.", loginList(cc.ask, ft))
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
		s.WriteString("\n\n")
	}
	s.WriteString(ft.em("This is not a review: only a data steward sets data-review+ or data-review-."))
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

// findingPlace says which question and measurement a finding is about.
func findingPlace(f policy.Finding, ft textFormat) string {
	var parts []string
	if f.Question > 0 {
		parts = append(parts, fmt.Sprintf("Q%d", f.Question))
	}
	if f.Measurement != "" {
		parts = append(parts, "measurement "+ft.code(f.Measurement, 100))
	}
	return strings.Join(parts, ", ")
}

func countReasonFindings(a *policy.Analysis, codes []string) int {
	if a == nil {
		return 0
	}
	n := 0
	for _, f := range a.Findings {
		for _, c := range codes {
			if f.Code == c {
				n++
				break
			}
		}
	}
	return n
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
