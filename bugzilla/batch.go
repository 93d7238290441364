package bugzilla

import (
	"net/url"
	"strconv"
	"strings"
)

// Request targets (path and query) over 8 KiB get a plain-text 414 from
// BMO's front end, so calls that take many ids are split into batches.
const (
	maxRequestTarget = 8000 // bytes, leaving room under 8 KiB
	maxIDsPerBatch   = 250  // keeps each answer a reasonable size
	maxIDDigits      = 20   // the widest id a path can hold
)

// targetLen is the length of the request target for path and q, the key
// included when it travels in the query.
func (c *Client) targetLen(path string, q url.Values) int {
	n := len(c.base.Path) + len(path)
	if c.key != "" && c.keyPlacement() == KeyQuery {
		q2 := url.Values{}
		for k, v := range q {
			q2[k] = v
		}
		q2.Set("Bugzilla_api_key", c.key)
		q = q2
	}
	if enc := q.Encode(); enc != "" {
		n += 1 + len(enc)
	}
	return n
}

// batchIDs splits ids (duplicates dropped, order kept) into batches whose
// request target stays under maxRequestTarget: fixed is the length without
// any of the variable ids, and sep the bytes each id adds besides its digits.
func batchIDs(ids []int, fixed, sep int) [][]int {
	return batchBy(ids, fixed, sep, func(id int) int { return len(strconv.Itoa(id)) })
}

// bugBatches splits bug ids for GET /rest/bug/{first}/<resource>?ids=...
// (the first id in the path, the others as ids) into batches within the
// request target and of at most most bugs each.
func (c *Client) bugBatches(ids []int, resource string, q url.Values, most int) [][]int {
	fixed := c.targetLen("/rest/bug/"+strings.Repeat("9", maxIDDigits)+"/"+resource, q)
	var parts [][]int
	for _, batch := range batchIDs(ids, fixed, len("&ids=")) {
		for len(batch) > 0 {
			part := batch[:min(len(batch), most)]
			batch = batch[len(part):]
			parts = append(parts, part)
		}
	}
	return parts
}

// batchBy splits values (duplicates dropped, order kept) into batches whose
// request target stays under maxRequestTarget and whose length stays at
// most maxIDsPerBatch. width is the bytes a value takes in the target.
func batchBy[T comparable](values []T, fixed, sep int, width func(T) int) [][]T {
	seen := make(map[T]bool, len(values))
	var out [][]T
	var cur []T
	size := fixed
	for _, v := range values {
		if seen[v] {
			continue
		}
		seen[v] = true
		w := sep + width(v)
		if len(cur) > 0 && (size+w > maxRequestTarget || len(cur) >= maxIDsPerBatch) {
			out = append(out, cur)
			cur, size = nil, fixed
		}
		cur = append(cur, v)
		size += w
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// joinIDs writes ids as Bugzilla's comma-separated list.
func joinIDs(ids []int) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.Itoa(id)
	}
	return strings.Join(s, ",")
}

// idStrings formats ids for repeated query parameters.
func idStrings(ids []int) []string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.Itoa(id)
	}
	return s
}
