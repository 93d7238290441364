package bugzillatest

import (
	"fmt"
	"regexp"
	"sort"
	"time"

	"github.com/google/go-cmp/cmp"
)

// shapeDiff compares two decoded JSON values by shape: the same key sets
// and the same value types, recursively, arrays element by element. Values
// (ids, dates, texts) may differ; key order never matters.
func shapeDiff(path string, got, want any) []string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: got %s, want an object", path, kindOf(got))}
		}
		var out []string
		for _, k := range sortedKeys(w) {
			gv, ok := g[k]
			if !ok {
				out = append(out, fmt.Sprintf("%s: missing key %q", path, k))
				continue
			}
			out = append(out, shapeDiff(path+"."+k, gv, w[k])...)
		}
		for _, k := range sortedKeys(g) {
			if _, ok := w[k]; !ok {
				out = append(out, fmt.Sprintf("%s: extra key %q", path, k))
			}
		}
		return out
	case []any:
		g, ok := got.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: got %s, want an array", path, kindOf(got))}
		}
		if len(g) != len(w) {
			return []string{fmt.Sprintf("%s: got %d elements, want %d", path, len(g), len(w))}
		}
		var out []string
		for i := range w {
			out = append(out, shapeDiff(fmt.Sprintf("%s[%d]", path, i), g[i], w[i])...)
		}
		return out
	default:
		if kindOf(got) != kindOf(want) {
			return []string{fmt.Sprintf("%s: got %s %v, want %s %v", path, kindOf(got), got, kindOf(want), want)}
		}
		return nil
	}
}

func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

var isoDateRe = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$`)

// normalize replaces the keys listed in volatile (tokens and the like) so
// the rest can be compared exactly.
func normalize(v any, volatile map[string]bool) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			if volatile[k] {
				out[k] = "<volatile>"
				continue
			}
			out[k] = normalize(e, volatile)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e, volatile)
		}
		return out
	}
	return v
}

// sameString compares strings exactly, except that two REST timestamps
// match within slack: the recordings note their time a second or two after
// the server stamped the change, and the replay sets the clock from that note.
func sameString(slack time.Duration) cmp.Option {
	return cmp.Comparer(func(a, b string) bool {
		if a == b {
			return true
		}
		if !isoDateRe.MatchString(a) || !isoDateRe.MatchString(b) {
			return false
		}
		ta, errA := time.Parse(time.RFC3339, a)
		tb, errB := time.Parse(time.RFC3339, b)
		if errA != nil || errB != nil {
			return false
		}
		d := ta.Sub(tb)
		return d <= slack && d >= -slack
	})
}
