package policy

import (
	"testing"
	"time"
)

func TestExpiryReminderDue(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	auckland, err := time.LoadLocation("Pacific/Auckland")
	if err != nil {
		t.Fatal(err)
	}
	day := func(s string, loc *time.Location) time.Time {
		t.Helper()
		d, ok := ParseExpiryDay(s, loc)
		if !ok {
			t.Fatalf("ParseExpiryDay(%q) failed", s)
		}
		return d
	}
	at := func(s string, loc *time.Location) time.Time {
		t.Helper()
		v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name   string
		expiry time.Time
		now    time.Time
		days   int
		left   int
		due    bool
	}{
		{"well before the window", day("2027-03-01", time.UTC), at("2027-01-01 12:00", time.UTC), 30, 59, false},
		{"the day before the window", day("2027-03-01", time.UTC), at("2027-01-29 23:59", time.UTC), 30, 31, false},
		{"first day of the window", day("2027-03-01", time.UTC), at("2027-01-30 00:00", time.UTC), 30, 30, true},
		{"inside the window", day("2027-03-01", time.UTC), at("2027-02-20 09:00", time.UTC), 30, 9, true},
		{"the expiry day itself", day("2027-03-01", time.UTC), at("2027-03-01 23:59", time.UTC), 30, 0, true},
		{"expired yesterday: no reminder", day("2027-03-01", time.UTC), at("2027-03-02 00:00", time.UTC), 30, -1, false},
		{"long expired", day("2020-03-01", time.UTC), at("2027-03-02 00:00", time.UTC), 30, -2557, false},
		{"zero days turns reminders off", day("2027-03-01", time.UTC), at("2027-03-01 08:00", time.UTC), 0, 0, false},
		{"negative days turns reminders off", day("2027-03-01", time.UTC), at("2027-02-28 08:00", time.UTC), -3, 1, false},
		{"leap day", day("2028-02-29", time.UTC), at("2028-01-30 00:00", time.UTC), 30, 30, true},
		// now is 23:30 UTC on 30 January, which is already 31 January in Berlin.
		{"read in the expiry's zone, not UTC", day("2027-03-02", berlin), at("2027-01-30 23:30", time.UTC), 30, 30, true},
		{"the same instant one zone west is a day earlier", day("2027-03-02", time.UTC), at("2027-01-30 23:30", time.UTC), 30, 31, false},
		// Across the spring DST change in Berlin (28 March 2027) a day is 23 hours.
		{"across a DST change", day("2027-03-29", berlin), at("2027-03-28 00:30", berlin), 1, 1, true},
		{"across a DST change, two days", day("2027-03-30", berlin), at("2027-03-28 00:30", berlin), 1, 2, false},
		{"far east of UTC", day("2027-03-01", auckland), at("2027-02-28 12:00", time.UTC), 1, 0, true}, // 01:00 on 1 March in Auckland
		{"zero expiry", time.Time{}, at("2027-02-28 12:00", time.UTC), 30, DaysUntilExpiry(time.Time{}, at("2027-02-28 12:00", time.UTC)), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DaysUntilExpiry(tt.expiry, tt.now); got != tt.left {
				t.Errorf("DaysUntilExpiry = %d, want %d", got, tt.left)
			}
			if got := ExpiryReminderDue(tt.expiry, tt.now, tt.days); got != tt.due {
				t.Errorf("ExpiryReminderDue(%s, %s, %d) = %v, want %v", tt.expiry, tt.now, tt.days, got, tt.due)
			}
		})
	}
}

func TestExpiryDay(t *testing.T) {
	tests := []struct {
		x    Expiry
		want string // "" for no day
	}{
		{Expiry{Kind: ExpiryDate, Value: "2027-03-01"}, "2027-03-01"},
		{Expiry{Kind: ExpiryDate, Value: " 2027-03-01 "}, "2027-03-01"},
		{Expiry{Kind: ExpiryDate, Value: "2027-02-30"}, ""},
		{Expiry{Kind: ExpiryDate, Value: "03-01-2027"}, ""},
		{Expiry{Kind: ExpiryVersion, Value: "version 140"}, ""},
		{Expiry{Kind: ExpiryDuration, Value: "6 months"}, ""},
		{Expiry{Kind: ExpiryNever, Value: "never"}, ""},
		{Expiry{Kind: ExpiryVersion, Value: "2027-03-01"}, ""}, // the kind decides
	}
	for _, tt := range tests {
		t.Run(string(tt.x.Kind)+" "+tt.x.Value, func(t *testing.T) {
			d, ok := ExpiryDay(tt.x, nil)
			got := ""
			if ok {
				got = d.Format(time.DateOnly)
				if d.Location() != time.UTC || d.Hour() != 0 {
					t.Errorf("day %s is not midnight UTC", d)
				}
			}
			if got != tt.want {
				t.Errorf("ExpiryDay = %q (%v), want %q", got, ok, tt.want)
			}
		})
	}
}
