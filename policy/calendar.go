package policy

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Calendar is business-day arithmetic for one steward: which weekdays are the
// weekend, which dates are holidays, and the time zone both are read in.
// Stewards are asked to answer "within a couple of days"; this says what a
// day is.
//
// The model: business time passes only on business days, each a full
// calendar day from 00:00 to 24:00 local time. So a request made on a
// weekend or a holiday starts counting at 00:00 of the next business day, and
// "n business days later" keeps the wall-clock time (17:00 stays 17:00 across
// a daylight-saving change, though the real interval is an hour shorter or
// longer). A result n > 0 business days on therefore always falls on a
// business day, so a reminder never fires on a weekend or a holiday.
//
// A Calendar is immutable and safe for concurrent use. The zero Calendar has
// no weekend and no holidays, in UTC; build real ones with NewCalendar.
type Calendar struct {
	loc      *time.Location
	weekend  [7]bool
	holidays map[int64]bool // day numbers
	// weekdayHolidays are the holidays that fall on a non-weekend day,
	// sorted: the ones that remove a business day, for counting.
	weekdayHolidays []int64
}

// maxShift bounds AddBusinessDays' n so that no input can overflow the day
// arithmetic: 2³¹ business days is about eight million years.
const maxShift = 1 << 31

// NewCalendar builds a calendar in loc (nil means UTC) with the given weekend
// days and holidays, each written "YYYY-MM-DD" and read as a date in loc.
// It reports every bad holiday at once. A weekend of all seven days is an
// error: there would be no business day to count.
func NewCalendar(loc *time.Location, weekend []time.Weekday, holidays []string) (*Calendar, error) {
	c := &Calendar{loc: loc, holidays: make(map[int64]bool, len(holidays))}
	var errs []error
	for _, d := range weekend {
		if d < time.Sunday || d > time.Saturday {
			errs = append(errs, fmt.Errorf("calendar: weekend day %d is not a weekday", int(d)))
			continue
		}
		c.weekend[d] = true
	}
	if c.perWeek() == 0 {
		errs = append(errs, errors.New("calendar: a weekend of all seven days leaves no business day"))
	}
	for i, s := range holidays {
		day, err := parseHoliday(s)
		if err != nil {
			errs = append(errs, fmt.Errorf("calendar: holiday %d: %w", i+1, err))
			continue
		}
		if c.holidays[day] {
			continue // listed twice: harmless
		}
		c.holidays[day] = true
		if !c.weekend[weekdayOf(day)] {
			c.weekdayHolidays = append(c.weekdayHolidays, day)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	slices.Sort(c.weekdayHolidays)
	return c, nil
}

// parseHoliday reads "YYYY-MM-DD" into a day number.
func parseHoliday(s string) (int64, error) {
	if len(s) != len("2006-01-02") || s[4] != '-' || s[7] != '-' {
		return 0, fmt.Errorf("%q is not a date written YYYY-MM-DD", s)
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 {
		return 0, fmt.Errorf("%q is not a date written YYYY-MM-DD", s)
	}
	if m < 1 || m > 12 {
		return 0, fmt.Errorf("%q: month %d does not exist", s, m)
	}
	month := time.Month(m)
	if last := daysIn(y, month); d < 1 || d > last {
		return 0, fmt.Errorf("%q: %s %d has days 1 to %d, not %d", s, month, y, last, d)
	}
	return dayNumber(y, month, d), nil
}

func digits(s string) (int, bool) {
	n := 0
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

func daysIn(year int, m time.Month) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// Day numbers count days since 1970-01-01 (a Thursday): plain integers make
// the calendar arithmetic exact and independent of time zones.

func dayNumber(y int, m time.Month, d int) int64 {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

func civilDate(n int64) (int, time.Month, int) {
	return time.Unix(n*86400, 0).UTC().Date()
}

func weekdayOf(n int64) time.Weekday {
	return time.Weekday(((n+int64(time.Thursday))%7 + 7) % 7)
}

// Location is the calendar's time zone.
func (c *Calendar) Location() *time.Location {
	if c.loc == nil {
		return time.UTC
	}
	return c.loc
}

// IsBusinessDay reports whether t falls, in the calendar's zone, on a day
// that is neither a weekend day nor a holiday.
func (c *Calendar) IsBusinessDay(t time.Time) bool {
	return c.isBusiness(c.dayOf(t.In(c.Location())))
}

func (c *Calendar) dayOf(local time.Time) int64 {
	y, m, d := local.Date()
	return dayNumber(y, m, d)
}

func (c *Calendar) isBusiness(day int64) bool {
	return !c.weekend[weekdayOf(day)] && !c.holidays[day]
}

func (c *Calendar) perWeek() int64 {
	var n int64
	for _, w := range c.weekend {
		if !w {
			n++
		}
	}
	return n
}

// nextBusiness is the first business day after day. It ends: every week has
// a business weekday and the holidays are finite.
func (c *Calendar) nextBusiness(day int64) int64 {
	for day++; !c.isBusiness(day); day++ {
	}
	return day
}

// count is the number of business days in [from, to), from <= to.
func (c *Calendar) count(from, to int64) int64 {
	if to <= from {
		return 0
	}
	weeks := (to - from) / 7
	n := weeks * c.perWeek()
	for d := from + 7*weeks; d < to; d++ {
		if !c.weekend[weekdayOf(d)] {
			n++
		}
	}
	lo, _ := slices.BinarySearch(c.weekdayHolidays, from)
	hi, _ := slices.BinarySearch(c.weekdayHolidays, to)
	return n - int64(hi-lo)
}

// AddBusinessDays returns the time n business days after t, at the same
// wall-clock time in the calendar's zone: Friday 17:00 plus 2 is Tuesday
// 17:00. A t on a weekend or holiday counts from 00:00 of the next business
// day (Saturday 10:00 plus 2 is Wednesday 00:00: Monday and Tuesday have
// passed in full). For n > 0 the result is always on a business day. n == 0
// returns t itself, in the calendar's zone. A negative n counts back the same
// way, so AddBusinessDays(AddBusinessDays(t, n), -n) == t when t is on a
// business day. n is clamped to ±2³¹.
//
// A wall-clock time that does not exist on the target day (the hour a
// spring-forward skips) comes out one gap later, as time.Date normalises it;
// one that exists twice (a fall-back) is one of the two.
func (c *Calendar) AddBusinessDays(t time.Time, n int) time.Time {
	loc := c.Location()
	local := t.In(loc)
	if n == 0 {
		return local
	}
	steps := max(min(int64(n), maxShift), -maxShift)
	day := c.dayOf(local)
	hour, minute, sec := local.Clock()
	nsec := local.Nanosecond()
	if !c.isBusiness(day) {
		day = c.nextBusiness(day)
		hour, minute, sec, nsec = 0, 0, 0, 0
	}
	if steps > 0 {
		day = c.forward(day, steps)
	} else {
		day = c.backward(day, -steps)
	}
	y, m, d := civilDate(day)
	return time.Date(y, m, d, hour, minute, sec, nsec, loc)
}

// forward is the n-th business day after day (n > 0). It jumps whole weeks
// without overshooting, then steps, so large n cost no more than small ones
// plus the holidays in between.
func (c *Calendar) forward(day, n int64) int64 {
	g := day + 7*((n-1)/c.perWeek())
	got := c.count(day+1, g+1) // business days in (day, g]: at most n-1
	for got < n {
		g++
		if c.isBusiness(g) {
			got++
		}
	}
	return g
}

// backward is the n-th business day before day (n > 0).
func (c *Calendar) backward(day, n int64) int64 {
	g := day - 7*((n-1)/c.perWeek())
	got := c.count(g, day) // business days in [g, day): at most n-1
	for got < n {
		g--
		if c.isBusiness(g) {
			got++
		}
	}
	return g
}

// BusinessDaysBetween is the business time from a to b in days, negative when
// b is before a: Friday 17:00 to Tuesday 17:00 is 2, Friday 17:00 to
// Saturday 10:00 is 7/24 (the rest of Friday), a weekend alone is 0. A
// business day's fraction is read from the wall clock, so the measure agrees
// with AddBusinessDays: BusinessDaysBetween(t, AddBusinessDays(t, n)) == n for
// n >= 0.
func (c *Calendar) BusinessDaysBetween(a, b time.Time) float64 {
	if b.Before(a) {
		return -c.BusinessDaysBetween(b, a)
	}
	da, fa := c.position(a)
	db, fb := c.position(b)
	return float64(c.count(da, db)) - fa + fb
}

// position is t's business day and the fraction of it that has passed; a
// time off business days is at the start of the next business day.
func (c *Calendar) position(t time.Time) (day int64, frac float64) {
	local := t.In(c.Location())
	day = c.dayOf(local)
	if !c.isBusiness(day) {
		return c.nextBusiness(day), 0
	}
	h, m, s := local.Clock()
	secs := float64(h*3600+m*60+s) + float64(local.Nanosecond())/1e9
	return day, secs / 86400
}

// ReminderPolicy says when to remind a steward of a waiting request, in
// business days.
type ReminderPolicy struct {
	After int // from the request, or the steward's last sign of life, to the first reminder
	Every int // from the last reminder, or a later sign of life, to the next
	Max   int // reminders in all; none after this many (0: no reminders)
}

// Validate checks that the policy can be followed: After >= 0, Every >= 1
// (a reminder a day at most), Max >= 0.
func (p ReminderPolicy) Validate() error {
	var errs []error
	if p.After < 0 {
		errs = append(errs, fmt.Errorf("reminders: after is %d business days; want 0 or more", p.After))
	}
	if p.Every < 1 {
		errs = append(errs, fmt.Errorf("reminders: every is %d business days; want 1 or more", p.Every))
	}
	if p.Max < 0 {
		errs = append(errs, fmt.Errorf("reminders: max is %d; want 0 or more", p.Max))
	}
	return errors.Join(errs...)
}

// NextReminder says when the next reminder about a request is due, and
// whether there is one at all.
//
// The first reminder is due p.After business days after the later of
// requested and lastSignOfLife (a comment by the steward, a change to the
// flag: whatever the caller counts). Each later one is due p.Every business
// days after the later of the last reminder (lastSent) and lastSignOfLife, so
// a steward who shows up restarts the clock. Zero times mean "never". ok is
// false once sent reaches p.Max, when the policy is invalid (see Validate)
// and when requested is zero (no request time, no schedule).
//
// The due time may be before now: the reminder is overdue (the bot was
// stopped, say) and the caller should send it. Timestamps after now (a
// server clock ahead of ours) count as now, so clock skew cannot postpone a
// reminder.
func (c *Calendar) NextReminder(requested, lastSignOfLife time.Time, sent int, lastSent time.Time, p ReminderPolicy, now time.Time) (due time.Time, ok bool) {
	if requested.IsZero() || sent < 0 || sent >= p.Max || p.Validate() != nil {
		return time.Time{}, false
	}
	base, delay := latest(requested, lastSignOfLife), p.After
	if sent > 0 {
		base, delay = latest(base, lastSent), p.Every
	}
	if base.After(now) {
		base = now
	}
	return c.AddBusinessDays(base, delay), true
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
