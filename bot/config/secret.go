package config

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Secret holds a credential: the Bugzilla API key or the webhook secret. It
// cannot be printed by accident: fmt with any verb (alone or inside a
// struct, %#v included), encoding/json (which zerolog's Interface uses),
// encoding.TextMarshaler users and YAML all see Redacted when it is set and
// "" when it is not. Only Reveal gives the value, at the one place that
// sends it (the Bugzilla client, the webhook check). The zero Secret is
// "not set".
type Secret struct{ v string }

// NewSecret wraps s; NewSecret("") is not set.
func NewSecret(s string) Secret { return Secret{v: s} }

// Reveal returns the secret itself: call it only where the value is used.
func (s Secret) Reveal() string { return s.v }

// IsSet reports whether there is a secret.
func (s Secret) IsSet() bool { return s.v != "" }

// Equal compares two secrets in constant time (go-cmp uses it too, so a
// Config with a secret can be diffed).
func (s Secret) Equal(o Secret) bool {
	return subtle.ConstantTimeCompare([]byte(s.v), []byte(o.v)) == 1
}

// String is Redacted when the secret is set, "" when it is not.
func (s Secret) String() string {
	if s.IsSet() {
		return Redacted
	}
	return ""
}

// GoString is what %#v would print for a string holding String().
func (s Secret) GoString() string { return strconv.Quote(s.String()) }

// Format prints String() as fmt would print a string, for every verb and
// flag: the secret is never formatted, only the word that stands for it.
func (s Secret) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, fmt.FormatString(f, verb), s.String())
}

// MarshalJSON encodes String().
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// MarshalText encodes String().
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// MarshalYAML encodes String().
func (s Secret) MarshalYAML() (any, error) { return s.String(), nil }

// SecretSource says where one secret is looked for, and how errors name it.
type SecretSource struct {
	Name       string // in errors: "api key"
	Env        string // the variable holding the secret itself
	FileEnv    string // the variable naming a file that holds it
	Credential string // its file's name in systemd's $CREDENTIALS_DIRECTORY
	Noun       string // what the file must hold alone: "key"
}

// The secrets stewardbot reads.
var (
	APIKeySource        = SecretSource{Name: "api key", Env: EnvAPIKey, FileEnv: EnvAPIKeyFile, Credential: CredentialAPIKey, Noun: "key"}
	WebhookSecretSource = SecretSource{Name: "webhook secret", Env: EnvWebhookSecret, FileEnv: EnvWebhookSecretFile, Credential: CredentialWebhook, Noun: "secret"}
)

// LoadSecret finds the secret of src, in this order:
//
//  1. the variable src.Env (STEWARDBOT_BUGZILLA_API_KEY);
//  2. the file named by src.FileEnv (STEWARDBOT_BUGZILLA_API_KEY_FILE);
//  3. the file src.Credential in $CREDENTIALS_DIRECTORY (systemd's
//     LoadCredential=bugzilla-api-key:/etc/stewardbot/api-key).
//
// Setting both of the first two is an error rather than a silent choice. A
// missing credential file in $CREDENTIALS_DIRECTORY means no secret (the
// directory may hold other credentials); no secret at all returns the zero
// Secret and a nil error, and Validate decides whether one is needed.
// Surrounding whitespace (a final newline) is trimmed. Errors name where
// the secret came from, never the secret. Nil getenv reads nothing; nil
// readFile is os.ReadFile.
//
// A file readable by other users is not refused: that is the operator's
// policy to set, and systemd credentials are private to the unit anyway.
func LoadSecret(src SecretSource, getenv func(string) string, readFile func(string) ([]byte, error)) (Secret, error) {
	if getenv == nil {
		return Secret{}, nil
	}
	if readFile == nil {
		readFile = os.ReadFile
	}
	value, file := getenv(src.Env), getenv(src.FileEnv)
	switch {
	case value != "" && file != "":
		return Secret{}, fmt.Errorf("%s: set only one of %s and %s", src.Name, src.Env, src.FileEnv)
	case value != "":
		return src.check(value, src.Env)
	case file != "":
		data, err := readFile(file)
		if err != nil {
			return Secret{}, fmt.Errorf("%s: read the file named by %s: %w", src.Name, src.FileEnv, err)
		}
		return src.check(string(data), "the file "+file)
	}
	dir := getenv(EnvCredentialsDirectory)
	if dir == "" {
		return Secret{}, nil
	}
	data, err := readFile(filepath.Join(dir, src.Credential))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return Secret{}, nil
	case err != nil:
		return Secret{}, fmt.Errorf("%s: read systemd credential %s: %w", src.Name, src.Credential, err)
	}
	return src.check(string(data), "systemd credential "+src.Credential)
}

// check trims a secret and checks it is one printable token. from says
// where it came from, for the error; the secret itself is never in an error.
func (src SecretSource) check(raw, from string) (Secret, error) {
	s := strings.TrimSpace(raw)
	switch {
	case s == "":
		return Secret{}, fmt.Errorf("%s: %s is empty", src.Name, from)
	case !isToken(s):
		return Secret{}, fmt.Errorf("%s: %s must hold one word of printable ASCII characters (the %s alone)", src.Name, from, src.Noun)
	}
	return NewSecret(s), nil
}
