package bugzilla

import (
	"context"
	"net/http"
	"net/url"
)

// Users looks users up by login (GET /rest/user?names=...), batched under
// the URL limit. On BMO each user carries Requests, which says whether they
// accept needinfo and review requests: check it before asking, since BMO
// refuses a blocked requestee (ErrRequestsBlocked).
//
// https://bugzilla.readthedocs.io/en/latest/api/core/v1/user.html#get-user
func (c *Client) Users(ctx context.Context, logins []string) ([]User, error) {
	fixed := c.targetLen("/rest/user", nil)
	var all []User
	for _, batch := range batchStrings(logins, fixed, len("&names=")) {
		var r usersAnswer
		q := url.Values{"names": batch}
		if _, err := c.do(ctx, call{method: http.MethodGet, endpoint: "/rest/user", path: "/rest/user", query: q}, &r); err != nil {
			return nil, err
		}
		all = append(all, r.Users...)
	}
	return all, nil
}

// batchStrings splits values (duplicates and empty ones dropped) into batches
// whose request target stays under maxRequestTarget; sep is what each value
// adds besides its escaped self.
func batchStrings(values []string, fixed, sep int) [][]string {
	seen := make(map[string]bool, len(values))
	var out [][]string
	var cur []string
	size := fixed
	for _, s := range values {
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		w := sep + len(url.QueryEscape(s))
		if len(cur) > 0 && (size+w > maxRequestTarget || len(cur) >= maxIDsPerBatch) {
			out = append(out, cur)
			cur, size = nil, fixed
		}
		cur = append(cur, s)
		size += w
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}
