package config

import "net/url"

// ExpiryConfig controls the reminder before a reviewed collection's dated
// expiry (see expiry.go).
type ExpiryConfig struct {
	// RemindDays is how many days before a dated expiry the bot posts its
	// one reminder on the bug; 0 turns the reminders off.
	RemindDays int `yaml:"remind_days"`
	// RenewalURL is the renewal request form the reminder links to; empty
	// links nothing.
	RenewalURL string `yaml:"renewal_url"`
}

// Defaults of ExpiryConfig.
const (
	DefaultExpiryRemindDays = 30
	DefaultRenewalURL       = "https://github.com/mozilla/data-review/blob/main/renewal_request.md"
	maxExpiryRemindDays     = 366
)

func defaultExpiry() ExpiryConfig {
	return ExpiryConfig{RemindDays: DefaultExpiryRemindDays, RenewalURL: DefaultRenewalURL}
}

func (e ExpiryConfig) validate(p *problems) {
	if e.RemindDays < 0 || e.RemindDays > maxExpiryRemindDays {
		p.addf("expiry.remind_days", "want 0 (no reminders) to %d days, not %d", maxExpiryRemindDays, e.RemindDays)
	}
	if e.RenewalURL != "" {
		if u, err := url.Parse(e.RenewalURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			p.addf("expiry.renewal_url", "want an http(s) URL such as %s, not %q", DefaultRenewalURL, clip(e.RenewalURL))
		}
	}
}
