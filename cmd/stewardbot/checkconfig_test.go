package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stewardbot/stewardbot/policy"
)

const checkKey = "Zx9Secret0Key0That0Must0Never0Be0Logged0"

// writeFiles writes name → content into a new temporary folder.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestCheckConfigUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"no file", nil, 2},
		{"two files", []string{"a.yaml", "b.yaml"}, 2},
		{"unknown flag", []string{"-x", "a.yaml"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr strings.Builder
			code := runCheckConfig(context.Background(), tt.args, &stdout, &stderr, func(string) string { return "" })
			if code != tt.want {
				t.Errorf("exit %d, want %d", code, tt.want)
			}
			if !strings.Contains(stderr.String(), "usage: stewardbot check-config FILE") || stdout.Len() != 0 {
				t.Errorf("stdout %q, stderr %q; want usage on stderr only", stdout.String(), stderr.String())
			}
		})
	}
}

func TestCheckConfig(t *testing.T) {
	const good = "dry_run: false\nbugzilla:\n  url: https://bugzilla.example.org\n  login: bot@example.org\n"
	tests := []struct {
		name  string
		files map[string]string
		env   map[string]string
		want  string // stdout; DIR stands for the folder
		code  int
	}{
		{
			name:  "good",
			files: map[string]string{"c.yaml": good},
			env:   map[string]string{"STEWARDBOT_BUGZILLA_API_KEY": checkKey},
			want:  "DIR/c.yaml: ok\n",
		},
		{
			name:  "good, dry run",
			files: map[string]string{"c.yaml": "bugzilla:\n  url: https://bugzilla.example.org\n  login: bot@example.org\n"},
			env:   map[string]string{"STEWARDBOT_BUGZILLA_API_KEY": checkKey},
			want:  "DIR/c.yaml: ok\nnote: dry_run is true: the bot will log what it would post and write nothing\n",
		},
		{
			// `once` authenticates in dry run too: without a key it fails.
			name:  "no key, dry run",
			files: map[string]string{"c.yaml": "bugzilla:\n  url: https://bugzilla.example.org\n"},
			want:  "DIR/c.yaml: bugzilla.api_key: required to run, in dry run too (the bot authenticates at start): set STEWARDBOT_BUGZILLA_API_KEY, STEWARDBOT_BUGZILLA_API_KEY_FILE, or a systemd credential named bugzilla-api-key\nDIR/c.yaml: 1 problem\n",
			code:  1,
		},
		{
			name:  "a PostgreSQL DSN that does not parse",
			files: map[string]string{"c.yaml": good + "store:\n  dsn: postgres://u:Secret0Pass@h:notaport/db\n"},
			env:   map[string]string{"STEWARDBOT_BUGZILLA_API_KEY": checkKey},
			want:  "DIR/c.yaml:6: store.dsn: cannot parse the PostgreSQL DSN: invalid port \":notaport\" after host (see docs/postgres.md for its form); set store.dsn or STEWARDBOT_STORE_DSN\nDIR/c.yaml: 1 problem\n",
			code:  1,
		},
		{
			name:  "a SQLite file in a missing folder",
			files: map[string]string{"c.yaml": good},
			env:   map[string]string{"STEWARDBOT_BUGZILLA_API_KEY": checkKey, "STEWARDBOT_STORE_DSN": "DIR/nope/s.db"},
			want:  "DIR/c.yaml: store.dsn: the folder DIR/nope does not exist: create it (writable by the bot's user) or set store.dsn to a file in another; set store.dsn or STEWARDBOT_STORE_DSN (set by STEWARDBOT_STORE_DSN)\nDIR/c.yaml: 1 problem\n",
			code:  1,
		},
		{
			name:  "key from the systemd credentials directory",
			files: map[string]string{"c.yaml": good, "bugzilla-api-key": checkKey + "\n"},
			env:   map[string]string{"CREDENTIALS_DIRECTORY": "DIR"},
			want:  "DIR/c.yaml: ok\n",
		},
		{
			name: "every problem with its line",
			files: map[string]string{"c.yaml": `dry_run: false
bugzilla:
  url: http://bugzilla.example.org
  login: bot
poll:
  shedule: "@every 5m"
  page_size: 0
`},
			env: map[string]string{"STEWARDBOT_BUGZILLA_API_KEY": checkKey, "STEWARDBOT_LOG_LEVEL": "chatty"},
			want: `DIR/c.yaml:3: bugzilla.url: plain http would send the API key in clear text: use https (http is allowed only for loopback hosts)
DIR/c.yaml:4: bugzilla.login: want the bot account's login, an email address such as stewardbot@example.org, not "bot"
DIR/c.yaml:6: poll.shedule: unknown setting; did you mean "schedule"?
DIR/c.yaml:7: poll.page_size: must be between 1 and 10000 (Bugzilla's usual max_search_results), such as 1000
DIR/c.yaml: log.level: want debug, info, warn or error, not "chatty" (set by STEWARDBOT_LOG_LEVEL)
DIR/c.yaml: 5 problems
`,
			code: 1,
		},
		{
			name:  "missing key when writing",
			files: map[string]string{"c.yaml": good},
			want:  "DIR/c.yaml: bugzilla.api_key: required when dry_run is false: set STEWARDBOT_BUGZILLA_API_KEY, STEWARDBOT_BUGZILLA_API_KEY_FILE, or a systemd credential named bugzilla-api-key\nDIR/c.yaml: 1 problem\n",
			code:  1,
		},
		{
			name:  "syntax error",
			files: map[string]string{"c.yaml": "bugzilla:\n  url: [\n"},
			want:  "DIR/c.yaml:2: invalid YAML: did not find expected node content\nDIR/c.yaml: 1 problem\n",
			code:  1,
		},
		{
			name: "missing file",
			want: "DIR/c.yaml: config: open DIR/c.yaml: no such file or directory\nDIR/c.yaml: 1 problem\n",
			code: 1,
		},
		{
			name: "rules file, relative to the config",
			files: map[string]string{
				"c.yaml":     "bugzilla:\n  url: https://bugzilla.example.org\n  login: bot@example.org\nrules_file: rules.yaml\n",
				"rules.yaml": string(policy.DefaultRulesYAML()),
			},
			env:  map[string]string{"STEWARDBOT_BUGZILLA_API_KEY": checkKey},
			want: "DIR/c.yaml: ok\nnote: dry_run is true: the bot will log what it would post and write nothing\n",
		},
		{
			name:  "rules file missing",
			files: map[string]string{"c.yaml": "bugzilla:\n  url: https://bugzilla.example.org\n  login: bot@example.org\nrules_file: nope.yaml\n"},
			env:   map[string]string{"STEWARDBOT_BUGZILLA_API_KEY": checkKey},
			want:  "DIR/c.yaml:4: rules_file: cannot read the rules: open DIR/nope.yaml: no such file or directory\nDIR/c.yaml: 1 problem\n",
			code:  1,
		},
		{
			name: "rules file with an unknown key",
			files: map[string]string{
				"c.yaml":     "bugzilla:\n  url: https://bugzilla.example.org\n  login: bot@example.org\nrules_file: rules.yaml\n",
				"rules.yaml": "version: 1\n\nescalatons: {}\n",
			},
			env:  map[string]string{"STEWARDBOT_BUGZILLA_API_KEY": checkKey},
			want: "DIR/rules.yaml:3: field escalatons not found in type policy.rulesFile\nDIR/c.yaml: 1 problem\n",
			code: 1,
		},
		{
			name: "rules file that does not validate",
			files: map[string]string{
				"c.yaml":     "bugzilla:\n  url: https://bugzilla.example.org\n  login: bot@example.org\nrules_file: rules.yaml\n",
				"rules.yaml": "version: 7\n",
			},
			env:  map[string]string{"STEWARDBOT_BUGZILLA_API_KEY": checkKey},
			want: "DIR/rules.yaml: version: unsupported version 7 (want 1)\nDIR/c.yaml: 1 problem\n",
			code: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFiles(t, tt.files)
			getenv := func(k string) string { return strings.ReplaceAll(tt.env[k], "DIR", dir) }
			var stdout, stderr strings.Builder
			code := runCheckConfig(context.Background(), []string{filepath.Join(dir, "c.yaml")}, &stdout, &stderr, getenv)
			got := strings.ReplaceAll(stdout.String(), dir, "DIR")
			if d := cmp.Diff(got, tt.want); d != "" {
				t.Errorf("stdout (-got +want):\n%s", d)
			}
			if code != tt.code {
				t.Errorf("exit %d, want %d", code, tt.code)
			}
			if stderr.Len() != 0 {
				t.Errorf("stderr: %s", stderr.String())
			}
			if strings.Contains(stdout.String(), checkKey) {
				t.Error("output leaks the API key")
			}
		})
	}
}

// The example shipped in deploy/ passes check-config as it stands, given
// what a deployment adds through the environment: the key, and a store in a
// folder that exists here.
func TestCheckConfigExample(t *testing.T) {
	env := map[string]string{"STEWARDBOT_BUGZILLA_API_KEY": checkKey, "STEWARDBOT_STORE_DSN": filepath.Join(t.TempDir(), "s.db")}
	var stdout, stderr strings.Builder
	code := runCheckConfig(context.Background(), []string{"../../deploy/config.example.yaml"}, &stdout, &stderr, func(k string) string { return env[k] })
	if code != 0 {
		t.Errorf("exit %d:\n%s%s", code, stdout.String(), stderr.String())
	}
}
