package policy

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// checkExpiry applies the expiry norms: a permanent collection names its
// owner, an answered duration gives an expiry, and none ends too far ahead.
func (e *evaluation) checkExpiry() {
	q := e.num(TopicDuration)
	permanent := e.req.Permanent
	for _, x := range e.req.Expiries {
		if x.Kind == ExpiryNever {
			permanent = true
		}
	}
	if permanent && e.rules.Expiry.PermanentNeedsOwner && strings.TrimSpace(e.req.Owner) == "" {
		e.add(CodePermanentWithoutOwner, q, "", fmt.Sprintf(
			"%s asks for permanent collection but names no one to monitor the data over time: "+
				"put the name (or email) of the person responsible where the form says \"put someone's name here\".",
			e.ref(TopicDuration)))
	}
	if !permanent && len(e.req.Expiries) == 0 {
		// An unanswered duration question is reported as missing-answers already.
		if a, ok := e.req.Answer(TopicDuration); ok && a.Answered {
			advice := "write a date as YYYY-MM-DD, a version (\"version 140\"), a duration (\"6 months\"), " +
				"or ask for permanent collection and name its owner."
			if why := reqUnreadableExpiry(a.Text); why != "" {
				advice = why + ". W" + advice[1:]
			}
			e.add(CodeExpiryMissing, q, "", fmt.Sprintf("%s gives no expiry that can be read: %s", e.ref(TopicDuration), advice))
		}
	}
	today := time.Date(e.now.Year(), e.now.Month(), e.now.Day(), 0, 0, 0, 0, time.UTC)
	for _, x := range e.req.Expiries {
		end, ok := expiryEnd(x, today)
		if !ok {
			continue
		}
		days := int(end.Sub(today).Hours() / 24)
		if days <= e.rules.Expiry.MaxDays {
			continue
		}
		e.add(CodeExpiryTooFar, q, "", fmt.Sprintf(
			"%s sets an expiry of %s, %d days from now, more than the %d-day norm: choose an earlier expiry "+
				"and renew the collection if it is still needed then.",
			e.ref(TopicDuration), quote(x.Value), days, e.rules.Expiry.MaxDays))
	}
}

var durationRE = regexp.MustCompile(`(?i)^\s*(\d{1,4})\s*(day|week|month|year)s?\s*$`)

// expiryEnd returns the day an expiry ends, for dates and durations.
func expiryEnd(x Expiry, today time.Time) (time.Time, bool) {
	switch x.Kind {
	case ExpiryDate:
		t, err := time.Parse(time.DateOnly, strings.TrimSpace(x.Value))
		return t, err == nil
	case ExpiryDuration:
		m := durationRE.FindStringSubmatch(x.Value)
		if m == nil {
			return time.Time{}, false
		}
		n, _ := strconv.Atoi(m[1])
		switch strings.ToLower(m[2]) {
		case "day":
			return today.AddDate(0, 0, n), true
		case "week":
			return today.AddDate(0, 0, 7*n), true
		case "month":
			return today.AddDate(0, n, 0), true
		default:
			return today.AddDate(n, 0, 0), true
		}
	}
	return time.Time{}, false
}
