package config

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/rs/zerolog"
	"go.yaml.in/yaml/v3"
)

// Another test file of this package may declare -update too; package
// variables are initialised before any init runs, so this never collides.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files")
	}
}

func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// env returns a getenv over m.
func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// files returns a readFile over m; missing names fail like os.ReadFile.
func files(m map[string]string) func(string) ([]byte, error) {
	return func(name string) ([]byte, error) {
		s, ok := m[name]
		if !ok {
			return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
		}
		return []byte(s), nil
	}
}

// ignoreSource compares Configs by their settings only.
var ignoreSource = cmpopts.IgnoreFields(Config{}, "Source")

// validConfig is the smallest configuration that validates with writes on.
func validConfig() Config {
	c := DefaultConfig()
	c.DryRun = false
	c.Bugzilla.URL = "https://bugzilla.example.org"
	c.Bugzilla.Login = "stewardbot@example.org"
	c.Bugzilla.APIKey = NewSecret("AbCdEf0123456789AbCdEf0123456789AbCdEf01")
	return c
}

// problemFields is the list of fields that errors.As finds in err.
func problemFields(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var ce ConfigErrors
	if !errors.As(err, &ce) {
		t.Fatalf("error %v (%T) is not ConfigErrors", err, err)
	}
	var out []string
	for _, e := range ce {
		out = append(out, e.Field)
	}
	return out
}

func TestDefaultConfig(t *testing.T) {
	got := DefaultConfig()
	want := Config{
		DryRun: true,
		Bugzilla: BugzillaConfig{
			APIKeyPlacement:    "auto",
			Timeout:            30 * time.Second,
			RateLimitPark:      time.Hour,
			MaxAttachmentBytes: 1048576,
			ReadConcurrency:    4,
			FlagName:           "data-review",
		},
		Poll: PollConfig{
			Schedule:          "@every 5m",
			TimeZone:          "UTC",
			Overlap:           5 * time.Minute,
			PageSize:          1000,
			MaxWritesPerCycle: 50,
		},
		Store:      StoreConfig{DSN: "stewardbot.db"},
		Comments:   CommentConfig{TemplateURL: "https://github.com/mozilla/data-review/blob/main/request.md", Tag: "stewardbot", Format: "auto"},
		Log:        LogConfig{Level: "info", Format: "auto"},
		HTTP:       HTTPConfig{Listen: "127.0.0.1:8080"},
		Stewards:   StewardsConfig{AssignUnassigned: true},
		Reminders:  RemindersConfig{After: 2, Every: 3, Max: 3, Mode: "needinfo", MaxPerCycle: 20, MaxPerPerson: 3},
		Escalation: EscalationConfig{Needinfo: true},
		Commands:   CommandsConfig{Enabled: true},
		Expiry:     ExpiryConfig{RemindDays: 30, RenewalURL: "https://github.com/mozilla/data-review/blob/main/renewal_request.md"},
		Webhooks:   WebhooksConfig{Header: "Authorization", MaxBodyBytes: 512 << 10, Debounce: 10 * time.Second},
	}
	if d := cmp.Diff(got, want); d != "" {
		t.Errorf("DefaultConfig() (-got +want):\n%s", d)
	}
	// The defaults lack only what no default can know: the server.
	if d := cmp.Diff(problemFields(t, got.Validate()), []string{"bugzilla.url"}); d != "" {
		t.Errorf("DefaultConfig().Validate() problems (-got +want):\n%s", d)
	}
	if err := validConfig().Validate(); err != nil {
		t.Errorf("validConfig().Validate() = %v", err)
	}
}

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		edit func(*Config) // applied to DefaultConfig() for the wanted result
	}{
		{name: "empty", yaml: "", edit: func(*Config) {}},
		{name: "only comments", yaml: "# nothing\n", edit: func(*Config) {}},
		{name: "null document", yaml: "~\n", edit: func(*Config) {}},
		{
			name: "every kind of value",
			yaml: `dry_run: false
bugzilla:
  url: https://bugzilla.mozilla.org
  login: bot@example.org
  api_key_placement: header
  contact: ops@example.org
  timeout: 1m30s
  rate_limit_park: 2h
  max_attachment_bytes: 2048
  read_concurrency: 1
  flag_name: privacy-review
poll:
  schedule: "*/10 * * * *"
  time_zone: Europe/Berlin
  overlap: 10m
  page_size: 500
  max_writes_per_cycle: 7
store:
  dsn: /var/lib/stewardbot/bot.db
comments:
  template_url: https://example.org/request.md
  tag: databot
  format: text
log:
  level: debug
  format: console
rules_file: rules.yaml
`,
			edit: func(c *Config) {
				c.DryRun = false
				c.Bugzilla = BugzillaConfig{
					URL: "https://bugzilla.mozilla.org", Login: "bot@example.org",
					APIKeyPlacement: "header", Contact: "ops@example.org",
					Timeout: 90 * time.Second, RateLimitPark: 2 * time.Hour,
					MaxAttachmentBytes: 2048, ReadConcurrency: 1, FlagName: "privacy-review",
				}
				c.Poll = PollConfig{Schedule: "*/10 * * * *", TimeZone: "Europe/Berlin", Overlap: 10 * time.Minute, PageSize: 500, MaxWritesPerCycle: 7}
				c.Store.DSN = "/var/lib/stewardbot/bot.db"
				c.Comments = CommentConfig{TemplateURL: "https://example.org/request.md", Tag: "databot", Format: FormatText}
				c.Log = LogConfig{Level: "debug", Format: "console"}
				c.RulesFile = "rules.yaml"
			},
		},
		{
			name: "partial section keeps other defaults",
			yaml: "poll:\n  page_size: 10\n",
			edit: func(c *Config) { c.Poll.PageSize = 10 },
		},
		{
			name: "empty value keeps the default",
			yaml: "bugzilla:\n  timeout:\npoll:\n",
			edit: func(*Config) {},
		},
		{
			name: "yaml 1.1 booleans",
			yaml: "dry_run: no\n",
			edit: func(c *Config) { c.DryRun = false },
		},
		{
			name: "alias to a value",
			yaml: "poll:\n  overlap: &o 7m\nbugzilla:\n  timeout: *o\n",
			edit: func(c *Config) { c.Poll.Overlap = 7 * time.Minute; c.Bugzilla.Timeout = 7 * time.Minute },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseConfig([]byte(tt.yaml))
			if err != nil {
				t.Fatalf("ParseConfig: %v", err)
			}
			want := DefaultConfig()
			tt.edit(&want)
			if d := cmp.Diff(got, want, ignoreSource); d != "" {
				t.Errorf("(-got +want):\n%s", d)
			}
			if got.Source == nil {
				t.Error("Source is nil")
			}
		})
	}
}

func TestParseConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want ConfigErrors // Message checked by substring
	}{
		{
			name: "unknown keys, all of them, with suggestions",
			yaml: "dry_run: true\nbugzila:\n  url: x\npoll:\n  shedule: \"@hourly\"\n  zzz: 1\n",
			want: ConfigErrors{
				{Line: 2, Field: "bugzila", Message: `did you mean "bugzilla"?`},
				{Line: 5, Field: "poll.shedule", Message: `did you mean "schedule"?`},
				{Line: 6, Field: "poll.zzz", Message: "known here: schedule, time_zone, overlap, page_size, max_writes_per_cycle"},
			},
		},
		{
			name: "api key in the file",
			yaml: "bugzilla:\n  api_key: s3cret\n",
			want: ConfigErrors{{Line: 2, Field: "bugzilla.api_key", Message: "never read from the config file"}},
		},
		{
			name: "wrong types",
			yaml: "dry_run: maybe\nbugzilla:\n  timeout: 30\n  rate_limit_park: soon\n  max_attachment_bytes: big\npoll:\n  page_size: [1]\nlog: debug\n",
			want: ConfigErrors{
				{Line: 1, Field: "dry_run", Message: `want true or false, not "maybe"`},
				{Line: 3, Field: "bugzilla.timeout", Message: "bare number 30"},
				{Line: 4, Field: "bugzilla.rate_limit_park", Message: `not "soon"`},
				{Line: 5, Field: "bugzilla.max_attachment_bytes", Message: `want a whole number, not "big"`},
				{Line: 7, Field: "poll.page_size", Message: "not a list"},
				{Line: 8, Field: "log", Message: "want a mapping of settings (level, format)"},
			},
		},
		{
			name: "set twice",
			yaml: "log:\n  level: info\n  level: debug\n",
			want: ConfigErrors{{Line: 3, Field: "log.level", Message: "set twice (first at line 2)"}},
		},
		{
			name: "syntax error",
			yaml: "poll:\n  schedule: [\n",
			want: ConfigErrors{{Line: 2, Message: "invalid YAML"}},
		},
		{
			name: "syntax error on the first line",
			yaml: "log: level: info\n",
			want: ConfigErrors{{Line: 1, Message: "invalid YAML: mapping values are not allowed"}},
		},
		{
			name: "parser error line (yaml prints it 0-based)",
			yaml: "dry_run: true\nlog: {level: info\n",
			want: ConfigErrors{{Line: 2, Message: "invalid YAML: did not find expected ',' or '}'"}},
		},
		{
			name: "parser error in a block",
			yaml: "dry_run: true\npoll:\n  - a\n  b: 2\n",
			want: ConfigErrors{{Line: 3, Message: "did not find expected '-' indicator"}},
		},
		{
			name: "control character: no line",
			yaml: "dry_run: true\n\x01\n",
			want: ConfigErrors{{Line: 0, Message: "control characters"}},
		},
		{
			name: "tab indentation",
			yaml: "log:\n\tlevel: info\n",
			want: ConfigErrors{{Line: 2, Message: "invalid YAML"}},
		},
		{
			name: "two documents",
			yaml: "dry_run: true\n---\ndry_run: false\n",
			want: ConfigErrors{{Line: 2, Message: "one YAML document"}}, // the --- line
		},
		{
			name: "not a mapping",
			yaml: "- dry_run\n",
			want: ConfigErrors{{Line: 1, Message: "must be a mapping"}},
		},
		{
			name: "merge key",
			yaml: "log:\n  <<: {level: info}\n",
			want: ConfigErrors{{Line: 2, Field: "log.<<", Message: "merge keys"}},
		},
		{
			name: "overflowing number",
			yaml: "poll:\n  page_size: 99999999999999999999\n",
			want: ConfigErrors{{Line: 2, Field: "poll.page_size", Message: "whole number"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tt.yaml))
			var got ConfigErrors
			if !errors.As(err, &got) {
				t.Fatalf("ParseConfig error = %v, want ConfigErrors", err)
			}
			msgContains := cmp.Comparer(func(a, b string) bool {
				return strings.Contains(a, b) || strings.Contains(b, a)
			})
			if d := cmp.Diff(got, tt.want, msgContains); d != "" {
				t.Errorf("(-got +want):\n%s", d)
			}
		})
	}
}

// A partly bad file still yields its good values, so check-config can go on.
func TestParseConfigKeepsGoodValues(t *testing.T) {
	cfg, err := ParseConfig([]byte("poll:\n  page_size: ten\n  overlap: 9m\n"))
	if err == nil {
		t.Fatal("no error for page_size: ten")
	}
	if cfg.Poll.Overlap != 9*time.Minute || cfg.Poll.PageSize != 1000 {
		t.Errorf("got overlap %v page size %d, want 9m and the default 1000", cfg.Poll.Overlap, cfg.Poll.PageSize)
	}
	if cfg.Source.Lines["poll.overlap"] != 3 {
		t.Errorf("line of poll.overlap = %d, want 3", cfg.Source.Lines["poll.overlap"])
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
		want []string // problem fields, in order
		msg  string   // a substring of the first message, if set
	}{
		{"valid", func(*Config) {}, nil, ""},
		{"dry run needs no key or login", func(c *Config) {
			c.DryRun, c.Bugzilla.APIKey, c.Bugzilla.Login = true, Secret{}, ""
		}, nil, ""},
		{"url missing", func(c *Config) { c.Bugzilla.URL = "" }, []string{"bugzilla.url"}, "required"},
		{"url relative", func(c *Config) { c.Bugzilla.URL = "bugzilla.example.org" }, []string{"bugzilla.url"}, "absolute"},
		{"url ftp", func(c *Config) { c.Bugzilla.URL = "ftp://bugzilla.example.org" }, []string{"bugzilla.url"}, "absolute"},
		{"url with password", func(c *Config) { c.Bugzilla.URL = "https://u:hunter2@bugzilla.example.org" }, []string{"bugzilla.url"}, "user name or password"},
		{"url with query", func(c *Config) { c.Bugzilla.URL = "https://bugzilla.example.org/?x=1" }, []string{"bugzilla.url"}, "query"},
		{"url with /rest", func(c *Config) { c.Bugzilla.URL = "https://bugzilla.example.org/rest/" }, []string{"bugzilla.url"}, "without /rest"},
		{"url with a path", func(c *Config) { c.Bugzilla.URL = "https://example.org/bugzilla/" }, nil, ""},
		{"url unparsable", func(c *Config) { c.Bugzilla.URL = "https://bugzilla example.org/%zz" }, []string{"bugzilla.url"}, "not a valid URL"},
		{"http remote with key", func(c *Config) { c.Bugzilla.URL = "http://bugzilla.example.org" }, []string{"bugzilla.url"}, "API key in clear text"},
		{"http remote without key", func(c *Config) {
			c.DryRun, c.Bugzilla.APIKey, c.Bugzilla.URL = true, Secret{}, "http://bugzilla.example.org"
		}, []string{"bugzilla.url"}, "use https"},
		{"http loopback v4", func(c *Config) { c.Bugzilla.URL = "http://127.0.0.1:8080" }, nil, ""},
		{"http loopback v6", func(c *Config) { c.Bugzilla.URL = "http://[::1]:8080" }, nil, ""},
		{"http localhost", func(c *Config) { c.Bugzilla.URL = "http://localhost:8080/" }, nil, ""},
		{"http private address is not loopback", func(c *Config) { c.Bugzilla.URL = "http://10.0.0.1" }, []string{"bugzilla.url"}, "clear text"},
		{"login missing when writing", func(c *Config) { c.Bugzilla.Login = "" }, []string{"bugzilla.login"}, "dry_run is false"},
		{"login missing with a key", func(c *Config) { c.DryRun, c.Bugzilla.Login = true, "" }, []string{"bugzilla.login"}, "with an API key"},
		{"login not an email", func(c *Config) { c.Bugzilla.Login = "stewardbot" }, []string{"bugzilla.login"}, "email"},
		{"login with a name", func(c *Config) { c.Bugzilla.Login = "Bot <bot@example.org>" }, []string{"bugzilla.login"}, "email"},
		{"key missing when writing", func(c *Config) { c.Bugzilla.APIKey = Secret{} }, []string{"bugzilla.api_key"}, EnvAPIKey},
		{"key with a space", func(c *Config) { c.Bugzilla.APIKey = NewSecret("two words") }, []string{"bugzilla.api_key"}, "printable ASCII"},
		{"placement", func(c *Config) { c.Bugzilla.APIKeyPlacement = "body" }, []string{"bugzilla.api_key_placement"}, `not "body"`},
		{"placement empty", func(c *Config) { c.Bugzilla.APIKeyPlacement = "" }, []string{"bugzilla.api_key_placement"}, ""},
		{"contact with a newline", func(c *Config) { c.Bugzilla.Contact = "a\r\nX-Evil: 1" }, []string{"bugzilla.contact"}, "User-Agent"},
		{"timeouts and sizes", func(c *Config) {
			c.Bugzilla.Timeout, c.Bugzilla.RateLimitPark, c.Bugzilla.MaxAttachmentBytes = 0, -time.Second, 0
		}, []string{"bugzilla.timeout", "bugzilla.rate_limit_park", "bugzilla.max_attachment_bytes"}, "positive"},
		{"read concurrency zero", func(c *Config) { c.Bugzilla.ReadConcurrency = 0 }, []string{"bugzilla.read_concurrency"}, "1 (one request at a time) to 16"},
		{"read concurrency too high", func(c *Config) { c.Bugzilla.ReadConcurrency = 17 }, []string{"bugzilla.read_concurrency"}, "to 16"},
		{"read concurrency one", func(c *Config) { c.Bugzilla.ReadConcurrency = 1 }, nil, ""},
		{"flag name with status", func(c *Config) { c.Bugzilla.FlagName = "data-review?" }, []string{"bugzilla.flag_name"}, `"data-review", not "data-review?"`},
		{"flag name with space", func(c *Config) { c.Bugzilla.FlagName = "data review" }, []string{"bugzilla.flag_name"}, "no spaces"},
		{"flag name empty", func(c *Config) { c.Bugzilla.FlagName = "" }, []string{"bugzilla.flag_name"}, "required"},
		{"owner activity with a key", func(c *Config) { c.Survey.OwnerActivity = true }, nil, ""},
		{"owner activity without a key", func(c *Config) {
			c.DryRun, c.Bugzilla.Login, c.Bugzilla.APIKey, c.Survey.OwnerActivity = true, "", Secret{}, true
		}, []string{"survey.owner_activity"}, "logged-in caller"},
		{"schedule five fields", func(c *Config) { c.Poll.Schedule = "*/10 * * * *" }, nil, ""},
		{"schedule descriptor", func(c *Config) { c.Poll.Schedule = "@hourly" }, nil, ""},
		{"schedule six fields", func(c *Config) { c.Poll.Schedule = "0 */10 * * * *" }, []string{"poll.schedule"}, "not a cron schedule"},
		{"schedule nonsense", func(c *Config) { c.Poll.Schedule = "every five minutes" }, []string{"poll.schedule"}, "not a cron schedule"},
		{"schedule empty", func(c *Config) { c.Poll.Schedule = " " }, []string{"poll.schedule"}, "required"},
		{"schedule with zone", func(c *Config) { c.Poll.Schedule = "CRON_TZ=Europe/Berlin 0 9 * * *" }, []string{"poll.schedule"}, "poll.time_zone"},
		{"schedule negative every", func(c *Config) { c.Poll.Schedule = "@every -5m" }, []string{"poll.schedule"}, "positive"},
		{"schedule too fast for a remote server", func(c *Config) { c.Poll.Schedule = "@every 10s" }, []string{"poll.schedule"}, "once a minute"},
		{"schedule fast on loopback", func(c *Config) {
			c.Poll.Schedule, c.Bugzilla.URL = "@every 2s", "http://127.0.0.1:1234"
		}, nil, ""},
		{"time zone", func(c *Config) { c.Poll.TimeZone = "America/New_York" }, nil, ""},
		{"time zone unknown", func(c *Config) { c.Poll.TimeZone = "Mars/Olympus" }, []string{"poll.time_zone"}, "unknown time zone"},
		{"time zone local", func(c *Config) { c.Poll.TimeZone = "Local" }, []string{"poll.time_zone"}, "IANA"},
		{"time zone empty", func(c *Config) { c.Poll.TimeZone = "" }, []string{"poll.time_zone"}, "IANA"},
		{"overlap", func(c *Config) { c.Poll.Overlap = 0 }, []string{"poll.overlap"}, "at least 4s"},
		{"overlap too short", func(c *Config) { c.Poll.Overlap = time.Second }, []string{"poll.overlap"}, "at least 4s"},
		{"page size zero", func(c *Config) { c.Poll.PageSize = 0 }, []string{"poll.page_size"}, "between 1 and 10000"},
		{"page size huge", func(c *Config) { c.Poll.PageSize = 10001 }, []string{"poll.page_size"}, ""},
		{"writes zero", func(c *Config) { c.Poll.MaxWritesPerCycle = 0 }, []string{"poll.max_writes_per_cycle"}, "between 1 and 1000"},
		{"writes at the cap", func(c *Config) { c.Poll.MaxWritesPerCycle = 1000 }, nil, ""},
		{"writes over the cap", func(c *Config) { c.Poll.MaxWritesPerCycle = 1001 }, []string{"poll.max_writes_per_cycle"}, ""},
		{"dsn", func(c *Config) { c.Store.DSN = "  " }, []string{"store.dsn"}, "required"},
		{"escalation contacts", func(c *Config) {
			c.Escalation.Trust, c.Escalation.Legal = []string{"trust@example.org"}, []string{"legal@example.org", "legal@example.org"}
		}, []string{"escalation.legal"}, "listed twice"},
		{"escalation not a login", func(c *Config) { c.Escalation.Trust = []string{"Trust Team"} }, []string{"escalation.trust"}, "want Bugzilla logins"},
		{"template url", func(c *Config) { c.Comments.TemplateURL = "request.md" }, []string{"comments.template_url"}, "absolute"},
		{"tag too long", func(c *Config) { c.Comments.Tag = strings.Repeat("x", 13) }, []string{"comments.tag"}, "3 to 12"},
		{"tag at the longest", func(c *Config) { c.Comments.Tag = strings.Repeat("x", 12) }, nil, ""},
		{"tag with space", func(c *Config) { c.Comments.Tag = "steward bot" }, []string{"comments.tag"}, ""},
		{"format unknown", func(c *Config) { c.Comments.Format = "html" }, []string{"comments.format"}, "markdown, text or auto"},
		{"format text", func(c *Config) { c.Comments.Format = FormatText }, nil, ""},
		{"log level", func(c *Config) { c.Log.Level = "verbose" }, []string{"log.level"}, `not "verbose"`},
		{"log format", func(c *Config) { c.Log.Format = "text" }, []string{"log.format"}, `not "text"`},
		{"all at once", func(c *Config) {
			c.Bugzilla.URL, c.Poll.PageSize, c.Log.Level = "", 0, "loud"
		}, []string{"bugzilla.url", "poll.page_size", "log.level"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validConfig()
			tt.edit(&c)
			err := c.Validate()
			if d := cmp.Diff(problemFields(t, err), tt.want); d != "" {
				t.Fatalf("problems (-got +want):\n%s\nerror: %v", d, err)
			}
			if tt.msg != "" && !strings.Contains(err.(ConfigErrors)[0].Message, tt.msg) {
				t.Errorf("message %q does not contain %q", err.(ConfigErrors)[0].Message, tt.msg)
			}
			if err != nil && (strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), c.Bugzilla.APIKey.Reveal()) && c.Bugzilla.APIKey.IsSet()) {
				t.Errorf("error leaks a secret: %v", err)
			}
		})
	}
}

// Validate points at the line of each bad setting, and at the environment
// variable when one set it.
func TestValidateLines(t *testing.T) {
	cfg, err := ParseConfig([]byte("bugzilla:\n  url: https://bugzilla.example.org\n\nlog:\n  format: text\n  level: loud\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := ApplyEnv(&cfg, env(map[string]string{EnvBugzillaURL: "ftp://x"})); err != nil {
		t.Fatal(err)
	}
	err = cfg.Validate()
	var got ConfigErrors
	if !errors.As(err, &got) {
		t.Fatalf("Validate = %v", err)
	}
	want := ConfigErrors{
		{Line: 5, Field: "log.format", Message: `want auto, json, console or mozlog, not "text"`},
		{Line: 6, Field: "log.level", Message: `want debug, info, warn or error, not "loud"`},
		{Line: 0, Field: "bugzilla.url", Message: "want an absolute http or https URL, such as https://bugzilla.mozilla.org (set by STEWARDBOT_BUGZILLA_URL)"},
	}
	if d := cmp.Diff(got, want); d != "" {
		t.Errorf("(-got +want):\n%s", d)
	}
	wantText := `3 configuration problems:
	line 5: log.format: want auto, json, console or mozlog, not "text"
	line 6: log.level: want debug, info, warn or error, not "loud"
	bugzilla.url: want an absolute http or https URL, such as https://bugzilla.mozilla.org (set by STEWARDBOT_BUGZILLA_URL)`
	if d := cmp.Diff(err.Error(), wantText); d != "" {
		t.Errorf("Error() (-got +want):\n%s", d)
	}
}

func TestApplyEnv(t *testing.T) {
	cfg := DefaultConfig()
	err := ApplyEnv(&cfg, env(map[string]string{
		EnvBugzillaURL:             "https://bmo.example.org",
		EnvBugzillaLogin:           "bot@example.org",
		EnvDryRun:                  "false",
		EnvStoreDSN:                "sqlite:/tmp/x.db",
		EnvLogLevel:                "debug",
		EnvLogFormat:               "console",
		"STEWARDBOT_POLL_SCHEDULE": "@hourly", // not an override: ignored
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultConfig()
	want.Bugzilla.URL, want.Bugzilla.Login, want.DryRun = "https://bmo.example.org", "bot@example.org", false
	want.Store.DSN, want.Log.Level, want.Log.Format = "sqlite:/tmp/x.db", "debug", "console"
	if d := cmp.Diff(cfg, want, ignoreSource); d != "" {
		t.Errorf("(-got +want):\n%s", d)
	}
	if got := cfg.Source.Env["dry_run"]; got != EnvDryRun {
		t.Errorf("Source.Env[dry_run] = %q", got)
	}

	for _, tt := range []struct {
		value string
		want  bool
	}{{"1", true}, {"TRUE", true}, {"yes", true}, {"on", true}, {"0", false}, {"False", false}, {"no", false}, {"off", false}} {
		c := DefaultConfig()
		c.DryRun = !tt.want
		if err := ApplyEnv(&c, env(map[string]string{EnvDryRun: tt.value})); err != nil || c.DryRun != tt.want {
			t.Errorf("%s=%q: DryRun = %v, err %v; want %v", EnvDryRun, tt.value, c.DryRun, err, tt.want)
		}
	}

	// A bad value is reported and changes nothing; the rest still apply.
	c := DefaultConfig()
	err = ApplyEnv(&c, env(map[string]string{EnvDryRun: "sometimes", EnvLogLevel: "warn"}))
	if d := cmp.Diff(problemFields(t, err), []string{"dry_run"}); d != "" || !strings.Contains(err.Error(), EnvDryRun) {
		t.Errorf("problems (-got +want):\n%s\nerror: %v", d, err)
	}
	if !c.DryRun || c.Log.Level != "warn" {
		t.Errorf("after a bad %s: DryRun %v, level %q; want true, warn", EnvDryRun, c.DryRun, c.Log.Level)
	}

	// Empty counts as unset, and the Source of a copy is not shared.
	parsed, _ := ParseConfig([]byte("log:\n  level: error\n"))
	copied := parsed
	if err := ApplyEnv(&copied, env(map[string]string{EnvLogLevel: "", EnvLogFormat: "console"})); err != nil {
		t.Fatal(err)
	}
	if copied.Log.Level != "error" {
		t.Errorf("empty %s changed the level to %q", EnvLogLevel, copied.Log.Level)
	}
	if len(parsed.Source.Env) != 0 {
		t.Errorf("ApplyEnv changed the Source of the original: %v", parsed.Source.Env)
	}
}

// Every override names a real setting, and the example documents it.
func TestEnvOverridesDocumented(t *testing.T) {
	paths := map[string]bool{}
	walkSettings(reflect.ValueOf(DefaultConfig()), "", func(p string, _ reflect.Value) { paths[p] = true })
	example, err := os.ReadFile(exampleConfig)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range envOverrides {
		if !paths[o.path] {
			t.Errorf("%s overrides %q, which is not a setting", o.name, o.path)
		}
		if !strings.Contains(string(example), o.name+" ") {
			t.Errorf("%s is not documented in %s", o.name, exampleConfig)
		}
	}
	for _, name := range []string{EnvAPIKey, EnvAPIKeyFile, CredentialAPIKey} {
		if !strings.Contains(string(example), name) {
			t.Errorf("%s is not documented in %s", name, exampleConfig)
		}
	}
}

const testKey = "Zx9Secret0Key0That0Must0Never0Be0Logged0"

func TestLoadAPIKey(t *testing.T) {
	permission := func(string) ([]byte, error) {
		return nil, &fs.PathError{Op: "open", Path: "/run/creds/bugzilla-api-key", Err: fs.ErrPermission}
	}
	tests := []loadSecretCase{
		{name: "none", want: ""},
		{name: "variable", env: map[string]string{EnvAPIKey: testKey}, want: testKey},
		{name: "variable trimmed", env: map[string]string{EnvAPIKey: " " + testKey + "\n"}, want: testKey},
		{
			name: "file", env: map[string]string{EnvAPIKeyFile: "/etc/stewardbot/key"},
			files: map[string]string{"/etc/stewardbot/key": testKey + "\n"}, want: testKey,
		},
		{
			name: "credentials directory",
			env:  map[string]string{EnvCredentialsDirectory: "/run/credentials/stewardbot.service"},
			files: map[string]string{
				"/run/credentials/stewardbot.service/bugzilla-api-key": "\t" + testKey + "\r\n",
			},
			want: testKey,
		},
		{
			name:  "variable wins over the credentials directory",
			env:   map[string]string{EnvAPIKey: testKey, EnvCredentialsDirectory: "/run/c"},
			files: map[string]string{"/run/c/bugzilla-api-key": "other"},
			want:  testKey,
		},
		{
			name:  "file wins over the credentials directory",
			env:   map[string]string{EnvAPIKeyFile: "/k", EnvCredentialsDirectory: "/run/c"},
			files: map[string]string{"/k": testKey, "/run/c/bugzilla-api-key": "other"},
			want:  testKey,
		},
		{
			name: "credentials directory without the key",
			env:  map[string]string{EnvCredentialsDirectory: "/run/c"},
			want: "",
		},
		{
			name:    "both variable and file",
			env:     map[string]string{EnvAPIKey: testKey, EnvAPIKeyFile: "/k"},
			wantErr: "set only one of " + EnvAPIKey + " and " + EnvAPIKeyFile,
		},
		{
			name:    "missing file",
			env:     map[string]string{EnvAPIKeyFile: "/nope"},
			wantErr: "read the file named by " + EnvAPIKeyFile, wantIs: fs.ErrNotExist,
		},
		{
			name:    "empty file",
			env:     map[string]string{EnvAPIKeyFile: "/k"},
			files:   map[string]string{"/k": " \n"},
			wantErr: "the file /k is empty",
		},
		{
			name:    "two lines in the file",
			env:     map[string]string{EnvAPIKeyFile: "/k"},
			files:   map[string]string{"/k": testKey + "\nsecond line\n"},
			wantErr: "one word",
		},
		{
			name:     "unreadable credential",
			env:      map[string]string{EnvCredentialsDirectory: "/run/creds"},
			readFile: permission,
			wantErr:  "read systemd credential bugzilla-api-key", wantIs: fs.ErrPermission,
		},
		{
			name:    "non-ASCII variable",
			env:     map[string]string{EnvAPIKey: testKey + "é"},
			wantErr: "printable ASCII",
		},
	}
	runLoadSecretCases(t, APIKeySource, testKey, tests)
	if got, err := LoadSecret(APIKeySource, nil, nil); got.IsSet() || err != nil {
		t.Errorf("LoadSecret(APIKeySource, nil, nil) = %q, %v", got.Reveal(), err)
	}
}

func TestLoadConfig(t *testing.T) {
	const good = "dry_run: false\nbugzilla:\n  url: https://bugzilla.example.org\n  login: bot@example.org\nrules_file: rules.yaml\n"
	t.Run("file, environment and key", func(t *testing.T) {
		cfg, err := LoadConfig("/etc/stewardbot/config.yaml",
			env(map[string]string{EnvAPIKey: testKey, EnvLogLevel: "warn"}),
			files(map[string]string{"/etc/stewardbot/config.yaml": good}))
		if err != nil {
			t.Fatal(err)
		}
		want := DefaultConfig()
		want.DryRun = false
		want.Bugzilla.URL, want.Bugzilla.Login, want.Bugzilla.APIKey = "https://bugzilla.example.org", "bot@example.org", NewSecret(testKey)
		want.RulesFile = "/etc/stewardbot/rules.yaml" // relative to the config file
		want.Log.Level = "warn"
		if d := cmp.Diff(cfg, want, ignoreSource); d != "" {
			t.Errorf("(-got +want):\n%s", d)
		}
	})
	t.Run("absolute rules file kept", func(t *testing.T) {
		cfg, err := LoadConfig("c.yaml", nil, files(map[string]string{"c.yaml": "bugzilla:\n  url: https://b.example.org\nrules_file: /srv/rules.yaml\n"}))
		if err != nil || cfg.RulesFile != "/srv/rules.yaml" {
			t.Errorf("RulesFile = %q, err %v", cfg.RulesFile, err)
		}
	})
	t.Run("no file: defaults and environment", func(t *testing.T) {
		cfg, err := LoadConfig("", env(map[string]string{EnvBugzillaURL: "http://127.0.0.1:9"}), files(nil))
		if err != nil {
			t.Fatal(err)
		}
		if !cfg.DryRun || cfg.Bugzilla.URL != "http://127.0.0.1:9" {
			t.Errorf("got dry run %v, url %q", cfg.DryRun, cfg.Bugzilla.URL)
		}
	})
	t.Run("every problem at once, in line order", func(t *testing.T) {
		_, err := LoadConfig("c.yaml",
			env(map[string]string{EnvDryRun: "perhaps", EnvAPIKeyFile: "/missing"}),
			files(map[string]string{"c.yaml": "dry_run: false\npoll:\n  page_size: 0\n  shedule: x\nbugzilla:\n  url: http://bugzilla.example.org\n"}))
		// Parse and validation problems merge by line; those from the
		// environment (no line) come last.
		want := []string{"poll.page_size", "poll.shedule", "bugzilla.url", "dry_run", "bugzilla.api_key", "bugzilla.login"}
		if d := cmp.Diff(problemFields(t, err), want); d != "" {
			t.Errorf("problems (-got +want):\n%s\nerror: %v", d, err)
		}
		if !strings.HasPrefix(err.Error(), "config c.yaml: 6 configuration problems:") {
			t.Errorf("error = %v", err)
		}
		if strings.Count(err.Error(), "bugzilla.api_key") != 1 {
			t.Errorf("the missing key file should be reported once: %v", err)
		}
	})
	t.Run("syntax error stops early", func(t *testing.T) {
		_, err := LoadConfig("c.yaml", nil, files(map[string]string{"c.yaml": "a: [\n"}))
		if d := cmp.Diff(problemFields(t, err), []string{""}); d != "" {
			t.Errorf("problems (-got +want):\n%s\nerror: %v", d, err)
		}
	})
	t.Run("unreadable file", func(t *testing.T) {
		_, err := LoadConfig("/nope.yaml", nil, files(nil))
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("err = %v, want fs.ErrNotExist", err)
		}
	})
}

// The key never shows, whichever way a config is printed.
func TestConfigRedaction(t *testing.T) {
	cfg := validConfig()
	cfg.Bugzilla.APIKey = NewSecret(testKey)
	cfg.Source = &ConfigSource{}
	var zl strings.Builder
	logger := zerolog.New(&zl)
	logger.Info().Object("config", cfg).Msg("start")
	logger.Info().Interface("config", cfg).Interface("bugzilla", cfg.Bugzilla).Msg("start")
	logger.Info().Interface("bugzilla", &cfg.Bugzilla).Msg("start")
	jsonCfg, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	yamlCfg, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	outputs := map[string]string{
		"zerolog":  zl.String(),
		"json":     string(jsonCfg),
		"yaml":     string(yamlCfg),
		"String()": cfg.String(),
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d", "%T %v"} {
		outputs["cfg "+verb] = fmt.Sprintf(verb, cfg)
		outputs["&cfg "+verb] = fmt.Sprintf(verb, &cfg)
		outputs["bugzilla "+verb] = fmt.Sprintf(verb, cfg.Bugzilla)
		outputs["&bugzilla "+verb] = fmt.Sprintf(verb, &cfg.Bugzilla)
	}
	for name, out := range outputs {
		if strings.Contains(out, testKey) || strings.Contains(out, fmt.Sprintf("%x", testKey)) {
			t.Errorf("%s leaks the API key: %s", name, out)
		}
	}
	for _, name := range []string{"zerolog", "json", "String()", "cfg %v", "cfg %+v", "bugzilla %+v", "&bugzilla %v"} {
		if !strings.Contains(outputs[name], Redacted) {
			t.Errorf("%s does not say %s: %s", name, Redacted, outputs[name])
		}
	}
	if !strings.Contains(outputs["String()"], "poll.schedule=\"@every 5m\"") ||
		!strings.Contains(outputs["zerolog"], `"bugzilla.timeout":"30s"`) {
		t.Errorf("settings missing:\nString(): %s\nzerolog: %s", outputs["String()"], outputs["zerolog"])
	}
	// Without a key there is nothing to redact, and that is visible.
	cfg.Bugzilla.APIKey = Secret{}
	if s := cfg.String(); !strings.Contains(s, `bugzilla.api_key="" `) {
		t.Errorf("String() without a key: %s", s)
	}
}

const exampleConfig = "../../deploy/config.example.yaml"

// The example documents every setting with a comment and shows its default,
// so the docs cannot rot: a new Config field fails this test until the
// example has it.
func TestExampleConfig(t *testing.T) {
	data, err := os.ReadFile(exampleConfig)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := ParseConfig(data)
	if err != nil {
		t.Fatalf("the example does not parse: %v", err)
	}
	if err := cfg.Validate(); err != nil {
		t.Errorf("the example does not validate: %v", err)
	}
	withKey := cfg
	withKey.DryRun, withKey.Bugzilla.APIKey = false, NewSecret(testKey)
	if err := withKey.Validate(); err != nil {
		t.Errorf("the example with dry_run: false and a key does not validate: %v", err)
	}

	var settings []string
	walkSettings(reflect.ValueOf(cfg), "", func(p string, _ reflect.Value) { settings = append(settings, p) })
	if len(settings) < 20 {
		t.Fatalf("walked only %d settings: %v", len(settings), settings)
	}
	for _, p := range settings {
		if cfg.Source.Lines[p] == 0 {
			t.Errorf("setting %s is not in %s", p, exampleConfig)
		}
	}

	// Every key carries a comment.
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var check func(n *yaml.Node, prefix string)
	check = func(n *yaml.Node, prefix string) {
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := joinPath(prefix, k.Value)
			if v.Kind == yaml.MappingNode {
				check(v, p)
				continue
			}
			if strings.TrimSpace(k.HeadComment+k.LineComment+v.LineComment) == "" {
				t.Errorf("%s (line %d) has no comment", p, k.Line)
			}
		}
	}
	check(doc.Content[0], "")

	// It shows the defaults, apart from what has none.
	want := DefaultConfig()
	want.Bugzilla.URL, want.Bugzilla.Login = cfg.Bugzilla.URL, cfg.Bugzilla.Login
	if d := cmp.Diff(cfg, want, ignoreSource); d != "" {
		t.Errorf("the example's values differ from DefaultConfig (-example +default):\n%s", d)
	}
}

// Golden files in testdata/config: NAME.yaml is loaded with the environment in
// NAME.env (KEY=VALUE lines, if present) and the problems go to NAME.golden.
func TestConfigGolden(t *testing.T) {
	inputs, err := filepath.Glob("testdata/config/*.yaml")
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no inputs: %v", err)
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".yaml")
		t.Run(name, func(t *testing.T) {
			vars := map[string]string{}
			if data, err := os.ReadFile(strings.TrimSuffix(in, ".yaml") + ".env"); err == nil {
				for line := range strings.Lines(string(data)) {
					if k, v, ok := strings.Cut(strings.TrimSpace(line), "="); ok {
						vars[k] = v
					}
				}
			}
			_, err := LoadConfig(in, env(vars), nil)
			got := "ok\n"
			if err != nil {
				got = err.Error() + "\n"
			}
			golden := strings.TrimSuffix(in, ".yaml") + ".golden"
			if updating() {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if d := cmp.Diff(got, string(want)); d != "" {
				t.Errorf("(-got +want):\n%s", d)
			}
			if strings.Contains(got, testKey) {
				t.Errorf("output leaks the key")
			}
		})
	}
}

func FuzzParseConfig(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/config/*.yaml")
	seeds = append(seeds, exampleConfig)
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("a: &a [*a]\n"))
	f.Add([]byte("bugzilla: &b {timeout: 5s}\npoll: *b\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := ParseConfig(data)
		var ce ConfigErrors
		if err != nil && !errors.As(err, &ce) {
			t.Fatalf("error %v is not ConfigErrors", err)
		}
		for _, e := range ce {
			if e.Line < 0 || e.Message == "" {
				t.Fatalf("bad problem %+v", e)
			}
		}
		_ = cfg.Validate() // must not panic
		_ = cfg.String()
	})
}
