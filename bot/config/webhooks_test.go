package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"
	"go.yaml.in/yaml/v3"
)

const testWebhookSecret = "Wh0Secret0That0Must0Never0Be0Logged"

func TestWebhooksValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(w *WebhooksConfig)
		want   []string // problem fields
		msg    string   // substring of the message, if any
	}{
		{name: "defaults, disabled, no secret"},
		{name: "enabled with a secret", mutate: func(w *WebhooksConfig) { w.Enabled, w.Secret = true, NewSecret(testWebhookSecret) }},
		{name: "enabled without a secret", mutate: func(w *WebhooksConfig) { w.Enabled = true },
			want: []string{"webhooks.secret"}, msg: EnvWebhookSecretFile},
		{name: "short secret", mutate: func(w *WebhooksConfig) { w.Enabled, w.Secret = true, NewSecret("short") },
			want: []string{"webhooks.secret"}, msg: "16 to 64"},
		{name: "secret longer than BMO holds", mutate: func(w *WebhooksConfig) { w.Secret = NewSecret(strings.Repeat("a", 65)) },
			want: []string{"webhooks.secret"}},
		{name: "secret with a space", mutate: func(w *WebhooksConfig) { w.Secret = NewSecret("two words of a secret here") },
			want: []string{"webhooks.secret"}, msg: "printable ASCII"},
		{name: "custom header", mutate: func(w *WebhooksConfig) { w.Header = "X-Stewardbot-Secret" }},
		{name: "no header", mutate: func(w *WebhooksConfig) { w.Header = "" }, want: []string{"webhooks.header"}},
		{name: "header with a colon", mutate: func(w *WebhooksConfig) { w.Header = "X-Secret:" }, want: []string{"webhooks.header"}},
		{name: "header BMO sets itself", mutate: func(w *WebhooksConfig) { w.Header = "content-type" },
			want: []string{"webhooks.header"}, msg: "Content-Type is set by BMO"},
		{name: "header too long", mutate: func(w *WebhooksConfig) { w.Header = "X-" + strings.Repeat("a", 63) }, want: []string{"webhooks.header"}},
		{name: "tiny body cap", mutate: func(w *WebhooksConfig) { w.MaxBodyBytes = 100 }, want: []string{"webhooks.max_body_bytes"}},
		{name: "negative debounce", mutate: func(w *WebhooksConfig) { w.Debounce = -time.Second }, want: []string{"webhooks.debounce"}},
		{name: "zero debounce", mutate: func(w *WebhooksConfig) { w.Debounce = 0 }},
		{name: "debounce of a day", mutate: func(w *WebhooksConfig) { w.Debounce = 24 * time.Hour }, want: []string{"webhooks.debounce"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validConfig()
			if tt.mutate != nil {
				tt.mutate(&c.Webhooks)
			}
			err := c.Validate()
			if d := cmp.Diff(problemFields(t, err), tt.want); d != "" {
				t.Fatalf("problems (-got +want):\n%s\nerror: %v", d, err)
			}
			if tt.msg != "" && !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not say %q", err, tt.msg)
			}
			if err != nil && strings.Contains(err.Error(), c.Webhooks.Secret.Reveal()) && c.Webhooks.Secret.IsSet() {
				t.Errorf("error quotes the secret: %v", err)
			}
		})
	}
}

func TestLoadWebhookSecret(t *testing.T) {
	tests := []loadSecretCase{
		{name: "none"},
		{name: "variable", env: map[string]string{EnvWebhookSecret: " " + testWebhookSecret + "\n"}, want: testWebhookSecret},
		{name: "file", env: map[string]string{EnvWebhookSecretFile: "/etc/s"}, files: map[string]string{"/etc/s": testWebhookSecret + "\n"}, want: testWebhookSecret},
		{name: "credentials directory", env: map[string]string{EnvCredentialsDirectory: "/run/c"},
			files: map[string]string{"/run/c/webhook-secret": testWebhookSecret}, want: testWebhookSecret},
		{name: "credentials directory holding only the API key", env: map[string]string{EnvCredentialsDirectory: "/run/c"},
			files: map[string]string{"/run/c/bugzilla-api-key": testKey}},
		{name: "variable wins over the credentials directory", env: map[string]string{EnvWebhookSecret: testWebhookSecret, EnvCredentialsDirectory: "/run/c"},
			files: map[string]string{"/run/c/webhook-secret": "other0other0other0"}, want: testWebhookSecret},
		{name: "both variable and file", env: map[string]string{EnvWebhookSecret: testWebhookSecret, EnvWebhookSecretFile: "/s"},
			wantErr: "set only one of " + EnvWebhookSecret + " and " + EnvWebhookSecretFile},
		{name: "missing file", env: map[string]string{EnvWebhookSecretFile: "/nope"}, wantErr: "read the file named by", wantIs: fs.ErrNotExist},
		{name: "empty file", env: map[string]string{EnvWebhookSecretFile: "/s"}, files: map[string]string{"/s": "\n"}, wantErr: "is empty"},
		{name: "two lines", env: map[string]string{EnvWebhookSecretFile: "/s"}, files: map[string]string{"/s": testWebhookSecret + "\nmore\n"}, wantErr: "one word"},
		{name: "unreadable credential", env: map[string]string{EnvCredentialsDirectory: "/run/c"},
			readFile: func(string) ([]byte, error) { return nil, fs.ErrPermission },
			wantErr:  "read systemd credential webhook-secret", wantIs: fs.ErrPermission},
	}
	runLoadSecretCases(t, WebhookSecretSource, testWebhookSecret, tests)
	if got, err := LoadSecret(WebhookSecretSource, nil, nil); got.IsSet() || err != nil {
		t.Errorf("LoadSecret(WebhookSecretSource, nil, nil) = %q, %v", got.Reveal(), err)
	}
}

func TestLoadConfigWebhooks(t *testing.T) {
	const yml = "bugzilla:\n  url: https://b.example.org\nwebhooks:\n  enabled: true\n  header: X-Stewardbot-Secret\n  debounce: 30s\n"
	t.Run("secret from the environment", func(t *testing.T) {
		cfg, err := LoadConfig("c.yaml", env(map[string]string{EnvWebhookSecret: testWebhookSecret}), files(map[string]string{"c.yaml": yml}))
		if err != nil {
			t.Fatal(err)
		}
		want := WebhooksConfig{Enabled: true, Header: "X-Stewardbot-Secret", Secret: NewSecret(testWebhookSecret),
			MaxBodyBytes: DefaultWebhookMaxBytes, Debounce: 30 * time.Second}
		if d := cmp.Diff(cfg.Webhooks, want); d != "" {
			t.Errorf("(-got +want):\n%s", d)
		}
	})
	t.Run("enabled without a secret", func(t *testing.T) {
		_, err := LoadConfig("c.yaml", nil, files(map[string]string{"c.yaml": yml}))
		if d := cmp.Diff(problemFields(t, err), []string{"webhooks.secret"}); d != "" {
			t.Errorf("problems (-got +want):\n%s\nerror: %v", d, err)
		}
	})
	t.Run("unreadable secret file reported once", func(t *testing.T) {
		_, err := LoadConfig("c.yaml", env(map[string]string{EnvWebhookSecretFile: "/nope"}), files(map[string]string{"c.yaml": yml}))
		if d := cmp.Diff(problemFields(t, err), []string{"webhooks.secret"}); d != "" {
			t.Errorf("problems (-got +want):\n%s\nerror: %v", d, err)
		}
	})
	t.Run("a secret in the YAML is refused with its line", func(t *testing.T) {
		_, err := LoadConfig("c.yaml", nil, files(map[string]string{"c.yaml": "bugzilla:\n  url: https://b.example.org\nwebhooks:\n  secret: " + testWebhookSecret + "\n"}))
		var ce ConfigErrors
		if !errors.As(err, &ce) || len(ce) != 1 || ce[0].Line != 4 || !strings.Contains(ce[0].Message, EnvWebhookSecret) {
			t.Fatalf("err = %v", err)
		}
		if strings.Contains(err.Error(), testWebhookSecret) {
			t.Errorf("the error quotes the secret: %v", err)
		}
	})
	t.Run("bad values with their lines", func(t *testing.T) {
		_, err := LoadConfig("c.yaml", nil, files(map[string]string{"c.yaml": "bugzilla:\n  url: https://b.example.org\nwebhooks:\n  max_body_bytes: 10\n  debounce: 2h\n"}))
		want := `config c.yaml: 2 configuration problems:
	line 4: webhooks.max_body_bytes: must be between 4096 and 16777216 bytes, such as 524288
	line 5: webhooks.debounce: must be between 0s and 1h0m0s, such as "10s"`
		if err == nil || err.Error() != want {
			t.Errorf("err = %v\nwant %s", err, want)
		}
	})
}

// The secret never shows, whichever way a config is printed.
func TestWebhookSecretRedaction(t *testing.T) {
	cfg := validConfig()
	cfg.Webhooks.Enabled, cfg.Webhooks.Secret = true, NewSecret(testWebhookSecret)
	var zl strings.Builder
	logger := zerolog.New(&zl)
	logger.Info().Object("config", cfg).Interface("webhooks", cfg.Webhooks).Interface("cfg", cfg).Msg("start")
	jsonCfg, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	yamlCfg, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	outputs := map[string]string{"zerolog": zl.String(), "json": string(jsonCfg), "yaml": string(yamlCfg), "String()": cfg.String()}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		outputs["cfg "+verb] = fmt.Sprintf(verb, cfg)
		outputs["webhooks "+verb] = fmt.Sprintf(verb, cfg.Webhooks)
		outputs["&webhooks "+verb] = fmt.Sprintf(verb, &cfg.Webhooks)
	}
	for name, out := range outputs {
		if strings.Contains(out, testWebhookSecret) || strings.Contains(out, fmt.Sprintf("%x", testWebhookSecret)) {
			t.Errorf("%s leaks the secret: %s", name, out)
		}
	}
	for _, name := range []string{"zerolog", "json", "webhooks %+v", "&webhooks %v"} {
		if !strings.Contains(outputs[name], Redacted) {
			t.Errorf("%s does not say %s: %s", name, Redacted, outputs[name])
		}
	}
	if !strings.Contains(outputs["String()"], "webhooks.secret="+Redacted) {
		t.Errorf("String() does not show the secret as redacted: %s", outputs["String()"])
	}
	cfg.Webhooks.Secret = Secret{}
	if s := cfg.String(); !strings.Contains(s, `webhooks.secret="" `) {
		t.Errorf("String() without a secret: %s", s)
	}
}
