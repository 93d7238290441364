package config

import "strings"

// EscalationConfig says who hears about requests that need Trust or Legal.
// Each contact gets a needinfo with the notice, but only when Bugzilla shows
// they can see the bug; the others are recorded as blocked (see escalate.go).
type EscalationConfig struct {
	Trust []string `yaml:"trust"` // logins asked when a request needs Trust
	Legal []string `yaml:"legal"` // logins asked when a request needs Legal
	// Needinfo sets needinfo? on the contacts with the notice; when false
	// the notice is posted alone.
	Needinfo bool `yaml:"needinfo"`
}

// CommandsConfig controls the "stewardbot: ..." commands read from comments.
type CommandsConfig struct {
	Enabled bool `yaml:"enabled"` // default true
}

func defaultEscalation() EscalationConfig { return EscalationConfig{Needinfo: true} }

func defaultCommands() CommandsConfig { return CommandsConfig{Enabled: true} }

// Contacts returns the configured logins for a target ("trust", "legal").
func (e EscalationConfig) Contacts(target string) []string {
	switch target {
	case "trust":
		return e.Trust
	case "legal":
		return e.Legal
	}
	return nil
}

func (e EscalationConfig) validate(p *problems) {
	for _, l := range []struct {
		path   string
		logins []string
	}{{"escalation.trust", e.Trust}, {"escalation.legal", e.Legal}} {
		seen := map[string]bool{}
		for _, login := range l.logins {
			switch {
			case !looksLikeEmail(login):
				p.addf(l.path, "want Bugzilla logins (email addresses such as trust@example.org), not %q", clip(login))
			case seen[strings.ToLower(login)]:
				p.addf(l.path, "%q is listed twice", clip(login))
			}
			seen[strings.ToLower(login)] = true
		}
	}
}
