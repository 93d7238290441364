package config

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/stewardbot/stewardbot/bot/store"
)

// The API key, the webhook secret and a PostgreSQL DSN's password must never
// reach a log, an error or a dump of the config. The first two are Secrets
// (secret.go), which redact themselves wherever they are printed.
// These methods cover the DSN, inside a string, and the ways a whole Config
// gets printed: fmt with any verb (through its fields' own methods),
// String, encoding/json (which zerolog's Interface uses), zerolog's Object,
// and YAML (the secrets' tags are "-").

// Redacted is what is printed in place of a set secret.
const Redacted = "[redacted]"

// plainStore is StoreConfig without its methods, to print a redacted copy.
type plainStore StoreConfig

func (s StoreConfig) redacted() plainStore {
	p := plainStore(s)
	p.DSN = store.RedactDSN(p.DSN)
	return p
}

// Format prints s as fmt would, for every verb, with a PostgreSQL DSN's
// password redacted.
func (s StoreConfig) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, fmt.FormatString(f, verb), s.redacted())
}

// MarshalJSON encodes s with a PostgreSQL DSN's password redacted.
func (s StoreConfig) MarshalJSON() ([]byte, error) {
	return json.Marshal(s.redacted())
}

// setting is one named value of a Config, for printing.
type setting struct {
	path  string
	value any
}

// settings lists every setting of c by its YAML path, the API key, the
// webhook secret and a PostgreSQL DSN's password redacted.
func (c Config) settings() []setting {
	var out []setting
	walkSettings(reflect.ValueOf(c), "", func(path string, v reflect.Value) {
		if path == "store.dsn" {
			// A PostgreSQL DSN may hold a password.
			out = append(out, setting{path, store.RedactDSN(c.Store.DSN)})
			return
		}
		out = append(out, setting{path, v.Interface()})
		if path == "bugzilla.login" {
			out = append(out, setting{"bugzilla.api_key", c.Bugzilla.APIKey.String()})
		}
		if path == "webhooks.header" {
			out = append(out, setting{"webhooks.secret", c.Webhooks.Secret.String()})
		}
	})
	return out
}

// String lists the settings as path=value pairs, the API key redacted.
func (c Config) String() string {
	var b strings.Builder
	for i, s := range c.settings() {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s.path)
		b.WriteByte('=')
		v := fmt.Sprint(s.value)
		if v == "" || strings.ContainsFunc(v, func(r rune) bool { return r <= ' ' || r == '"' || r == '=' }) {
			v = strconv.Quote(v)
		}
		b.WriteString(v)
	}
	return b.String()
}

// MarshalZerologObject logs every setting under its YAML path (for
// log.Info().Object("config", cfg)), the API key redacted.
func (c Config) MarshalZerologObject(e *zerolog.Event) {
	for _, s := range c.settings() {
		switch v := s.value.(type) {
		case bool:
			e.Bool(s.path, v)
		case time.Duration:
			e.Str(s.path, v.String())
		case int:
			e.Int(s.path, v)
		case int64:
			e.Int64(s.path, v)
		case string:
			e.Str(s.path, v)
		default:
			e.Str(s.path, fmt.Sprint(v))
		}
	}
}
