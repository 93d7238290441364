package bugzillatest

import (
	"encoding/json"
	"strings"
)

// Bugzilla merges the query string and the JSON body into one set of
// parameters; on a POST or PUT the body wins. These helpers read that merge.

// str returns a scalar parameter.
func (c *reqCtx) str(name string) (string, bool) {
	if v, ok := c.body[name]; ok {
		return numberString(v)
	}
	if vs, ok := c.query[name]; ok && len(vs) > 0 {
		return vs[0], true
	}
	return "", false
}

// list returns a list parameter: a JSON array (or scalar) from the body, or
// repeated and comma-separated values from the query.
func (c *reqCtx) list(name string) []string {
	if v, ok := c.body[name]; ok {
		switch x := v.(type) {
		case []any:
			var out []string
			for _, e := range x {
				if s, ok := numberString(e); ok && s != "" {
					out = append(out, s)
				}
			}
			return out
		default:
			if s, ok := numberString(x); ok {
				return splitList([]string{s})
			}
			return nil
		}
	}
	return splitList(c.query[name])
}

// boolParam reads a boolean the Perl way: true, 1 and "1" are true.
func (c *reqCtx) boolParam(name string) bool {
	if v, ok := c.body[name]; ok {
		return truthy(v)
	}
	if vs, ok := c.query[name]; ok && len(vs) > 0 {
		return truthy(vs[0])
	}
	return false
}

func truthy(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case json.Number:
		return x.String() != "0" && x.String() != ""
	case float64:
		return x != 0
	case string:
		s := strings.TrimSpace(strings.ToLower(x))
		return s != "" && s != "0" && s != "false"
	}
	return false
}

// idList reads ids for a bug or attachment list: the one in the path plus
// any given as name (see objectList).
func (c *reqCtx) idList(pathID, name string) []string {
	out := []string{pathID}
	return append(out, c.objectList(name)...)
}

// objectList reads a list of ids or names that a method looks up one by
// one (ids, attachment_ids, comment_ids, names): an array in the body, or
// repeated keys in the query, each value whole. Unlike list, it does not
// split a value on commas: Bugzilla's REST layer splits only include_fields
// and exclude_fields (REST.pm rest_include_exclude), and WebService/Util.pm's
// validate puts a scalar into a list as it is, so "2,3" is one id there.
func (c *reqCtx) objectList(name string) []string {
	if _, ok := c.body[name]; ok {
		return c.list(name)
	}
	var out []string
	for _, v := range c.query[name] {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// bodyMap returns a JSON object member of the body.
func bodyMap(v any) (map[string]any, bool) {
	m, ok := v.(map[string]any)
	return m, ok
}

// bodyInt reads an integer member (ids arrive as JSON numbers or strings).
func bodyInt(m map[string]any, name string) (int, bool) {
	v, ok := m[name]
	if !ok {
		return 0, false
	}
	s, ok := numberString(v)
	if !ok {
		return 0, false
	}
	return atoiStrict(strings.TrimSpace(s))
}
