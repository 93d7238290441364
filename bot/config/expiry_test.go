package config

import (
	"strings"
	"testing"
)

func TestExpiryConfigValidate(t *testing.T) {
	tests := []struct {
		cfg  ExpiryConfig
		want string // "" for valid
	}{
		{defaultExpiry(), ""},
		{ExpiryConfig{RemindDays: 0}, ""},
		{ExpiryConfig{RemindDays: 366, RenewalURL: "http://wiki.example/renew"}, ""},
		{ExpiryConfig{RemindDays: -1}, "expiry.remind_days: want 0 (no reminders) to 366 days, not -1"},
		{ExpiryConfig{RemindDays: 400}, "expiry.remind_days"},
		{ExpiryConfig{RemindDays: 30, RenewalURL: "javascript:alert(1)"}, "expiry.renewal_url"},
		{ExpiryConfig{RemindDays: 30, RenewalURL: "renewal.md"}, "expiry.renewal_url"},
	}
	for _, tt := range tests {
		p := &problems{}
		tt.cfg.validate(p)
		err := p.err()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%+v: %v", tt.cfg, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%+v: error %v, want %q", tt.cfg, err, tt.want)
		}
	}
}
