package bugzilla

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// FlagActivityQuery is BMO's /rest/review/flag_activity?type_name=...; After is a date (inclusive).
//
// BMO reads After as a date only (YYYY-MM-DD, in UTC here) and replaces
// anything else by "30 days ago"; without After only the last 30 days come
// back. Limit is applied before BMO drops rows the caller may not see, so a
// page can be short while more rows exist: page by date, not by count.
type FlagActivityQuery struct {
	TypeName string
	After    time.Time
	Limit    int
}

// FlagActivity returns ErrNotSupported when the server lacks the feed.
//
// It reads BMO's flag activity feed, oldest first, with the query form
// GET /rest/review/flag_activity?type_name=data-review: the path form
// /type_name/{name} fails for names with a hyphen (404, code 32614).
// Rows have status "?", "+", "-", or "X" when the flag was cleared.
//
// https://bmo.readthedocs.io/en/latest/api/core/v1/flag-activity.html
func (c *Client) FlagActivity(ctx context.Context, q FlagActivityQuery) ([]FlagActivity, error) {
	if q.Limit < 0 {
		return nil, errors.New("bugzilla: flag activity: negative limit")
	}
	v := url.Values{}
	if q.TypeName != "" {
		v.Set("type_name", q.TypeName)
	}
	if !q.After.IsZero() {
		v.Set("after", q.After.UTC().Format(time.DateOnly))
	}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	var rows []FlagActivity // a bare JSON array
	_, err := c.do(ctx, call{
		method: http.MethodGet, endpoint: "/rest/review/flag_activity",
		path: "/rest/review/flag_activity", query: v,
	}, &rows)
	if isUnknownResource(err) {
		return nil, fmt.Errorf("%w: no flag activity feed: %w", ErrNotSupported, err)
	}
	if err != nil {
		return nil, err
	}
	if rows == nil {
		rows = []FlagActivity{}
	}
	return rows, nil
}
