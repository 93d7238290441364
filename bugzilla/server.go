package bugzilla

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Version returns the server's Bugzilla version, such as "5.2+".
//
// https://bugzilla.readthedocs.io/en/latest/api/core/v1/bugzilla.html#version
func (c *Client) Version(ctx context.Context) (string, error) {
	var r versionAnswer
	if _, err := c.do(ctx, call{method: http.MethodGet, endpoint: "/rest/version", path: "/rest/version"}, &r); err != nil {
		return "", err
	}
	if r.Version == "" {
		return "", errors.New("bugzilla: GET /rest/version: answer has no version")
	}
	return r.Version, nil
}

// Time returns the server's clock, the one its last_change_time values come
// from, so that incremental polling does not depend on the bot's clock. It
// asks GET /rest/time (db_time, the database clock); when the server does
// not answer it (an error answer such as 404), it falls back to that
// answer's Date header, which is good to the second. When that is missing
// too, it falls back to the newest bug last_change_time the client has
// decoded (searches and reads by id): a time the server's clock has
// passed, so a watermark taken from it can only make the next poll look
// further back, never skip a change. With none of these, an error.
//
// https://bugzilla.readthedocs.io/en/latest/api/core/v1/bugzilla.html#time
func (c *Client) Time(ctx context.Context) (time.Time, error) {
	var r struct {
		DBTime  flexTime `json:"db_time"`
		WebTime flexTime `json:"web_time"`
	}
	h, err := c.do(ctx, call{method: http.MethodGet, endpoint: "/rest/time", path: "/rest/time"}, &r)
	if err == nil {
		if t := time.Time(r.DBTime); !t.IsZero() {
			return t.UTC(), nil
		}
		if t := time.Time(r.WebTime); !t.IsZero() {
			return t.UTC(), nil
		}
	}
	var apiErr *APIError
	if err != nil && (!errors.As(err, &apiErr) || errors.Is(err, ErrInvalidAPIKey) || h == nil) {
		return time.Time{}, err
	}
	date := h.Get("Date")
	if date == "" {
		if t, ok := c.newestChangeSeen(); ok {
			c.log.Debug().Time("time", t).Msg("bugzilla: time: no /rest/time nor Date header; using the newest last_change_time seen")
			return t, nil
		}
		if err != nil {
			return time.Time{}, fmt.Errorf("bugzilla: time: no Date header to fall back on, and no bug seen yet: %w", err)
		}
		return time.Time{}, errors.New("bugzilla: time: /rest/time has no db_time, the answer no Date header, and no bug was seen yet")
	}
	t, perr := http.ParseTime(date)
	if perr != nil {
		return time.Time{}, fmt.Errorf("bugzilla: time: bad Date header %.40q: %w", date, perr)
	}
	return t.UTC(), nil
}

// seeBugs notes the newest last_change_time of decoded bugs, for Time.
// Safe for concurrent use: the newest wins.
func (c *Client) seeBugs(bugs []Bug) {
	var newest int64
	for _, b := range bugs {
		if !b.LastChangeTime.IsZero() {
			newest = max(newest, b.LastChangeTime.UnixNano())
		}
	}
	for newest > 0 {
		old := c.newestChange.Load()
		if newest <= old || c.newestChange.CompareAndSwap(old, newest) {
			return
		}
	}
}

// newestChangeSeen is the newest bug last_change_time decoded so far.
func (c *Client) newestChangeSeen() (time.Time, bool) {
	n := c.newestChange.Load()
	if n == 0 {
		return time.Time{}, false
	}
	return time.Unix(0, n).UTC(), true
}
