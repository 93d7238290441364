// Package config is stewardbot's configuration: the settings and their
// defaults, the YAML reader with its line-by-line problems, the environment
// overrides, the secrets (one Secret type, one loader) and their redaction,
// and the checks that check-config and the daemon run before starting.
package config

import (
	"time"

	// The configuration and the poll scheduler load IANA zones by name. The
	// embedded database (about 450 KB) is only a fallback for machines without
	// /usr/share/zoneinfo, such as minimal containers and some CI images; where
	// the system has zone files they win, being fresher. It lives here rather
	// than in main so that every binary and every test that validates a Config
	// behaves the same everywhere.
	_ "time/tzdata"

	"github.com/stewardbot/stewardbot/internal/textdecode"
)

// Config is stewardbot's configuration (YAML, see deploy/config.example.yaml).
//
// It is built in four steps, which LoadConfig runs in order: DefaultConfig,
// ParseConfig over the defaults, ApplyEnv for the STEWARDBOT_* overrides, and
// LoadSecret for the API key and the webhook secret; then Validate. The
// secrets are never read from YAML and never printed: see secret.go.
type Config struct {
	DryRun   bool           `yaml:"dry_run"` // default true: log what would be posted, write nothing
	Bugzilla BugzillaConfig `yaml:"bugzilla"`
	Poll     PollConfig     `yaml:"poll"`
	Store    StoreConfig    `yaml:"store"`
	Comments CommentConfig  `yaml:"comments"`
	Log      LogConfig      `yaml:"log"`
	HTTP     HTTPConfig     `yaml:"http"`
	// Stewards and Reminders: see stewards.go.
	Stewards  StewardsConfig  `yaml:"stewards"`
	Reminders RemindersConfig `yaml:"reminders"`
	// Escalation and Commands: see escalation.go.
	Escalation EscalationConfig `yaml:"escalation"`
	Commands   CommandsConfig   `yaml:"commands"`
	// Expiry: the reminder before a dated expiry; see expiry.go.
	Expiry ExpiryConfig `yaml:"expiry"`
	// Survey: what the yearly survey looks up; see survey.go.
	Survey SurveyConfig `yaml:"survey"`
	// Webhooks: see webhooks.go.
	Webhooks WebhooksConfig `yaml:"webhooks"`
	// RulesFile is a policy rules YAML file; empty means the built-in rules.
	// LoadConfig resolves a relative path against the config file's folder.
	RulesFile string `yaml:"rules_file"`

	// Source says where settings came from (YAML lines, environment
	// variables) so that Validate can point at them. Nil for a Config built
	// in code; never read from YAML.
	Source *ConfigSource `yaml:"-"`
}

// BugzillaConfig says which server to talk to and as whom.
type BugzillaConfig struct {
	URL                string        `yaml:"url"`                  // e.g. https://bugzilla.mozilla.org
	Login              string        `yaml:"login"`                // the bot's account; checked at start
	APIKey             Secret        `yaml:"-"`                    // never from YAML: env, key file or $CREDENTIALS_DIRECTORY
	APIKeyPlacement    string        `yaml:"api_key_placement"`    // auto (default), header, query
	Contact            string        `yaml:"contact"`              // in the User-Agent: stewardbot/VERSION (+contact)
	Timeout            time.Duration `yaml:"timeout"`              // per request, default 30s
	RateLimitPark      time.Duration `yaml:"rate_limit_park"`      // 429 without Retry-After, default 60m
	MaxAttachmentBytes int64         `yaml:"max_attachment_bytes"` // default 1 MiB
	ReadConcurrency    int           `yaml:"read_concurrency"`     // batched reads in flight at once, default 4; writes stay one at a time
	FlagName           string        `yaml:"flag_name"`            // default "data-review"
}

// DefaultReadConcurrency is bugzilla.read_concurrency's default: how many
// requests of one batched read (attachments, comments, bugs by id) the bot
// keeps in flight. Four cut the time a cold start spends waiting on
// Bugzilla without asking much of a shared server (BENCHMARKS.md); libmozdata,
// which Mozilla's BugBot uses, keeps one per CPU in flight.
const DefaultReadConcurrency = 4

// Values of BugzillaConfig.APIKeyPlacement.
const (
	PlacementAuto   = "auto"   // header where the server honours it (BMO), else query/body
	PlacementHeader = "header" // X-BUGZILLA-API-KEY
	PlacementQuery  = "query"  // Bugzilla_api_key / api_key, for upstream Bugzilla 5.x
)

// PollConfig controls the polling schedule and its cost.
type PollConfig struct {
	Schedule          string        `yaml:"schedule"`             // robfig/cron spec, default "@every 5m"
	TimeZone          string        `yaml:"time_zone"`            // IANA name for the schedule, default UTC
	Overlap           time.Duration `yaml:"overlap"`              // watermark overlap, default 5m
	PageSize          int           `yaml:"page_size"`            // search page size, default 1000
	MaxWritesPerCycle int           `yaml:"max_writes_per_cycle"` // default 50
}

// StoreConfig says where the journal lives.
type StoreConfig struct {
	// DSN is a SQLite file path (or "sqlite:PATH"), for one process; or a
	// PostgreSQL URL ("postgres://USER:PASSWORD@HOST:5432/DB?sslmode=verify-full",
	// also "postgresql://"), for several replicas of which one, the leader,
	// writes (docs/postgres.md). Default "stewardbot.db". A DSN with a
	// password belongs in STEWARDBOT_STORE_DSN, not the file.
	DSN string `yaml:"dsn"`
}

// CommentConfig shapes what the bot writes.
type CommentConfig struct {
	TemplateURL string `yaml:"template_url"` // linked when asking for a form
	Tag         string `yaml:"tag"`          // comment_tags marker prefix, default "stewardbot"
	// Format is how comments are written: markdown (for servers that
	// render it, as BMO does), text (preformatted plain text, which is how
	// upstream Bugzilla 5.x shows every comment), or auto (the default:
	// markdown on BMO, text elsewhere; see Bot.commentFormat).
	Format string `yaml:"format"`
}

// Values of CommentConfig.Format.
const (
	FormatMarkdown = "markdown"
	FormatText     = "text"
	FormatAuto     = "auto"
)

// LogConfig controls logging.
type LogConfig struct {
	Level  string `yaml:"level"`  // debug, info (default), warn, error
	Format string `yaml:"format"` // auto (default: console on a terminal, else json), json, console, mozlog
}

// HTTPConfig is the HTTP server: health checks, metrics, the dashboard.
type HTTPConfig struct {
	// Listen is the server's address, default "127.0.0.1:8080"; $PORT
	// overrides it with ":$PORT" (all interfaces), as containers expect,
	// and STEWARDBOT_HTTP_LISTEN overrides both.
	Listen string `yaml:"listen"`
	// ShowPrivate shows the summary and people of private requests on the
	// dashboard; by default they read only "private bug N".
	ShowPrivate bool `yaml:"show_private"`
}

// Defaults that other code may want to name.
const (
	DefaultSchedule    = "@every 5m" // the most often BMO asks bots to poll
	DefaultTemplateURL = "https://github.com/mozilla/data-review/blob/main/request.md"
	DefaultFlagName    = "data-review"
	DefaultStoreDSN    = "stewardbot.db"
	DefaultCommentTag  = "stewardbot"
	DefaultHTTPListen  = "127.0.0.1:8080" // loopback: exposing it is the operator's choice
)

// DefaultConfig returns the configuration a new install runs with. It is safe
// by default: DryRun is true, so nothing is written until the operator says
// dry_run: false. It has no server URL and no login; those must be given.
func DefaultConfig() Config {
	return Config{
		DryRun: true,
		Bugzilla: BugzillaConfig{
			APIKeyPlacement:    PlacementAuto,
			Timeout:            30 * time.Second,
			RateLimitPark:      60 * time.Minute,
			MaxAttachmentBytes: textdecode.DefaultMaxBytes,
			ReadConcurrency:    DefaultReadConcurrency,
			FlagName:           DefaultFlagName,
		},
		Poll: PollConfig{
			Schedule:          DefaultSchedule,
			TimeZone:          "UTC",
			Overlap:           5 * time.Minute,
			PageSize:          1000,
			MaxWritesPerCycle: 50,
		},
		Store: StoreConfig{DSN: DefaultStoreDSN},
		Comments: CommentConfig{
			TemplateURL: DefaultTemplateURL,
			Tag:         DefaultCommentTag,
			Format:      FormatAuto,
		},
		Log:  LogConfig{Level: "info", Format: "auto"},
		HTTP: HTTPConfig{Listen: DefaultHTTPListen},
		// See stewards.go.
		Stewards:  defaultStewards(),
		Reminders: defaultReminders(),
		// See escalation.go.
		Escalation: defaultEscalation(),
		Commands:   defaultCommands(),
		Expiry:     defaultExpiry(), // see expiry.go
		// See webhooks.go.
		Webhooks: defaultWebhooks(),
	}
}

// ConfigSource remembers where each setting came from. Paths are the dotted
// YAML keys, such as "poll.schedule".
type ConfigSource struct {
	Lines map[string]int    // path → 1-based line of its key in the YAML file
	Env   map[string]string // path → environment variable that overrode it
}

// line is the YAML line of path, or 0 when unknown or overridden by the environment.
func (s *ConfigSource) line(path string) int {
	if s == nil {
		return 0
	}
	if _, ok := s.Env[path]; ok {
		return 0
	}
	return s.Lines[path]
}

// env is the environment variable that set path, if any.
func (s *ConfigSource) env(path string) string {
	if s == nil {
		return ""
	}
	return s.Env[path]
}
