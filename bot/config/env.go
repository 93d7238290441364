package config

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Environment variables stewardbot reads. An empty variable counts as unset.
const (
	EnvBugzillaURL   = "STEWARDBOT_BUGZILLA_URL"   // overrides bugzilla.url
	EnvBugzillaLogin = "STEWARDBOT_BUGZILLA_LOGIN" // overrides bugzilla.login
	EnvDryRun        = "STEWARDBOT_DRY_RUN"        // overrides dry_run: true/false (also 1/0, yes/no, on/off)
	EnvStoreDSN      = "STEWARDBOT_STORE_DSN"      // overrides store.dsn
	EnvLogLevel      = "STEWARDBOT_LOG_LEVEL"      // overrides log.level
	EnvLogFormat     = "STEWARDBOT_LOG_FORMAT"     // overrides log.format
	EnvPort          = "PORT"                      // overrides http.listen with ":$PORT" (containers, PaaS)
	EnvHTTPListen    = "STEWARDBOT_HTTP_LISTEN"    // overrides http.listen (and $PORT)

	EnvAPIKey     = "STEWARDBOT_BUGZILLA_API_KEY"      // the API key itself
	EnvAPIKeyFile = "STEWARDBOT_BUGZILLA_API_KEY_FILE" // a file holding the API key
	// EnvCredentialsDirectory is set by systemd for a unit with
	// LoadCredential=bugzilla-api-key:/path/to/key.
	EnvCredentialsDirectory = "CREDENTIALS_DIRECTORY"
	CredentialAPIKey        = "bugzilla-api-key" // the credential's name in that directory
)

// envOverride is one environment variable that replaces a setting.
type envOverride struct {
	name, path string
	set        func(c *Config, v string) error
}

var envOverrides = []envOverride{
	{EnvBugzillaURL, "bugzilla.url", func(c *Config, v string) error { c.Bugzilla.URL = v; return nil }},
	{EnvBugzillaLogin, "bugzilla.login", func(c *Config, v string) error { c.Bugzilla.Login = v; return nil }},
	{EnvDryRun, "dry_run", func(c *Config, v string) error {
		b, ok := parseBoolWord(v)
		if !ok {
			return fmt.Errorf("%s: want true or false, not %q", EnvDryRun, clip(v))
		}
		c.DryRun = b
		return nil
	}},
	{EnvStoreDSN, "store.dsn", func(c *Config, v string) error { c.Store.DSN = v; return nil }},
	{EnvLogLevel, "log.level", func(c *Config, v string) error { c.Log.Level = v; return nil }},
	{EnvLogFormat, "log.format", func(c *Config, v string) error { c.Log.Format = v; return nil }},
	{EnvPort, "http.listen", func(c *Config, v string) error {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("%s: want a port number from 1 to 65535, not %q", EnvPort, clip(v))
		}
		c.HTTP.Listen = ":" + strconv.Itoa(n)
		return nil
	}},
	{EnvHTTPListen, "http.listen", func(c *Config, v string) error { c.HTTP.Listen = v; return nil }},
}

// ApplyEnv applies the STEWARDBOT_* overrides (see the Env constants) from
// getenv (os.Getenv in production) to cfg, recording in cfg.Source which
// variable set which setting so that Validate names it. A nil getenv reads
// nothing. An unusable value is reported as ConfigErrors and leaves the
// setting as it was; the other variables are still applied.
func ApplyEnv(cfg *Config, getenv func(string) string) error {
	if getenv == nil {
		return nil
	}
	src := &ConfigSource{Lines: map[string]int{}, Env: map[string]string{}}
	if cfg.Source != nil { // copy: cfg may share its Source with another Config
		maps.Copy(src.Lines, cfg.Source.Lines)
		maps.Copy(src.Env, cfg.Source.Env)
	}
	cfg.Source = src
	var errs ConfigErrors
	for _, o := range envOverrides {
		v := getenv(o.name)
		if v == "" {
			continue
		}
		if err := o.set(cfg, v); err != nil {
			errs = append(errs, ConfigError{Field: o.path, Message: err.Error()})
			continue
		}
		src.Env[o.path] = o.name
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// parseBoolWord reads the usual ways of writing a boolean in an environment.
func parseBoolWord(s string) (v, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "t", "true", "y", "yes", "on":
		return true, true
	case "0", "f", "false", "n", "no", "off":
		return false, true
	}
	return false, false
}

// LoadConfig reads the configuration as the daemon does: the YAML file at
// path over the defaults (no file when path is empty), then the environment
// overrides, then the API key and the webhook secret, then Validate. A
// relative rules_file is taken relative to the config file's folder.
//
// Every problem is reported at once in a ConfigErrors (errors.As finds it in
// the returned error). With such an error, the returned Config holds whatever
// could be read, for a checker to look further; a program must not run with it.
// Nil getenv reads no environment; nil readFile is os.ReadFile.
func LoadConfig(path string, getenv func(string) string, readFile func(string) ([]byte, error)) (Config, error) {
	if readFile == nil {
		readFile = os.ReadFile
	}
	prefix := "config"
	cfg := DefaultConfig()
	var errs ConfigErrors
	if path != "" {
		prefix = "config " + path
		data, err := readFile(path)
		if err != nil {
			return Config{}, fmt.Errorf("config: %w", err)
		}
		var wellFormed bool
		cfg, errs, wellFormed = parseConfig(data)
		if !wellFormed {
			return cfg, fmt.Errorf("%s: %w", prefix, errs)
		}
		if cfg.RulesFile != "" && !filepath.IsAbs(cfg.RulesFile) {
			cfg.RulesFile = filepath.Join(filepath.Dir(path), cfg.RulesFile)
		}
	}
	if err := ApplyEnv(&cfg, getenv); err != nil {
		errs = appendConfigErrors(errs, err, "")
	}
	key, err := LoadSecret(APIKeySource, getenv, readFile)
	if err != nil {
		errs = appendConfigErrors(errs, err, "bugzilla.api_key")
	}
	cfg.Bugzilla.APIKey = key
	secret, serr := LoadSecret(WebhookSecretSource, getenv, readFile)
	if serr != nil {
		errs = appendConfigErrors(errs, serr, "webhooks.secret")
	}
	cfg.Webhooks.Secret = secret
	if verr := cfg.Validate(); verr != nil {
		for _, e := range appendConfigErrors(nil, verr, "") {
			if err != nil && e.Field == "bugzilla.api_key" {
				continue // already reported: the key could not be loaded
			}
			if serr != nil && e.Field == "webhooks.secret" {
				continue // already reported: the secret could not be loaded
			}
			errs = append(errs, e)
		}
	}
	if len(errs) > 0 {
		sortConfigErrors(errs)
		return cfg, fmt.Errorf("%s: %w", prefix, errs)
	}
	return cfg, nil
}

// appendConfigErrors adds err's ConfigErrors to errs, or err itself as one
// problem of field when it is another kind of error.
func appendConfigErrors(errs ConfigErrors, err error, field string) ConfigErrors {
	var ce ConfigErrors
	if errors.As(err, &ce) {
		return append(errs, ce...)
	}
	return append(errs, ConfigError{Field: field, Message: err.Error()})
}
