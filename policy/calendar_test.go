package policy

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	_ "time/tzdata" // CI machines may lack /usr/share/zoneinfo
)

const calLayout = "2006-01-02 15:04 -0700 Mon"

func mustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// at reads "2006-01-02 15:04" in loc.
func at(t testing.TB, loc *time.Location, s string) time.Time {
	t.Helper()
	tm, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

func mustCalendar(t testing.TB, loc *time.Location, holidays ...string) *Calendar {
	t.Helper()
	c, err := NewCalendar(loc, []time.Weekday{time.Saturday, time.Sunday}, holidays)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestAddBusinessDays(t *testing.T) {
	berlin := mustLoc(t, "Europe/Berlin")
	newYork := mustLoc(t, "America/New_York")
	jerusalem := mustLoc(t, "Asia/Jerusalem")
	// Easter Monday 2024, and the end of year.
	berlinCal := mustCalendar(t, berlin, "2024-04-01", "2024-12-25", "2024-12-26", "2025-01-01")
	nyCal := mustCalendar(t, newYork)
	jCal := mustCalendar(t, jerusalem)

	tests := []struct {
		name string
		cal  *Calendar
		from time.Time
		n    int
		want string // in the calendar's zone, calLayout
	}{
		{"Friday 17:00 plus 2 is Tuesday 17:00", berlinCal, at(t, berlin, "2024-03-08 17:00"), 2, "2024-03-12 17:00 +0100 Tue"},
		{"plus 1 within the week", berlinCal, at(t, berlin, "2024-03-12 09:15"), 1, "2024-03-13 09:15 +0100 Wed"},
		{"a Monday holiday pushes to Wednesday", berlinCal, at(t, berlin, "2024-03-29 17:00"), 2, "2024-04-03 17:00 +0200 Wed"},
		{"spring forward, Berlin: wall clock kept", mustCalendar(t, berlin), at(t, berlin, "2024-03-29 17:00"), 1, "2024-04-01 17:00 +0200 Mon"},
		{"fall back, Berlin: wall clock kept", berlinCal, at(t, berlin, "2024-10-25 17:00"), 1, "2024-10-28 17:00 +0100 Mon"},
		{"spring forward, New York", nyCal, at(t, newYork, "2024-03-08 17:00"), 2, "2024-03-12 17:00 -0400 Tue"},
		{"fall back, New York", nyCal, at(t, newYork, "2024-11-01 17:00"), 1, "2024-11-04 17:00 -0500 Mon"},
		{"year boundary with holidays", berlinCal, at(t, berlin, "2024-12-23 17:00"), 3, "2024-12-30 17:00 +0100 Mon"},
		{"into the new year", berlinCal, at(t, berlin, "2024-12-23 17:00"), 5, "2025-01-02 17:00 +0100 Thu"},
		{"n = 0 is the same instant", berlinCal, at(t, berlin, "2024-03-08 17:00"), 0, "2024-03-08 17:00 +0100 Fri"},
		{"n = 0 on a Saturday too", berlinCal, at(t, berlin, "2024-03-09 10:00"), 0, "2024-03-09 10:00 +0100 Sat"},
		{"Saturday counts from Monday 00:00", berlinCal, at(t, berlin, "2024-03-09 10:00"), 2, "2024-03-13 00:00 +0100 Wed"},
		{"a holiday counts from the next business day", berlinCal, at(t, berlin, "2024-04-01 10:00"), 1, "2024-04-03 00:00 +0200 Wed"},
		{"Friday night after the last hour", berlinCal, at(t, berlin, "2024-03-08 23:59"), 1, "2024-03-11 23:59 +0100 Mon"},
		{"midnight is the start of its day", berlinCal, at(t, berlin, "2024-03-11 00:00"), 1, "2024-03-12 00:00 +0100 Tue"},
		{"weeks of business days", berlinCal, at(t, berlin, "2024-03-04 08:00"), 20, "2024-04-02 08:00 +0200 Tue"},
		{"weeks of business days over a holiday", berlinCal, at(t, berlin, "2024-03-18 08:00"), 15, "2024-04-09 08:00 +0200 Tue"},
		{"back 2 from Tuesday is Friday", berlinCal, at(t, berlin, "2024-03-12 17:00"), -2, "2024-03-08 17:00 +0100 Fri"},
		{"back over a Monday holiday", berlinCal, at(t, berlin, "2024-04-03 17:00"), -2, "2024-03-29 17:00 +0100 Fri"},
		{"back from a Saturday", berlinCal, at(t, berlin, "2024-03-09 10:00"), -1, "2024-03-08 00:00 +0100 Fri"},
		// Israel's clocks go forward on a Friday: 02:30 that day does not exist.
		{"a skipped wall-clock time moves forward", jCal, at(t, jerusalem, "2024-03-28 02:30"), 1, "2024-03-29 03:30 +0300 Fri"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.cal.AddBusinessDays(tt.from, tt.n)
			if s := got.Format(calLayout); s != tt.want {
				t.Errorf("AddBusinessDays(%s, %d) = %s, want %s", tt.from.Format(calLayout), tt.n, s, tt.want)
			}
			if got.Location() != tt.cal.Location() {
				t.Errorf("result in %v, want the calendar's zone %v", got.Location(), tt.cal.Location())
			}
		})
	}
}

// The input's own zone does not matter: the calendar reads it in the
// steward's zone.
func TestAddBusinessDaysOtherZone(t *testing.T) {
	berlin := mustLoc(t, "Europe/Berlin")
	cal := mustCalendar(t, berlin)
	// Friday 16:00 UTC is Friday 17:00 in Berlin.
	if got := cal.AddBusinessDays(time.Date(2024, 3, 8, 16, 0, 0, 0, time.UTC), 2); got.Format(calLayout) != "2024-03-12 17:00 +0100 Tue" {
		t.Errorf("from UTC: got %s", got.Format(calLayout))
	}
	// Friday 23:30 UTC is already Saturday in Berlin: it counts from Monday.
	if got := cal.AddBusinessDays(time.Date(2024, 3, 8, 23, 30, 0, 0, time.UTC), 1); got.Format(calLayout) != "2024-03-12 00:00 +0100 Tue" {
		t.Errorf("from UTC late Friday: got %s", got.Format(calLayout))
	}
}

func TestAddBusinessDaysRealDuration(t *testing.T) {
	ny := mustLoc(t, "America/New_York")
	cal := mustCalendar(t, ny)
	from := at(t, ny, "2024-03-08 17:00")
	// Four calendar days, one of them 23 hours long.
	if got := cal.AddBusinessDays(from, 2).Sub(from); got != 95*time.Hour {
		t.Errorf("real interval %v, want 95h", got)
	}
}

func TestBusinessDaysBetween(t *testing.T) {
	berlin := mustLoc(t, "Europe/Berlin")
	cal := mustCalendar(t, berlin, "2024-04-01")
	tests := []struct {
		name string
		a, b string
		want float64
	}{
		{"Friday 17:00 to Tuesday 17:00", "2024-03-08 17:00", "2024-03-12 17:00", 2},
		{"the rest of Friday", "2024-03-08 17:00", "2024-03-09 10:00", 7.0 / 24},
		{"a weekend alone", "2024-03-09 10:00", "2024-03-10 20:00", 0},
		{"Saturday to Wednesday 00:00", "2024-03-09 10:00", "2024-03-13 00:00", 2},
		{"an hour", "2024-03-12 09:00", "2024-03-12 10:00", 1.0 / 24},
		{"over a holiday and a daylight-saving change", "2024-03-28 12:00", "2024-04-02 12:00", 2},
		{"backwards is negative", "2024-03-12 17:00", "2024-03-08 17:00", -2},
		{"same instant", "2024-03-12 17:00", "2024-03-12 17:00", 0},
		{"a year", "2024-01-01 00:00", "2025-01-01 00:00", 261},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cal.BusinessDaysBetween(at(t, berlin, tt.a), at(t, berlin, tt.b))
			if math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("BusinessDaysBetween(%s, %s) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

// AddBusinessDays and BusinessDaysBetween agree, results land on business
// days, and going back undoes going forward, across random times and zones.
func TestCalendarProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	zones := []string{"UTC", "Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata"}
	for _, zone := range zones {
		loc := mustLoc(t, zone)
		cal, err := NewCalendar(loc, []time.Weekday{time.Friday, time.Saturday},
			[]string{"2024-01-01", "2024-03-31", "2024-05-01", "2024-10-27", "2024-11-03", "2024-12-25", "2025-01-01"})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Date(2023, 12, 1, 0, 0, 0, 0, time.UTC)
		for range 500 {
			from := start.Add(time.Duration(rng.Int64N(int64(400 * 24 * time.Hour))))
			// Avoid wall-clock times a daylight-saving change skips or repeats,
			// where "the same wall clock" is ambiguous by design.
			if h := from.In(loc).Hour(); h >= 1 && h <= 3 {
				continue
			}
			n := rng.IntN(40)
			to := cal.AddBusinessDays(from, n)
			if got := cal.BusinessDaysBetween(from, to); math.Abs(got-float64(n)) > 1e-9 {
				t.Fatalf("%s: BusinessDaysBetween(%v, AddBusinessDays(_, %d) = %v) = %v", zone, from, n, to, got)
			}
			if n > 0 && !cal.IsBusinessDay(to) {
				t.Fatalf("%s: AddBusinessDays(%v, %d) = %v is not a business day", zone, from, n, to)
			}
			if cal.IsBusinessDay(from) {
				if back := cal.AddBusinessDays(to, -n); !back.Equal(from) {
					t.Fatalf("%s: AddBusinessDays(AddBusinessDays(%v, %d), -%d) = %v", zone, from, n, n, back)
				}
			}
			// Stepping one day at a time gives the same answer as jumping.
			step := from
			for range n {
				step = cal.AddBusinessDays(step, 1)
			}
			if n > 0 && !step.Equal(to) {
				t.Fatalf("%s: %d single steps from %v give %v, one jump gives %v", zone, n, from, step, to)
			}
		}
	}
}

func TestAddBusinessDaysExtremes(t *testing.T) {
	cal := mustCalendar(t, time.UTC, "2024-03-11")
	from := time.Date(2024, 3, 8, 17, 0, 0, 0, time.UTC)
	// Terminates quickly and does not panic however large n is.
	for _, n := range []int{math.MaxInt, math.MinInt, 1 << 40, -(1 << 40)} {
		_ = cal.AddBusinessDays(from, n)
	}
	// The zero Calendar: every day is a business day, in UTC.
	var zero Calendar
	if got := zero.AddBusinessDays(from, 2); !got.Equal(from.AddDate(0, 0, 2)) {
		t.Errorf("zero Calendar: got %v", got)
	}
}

func TestNewCalendarErrors(t *testing.T) {
	weekend := []time.Weekday{time.Saturday, time.Sunday}
	tests := []struct {
		name     string
		weekend  []time.Weekday
		holidays []string
		want     []string // substrings, all present
	}{
		{"day out of range", weekend, []string{"2024-02-30"}, []string{`holiday 1: "2024-02-30": February 2024 has days 1 to 29, not 30`}},
		{"not a leap year", weekend, []string{"2023-02-29"}, []string{"February 2023 has days 1 to 28"}},
		{"month", weekend, []string{"2024-13-01"}, []string{"month 13 does not exist"}},
		{"short year", weekend, []string{"24-12-25"}, []string{`"24-12-25" is not a date written YYYY-MM-DD`}},
		{"unpadded", weekend, []string{"2024-1-1"}, []string{"YYYY-MM-DD"}},
		{"other separators", weekend, []string{"2024/12/25"}, []string{"YYYY-MM-DD"}},
		{"empty", weekend, []string{""}, []string{`"" is not a date`}},
		{"spaces", weekend, []string{" 2024-12-25"}, []string{"YYYY-MM-DD"}},
		{"signs", weekend, []string{"2024-+1-01"}, []string{"YYYY-MM-DD"}},
		{"every bad one at once", weekend, []string{"2024-12-25", "x", "2024-00-10"}, []string{"holiday 2:", "holiday 3:"}},
		{"no business day", []time.Weekday{0, 1, 2, 3, 4, 5, 6}, nil, []string{"no business day"}},
		{"weekday out of range", []time.Weekday{7}, nil, []string{"weekend day 7"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := NewCalendar(time.UTC, tt.weekend, tt.holidays)
			if err == nil || c != nil {
				t.Fatalf("NewCalendar = %v, %v; want an error", c, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
	c, err := NewCalendar(nil, nil, []string{"2024-02-29", "2024-02-29", "1969-07-20"})
	if err != nil {
		t.Fatalf("valid calendar: %v", err)
	}
	if c.Location() != time.UTC {
		t.Errorf("nil location gives %v, want UTC", c.Location())
	}
	for _, d := range []string{"2024-02-29", "1969-07-20"} {
		if c.IsBusinessDay(at(t, time.UTC, d+" 12:00")) {
			t.Errorf("holiday %s is a business day", d)
		}
	}
}

func TestNextReminder(t *testing.T) {
	berlin := mustLoc(t, "Europe/Berlin")
	cal := mustCalendar(t, berlin, "2024-04-01")
	p := ReminderPolicy{After: 2, Every: 3, Max: 3}
	var never time.Time
	tm := func(s string) time.Time { return at(t, berlin, s) }
	now := tm("2024-06-01 00:00")
	tests := []struct {
		name      string
		requested time.Time
		sign      time.Time
		sent      int
		lastSent  time.Time
		policy    ReminderPolicy
		now       time.Time
		want      string // "" means ok == false
	}{
		{"first, from the request", tm("2024-03-08 17:00"), never, 0, never, p, now, "2024-03-12 17:00 +0100 Tue"},
		{"a sign of life resets the clock", tm("2024-03-08 17:00"), tm("2024-03-11 10:00"), 0, never, p, now, "2024-03-13 10:00 +0100 Wed"},
		{"a sign of life before the request changes nothing", tm("2024-03-08 17:00"), tm("2024-03-01 10:00"), 0, never, p, now, "2024-03-12 17:00 +0100 Tue"},
		{"second, from the first", tm("2024-03-08 17:00"), never, 1, tm("2024-03-12 17:05"), p, now, "2024-03-15 17:05 +0100 Fri"},
		{"third, over a holiday", tm("2024-03-08 17:00"), never, 2, tm("2024-03-28 09:00"), p, now, "2024-04-03 09:00 +0200 Wed"},
		{"a sign of life after a reminder resets the clock", tm("2024-03-08 17:00"), tm("2024-03-13 09:00"), 1, tm("2024-03-12 17:05"), p, now, "2024-03-18 09:00 +0100 Mon"},
		{"max reached", tm("2024-03-08 17:00"), never, 3, tm("2024-03-20 17:00"), p, now, ""},
		{"no reminders at all", tm("2024-03-08 17:00"), never, 0, never, ReminderPolicy{After: 2, Every: 3}, now, ""},
		{"invalid policy", tm("2024-03-08 17:00"), never, 0, never, ReminderPolicy{After: 2, Every: 0, Max: 3}, now, ""},
		{"no request time", never, never, 0, never, p, now, ""},
		{"negative sent", tm("2024-03-08 17:00"), never, -1, never, p, now, ""},
		{"overdue is still due", tm("2024-03-08 17:00"), never, 0, never, p, tm("2024-05-01 12:00"), "2024-03-12 17:00 +0100 Tue"},
		{"a future sign of life counts as now", tm("2024-03-08 17:00"), tm("2024-03-11 10:30"), 0, never, p, tm("2024-03-11 10:00"), "2024-03-13 10:00 +0100 Wed"},
		{"after 0: due at the request", tm("2024-03-08 17:00"), never, 0, never, ReminderPolicy{After: 0, Every: 1, Max: 1}, now, "2024-03-08 17:00 +0100 Fri"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			due, ok := cal.NextReminder(tt.requested, tt.sign, tt.sent, tt.lastSent, tt.policy, tt.now)
			got := ""
			if ok {
				got = due.Format(calLayout)
			} else if !due.IsZero() {
				t.Errorf("ok is false but due is %v", due)
			}
			if got != tt.want {
				t.Errorf("NextReminder = %q, want %q", got, tt.want)
			}
		})
	}
}

// A request watched hour by hour for five weeks gets exactly Max reminders,
// at the expected times, and a steward's comment postpones the next one.
func TestNextReminderSimulation(t *testing.T) {
	berlin := mustLoc(t, "Europe/Berlin")
	cal := mustCalendar(t, berlin, "2024-04-01")
	p := ReminderPolicy{After: 2, Every: 3, Max: 3}
	requested := at(t, berlin, "2024-03-22 17:00") // a Friday
	stewardComment := at(t, berlin, "2024-03-27 11:00")

	var sent []string
	var lastSent, sign time.Time
	for now := requested; now.Before(requested.AddDate(0, 0, 35)); now = now.Add(time.Hour) {
		if !now.Before(stewardComment) {
			sign = stewardComment
		}
		due, ok := cal.NextReminder(requested, sign, len(sent), lastSent, p, now)
		if ok && !due.After(now) {
			sent = append(sent, now.Format(calLayout))
			lastSent = now
		}
	}
	want := []string{
		"2024-03-26 17:00 +0100 Tue", // Friday 17:00 + 2
		"2024-04-02 11:00 +0200 Tue", // the steward's Wednesday comment + 3, over Easter Monday and the clock change
		"2024-04-05 11:00 +0200 Fri", // + 3
	}
	if strings.Join(sent, "\n") != strings.Join(want, "\n") {
		t.Errorf("reminders sent:\n%s\nwant:\n%s", strings.Join(sent, "\n"), strings.Join(want, "\n"))
	}
}

func TestReminderPolicyValidate(t *testing.T) {
	if err := (ReminderPolicy{After: 2, Every: 3, Max: 3}).Validate(); err != nil {
		t.Errorf("default-like policy: %v", err)
	}
	err := ReminderPolicy{After: -1, Every: 0, Max: -2}.Validate()
	for _, w := range []string{"after is -1", "every is 0", "max is -2"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("Validate() = %v, want it to mention %q", err, w)
		}
	}
}

func FuzzParseHoliday(f *testing.F) {
	for _, s := range []string{"2024-12-25", "2024-02-29", "2023-02-29", "0000-01-01", "9999-12-31", "2024-1-01", "abcd-ef-gh", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		day, err := parseHoliday(s)
		if err != nil {
			return
		}
		y, m, d := civilDate(day)
		if back := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Format("2006-01-02"); back != s {
			t.Fatalf("parseHoliday(%q) = day %d = %s", s, day, back)
		}
	})
}

func BenchmarkAddBusinessDays(b *testing.B) {
	holidays := make([]string, 0, 100)
	for y := 2020; y < 2030; y++ {
		for _, md := range []string{"01-01", "05-01", "10-03", "12-25", "12-26"} {
			holidays = append(holidays, time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006")+"-"+md)
		}
	}
	cal := mustCalendar(b, mustLoc(b, "Europe/Berlin"), holidays...)
	from := time.Date(2024, 3, 8, 16, 0, 0, 0, time.UTC)
	for b.Loop() {
		_ = cal.AddBusinessDays(from, 3)
	}
}
