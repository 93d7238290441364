package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// ParseConfig reads a YAML configuration over DefaultConfig.
//
// Keys not in Config are errors (a typo must not silently leave a default in
// place); durations are Go durations such as "30s" or "1h30m"; a key with an
// empty value keeps its default. Every problem found is returned at once as
// ConfigErrors, each with its line. When the YAML itself is well-formed, the
// returned Config still holds every value that could be read, with
// Source.Lines set, so that a checker can go on to Validate it; a program must
// not run with a Config that came with an error.
//
// ParseConfig does not validate values (see Validate) and does not read the
// environment (see ApplyEnv).
func ParseConfig(data []byte) (Config, error) {
	cfg, errs, _ := parseConfig(data)
	if len(errs) > 0 {
		return cfg, errs
	}
	return cfg, nil
}

// parseConfig is ParseConfig that also says whether the YAML was well-formed
// enough for the result to be worth validating.
func parseConfig(data []byte) (cfg Config, errs ConfigErrors, wellFormed bool) {
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
	w := configWalk{src: src}
	settings := w.section(root, reflect.TypeFor[Config](), "")
	if err := settings.Decode(&cfg); err != nil {
		// The walk checked every value, so yaml refuses none of them; should
		// it anyway, say so rather than drop a setting silently.
		w.errs = append(w.errs, ConfigError{Line: root.Line, Message: "cannot read the settings: " + err.Error()})
	}
	cfg.Source = src
	sortConfigErrors(w.errs)
	return cfg, w.errs, true
}

// yamlLine matches the line number yaml puts in its syntax errors.
var yamlLine = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)

// yamlParserProblems are the problems yaml v3's parser (not its scanner)
// reports. For these, yaml v3 prints the 0-based line (its fail() adds 1 only
// for scanner errors), and prints none at all for the first line.
var yamlParserProblems = []string{
	"did not find expected <stream-start>",
	"did not find expected <document start>",
	"did not find expected node content",
	"did not find expected '-' indicator",
	"did not find expected key",
	"did not find expected ',' or ']'",
	"did not find expected ',' or '}'",
	"found undefined tag handle",
	"found duplicate %YAML directive",
	"found duplicate %TAG directive",
	"found incompatible YAML document",
}

// yamlReaderProblems are decoding problems that carry no position at all.
var yamlReaderProblems = []string{"UTF-8", "Unicode", "control characters", "input error", "byte order"}

// yamlSyntaxError turns a yaml syntax error in data into a ConfigError with
// the 1-based line of the problem.
func yamlSyntaxError(data []byte, err error) ConfigError {
	m := yamlLine.FindStringSubmatch(err.Error())
	if m == nil {
		return ConfigError{Message: "invalid YAML: " + err.Error()}
	}
	line, _ := strconv.Atoi(m[1]) // 0 when yaml printed no line
	msg := m[2]
	switch {
	case slices.Contains(yamlParserProblems, msg):
		line++
	case line == 0 && !slices.ContainsFunc(yamlReaderProblems, func(p string) bool { return strings.Contains(msg, p) }):
		line = 1 // a scanner error on the first line
	}
	// A problem found at the end of the input (an unclosed bracket) is
	// placed on the line after the last one; point at the last one.
	if last := bytes.Count(bytes.TrimSuffix(data, []byte("\n")), []byte("\n")) + 1; line > last {
		line = last
	}
	return ConfigError{Line: line, Message: "invalid YAML: " + msg}
}

// configWalk walks the YAML node tree beside the Config type. It records
// the line of every key and every problem, in words about the setting, and
// builds the tree that yaml then decodes over the defaults: the file's
// settings without those that have a problem, without empty values and
// empty lists (which keep their defaults), with aliases resolved and
// strings kept as written. yaml decodes every value; the walk asks it first,
// value by value, so that a refused one is reported with its line and
// setting, and the good ones around it are still read.
type configWalk struct {
	src  *ConfigSource
	errs ConfigErrors
}

func (w *configWalk) addf(line int, path, format string, args ...any) {
	w.errs = append(w.errs, ConfigError{Line: line, Field: path, Message: fmt.Sprintf(format, args...)})
}

// section checks a mapping of the settings of struct type t and returns
// what yaml should decode of it: nil when it is empty or not a mapping.
func (w *configWalk) section(node *yaml.Node, t reflect.Type, path string) *yaml.Node {
	node = resolveAlias(node)
	if isNull(node) {
		return nil
	}
	index, keys := sectionKeys(t)
	if node.Kind != yaml.MappingNode {
		w.addf(node.Line, path, "want a mapping of settings (%s), not %s", strings.Join(keys, ", "), describeNode(node))
		return nil
	}
	out := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for i := 0; i+1 < len(node.Content); i += 2 {
		k, val := node.Content[i], node.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			w.addf(k.Line, path, "a key must be a plain name, not %s", describeNode(k))
			continue
		}
		name := k.Value
		p := joinPath(path, name)
		if prev, dup := w.src.Lines[p]; dup {
			w.addf(k.Line, p, "set twice (first at line %d)", prev)
			continue
		}
		fi, known := index[name]
		if !known {
			w.addf(k.Line, p, "%s", unknownKeyMessage(name, keys))
			continue
		}
		w.src.Lines[p] = k.Line
		var v *yaml.Node
		if ft := t.Field(fi).Type; isSection(ft) {
			v = w.section(val, ft, p)
		} else {
			v = w.value(val, ft, p)
		}
		if v != nil {
			out.Content = append(out.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: name}, v)
		}
	}
	return out
}

var durationType = reflect.TypeFor[time.Duration]()

// value checks the value of a setting of type t and returns what yaml
// should decode: nil for an empty value (the default stays) or a problem.
func (w *configWalk) value(node *yaml.Node, t reflect.Type, path string) *yaml.Node {
	node = resolveAlias(node)
	if isNull(node) {
		return nil // an empty value keeps the default
	}
	if t.Kind() == reflect.Slice {
		return w.list(node, t, path)
	}
	if node.Kind != yaml.ScalarNode {
		w.addf(node.Line, path, "want a single value, not %s", describeNode(node))
		return nil
	}
	if t.Kind() == reflect.String || t == durationType && node.Tag != "!!int" && node.Tag != "!!float" {
		// As written: a number, a date or a tagged value is its text, and
		// so is a duration (yaml refuses a bare number for one).
		node = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: node.Value, Line: node.Line}
	}
	if err := node.Decode(reflect.New(t).Interface()); err != nil {
		w.addf(node.Line, path, "%s", valueProblem(t, node))
		return nil
	}
	return &yaml.Node{Kind: node.Kind, Style: node.Style, Tag: node.Tag, Value: node.Value, Line: node.Line}
}

// valueProblem says why yaml refused node as a setting of type t.
func valueProblem(t reflect.Type, node *yaml.Node) string {
	switch {
	case t == durationType && (node.Tag == "!!int" || node.Tag == "!!float"):
		return fmt.Sprintf("want a duration with a unit, such as %q or %q, not the bare number %s", "30s", "5m", node.Value)
	case t == durationType:
		return fmt.Sprintf("want a duration such as %q, %q or %q, not %q", "30s", "5m", "1h30m", clip(node.Value))
	case t.Kind() == reflect.Bool:
		return fmt.Sprintf("want true or false, not %q", clip(node.Value))
	case t.Kind() == reflect.Int || t.Kind() == reflect.Int64:
		return fmt.Sprintf("want a whole number, not %q", clip(node.Value))
	}
	return fmt.Sprintf("cannot read %s as a setting of Go type %s", describeNode(node), t)
}

// list checks a YAML sequence for the slice setting of type t: scalars for
// a []string, mappings for a slice of structs (each checked like a section,
// with paths such as "stewards.roster[0].login"). An item with a problem
// keeps its place as a zero value, so the paths and lines of the others
// stay right. An empty list keeps the default.
func (w *configWalk) list(node *yaml.Node, t reflect.Type, path string) *yaml.Node {
	if node.Kind != yaml.SequenceNode {
		w.addf(node.Line, path, "want a list, not %s", describeNode(node))
		return nil
	}
	if len(node.Content) == 0 {
		return nil
	}
	out := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	et := t.Elem()
	for i, item := range node.Content {
		p := fmt.Sprintf("%s[%d]", path, i)
		item = resolveAlias(item)
		var v *yaml.Node
		switch {
		case !isSection(et):
			v = w.value(item, et, p)
		case item.Kind != yaml.MappingNode:
			w.addf(item.Line, p, "want a mapping, not %s", describeNode(item))
		default:
			v = w.section(item, et, p)
		}
		if v == nil {
			v = zeroNode(et)
		}
		out.Content = append(out.Content, v)
	}
	return out
}

// zeroNode is a node yaml decodes to the zero value of t.
func zeroNode(t reflect.Type) *yaml.Node {
	switch {
	case isSection(t):
		return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	case t.Kind() == reflect.String:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str"}
	case t == durationType:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "0s"}
	}
	var n yaml.Node
	if err := n.Encode(reflect.Zero(t).Interface()); err != nil {
		return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"} // unreachable for Config's kinds
	}
	return &n
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	// An alias of an alias is not valid YAML, but be safe against cycles.
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 8; i++ {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

func describeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		return fmt.Sprintf("the value %q", clip(n.Value))
	}
	return "an empty document"
}

// clip keeps messages short when a value is long.
func clip(s string) string {
	const max = 60
	if r := []rune(s); len(r) > max {
		return string(r[:max]) + "…"
	}
	return s
}

// unknownKeyMessage explains an unknown key and suggests the likely one.
func unknownKeyMessage(name string, known []string) string {
	if name == "api_key" || name == "apikey" || name == "api-key" {
		return "the API key is never read from the config file: set " + EnvAPIKey + ", " +
			EnvAPIKeyFile + ", or a systemd credential named " + CredentialAPIKey
	}
	if name == "secret" || name == "webhook_secret" || name == "api_key_value" {
		return "the webhook secret is never read from the config file: set " + EnvWebhookSecret + ", " +
			EnvWebhookSecretFile + ", or a systemd credential named " + CredentialWebhook
	}
	if name == "<<" {
		return "YAML merge keys (<<) are not supported; repeat the settings"
	}
	best, bestDist := "", 3 // suggest only close matches
	for _, k := range known {
		if dist := editDistance(strings.ToLower(name), k); dist < bestDist {
			best, bestDist = k, dist
		}
	}
	if best != "" {
		return fmt.Sprintf("unknown setting; did you mean %q?", best)
	}
	return "unknown setting; known here: " + strings.Join(known, ", ")
}

// editDistance is the Levenshtein distance between a and b, bounded in work
// by the short keys it compares (names over 64 bytes are never "close").
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 1 << 30
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
