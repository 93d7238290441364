package policy

import (
	"fmt"
	"regexp"
	"strings"
)

// checkDefaultOn compares a default-on request with the default-on table.
func (e *evaluation) checkDefaultOn() {
	if tri(e.req.DefaultOn) != Yes {
		return
	}
	e.checkOptOut()
	c := e.highest
	if c == 0 || c == 4 { // unknown, or flagged as category-4 already
		return
	}
	rel, pre := tri(e.req.Release), tri(e.req.PreRelease)
	pop := e.ref(TopicPopulations)
	switch {
	case rel != No:
		v := e.rules.DefaultOn.Verdict(ChannelRelease, c)
		if v == VerdictAllowed {
			return
		}
		where := pop + " includes release channels"
		if rel == Unknown {
			where = pop + " does not limit it to pre-release channels (Nightly, Beta...)"
		}
		e.defaultOnFinding(ChannelRelease, c, v, where)
	case pre != No:
		v := e.rules.DefaultOn.Verdict(ChannelPreRelease, c)
		if v == VerdictAllowed && c != 3 {
			return
		}
		e.defaultOnFinding(ChannelPreRelease, c, v, pop+" limits it to pre-release channels")
	}
}

func (e *evaluation) defaultOnFinding(ch Channel, c int, v Verdict, where string) {
	q := e.num(TopicMeasurements)
	name, names := e.measurementsOf(c)
	code := CodeDefaultOnNotEligible
	switch {
	case c == 3 && ch == ChannelRelease:
		code = CodeCategory3DefaultOnRelease
	case c == 3:
		code = CodeCategory3PreReleaseDefaultOn
	}
	if v == VerdictNeedsTrust {
		e.trustVerdict[code] = true
	}
	what := fmt.Sprintf("The collection is default-on and its highest category is %d (%s: %s); %s.", c, categoryName[c], names, where)
	product := ""
	if p := e.productName(); p != "" {
		product = " for " + p
	}
	var msg string
	switch v {
	case VerdictAllowed: // only category 3 in pre-release reaches here
		msg = what + " Category 3 data may be default-on in pre-release channels: confirm it stays default-off in release."
	case VerdictNeedsTrust:
		msg = what + fmt.Sprintf(" Default-on %s collection of category %d needs prior Trust approval%s, so the request goes to Trust", ch, c, product)
		if ch == ChannelRelease && c == 3 {
			msg += " and Legal"
		}
		msg += ". To avoid that, make it default-off"
		if ch == ChannelRelease {
			msg += " in release, or limit it to pre-release channels"
		}
		msg += "."
	default:
		msg = what + fmt.Sprintf(" Category %d data may not be default-on in %s%s: make it default-off (opt-in)", c, channelName(ch), product)
		if ch == ChannelRelease {
			msg += " in release, or limit it to pre-release channels"
		}
		msg += "."
	}
	e.add(code, q, name, msg)
}

func channelName(ch Channel) string {
	if ch == ChannelPreRelease {
		return "pre-release"
	}
	return string(ch)
}

func (e *evaluation) productName() string {
	if e.rules == nil {
		return ""
	}
	return e.rules.product
}

// measurementsOf returns the first measurement of category c and a short list of them.
func (e *evaluation) measurementsOf(c int) (first, list string) {
	var names []string
	for _, m := range e.req.Measurements {
		if m.Category == c {
			names = append(names, quote(m.Name))
		}
	}
	if len(names) == 0 {
		return "", "no measurement named"
	}
	first = e.firstName(c)
	if len(names) > 3 {
		return first, strings.Join(names[:3], ", ") + fmt.Sprintf(" and %d more", len(names)-3)
	}
	return first, strings.Join(names, ", ")
}

func (e *evaluation) firstName(c int) string {
	for _, m := range e.req.Measurements {
		if m.Category == c {
			return m.Name
		}
	}
	return ""
}

// noOptOut matches answers that say there is no opt-out.
var noOptOut = regexp.MustCompile(`(?i)^\W*(n/?a|none|no|nothing|not applicable|there is (no|none)|no opt[- ]?out)\b[\W]*$`)

func (e *evaluation) hasOptOut() bool {
	if s := strings.TrimSpace(e.req.OptOut); s != "" && !noOptOut.MatchString(s) {
		return true
	}
	a, ok := e.req.Answer(TopicOptOut)
	return ok && a.Answered && !noOptOut.MatchString(strings.TrimSpace(a.Text))
}

func (e *evaluation) checkOptOut() {
	if e.hasOptOut() {
		return
	}
	where := "the form"
	if n := e.num(TopicOptOut); n > 0 {
		where = fmt.Sprintf("Q%d", n)
	}
	e.add(CodeDefaultOnWithoutOptOut, e.num(TopicOptOut), "", fmt.Sprintf(
		"The collection is default-on but %s describes no opt-out: a default-on collection must always have one. "+
			"Say how users turn it off (for example the \"Send technical and interaction data\" preference for Telemetry and Glean).",
		where))
}
