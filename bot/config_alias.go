package bot

import "github.com/stewardbot/stewardbot/bot/config"

// The configuration lives in bot/config. These names keep bot's own code and
// its callers (cmd, web, e2e, deploy) unchanged until they import bot/config
// themselves; they are aliases, so a bot.Config is a config.Config.

type (
	AwayRange        = config.AwayRange
	BugzillaConfig   = config.BugzillaConfig
	CommandsConfig   = config.CommandsConfig
	CommentConfig    = config.CommentConfig
	Config           = config.Config
	ConfigError      = config.ConfigError
	ConfigErrors     = config.ConfigErrors
	ConfigSource     = config.ConfigSource
	EscalationConfig = config.EscalationConfig
	ExpiryConfig     = config.ExpiryConfig
	HTTPConfig       = config.HTTPConfig
	LogConfig        = config.LogConfig
	PollConfig       = config.PollConfig
	RemindersConfig  = config.RemindersConfig
	Secret           = config.Secret
	SecretSource     = config.SecretSource
	Steward          = config.Steward
	StewardsConfig   = config.StewardsConfig
	StoreConfig      = config.StoreConfig
	WebhooksConfig   = config.WebhooksConfig
)

// Values and environment variables of the settings: see bot/config.
const (
	PlacementAuto           = config.PlacementAuto
	PlacementHeader         = config.PlacementHeader
	PlacementQuery          = config.PlacementQuery
	FormatMarkdown          = config.FormatMarkdown
	FormatText              = config.FormatText
	FormatAuto              = config.FormatAuto
	DefaultSchedule         = config.DefaultSchedule
	DefaultTemplateURL      = config.DefaultTemplateURL
	DefaultFlagName         = config.DefaultFlagName
	DefaultStoreDSN         = config.DefaultStoreDSN
	DefaultCommentTag       = config.DefaultCommentTag
	DefaultHTTPListen       = config.DefaultHTTPListen
	EnvBugzillaURL          = config.EnvBugzillaURL
	EnvBugzillaLogin        = config.EnvBugzillaLogin
	EnvDryRun               = config.EnvDryRun
	EnvStoreDSN             = config.EnvStoreDSN
	EnvLogLevel             = config.EnvLogLevel
	EnvLogFormat            = config.EnvLogFormat
	EnvPort                 = config.EnvPort
	EnvHTTPListen           = config.EnvHTTPListen
	EnvAPIKey               = config.EnvAPIKey
	EnvAPIKeyFile           = config.EnvAPIKeyFile
	EnvCredentialsDirectory = config.EnvCredentialsDirectory
	CredentialAPIKey        = config.CredentialAPIKey
	DefaultExpiryRemindDays = config.DefaultExpiryRemindDays
	DefaultRenewalURL       = config.DefaultRenewalURL
	RemindNeedinfo          = config.RemindNeedinfo
	RemindComment           = config.RemindComment
	MaxWritesCap            = config.MaxWritesCap
	DefaultWebhookHeader    = config.DefaultWebhookHeader
	DefaultWebhookMaxBytes  = config.DefaultWebhookMaxBytes
	DefaultWebhookDebounce  = config.DefaultWebhookDebounce
	EnvWebhookSecret        = config.EnvWebhookSecret
	EnvWebhookSecretFile    = config.EnvWebhookSecretFile
	CredentialWebhook       = config.CredentialWebhook
	Redacted                = config.Redacted
)

// The secrets stewardbot reads: see bot/config.
var (
	APIKeySource        = config.APIKeySource
	WebhookSecretSource = config.WebhookSecretSource
)

// DefaultConfig returns the settings used where the file does not set them.
func DefaultConfig() Config { return config.DefaultConfig() }

// ParseConfig reads a YAML configuration over the defaults: see config.ParseConfig.
func ParseConfig(data []byte) (Config, error) { return config.ParseConfig(data) }

// LoadConfig reads the configuration as the daemon does: see config.LoadConfig.
func LoadConfig(path string, getenv func(string) string, readFile func(string) ([]byte, error)) (Config, error) {
	return config.LoadConfig(path, getenv, readFile)
}

// ApplyEnv applies the environment's overrides: see config.ApplyEnv.
func ApplyEnv(cfg *Config, getenv func(string) string) error { return config.ApplyEnv(cfg, getenv) }

// NewSecret wraps a secret: see config.NewSecret.
func NewSecret(s string) Secret { return config.NewSecret(s) }

// LoadSecret finds a secret in the environment: see config.LoadSecret.
func LoadSecret(src SecretSource, getenv func(string) string, readFile func(string) ([]byte, error)) (Secret, error) {
	return config.LoadSecret(src, getenv, readFile)
}

// weekend is the stewards' weekend: see config.Weekend.
var weekend = config.Weekend()
