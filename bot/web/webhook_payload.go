package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/stewardbot/stewardbot/bot"
)

// WebhookEvent is what the bot takes from a BMO webhook payload: which bug,
// who caused the change, and enough to log. Everything else in the payload
// (the bug's fields, a comment's text) is ignored: the bot re-reads the live
// bug before it acts, and a private comment's text must not reach a log.
type WebhookEvent struct {
	BugID      int
	User       string    // event.user.login: who made the change
	RoutingKey string    // such as "comment.create" or "attachment.modify:flag.data-review"
	Time       time.Time // event.time, UTC; zero when absent or unreadable
	WebhookID  string    // the BMO webhook that sent it; "" when absent
}

// ParseWebhook reads a BMO webhook payload (its shape: docs/webhooks.md, and
// shared/fixtures/bmo/webhook-*.json beside the repository). It is tolerant where BMO's
// shapes are uncertain or loose: webhook_id may be a string or a number,
// ids may be numbers or digit strings, times have no zone (BMO sends UTC
// "2026-11-28T20:23:50") or one, unknown keys are ignored, and a field of an
// unexpected type is left empty. Only bug.id is required: without it there
// is nothing to look at. Errors are short and never quote the payload.
func ParseWebhook(data []byte) (WebhookEvent, error) {
	var p struct {
		Bug struct {
			ID json.RawMessage `json:"id"`
		} `json:"bug"`
		Event     json.RawMessage `json:"event"`
		WebhookID json.RawMessage `json:"webhook_id"`
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return WebhookEvent{}, errors.New("empty body")
	}
	if !json.Valid(data) {
		return WebhookEvent{}, errors.New("invalid JSON")
	}
	if err := json.Unmarshal(data, &p); err != nil {
		// Valid JSON of another shape: not an object, or bug not one.
		return WebhookEvent{}, errors.New("want a JSON object with a bug object")
	}
	id, ok := looseInt(p.Bug.ID)
	switch {
	case !ok && looksLikeDigits(p.Bug.ID), ok && id > bot.MaxBugID:
		return WebhookEvent{}, errBugIDRange
	case !ok || id <= 0:
		return WebhookEvent{}, errors.New("no bug id (bug.id)")
	}
	ev := WebhookEvent{BugID: id, WebhookID: looseString(p.WebhookID)}
	var e struct {
		RoutingKey json.RawMessage `json:"routing_key"`
		Time       json.RawMessage `json:"time"`
		User       json.RawMessage `json:"user"`
	}
	if json.Unmarshal(p.Event, &e) == nil {
		ev.RoutingKey = looseString(e.RoutingKey)
		ev.Time = looseTime(looseString(e.Time))
		var u struct {
			Login json.RawMessage `json:"login"`
		}
		if json.Unmarshal(e.User, &u) == nil {
			ev.User = looseString(u.Login)
		}
	}
	return ev, nil
}

// errBugIDRange refuses a bug id no Bugzilla can hold: its bugs.bug_id
// column is a MEDIUMSERIAL, an INT on PostgreSQL at the widest. Such an id
// would only fail every read of the bot's queue.
var errBugIDRange = fmt.Errorf("bug id out of range (1 to %d)", bot.MaxBugID)

// looksLikeDigits reports whether a JSON value is a positive whole number
// written in digits (a number or a string), however long: one too long for
// an int is out of range, not missing.
func looksLikeDigits(raw json.RawMessage) bool {
	s := strings.TrimSpace(string(raw))
	if unq, err := strconv.Unquote(s); err == nil && strings.HasPrefix(s, `"`) {
		s = strings.TrimSpace(unq)
	}
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// looseInt reads a JSON number or a string of digits.
func looseInt(raw json.RawMessage) (int, bool) {
	s := strings.TrimSpace(string(raw))
	if unq, err := strconv.Unquote(s); err == nil && strings.HasPrefix(s, `"`) {
		s = strings.TrimSpace(unq)
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// looseString reads a JSON string, or a number as its text; anything else
// is "".
func looseString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// webhookTimeLayouts are the ways a payload's time may be written: BMO's
// zone-less UTC first, then RFC 3339 in case a proxy or a later BMO adds a zone.
var webhookTimeLayouts = []string{"2006-01-02T15:04:05", "2006-01-02 15:04:05", time.RFC3339Nano}

func looseTime(s string) time.Time {
	for _, layout := range webhookTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}
