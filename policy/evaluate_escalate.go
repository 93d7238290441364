package policy

// escalations collects who must be asked, trust first, each with the codes
// that ask them.
func (e *evaluation) escalations() []Escalation {
	reasons := map[string][]string{}
	add := func(team, code string) {
		for _, c := range reasons[team] {
			if c == code {
				return
			}
		}
		reasons[team] = append(reasons[team], code)
	}
	for _, f := range e.findings {
		if e.trustVerdict[f.Code] {
			add(EscalateTrust, f.Code)
		}
		for _, to := range e.rules.Escalations[f.Code] {
			add(to, f.Code)
		}
	}
	out := []Escalation{}
	for _, team := range []string{EscalateTrust, EscalateLegal} {
		if len(reasons[team]) > 0 {
			out = append(out, Escalation{To: team, Reasons: reasons[team]})
		}
	}
	return out
}
