package bot

import "time"

// CONTRACT STUB for the configuration: field names and YAML keys are agreed.
// The config implementer fills in DefaultConfig, ParseConfig, Validate,
// environment overrides and API-key loading in this file (and may add fields).

// Config is stewardbot's configuration (YAML, see deploy/config.example.yaml).
type Config struct {
	DryRun   bool           `yaml:"dry_run"` // default true: log what would be posted, write nothing
	Bugzilla BugzillaConfig `yaml:"bugzilla"`
	Poll     PollConfig     `yaml:"poll"`
	Store    StoreConfig    `yaml:"store"`
	Comments CommentConfig  `yaml:"comments"`
	Log      LogConfig      `yaml:"log"`
	// RulesFile is a policy rules YAML file; empty means the built-in rules.
	RulesFile string `yaml:"rules_file"`
}

// BugzillaConfig says which server to talk to and as whom.
type BugzillaConfig struct {
	URL                string        `yaml:"url"`                  // e.g. https://bugzilla.mozilla.org
	Login              string        `yaml:"login"`                // the bot's account; checked at start
	APIKey             string        `yaml:"-"`                    // never from YAML: env, key file or $CREDENTIALS_DIRECTORY
	APIKeyPlacement    string        `yaml:"api_key_placement"`    // auto (default), header, query
	Contact            string        `yaml:"contact"`              // in the User-Agent: stewardbot/VERSION (+contact)
	Timeout            time.Duration `yaml:"timeout"`              // per request, default 30s
	RateLimitPark      time.Duration `yaml:"rate_limit_park"`      // 429 without Retry-After, default 60m
	MaxAttachmentBytes int64         `yaml:"max_attachment_bytes"` // default 1 MiB
	FlagName           string        `yaml:"flag_name"`            // default "data-review"
}

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
	// DSN is a SQLite file path (or "sqlite:PATH"); default "stewardbot.db".
	DSN string `yaml:"dsn"`
}

// CommentConfig shapes what the bot writes.
type CommentConfig struct {
	TemplateURL string `yaml:"template_url"` // linked when asking for a form
	Tag         string `yaml:"tag"`          // comment_tags marker prefix, default "stewardbot"
}

// LogConfig controls logging.
type LogConfig struct {
	Level  string `yaml:"level"`  // debug, info (default), warn, error
	Format string `yaml:"format"` // json (default; console on a terminal), console
}
