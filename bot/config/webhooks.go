package config

import (
	"net/http"
	"strings"
	"time"
)

// WebhooksConfig is POST /webhooks/bugzilla, which takes BMO's webhook
// deliveries as a hint to look at one bug soon instead of at the next poll
// (see docs/webhooks.md). Polling stays the safety net: a lost, late or
// refused delivery costs only latency.
//
// BMO signs nothing: a webhook carries one header whose name and value its
// owner types (api_key_header, api_key_value). The bot compares that header
// with a shared secret, which is never read from YAML.
type WebhooksConfig struct {
	Enabled bool `yaml:"enabled"` // default false
	// Header is the header BMO sends the secret in; default
	// "Authorization", which proxies and log pipelines already treat as a
	// credential. Its value is the secret, optionally after "Token " or
	// "Bearer " (BMO's own QA sends "Authorization: Token ...").
	Header string `yaml:"header"`
	// Secret is never from YAML: STEWARDBOT_WEBHOOK_SECRET,
	// STEWARDBOT_WEBHOOK_SECRET_FILE or $CREDENTIALS_DIRECTORY/webhook-secret.
	Secret Secret `yaml:"-"`
	// MaxBodyBytes caps a delivery; larger ones are answered 202 "dropped"
	// (docs/webhooks.md says why not 413). Default 512 KiB:
	// BMO's longest comment (65,535 characters) fits even when every
	// character is escaped.
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
	// Debounce bounds the cycles deliveries start: at most one per window.
	// The first delivery after a quiet spell is looked at at once; those
	// within the window after it share one cycle when it ends. Default
	// 10s; 0 removes the bound.
	Debounce time.Duration `yaml:"debounce"`
}

// Defaults and limits of the webhook settings.
const (
	DefaultWebhookHeader   = "Authorization"
	DefaultWebhookMaxBytes = 512 << 10
	DefaultWebhookDebounce = 10 * time.Second

	// BMO stores api_key_header and api_key_value in 64 characters each.
	maxWebhookHeaderLen = 64
	maxWebhookSecretLen = 64
	// minWebhookSecretLen refuses guessable secrets: the header is all
	// that stands between the internet and a cycle of Bugzilla requests.
	minWebhookSecretLen = 16
	minWebhookBodyBytes = 4 << 10
	maxWebhookBodyBytes = 16 << 20
	maxWebhookDebounce  = time.Hour
)

// Environment variables and the systemd credential of the webhook secret.
const (
	EnvWebhookSecret     = "STEWARDBOT_WEBHOOK_SECRET"      // the secret itself
	EnvWebhookSecretFile = "STEWARDBOT_WEBHOOK_SECRET_FILE" // a file holding it
	CredentialWebhook    = "webhook-secret"                 // its name in $CREDENTIALS_DIRECTORY
)

func defaultWebhooks() WebhooksConfig {
	return WebhooksConfig{
		Header:       DefaultWebhookHeader,
		MaxBodyBytes: DefaultWebhookMaxBytes,
		Debounce:     DefaultWebhookDebounce,
	}
}

// reservedWebhookHeaders are headers BMO sets itself on every delivery, or
// that HTTP and proxies own: a secret there would be overwritten or lost.
var reservedWebhookHeaders = []string{
	"Accept", "Connection", "Content-Length", "Content-Type", "Cookie", "Host",
	"Transfer-Encoding", "User-Agent", "X-Forwarded-For", "X-Forwarded-Proto", "X-Real-Ip",
}

func (w WebhooksConfig) validate(p *problems) {
	switch h := w.Header; {
	case h == "":
		p.addf("webhooks.header", "required: the header BMO sends the secret in (the webhook's api_key_header), such as %q", DefaultWebhookHeader)
	case len(h) > maxWebhookHeaderLen || !isHeaderName(h):
		p.addf("webhooks.header", "want a header name of at most %d letters, digits or '-', such as %q or %q, not %q",
			maxWebhookHeaderLen, DefaultWebhookHeader, "X-Stewardbot-Secret", clip(h))
	default:
		for _, r := range reservedWebhookHeaders {
			if strings.EqualFold(h, r) {
				p.addf("webhooks.header", "%s is set by BMO or HTTP itself; pick another, such as %q", http.CanonicalHeaderKey(h), DefaultWebhookHeader)
			}
		}
	}
	switch s := w.Secret.Reveal(); {
	case s == "" && w.Enabled:
		p.addf("webhooks.secret", "required when webhooks.enabled is true: set %s, %s, or a systemd credential named %s",
			EnvWebhookSecret, EnvWebhookSecretFile, CredentialWebhook)
	case s == "":
	case !isToken(s):
		// Never quote the secret, not even in part.
		p.addf("webhooks.secret", "the secret must be one word of printable ASCII characters")
	case len(s) < minWebhookSecretLen || len(s) > maxWebhookSecretLen:
		p.addf("webhooks.secret", "the secret must be %d to %d characters long (BMO's api_key_value holds at most %d); `openssl rand -hex 24` makes one",
			minWebhookSecretLen, maxWebhookSecretLen, maxWebhookSecretLen)
	}
	if w.MaxBodyBytes < minWebhookBodyBytes || w.MaxBodyBytes > maxWebhookBodyBytes {
		p.addf("webhooks.max_body_bytes", "must be between %d and %d bytes, such as %d", minWebhookBodyBytes, maxWebhookBodyBytes, DefaultWebhookMaxBytes)
	}
	if w.Debounce < 0 || w.Debounce > maxWebhookDebounce {
		p.addf("webhooks.debounce", "must be between 0s and %s, such as %q", maxWebhookDebounce, "10s")
	}
}

// isHeaderName accepts the header names worth typing: letters, digits and '-'.
func isHeaderName(s string) bool {
	for _, r := range s {
		if !(r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return s != "" && s[0] != '-'
}
