package config

import (
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// parseEdges are files at the edges of what the parser reads: null and
// empty values and lists, YAML 1.1 booleans, tags, numbers that overflow or
// have a fraction, aliases and merge keys, duplicates, bad list items. What
// ParseConfig makes of each is in testdata/config-edges.golden; when yaml.v3
// took over decoding, that file was checked equal, input by input, to what
// the reflective decoder before it read (Config, lines and problems).
var parseEdges = []string{
	"", "# nothing\n", "~\n", "- a\n", "a: 1\n---\nb: 2\n",
	"dry_run: no\n", "dry_run: maybe\n", "dry_run: ON\n", "dry_run: !!str true\n", "dry_run: !!binary eQ==\n",
	"bugzilla:\n  timeout:\npoll:\n", "bugzilla: ~\n", "bugzilla: 5\n", "bugzilla: [a]\n", "log: debug\n",
	"bugzilla:\n  timeout: 30\n  rate_limit_park: soon\n  max_attachment_bytes: big\n",
	"bugzilla:\n  timeout: 1.5\n  rate_limit_park: !!str 5m\n  max_attachment_bytes: 1e3\n",
	"bugzilla:\n  timeout: \"30\"\n  rate_limit_park: !foo 5m\n  max_attachment_bytes: 0x10\n",
	"bugzilla:\n  timeout: [1m]\n  url: {a: b}\n  login: 2026-01-01\n  contact: !!binary aGk=\n  flag_name: !!int x\n",
	"poll:\n  page_size: 99999999999999999999\n  max_writes_per_cycle: -1\n  overlap: -5m\n",
	"poll:\n  page_size: 10.0\n  max_writes_per_cycle: 10.5\n",
	"poll:\n  overlap: &o 7m\nbugzilla:\n  timeout: *o\n",
	"bugzilla: &b {timeout: 5s}\npoll: *b\n", "a: &a [*a]\n",
	"log:\n  level: info\n  level: debug\n", "log:\n  <<: {level: info}\n",
	"base: &b {level: info}\nlog:\n  <<: *b\n  format: json\n",
	"? [a]\n: 1\n", "1: x\n", "log:\n  ? {a: b}\n  : c\n",
	"stewards:\n  holidays: []\n  roster: []\nescalation:\n  trust: ~\n  legal: [a, ~, [b], {c: d}, 5, x]\n",
	"stewards:\n  roster:\n    - login: a@example.org\n      max_open: x\n    - b\n    - ~\n    - login: c@example.org\n      away: [{from: 2026-01-01, to: 2026-01-02}, x, {from: 1}]\n      zzz: 1\n",
	"stewards:\n  roster: {login: a}\n  holidays: 2026-01-01\n",
	"stewards:\n  roster:\n    - &s {login: a@example.org, time_zone: UTC}\n    - *s\n",
	"webhooks:\n  enabled: yes\n  max_body_bytes: 1_000\n  debounce: 0\n  secret: x\n",
	"bugzilla:\n  api_key: x\n  apikey: y\n  timout: 5s\n",
	"expiry:\n  remind_days: 7\ncommands:\n  enabled: off\nhttp:\n  show_private: y\n",
	"rules_file: [a]\n", "rules_file: 12\n", "rules_file: !!null\n", "rules_file: ''\n",
	"bugzilla:\n  timeout: !!binary MWgxbQ==\n", "bugzilla:\n  timeout: !!binary 1h1m\n", "poll:\n  page_size: !!binary MTA=\n",
	"bugzilla:\n  timeout: !!timestamp 5m\n  rate_limit_park: !!bool 1h\n", "bugzilla:\n  timeout: !!int 5m\n  rate_limit_park: !!float 1h\n",
}

func TestParseConfigEdges(t *testing.T) {
	defaults := map[string]string{}
	for _, s := range DefaultConfig().settings() {
		defaults[s.path] = showSetting(s.value)
	}
	var b strings.Builder
	for _, in := range parseEdges {
		fmt.Fprintf(&b, "== %q\n", in)
		cfg, errs, wellFormed := parseConfig([]byte(in))
		if !wellFormed {
			b.WriteString("not well-formed\n")
		}
		for _, e := range errs {
			fmt.Fprintf(&b, "problem: %s\n", e.Error())
		}
		for _, s := range cfg.settings() {
			if v := showSetting(s.value); v != defaults[s.path] {
				fmt.Fprintf(&b, "%s = %s\n", s.path, v)
			}
		}
		if cfg.Source != nil && len(cfg.Source.Lines) > 0 {
			var lines []string
			for p, l := range cfg.Source.Lines {
				lines = append(lines, fmt.Sprintf("%s:%d", p, l))
			}
			slices.Sort(lines)
			fmt.Fprintf(&b, "lines: %s\n", strings.Join(lines, " "))
		}
	}
	const golden = "testdata/config-edges.golden"
	if updating() {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if d := cmp.Diff(b.String(), string(want)); d != "" {
		t.Errorf("(-got +want):\n%s", d)
	}
}

// showSetting prints a setting's value for the golden file: %+v, and nil
// for a nil list, which the defaults have and an empty list in the file
// must keep.
func showSetting(v any) string {
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice && rv.IsNil() {
		return "nil"
	}
	return fmt.Sprintf("%+v", v)
}
