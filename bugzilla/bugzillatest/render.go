package bugzillatest

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
)

// fieldFilter is Bugzilla's filter_wants (Bugzilla/WebService/Util.pm):
// include_fields and exclude_fields with the _default and _all types, and a
// field counted as wanted when one of its sub-fields ("flags.status") is.
type fieldFilter struct {
	include, exclude   map[string]bool
	incTypes, excTypes map[string]bool
}

func (c *reqCtx) fieldFilter() fieldFilter {
	f := fieldFilter{include: map[string]bool{}, exclude: map[string]bool{}, incTypes: map[string]bool{}, excTypes: map[string]bool{}}
	for _, name := range c.list("include_fields") {
		if t, ok := strings.CutPrefix(name, "_"); ok {
			f.incTypes[t] = true
		} else {
			f.include[name] = true
		}
	}
	for _, name := range c.list("exclude_fields") {
		if t, ok := strings.CutPrefix(name, "_"); ok {
			f.excTypes[t] = true
		} else {
			f.exclude[name] = true
		}
	}
	if len(f.include) == 0 && len(f.incTypes) == 0 {
		f.incTypes["default"] = true
	}
	return f
}

// wants reports whether field (of the "default" type unless types say
// otherwise) belongs in the answer.
func (f fieldFilter) wants(field string, types ...string) bool {
	if f.exclude[field] {
		return false
	}
	if f.include[field] {
		return true
	}
	if f.excTypes["all"] {
		return false
	}
	if f.incTypes["all"] {
		return true
	}
	if len(types) == 0 {
		types = []string{"default"}
	}
	for _, t := range types {
		if f.excTypes[t] {
			return false
		}
		if f.incTypes[t] {
			return true
		}
	}
	prefix := field + "."
	for k := range f.include {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

// userDetail is the {id, email, name, real_name} object of cc_detail,
// creator_detail and assigned_to_detail (plus nick on BMO).
func (c *reqCtx) userDetail(login string) map[string]any {
	u := c.d.user(login)
	if u == nil {
		return map[string]any{"id": 0, "email": login, "name": login, "real_name": ""}
	}
	m := map[string]any{"id": u.id, "email": u.login, "name": u.login, "real_name": u.realName}
	if c.s.cfg.dialect == BMO {
		m["nick"] = u.nick
	}
	return m
}

func flagJSON(f *flagRec) map[string]any {
	m := map[string]any{
		"id":                f.id,
		"name":              f.typ.name,
		"type_id":           f.typ.id,
		"status":            f.status,
		"setter":            f.setter,
		"creation_date":     isoTime(f.creationDate),
		"modification_date": isoTime(f.modificationDate),
	}
	// The key is absent, not null, when there is no requestee.
	if f.requestee != "" {
		m["requestee"] = f.requestee
	}
	return m
}

func flagsJSON(fs []*flagRec) []any {
	out := make([]any, 0, len(fs))
	for _, f := range fs {
		out = append(out, flagJSON(f))
	}
	return out
}

// bugJSON renders a bug as Bug.get and Bug.search do. forGet adds what only
// Bug.get sends (update_token, for a logged-in caller).
func (c *reqCtx) bugJSON(b *bugRec, f fieldFilter, forGet bool) map[string]any {
	m := make(map[string]any, 48)
	add := func(name string, get func() any) {
		if f.wants(name) {
			m[name] = get()
		}
	}
	add("id", func() any { return b.id })
	add("alias", func() any {
		if b.alias == "" {
			return []any{}
		}
		return []any{b.alias}
	})
	add("summary", func() any { return b.summary })
	add("product", func() any { return b.product })
	add("component", func() any { return b.component })
	add("version", func() any { return b.version })
	add("status", func() any { return b.status })
	add("resolution", func() any { return b.resolution })
	add("is_open", func() any { return b.isOpen() })
	add("is_confirmed", func() any { return b.status != "UNCONFIRMED" })
	add("op_sys", func() any { return b.opSys })
	add("platform", func() any { return b.platform })
	add("priority", func() any { return b.priority })
	add("severity", func() any { return b.severity })
	add("classification", func() any { return "Unclassified" })
	add("target_milestone", func() any { return "---" })
	add("url", func() any { return "" })
	add("whiteboard", func() any { return "" })
	add("qa_contact", func() any { return "" })
	add("keywords", func() any { return []any{} })
	add("see_also", func() any { return []any{} })
	add("blocks", func() any { return []any{} })
	add("depends_on", func() any { return []any{} })
	add("dupe_of", func() any { return nil })
	add("deadline", func() any { return nil })
	add("is_cc_accessible", func() any { return true })
	add("is_creator_accessible", func() any { return true })
	add("groups", func() any {
		out := make([]any, 0, len(b.groups))
		for _, g := range b.groups {
			out = append(out, g)
		}
		return out
	})
	add("creation_time", func() any { return isoTime(b.creationTime) })
	add("last_change_time", func() any { return isoTime(b.lastChangeTime) })
	add("flags", func() any { return flagsJSON(b.flags) })
	if f.wants("creator") {
		m["creator"] = b.creator
		m["creator_detail"] = c.userDetail(b.creator)
	}
	if f.wants("assigned_to") {
		m["assigned_to"] = b.assignee
		m["assigned_to_detail"] = c.userDetail(b.assignee)
	}
	if f.wants("cc") {
		cc := make([]any, 0, len(b.cc))
		detail := make([]any, 0, len(b.cc))
		for _, login := range b.cc {
			cc = append(cc, login)
			detail = append(detail, c.userDetail(login))
		}
		m["cc"] = cc
		m["cc_detail"] = detail
	}
	// Time tracking fields go to members of timetrackinggroup (editbugs).
	if c.user.in("editbugs") {
		add("actual_time", func() any { return 0 })
		add("estimated_time", func() any { return 0 })
		add("remaining_time", func() any { return 0 })
	}
	if forGet && c.user != nil {
		add("update_token", func() any { return c.updateToken(b) })
	}
	return m
}

// updateToken imitates Bugzilla's "<timestamp>-<hash>" mid-air collision token.
func (c *reqCtx) updateToken(b *bugRec) string {
	h := sha256.Sum256([]byte(c.user.login + "\x00" + strconv.Itoa(b.id) + "\x00" + isoTime(b.lastChangeTime)))
	return strconv.FormatInt(c.now.Unix(), 10) + "-" + base64.RawURLEncoding.EncodeToString(h[:])
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// attachmentJSON renders an attachment as Bug.attachments does: is_private,
// is_obsolete and is_patch are the integers 0 and 1, data is base64.
func (c *reqCtx) attachmentJSON(a *attRec, f fieldFilter) map[string]any {
	m := make(map[string]any, 16)
	add := func(name string, get func() any) {
		if f.wants(name) {
			m[name] = get()
		}
	}
	add("id", func() any { return a.id })
	add("bug_id", func() any { return a.bug.id })
	add("file_name", func() any { return a.fileName })
	add("summary", func() any { return a.summary })
	add("content_type", func() any { return a.contentType })
	add("size", func() any { return len(a.data) })
	add("creator", func() any { return a.creator })
	add("is_private", func() any { return boolInt(a.isPrivate) })
	add("is_obsolete", func() any { return boolInt(a.isObsolete) })
	add("is_patch", func() any { return boolInt(a.isPatch) })
	add("creation_time", func() any { return isoTime(a.creationTime) })
	add("last_change_time", func() any { return isoTime(a.lastChangeTime) })
	add("flags", func() any { return flagsJSON(a.flags) })
	add("data", func() any { return base64.StdEncoding.EncodeToString(a.data) })
	return m
}

// commentJSON renders a comment as Bug.comments does. BMO adds author and
// raw_text (the source text, without the attachment prefix).
func (c *reqCtx) commentJSON(cm *commentRec, f fieldFilter) map[string]any {
	m := make(map[string]any, 12)
	add := func(name string, get func() any) {
		if f.wants(name) {
			m[name] = get()
		}
	}
	add("id", func() any { return cm.id })
	add("bug_id", func() any { return cm.bug.id })
	add("attachment_id", func() any {
		if cm.att == nil {
			return nil
		}
		return cm.att.id
	})
	add("count", func() any { return cm.count })
	add("text", func() any { return cm.text() })
	add("creator", func() any { return cm.creator })
	add("time", func() any { return isoTime(cm.when) })
	add("creation_time", func() any { return isoTime(cm.when) })
	add("is_private", func() any { return cm.isPrivate })
	add("tags", func() any {
		out := make([]any, 0, len(cm.tags))
		for _, t := range cm.tags {
			out = append(out, t)
		}
		return out
	})
	if c.s.cfg.dialect == BMO {
		add("author", func() any { return cm.creator })
		add("raw_text", func() any { return cm.body })
	}
	return m
}

// numberString renders a JSON body value as Bugzilla's Perl would see it.
func numberString(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case bool:
		if x {
			return "1", true
		}
		return "0", true
	}
	return "", false
}
