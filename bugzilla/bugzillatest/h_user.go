package bugzillatest

import (
	"crypto/sha1"
	"encoding/hex"
	"net/http"
	"sort"
	"strings"
)

// GET /rest/valid_login?login=: {"result":true} when the caller is that login.
func handleValidLogin(c *reqCtx) (int, any, *Error) {
	login, ok := c.str("login")
	if !ok {
		return 0, nil, errParamRequired("User.valid_login", "login")
	}
	return http.StatusOK, map[string]any{"result": c.user != nil && c.user.login == login}, nil
}

// GET /rest/login?login=&password=: {"id":N,"token":"..."}.
func handleLogin(c *reqCtx) (int, any, *Error) {
	login, ok1 := c.str("login")
	password, ok2 := c.str("password")
	if !ok1 {
		return 0, nil, errParamRequired("User.login", "login")
	}
	if !ok2 {
		return 0, nil, errParamRequired("User.login", "password")
	}
	u := c.d.user(login)
	if u == nil || u.password == "" || u.password != password {
		return 0, nil, bzErr(codeLoginFailed, "The username or password you entered is not valid.")
	}
	h := sha1.Sum([]byte(u.login + "\x00" + c.now.String() + "\x00" + itoa(len(c.d.tokens))))
	token := itoa(u.id) + "-" + hex.EncodeToString(h[:])[:10]
	c.d.tokens[token] = u
	return http.StatusOK, map[string]any{"id": u.id, "token": token}, nil
}

// GET /rest/whoami (BMO): who the credentials belong to.
func handleWhoAmI(c *reqCtx) (int, any, *Error) {
	if c.user == nil {
		return 0, nil, errLoginRequired()
	}
	u := c.user
	groups := []any{}
	for _, g := range sortedGroups(u) {
		groups = append(groups, g)
	}
	h := sha1.Sum([]byte("bugzillatest:" + itoa(u.id)))
	m := map[string]any{
		"id": u.id, "name": u.login, "real_name": u.realName, "nick": u.nick,
		"mfa_status": false, "groups": groups, "uuid": "bmo-who:" + hex.EncodeToString(h[:]),
	}
	f := c.fieldFilter()
	for k := range m {
		if !f.wants(k) {
			delete(m, k)
		}
	}
	return http.StatusOK, m, nil
}

func sortedGroups(u *userRec) []string {
	out := make([]string, 0, len(u.groups))
	for g := range u.groups {
		out = append(out, g)
	}
	sort.Strings(out)
	return out
}

// GET /rest/user?names=...&ids=... and GET /rest/user/{id or name}.
func handleUserGet(c *reqCtx) (int, any, *Error) {
	names := c.objectList("names")
	ids := c.objectList("ids")
	if len(c.m) > 1 {
		if _, numeric := atoiStrict(c.m[1]); numeric {
			ids = append(ids, c.m[1])
		} else {
			names = append(names, c.m[1])
		}
	}
	if c.user == nil && len(ids) > 0 {
		return 0, nil, bzErr(codeUserAccessByID, "Logged-out users cannot use the \"ids\" argument to this function to access any user information.")
	}
	if len(names) == 0 && len(ids) == 0 && len(c.list("match")) == 0 {
		return 0, nil, errParamRequired("User.get", "ids/names/match")
	}
	if len(c.list("match")) > 0 {
		return 0, nil, errUnsupported("the match parameter of User.get")
	}
	var users []*userRec
	seen := map[int]bool{}
	for _, n := range names {
		u := c.d.user(n)
		if u == nil {
			return 0, nil, errNoSuchUser(n)
		}
		if !seen[u.id] {
			seen[u.id] = true
			users = append(users, u)
		}
	}
	for _, id := range ids {
		n, _ := atoiStrict(id)
		u := c.d.usersByID[n]
		if u == nil {
			return 0, nil, bzErr(codeObjectDoesNotExist, "There is no user with the id '%s'.", id)
		}
		if !seen[u.id] {
			seen[u.id] = true
			users = append(users, u)
		}
	}
	f := c.fieldFilter()
	out := []any{}
	for _, u := range users {
		out = append(out, c.userJSON(u, f))
	}
	return http.StatusOK, map[string]any{"users": out}, nil
}

func (c *reqCtx) userJSON(u *userRec, f fieldFilter) map[string]any {
	m := map[string]any{"id": u.id, "real_name": u.realName, "name": u.login}
	if c.user != nil {
		m["email"] = u.login
		m["can_login"] = true
		admin := c.user.in("admin") || c.user.in("editusers")
		if admin {
			m["email_enabled"] = true
			m["login_denied_text"] = ""
		}
		if c.user.id == u.id {
			m["saved_searches"] = []any{}
			m["saved_reports"] = []any{}
		}
		groups := []any{}
		if c.user.id == u.id || admin {
			for _, g := range sortedGroups(u) {
				gr := c.d.groups[g]
				groups = append(groups, map[string]any{"id": gr.id, "name": gr.name, "description": gr.description})
			}
		}
		m["groups"] = groups
	}
	if c.s.cfg.dialect == BMO {
		m["nick"] = u.nick
		m["requests"] = c.userRequests(u)
		if c.user != nil {
			// Bugzilla/WebService/User.pm get: to any logged-in caller,
			// dateTime or null. Upstream 5.2 sends neither.
			var last any
			if !u.lastActivity.IsZero() {
				last = isoTime(u.lastActivity)
			}
			m["last_activity_time"] = last
			m["last_seen_date"] = last
		}
	}
	for k := range m {
		if !f.wants(k) {
			delete(m, k)
		}
	}
	return m
}

// userRequests is BMO's requests.{needinfo,review,feedback}.{blocked,pending}
// (extensions/Review, webservice_user_get): review counts review and
// data-review requests together, and feedback shares review's block.
func (c *reqCtx) userRequests(u *userRec) map[string]any {
	pending := map[string]int{}
	for _, f := range c.d.flags {
		if f.status != "?" || f.requestee != u.login {
			continue
		}
		switch strings.ToLower(f.typ.name) {
		case "needinfo":
			pending["needinfo"]++
		case "review", "data-review":
			pending["review"]++
		case "feedback":
			pending["feedback"]++
		}
	}
	state := func(blocked bool, n int) map[string]any {
		return map[string]any{"blocked": blocked, "pending": n}
	}
	return map[string]any{
		"needinfo": state(u.blockNeedinfo, pending["needinfo"]),
		"review":   state(u.blockReviews, pending["review"]),
		"feedback": state(u.blockReviews, pending["feedback"]),
	}
}
