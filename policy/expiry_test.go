package policy

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestParseReqExpiries(t *testing.T) {
	d := func(v string) Expiry { return Expiry{ExpiryDate, v} }
	v := func(v string) Expiry { return Expiry{ExpiryVersion, v} }
	u := func(v string) Expiry { return Expiry{ExpiryDuration, v} }
	never := Expiry{ExpiryNever, "never"}
	tests := []struct {
		text string
		want []Expiry
	}{
		{"", nil},
		{"This is scoped to a time-limited experiment/project until date 09-30-2027.", []Expiry{d("2027-09-30")}},
		{"until date MM-DD-YYYY", nil},
		{"2027-03-01", []Expiry{d("2027-03-01")}},
		{"2027/3/1", []Expiry{d("2027-03-01")}},
		{"31-12-2026", []Expiry{d("2026-12-31")}}, // the day cannot be a month: read day first
		{"01.03.2027", []Expiry{d("2027-03-01")}}, // dots: day first
		{"02-30-2027", nil},                       // not a date
		{"March 31, 2027", []Expiry{d("2027-03-31")}},
		{"march 3rd 2027", []Expiry{d("2027-03-03")}},
		{"31 March 2027", []Expiry{d("2027-03-31")}},
		{"until June 2027", []Expiry{d("2027-06-30")}},
		{"Until Firefox 152.", []Expiry{v("version 152")}},
		{"expires in version 140", []Expiry{v("version 140")}},
		{"Fx140", []Expiry{v("version 140")}},
		{"v141 or later", []Expiry{v("version 141")}},
		{"Expiry: 150", []Expiry{v("version 150")}},
		{"expires after 90 days", []Expiry{u("90 days")}},
		{"I want this data to be collected for 6 months initially (potentially renewable).", []Expiry{u("6 months")}},
		{"six months", []Expiry{u("6 months")}},
		{"Six (6) months", []Expiry{u("6 months")}},
		{"One year.", []Expiry{u("1 year")}},
		{"a 12-month study", []Expiry{u("12 months")}},
		{"sampled once a day for two weeks", []Expiry{u("2 weeks")}},
		{"reviewed every 6 months", nil},
		{"I want to permanently monitor this data. (Jane Roe)", []Expiry{never}},
		{"never", []Expiry{never}},
		{"Indefinitely", []Expiry{never}},
		{"no expiry", []Expiry{never}},
		{"It does not expire.", []Expiry{never}},
		{"this is not permanent: 3 months", []Expiry{u("3 months")}},
		{"a non-permanent probe, 3 months", []Expiry{u("3 months")}},
		{"Parts of this collection expire at different times: 140, never, 2030-01-01.", []Expiry{v("version 140"), never, d("2030-01-01")}},
		{"Parts of this collection expire at different times: 150, 2027-03-31.\nReview in 6 months.", []Expiry{v("version 150"), d("2027-03-31"), u("6 months")}},
		{"Three months from launch, ending no later than March 31, 2027.", []Expiry{u("3 months"), d("2027-03-31")}},
		{"6 months, then 6 months again", []Expiry{u("6 months")}},
		{"We will collect this for 6 weeks.", []Expiry{u("6 weeks")}},
		{"Until 4 weeks after the study is deployed.", []Expiry{u("4 weeks")}},
		{"For the extent of the experiment.", nil},
		{"Data is retained for 13 months, as all Telemetry.", []Expiry{u("13 months")}},
		{"6 wks", []Expiry{u("6 weeks")}},
		{"about 3 mos", []Expiry{u("3 months")}},
		{"1 yr then review", []Expiry{u("1 year")}},
		{"We will not keep this permanently; 2 weeks.", []Expiry{u("2 weeks")}},
	}
	for _, tt := range tests {
		got := parseReqExpiries(tt.text)
		if diff := cmp.Diff(got, tt.want, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("parseReqExpiries(%q) (-got +want):\n%s", tt.text, diff)
		}
	}
}

func TestParseReqOwner(t *testing.T) {
	tests := []struct {
		text      string
		permanent bool
		want      string
	}{
		{"I want to permanently monitor this data. (Jane Roe)", true, "Jane Roe"},
		{"I want to permanently monitor this data. (put someone's name here)", true, ""},
		{"I want to permanently monitor this data. Jane Roe, jroe@example.com", true, "Jane Roe, jroe@example.com"},
		{"I want to permanently monitor this data.\nWe will look at it monthly.", true, ""},
		{"Parts of this collection expire at different times: 140, never.\nother@example.com will be responsible for the permanent collections.", true, "other@example.com"},
		{"Permanent. Owner: the Search team", true, "the Search team"},
		{"Permanent; monitored by Sam Example.", true, "Sam Example"},
		{"Permanently; the GPU team (gpu-team@example.com) owns it.", true, "gpu-team@example.com"},
		{"6 months", false, ""},
		{"Owner: TBD", true, ""},
	}
	for _, tt := range tests {
		if got := parseReqOwner(tt.text, tt.permanent); got != tt.want {
			t.Errorf("parseReqOwner(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestReqUnreadableExpiry(t *testing.T) {
	tests := []struct{ text, want string }{
		{"", ""},
		{"TBD with the team.", ""},
		{"For the extent of the experiment.", `"For the extent of the experiment" ties the end to the experiment, which has no date here`},
		{"Until the feature ships.", `"Until the feature ships" ties the end to an event, which has no date here`},
		{"A few months.", `"A few months" is not a number`},
		{"For two release cycles.", `"two release cycles" counts releases, not time`},
	}
	for _, tt := range tests {
		if got := reqUnreadableExpiry(tt.text); got != tt.want {
			t.Errorf("reqUnreadableExpiry(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}
