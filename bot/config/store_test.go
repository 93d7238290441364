package config

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/rs/zerolog"
)

// TestConfigRedactsDSNPassword: a PostgreSQL DSN's password never shows
// when the configuration is printed or logged.
func TestConfigRedactsDSNPassword(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Store.DSN = "postgres://stewardbot:dsn-s3cret@db.example.org:5432/stewardbot?sslmode=verify-full"
	var logged strings.Builder
	log := zerolog.New(&logged)
	log.Info().Object("config", cfg).Msg("")
	asJSON, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"String": cfg.String(), "%v": fmt.Sprintf("%v", cfg), "zerolog": logged.String(),
		"json": string(asJSON), "%#v": fmt.Sprintf("%#v", cfg), "%+v of the store": fmt.Sprintf("%+v", cfg.Store)} {
		if strings.Contains(out, "dsn-s3cret") {
			t.Errorf("%s shows the DSN's password: %s", name, out)
		}
		if !strings.Contains(out, "db.example.org") {
			t.Errorf("%s lost the DSN's host: %s", name, out)
		}
	}
}
