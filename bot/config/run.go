package config

import (
	"strings"

	"github.com/stewardbot/stewardbot/bot/store"
)

// CheckRunnable reports, as ConfigErrors, what would stop `run` and `once`
// with a configuration that passed Validate, before they contact Bugzilla:
// no API key (a dry run authenticates at start too), and a store that
// cannot be opened (a PostgreSQL DSN that does not parse, a SQLite folder
// that is missing or not writable). Unlike Validate it reads the file
// system: check-config and the daemon's start call it.
func (c Config) CheckRunnable() error {
	p := &problems{src: c.Source}
	if !c.Bugzilla.APIKey.IsSet() {
		p.addf("bugzilla.api_key", "required to run, in dry run too (the bot authenticates at start): set %s, %s, or a systemd credential named %s",
			EnvAPIKey, EnvAPIKeyFile, CredentialAPIKey)
	}
	if dsn := strings.TrimSpace(c.Store.DSN); dsn != "" {
		if err := store.CheckDSN(dsn); err != nil {
			p.addf("store.dsn", "%v; set store.dsn or %s", err, EnvStoreDSN)
		}
	}
	return p.err()
}
