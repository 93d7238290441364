package bugzilla

import (
	"context"
	"net/http"
	"net/url"
	"slices"
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
	nonEmpty := slices.DeleteFunc(slices.Clone(values), func(s string) bool { return s == "" })
	return batchBy(nonEmpty, fixed, sep, func(s string) int { return len(url.QueryEscape(s)) })
}
