package bugzillatest

import (
	"net/http"
	"regexp"
	"strings"
	"time"
)

// GET /rest/review/flag_activity (BMO's Review extension), as
// fixtures/bmo/flag_activity.json describes it: rows oldest first,
// creation_time as "YYYY-MM-DD HH:MM:SS", after/before dates only and both
// inclusive (30 days back when after is missing or malformed), limit and
// offset applied before the visibility filter.
func handleFlagActivity(c *reqCtx) (int, any, *Error) {
	crit := map[string]string{}
	for _, k := range []string{"flag_id", "type_id", "type_name", "requestee", "setter", "bug_id", "status"} {
		if v, ok := c.str(k); ok && v != "" {
			crit[k] = v
		}
	}
	switch {
	case strings.HasSuffix(c.path, "/flag_activity"):
	case strings.Contains(c.path, "/type_name/"):
		crit["type_name"] = c.m[1]
	case len(c.m) == 3:
		crit[c.m[1]] = c.m[2]
	default:
		crit["flag_id"] = c.m[1]
	}
	for _, k := range []string{"requestee", "setter"} {
		if v, ok := crit[k]; ok && c.d.user(v) == nil {
			return 0, nil, bzErr(codeInvalidUsername, "The user account %s does not exist.", v)
		}
	}

	today := time.Date(c.now.Year(), c.now.Month(), c.now.Day(), 0, 0, 0, 0, time.UTC)
	after := today.AddDate(0, 0, -30)
	if t, ok := c.activityDate("after"); ok {
		after = t
	}
	before := today
	if t, ok := c.activityDate("before"); ok {
		before = t
	}

	_, hasLimit := c.str("limit")
	offset := 0
	if v, ok := c.str("offset"); ok {
		if !hasLimit {
			return 0, nil, errParamRequired("Review.flag_activity()", "limit")
		}
		offset, _ = atoiStrict(v)
	}
	limit := c.s.cfg.maxSearchResults
	if v, ok := c.str("limit"); ok {
		if n, ok := atoiStrict(v); ok && n > 0 && n < limit {
			limit = n
		}
	}

	var rows []*activityRec
	for _, a := range c.d.activity {
		day := time.Date(a.when.Year(), a.when.Month(), a.when.Day(), 0, 0, 0, 0, time.UTC)
		if day.Before(after) || day.After(before) {
			continue
		}
		if v, ok := crit["flag_id"]; ok && v != itoa(a.flagID) {
			continue
		}
		if v, ok := crit["type_id"]; ok && v != itoa(a.typ.id) {
			continue
		}
		if v, ok := crit["type_name"]; ok && v != a.typ.name {
			continue
		}
		if v, ok := crit["requestee"]; ok && !strings.EqualFold(v, a.requestee) {
			continue
		}
		if v, ok := crit["setter"]; ok && !strings.EqualFold(v, a.setter) {
			continue
		}
		if v, ok := crit["bug_id"]; ok && v != itoa(a.bug.id) {
			continue
		}
		if v, ok := crit["status"]; ok && v != a.status {
			continue
		}
		rows = append(rows, a)
	}
	if offset >= len(rows) {
		rows = nil
	} else {
		rows = rows[offset:]
	}
	if len(rows) > limit {
		rows = rows[:limit]
	}

	insider := c.user.in(c.s.cfg.insiderGroup)
	_, byFlag := crit["flag_id"]
	out := []any{}
	for _, a := range rows {
		if !c.d.canSee(c.user, a.bug) || (a.att != nil && a.att.isPrivate && !insider) {
			continue
		}
		m := map[string]any{
			"id":            a.id,
			"bug_id":        a.bug.id,
			"creation_time": sqlTime(a.when),
			"status":        a.status,
			"setter":        c.activityUser(a.setter),
			"type": map[string]any{
				"id": a.typ.id, "name": a.typ.name, "description": a.typ.description,
				"type": a.typ.target, "is_active": true,
				"is_requesteeble": a.typ.requesteeble, "is_multiplicable": a.typ.multiplicable,
			},
		}
		if !byFlag {
			m["flag_id"] = a.flagID
		}
		if a.att != nil {
			m["attachment_id"] = a.att.id
		} else {
			m["attachment_id"] = nil
		}
		if a.requestee != "" {
			m["requestee"] = c.activityUser(a.requestee)
		}
		out = append(out, m)
	}
	return http.StatusOK, out, nil
}

var activityDateRe = regexp.MustCompile(`^\d{4}-\d{1,2}-\d{1,2}$`)

// activityDate reads a date-only parameter; BMO silently replaces anything
// else (such as an ISO date-time) with its default.
func (c *reqCtx) activityDate(name string) (time.Time, bool) {
	v, ok := c.str(name)
	if !ok || !activityDateRe.MatchString(v) {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation("2006-1-2", v, time.UTC)
	return t, err == nil
}

func (c *reqCtx) activityUser(login string) map[string]any {
	u := c.d.user(login)
	if u == nil {
		return map[string]any{"id": 0, "name": login, "real_name": "", "nick": ""}
	}
	return map[string]any{"id": u.id, "name": u.login, "real_name": u.realName, "nick": u.nick}
}
