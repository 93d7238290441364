package config

import (
	"reflect"
	"strings"
)

// The Config struct, read by reflection through its yaml tags, is the single
// list of settings: the parser, the redacting logger and the test that keeps
// deploy/config.example.yaml complete all walk it, so none can forget one.

// yamlKey returns a field's YAML key, or "" when the field is not read from YAML.
func yamlKey(f reflect.StructField) string {
	if !f.IsExported() {
		return ""
	}
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	switch name {
	case "-":
		return ""
	case "":
		return strings.ToLower(f.Name) // yaml's own default
	}
	return name
}

// isSection reports whether a field holds nested settings rather than a value.
func isSection(t reflect.Type) bool { return t.Kind() == reflect.Struct }

// walkSettings calls fn for every leaf setting of the struct v, in struct
// order, with its dotted YAML path.
func walkSettings(v reflect.Value, prefix string, fn func(path string, v reflect.Value)) {
	t := v.Type()
	for i := range t.NumField() {
		key := yamlKey(t.Field(i))
		if key == "" {
			continue
		}
		path := joinPath(prefix, key)
		if isSection(t.Field(i).Type) {
			walkSettings(v.Field(i), path, fn)
			continue
		}
		fn(path, v.Field(i))
	}
}

// sectionKeys maps the YAML keys of struct type t to field indexes.
func sectionKeys(t reflect.Type) (index map[string]int, keys []string) {
	index = make(map[string]int)
	for i := range t.NumField() {
		if key := yamlKey(t.Field(i)); key != "" {
			index[key] = i
			keys = append(keys, key)
		}
	}
	return index, keys
}

func joinPath(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}
