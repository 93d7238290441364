package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"
	"go.yaml.in/yaml/v3"
)

const testSecretValue = "S3cret0Value0That0Never0Shows0x"

// Every way of printing a Secret, alone, inside each struct that holds one
// and inside a whole Config, shows Redacted and never the value (nor its
// hex, for %x).
func TestSecretRedacted(t *testing.T) {
	s := NewSecret(testSecretValue)
	cfg := validConfig()
	cfg.Bugzilla.APIKey = s
	cfg.Webhooks.Enabled, cfg.Webhooks.Secret = true, s
	holders := map[string]any{
		"secret":    s,
		"&secret":   &s,
		"bugzilla":  cfg.Bugzilla,
		"&bugzilla": &cfg.Bugzilla,
		"webhooks":  cfg.Webhooks,
		"&webhooks": &cfg.Webhooks,
		"cfg":       cfg,
		"&cfg":      &cfg,
		"in a map":  map[string]Secret{"k": s},
		"in a list": []Secret{s},
	}
	outputs := map[string]string{}
	for name, v := range holders {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10.3s", "%T %v"} {
			outputs[name+" "+verb] = fmt.Sprintf(verb, v)
		}
		j, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("json %s: %v", name, err)
		}
		outputs[name+" json"] = string(j)
		y, err := yaml.Marshal(v)
		if err != nil {
			t.Fatalf("yaml %s: %v", name, err)
		}
		outputs[name+" yaml"] = string(y)
		var zl strings.Builder
		logger := zerolog.New(&zl)
		logger.Info().Interface("v", v).Msg("")
		outputs[name+" zerolog Interface"] = zl.String()
	}
	var zl strings.Builder
	logger := zerolog.New(&zl)
	logger.Info().Object("config", cfg).Stringer("key", s).Msg("")
	outputs["zerolog Object and Stringer"] = zl.String()
	text, _ := s.MarshalText()
	outputs["MarshalText"] = string(text)
	outputs["String"], outputs["GoString"] = s.String(), s.GoString()

	for name, out := range outputs {
		if strings.Contains(out, testSecretValue) || strings.Contains(strings.ToLower(out), fmt.Sprintf("%x", testSecretValue)) {
			t.Errorf("%s shows the secret: %s", name, out)
		}
	}
	for _, name := range []string{
		"secret %v", "secret %+v", "secret %#v", "secret %s", "&secret %v", "secret json", "secret yaml", "secret zerolog Interface",
		"bugzilla %v", "bugzilla %+v", "bugzilla %#v", "&bugzilla %v", "bugzilla json", "bugzilla zerolog Interface",
		"webhooks %v", "webhooks %+v", "webhooks %#v", "&webhooks %v", "webhooks json", "webhooks zerolog Interface",
		"cfg %v", "cfg %+v", "cfg %#v", "cfg json", "cfg zerolog Interface", "in a map %v", "in a list json",
		"zerolog Object and Stringer", "MarshalText", "String", "GoString",
	} {
		if !strings.Contains(outputs[name], Redacted) {
			t.Errorf("%s does not say %s: %s", name, Redacted, outputs[name])
		}
	}
	if got, want := outputs["secret %q"], `"`+Redacted+`"`; got != want {
		t.Errorf("%%q = %s, want %s", got, want)
	}
	if got, want := outputs["secret %#v"], `"`+Redacted+`"`; got != want {
		t.Errorf("%%#v = %s, want %s", got, want)
	}
}

// An unset secret prints as nothing, so a missing one is visible.
func TestSecretUnset(t *testing.T) {
	var s Secret
	for _, verb := range []string{"%v", "%+v", "%s"} {
		if got := fmt.Sprintf(verb, s); got != "" {
			t.Errorf("%s of an unset secret = %q, want empty", verb, got)
		}
	}
	if j, _ := json.Marshal(s); string(j) != `""` {
		t.Errorf("json = %s, want \"\"", j)
	}
	if s.IsSet() || NewSecret("").IsSet() || s.Reveal() != "" {
		t.Errorf("the zero Secret is set: %q", s.Reveal())
	}
}

func TestSecretRevealAndEqual(t *testing.T) {
	s := NewSecret(testSecretValue)
	if !s.IsSet() || s.Reveal() != testSecretValue {
		t.Errorf("Reveal = %q, IsSet %v", s.Reveal(), s.IsSet())
	}
	if !s.Equal(NewSecret(testSecretValue)) || s.Equal(NewSecret(testSecretValue+"x")) || s.Equal(Secret{}) {
		t.Error("Equal compares wrongly")
	}
	// go-cmp uses Equal: configs holding secrets can be diffed (a test's
	// diff of two different secrets does show them: it is a test's output).
	type holder struct{ S Secret }
	if d := cmp.Diff(holder{s}, holder{NewSecret(testSecretValue)}); d != "" {
		t.Errorf("equal secrets differ: %s", d)
	}
	d := cmp.Diff(holder{s}, holder{NewSecret("other0other0other0")})
	if d == "" {
		t.Errorf("diff of different secrets = %q", d)
	}
}

// Both secrets load through LoadSecret with the same rules; the messages
// differ only by the secret's name.
func TestLoadSecretSources(t *testing.T) {
	for _, src := range []SecretSource{APIKeySource, WebhookSecretSource} {
		t.Run(src.Name, func(t *testing.T) {
			got, err := LoadSecret(src, env(map[string]string{src.Env: " " + testSecretValue + "\n"}), files(nil))
			if err != nil || got.Reveal() != testSecretValue {
				t.Errorf("from %s: %q, %v", src.Env, got.Reveal(), err)
			}
			got, err = LoadSecret(src, env(map[string]string{EnvCredentialsDirectory: "/run/c"}),
				files(map[string]string{"/run/c/" + src.Credential: testSecretValue}))
			if err != nil || got.Reveal() != testSecretValue {
				t.Errorf("from the credential %s: %q, %v", src.Credential, got.Reveal(), err)
			}
			_, err = LoadSecret(src, env(map[string]string{src.FileEnv: "/s"}), files(map[string]string{"/s": "two words\n"}))
			want := src.Name + ": the file /s must hold one word of printable ASCII characters (the " + src.Noun + " alone)"
			if err == nil || err.Error() != want {
				t.Errorf("err = %v, want %s", err, want)
			}
		})
	}
}

// loadSecretCase is one case of a secret loader's table (TestLoadAPIKey,
// TestLoadWebhookSecret): where the secret is set, and what comes of it.
type loadSecretCase struct {
	name     string
	env      map[string]string
	files    map[string]string
	readFile func(string) ([]byte, error)
	want     string
	wantErr  string // substring; empty means no error
	wantIs   error
}

// runLoadSecretCases loads src for each case; an error must never carry
// the secret, and a failed load returns none.
func runLoadSecretCases(t *testing.T, src SecretSource, secret string, tests []loadSecretCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rf := tt.readFile
			if rf == nil {
				rf = files(tt.files)
			}
			got, err := LoadSecret(src, env(tt.env), rf)
			if tt.wantErr == "" {
				if err != nil || got.Reveal() != tt.want {
					t.Fatalf("LoadSecret(%s) = %q, %v; want %q", src.Name, got.Reveal(), err, tt.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("LoadSecret(%s) error = %v, want one containing %q", src.Name, err, tt.wantErr)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.wantIs)
			}
			if got.IsSet() || strings.Contains(err.Error(), secret) {
				t.Errorf("a secret was returned or leaked: %q, %v", got.Reveal(), err)
			}
		})
	}
}
