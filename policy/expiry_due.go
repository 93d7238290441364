package policy

import (
	"strings"
	"time"
)

// The yearly survey's expiry reminder: a reviewed collection with a dated
// expiry is pointed out to its owner a set number of days before it ends.
// Dates are calendar days, read in one time zone (the bot's), so the
// arithmetic here counts days, never hours: a DST change or a zone far from
// UTC cannot move a reminder by a day.

// ExpiryDay returns the day a dated expiry names ("2027-03-01"), as
// midnight in loc. ok is false for an expiry of another kind (a version, a
// duration, never) or a value that is not a real date.
func ExpiryDay(x Expiry, loc *time.Location) (day time.Time, ok bool) {
	if x.Kind != ExpiryDate {
		return time.Time{}, false
	}
	return ParseExpiryDay(x.Value, loc)
}

// ParseExpiryDay reads a normalised expiry date (YYYY-MM-DD) as midnight in
// loc; ok is false when s is not one.
func ParseExpiryDay(s string, loc *time.Location) (day time.Time, ok bool) {
	if loc == nil {
		loc = time.UTC
	}
	t, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(s), loc)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

// DaysUntilExpiry counts the calendar days from now's day to the expiry's
// day, both read in the expiry's time zone: 0 on the day itself, 1 the day
// before, negative once it has passed.
func DaysUntilExpiry(expiry, now time.Time) int {
	now = now.In(expiry.Location())
	civil := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }
	return int(civil(expiry).Sub(civil(now)).Hours() / 24)
}

// ExpiryReminderDue reports whether a reminder about a collection expiring
// on expiry's day is due now: from days calendar days before that day up to
// and including the day itself. days <= 0 turns reminders off. A collection
// whose expiry has passed gets none: it has stopped (or should have), and a
// late reminder would only be noise; the survey report still lists it.
func ExpiryReminderDue(expiry, now time.Time, days int) bool {
	if days <= 0 || expiry.IsZero() {
		return false
	}
	left := DaysUntilExpiry(expiry, now)
	return left >= 0 && left <= days
}
