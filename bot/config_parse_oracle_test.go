package bot

// The decoder that parseConfig used before yaml.v3 decoded the settings,
// kept for one commit as a differential oracle: TestParseMatchesOldDecoder
// and FuzzParseMatchesOldDecoder check that the new one reads every file
// to the same Config, lines and problems.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"go.yaml.in/yaml/v3"
)

// parseConfig is ParseConfig that also says whether the YAML was well-formed
// enough for the result to be worth validating.
func oldParseConfig(data []byte) (cfg Config, errs ConfigErrors, wellFormed bool) {
	cfg = DefaultConfig()
	src := &ConfigSource{Lines: map[string]int{}, Env: map[string]string{}}

	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	switch err := dec.Decode(&doc); {
	case errors.Is(err, io.EOF): // empty, or only comments: all defaults
		cfg.Source = src
		return cfg, nil, true
	case err != nil:
		return cfg, ConfigErrors{yamlSyntaxError(data, err)}, false
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return cfg, ConfigErrors{yamlSyntaxError(data, err)}, false
	default:
		return cfg, ConfigErrors{{Line: next.Line, Message: "a config file holds one YAML document, and this is a second (remove the --- separator)"}}, false
	}

	if len(doc.Content) == 0 {
		cfg.Source = src
		return cfg, nil, true
	}
	root := resolveAlias(doc.Content[0])
	if isNull(root) {
		cfg.Source = src
		return cfg, nil, true
	}
	if root.Kind != yaml.MappingNode {
		return cfg, ConfigErrors{{Line: root.Line, Message: "the file must be a mapping of settings such as dry_run: and bugzilla:"}}, false
	}
	d := oldConfigDecoder{src: src}
	d.oldSection(root, reflect.ValueOf(&cfg).Elem(), "")
	cfg.Source = src
	sortConfigErrors(d.errs)
	return cfg, d.errs, true
}

// oldConfigDecoder walks the YAML node tree beside the Config struct, recording
// the line of every key and every problem.
type oldConfigDecoder struct {
	src  *ConfigSource
	errs ConfigErrors
}

func (d *oldConfigDecoder) addf(line int, path, format string, args ...any) {
	d.errs = append(d.errs, ConfigError{Line: line, Field: path, Message: fmt.Sprintf(format, args...)})
}

// section decodes a mapping node into the struct v.
func (d *oldConfigDecoder) oldSection(node *yaml.Node, v reflect.Value, path string) {
	node = resolveAlias(node)
	if isNull(node) {
		return
	}
	index, keys := sectionKeys(v.Type())
	if node.Kind != yaml.MappingNode {
		d.addf(node.Line, path, "want a mapping of settings (%s), not %s", strings.Join(keys, ", "), describeNode(node))
		return
	}
	for i := 0; i+1 < len(node.Content); i += 2 {
		k, val := node.Content[i], node.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.addf(k.Line, path, "a key must be a plain name, not %s", describeNode(k))
			continue
		}
		name := k.Value
		p := joinPath(path, name)
		if prev, dup := d.src.Lines[p]; dup {
			d.addf(k.Line, p, "set twice (first at line %d)", prev)
			continue
		}
		fi, known := index[name]
		if !known {
			d.addf(k.Line, p, "%s", unknownKeyMessage(name, keys))
			continue
		}
		d.src.Lines[p] = k.Line
		fv := v.Field(fi)
		if isSection(fv.Type()) {
			d.oldSection(val, fv, p)
			continue
		}
		d.oldValue(val, fv, p)
	}
}

// value decodes a scalar node into the setting fv.
func (d *oldConfigDecoder) oldValue(node *yaml.Node, fv reflect.Value, path string) {
	node = resolveAlias(node)
	if isNull(node) {
		return // an empty value keeps the default
	}
	if fv.Kind() == reflect.Slice {
		d.oldList(node, fv, path)
		return
	}
	if node.Kind != yaml.ScalarNode {
		d.addf(node.Line, path, "want a single value, not %s", describeNode(node))
		return
	}
	switch {
	case fv.Type() == durationType:
		if node.Tag == "!!int" || node.Tag == "!!float" {
			d.addf(node.Line, path, "want a duration with a unit, such as %q or %q, not the bare number %s", "30s", "5m", node.Value)
			return
		}
		dur, err := time.ParseDuration(node.Value)
		if err != nil {
			d.addf(node.Line, path, "want a duration such as %q, %q or %q, not %q", "30s", "5m", "1h30m", clip(node.Value))
			return
		}
		fv.SetInt(int64(dur))
	case fv.Kind() == reflect.Bool:
		var b bool
		if err := node.Decode(&b); err != nil {
			d.addf(node.Line, path, "want true or false, not %q", clip(node.Value))
			return
		}
		fv.SetBool(b)
	case fv.Kind() == reflect.Int || fv.Kind() == reflect.Int64:
		var n int64
		if err := node.Decode(&n); err != nil || fv.OverflowInt(n) {
			d.addf(node.Line, path, "want a whole number, not %q", clip(node.Value))
			return
		}
		fv.SetInt(n)
	case fv.Kind() == reflect.String:
		fv.SetString(node.Value)
	default:
		// A new field of a kind this decoder does not know: a programming
		// error that the tests catch, reported rather than panicking.
		d.addf(node.Line, path, "cannot read a setting of Go type %s", fv.Type())
	}
}

// list decodes a YAML sequence into the slice setting fv: scalars for a
// []string, mappings for a slice of structs (each read like a section, with
// paths such as "stewards.roster[0].login"). An empty list keeps the
// default.
func (d *oldConfigDecoder) oldList(node *yaml.Node, fv reflect.Value, path string) {
	if node.Kind != yaml.SequenceNode {
		d.addf(node.Line, path, "want a list, not %s", describeNode(node))
		return
	}
	if len(node.Content) == 0 {
		return
	}
	out := reflect.MakeSlice(fv.Type(), len(node.Content), len(node.Content))
	for i, item := range node.Content {
		p := fmt.Sprintf("%s[%d]", path, i)
		el := out.Index(i)
		item = resolveAlias(item)
		if isSection(el.Type()) {
			if item.Kind != yaml.MappingNode {
				d.addf(item.Line, p, "want a mapping, not %s", describeNode(item))
				continue
			}
			d.oldSection(item, el, p)
			continue
		}
		d.oldValue(item, el, p)
	}
	fv.Set(out)
}

// oracleInputs are files that reach every branch of the old decoder: the
// golden inputs and the example (read by the caller), and these.
var oracleInputs = []string{
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

func oracleSeeds(t testing.TB) [][]byte {
	files, _ := filepath.Glob("testdata/config/*.yaml")
	files = append(files, exampleConfig)
	var seeds [][]byte
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		seeds = append(seeds, data)
	}
	for _, s := range oracleInputs {
		seeds = append(seeds, []byte(s))
	}
	return seeds
}

// checkSameAsOldDecoder fails when the new parser reads data otherwise than
// the old one: another Config, other lines, other problems.
func checkSameAsOldDecoder(t *testing.T, data []byte) {
	t.Helper()
	got, gotErrs, gotOK := parseConfig(data)
	want, wantErrs, wantOK := oldParseConfig(data)
	if d := cmp.Diff(got, want); d != "" {
		t.Errorf("%q: Config (-new +old):\n%s", data, d)
	}
	if d := cmp.Diff(gotErrs, wantErrs); d != "" {
		t.Errorf("%q: problems (-new +old):\n%s", data, d)
	}
	if gotOK != wantOK {
		t.Errorf("%q: well-formed %v, old %v", data, gotOK, wantOK)
	}
}

func TestParseMatchesOldDecoder(t *testing.T) {
	for _, data := range oracleSeeds(t) {
		checkSameAsOldDecoder(t, data)
	}
}

func FuzzParseMatchesOldDecoder(f *testing.F) {
	for _, data := range oracleSeeds(f) {
		f.Add(data)
	}
	f.Fuzz(checkSameAsOldDecoder)
}
