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
// answer's Date header, which is good to the second.
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
		if err != nil {
			return time.Time{}, fmt.Errorf("bugzilla: time: no Date header to fall back on: %w", err)
		}
		return time.Time{}, errors.New("bugzilla: time: /rest/time has no db_time and the answer no Date header")
	}
	t, perr := http.ParseTime(date)
	if perr != nil {
		return time.Time{}, fmt.Errorf("bugzilla: time: bad Date header %.40q: %w", date, perr)
	}
	return t.UTC(), nil
}
