package bugzillatest

import (
	"net/http"
	"sort"
	"strings"
	"time"
)

// GET /rest/bug/{id}: {"bugs":[...],"faults":[]}.
func handleGetBug(c *reqCtx) (int, any, *Error) {
	b, err := c.d.lookupBug(c.m[1], c.user)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{
		"bugs":   []any{c.bugJSON(b, c.fieldFilter(), true)},
		"faults": []any{},
	}, nil
}

// GET /rest/bug: {"bugs":[...]}, no total count; on BMO, with count_only,
// {"bug_count":N} instead, as libmozdata's and BugBot's count queries
// expect. Upstream 5.2's Bug.search has no count_only (BMO's marks it
// "BMO"): Search.pm ignores the parameter and the bugs come back.
func handleSearch(c *reqCtx) (int, any, *Error) {
	q, err := c.parseSearch()
	if err != nil {
		return 0, nil, err
	}
	found := c.search(q)
	if c.s.cfg.dialect == BMO && c.boolParam("count_only") {
		return http.StatusOK, map[string]any{"bug_count": len(found)}, nil
	}
	f := c.fieldFilter()
	out := make([]any, 0, len(found))
	for _, b := range found {
		out = append(out, c.bugJSON(b, f, false))
	}
	return http.StatusOK, map[string]any{"bugs": out}, nil
}

// POST /rest/bug: 200 {"id":N}.
func handleCreateBug(c *reqCtx) (int, any, *Error) {
	if c.user == nil {
		return 0, nil, errLoginRequired()
	}
	spec := Bug{Creator: c.user.login}
	spec.Summary, _ = c.str("summary")
	spec.Product, _ = c.str("product")
	spec.Component, _ = c.str("component")
	spec.Version, _ = c.str("version")
	spec.Status, _ = c.str("status")
	spec.AssignedTo, _ = c.str("assigned_to")
	spec.Description, _ = c.str("description")
	if _, err := checkCommentText(spec.Description); err != nil {
		return 0, nil, err
	}
	spec.CC = c.list("cc")
	spec.Groups = c.list("groups")
	if aliases := c.list("alias"); len(aliases) > 0 {
		spec.Alias = aliases[0]
	}
	if spec.Product == "" {
		return 0, nil, bzErr(codeInvalidProduct, "You must select/enter a product.")
	}
	opts := bugExtras{}
	opts.opSys, _ = c.str("op_sys")
	opts.platform, _ = c.str("platform")
	opts.priority, _ = c.str("priority")
	opts.severity, _ = c.str("severity")
	var flags []FlagChange
	if v, ok := c.body["flags"]; ok {
		var err *Error
		if flags, err = wireFlagChanges(v); err != nil {
			return 0, nil, err
		}
	}
	b, err := c.s.createBug(spec, opts, c.now, c.user, flags, false)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"id": b.id}, nil
}

// bugExtras are creation fields the seeding API leaves at their defaults.
type bugExtras struct {
	opSys, platform, priority, severity string
}

// createBug files a bug. trusted (seeding) skips the permission checks.
func (s *Server) createBug(spec Bug, ex bugExtras, now time.Time, creator *userRec, flags []FlagChange, trusted bool) (*bugRec, *Error) {
	d := s.db
	if spec.Product == "" && spec.Component == "" {
		spec.Product, spec.Component = "Firefox", "General"
	}
	p := d.products[spec.Product]
	if p == nil {
		return nil, bzErr(codeInvalidProduct, "Either the product '%s' does not exist or you don't have access to it.", spec.Product)
	}
	if spec.Component == "" {
		return nil, bzErr(codeInvalidComponent, "You must select/enter a component.")
	}
	comp := p.components[spec.Component]
	if comp == nil {
		return nil, bzErr(codeInvalidComponent, "Product %s has no component named %s.", spec.Product, spec.Component)
	}
	if strings.TrimSpace(spec.Summary) == "" {
		return nil, bzErr(codeRequireSummary, "You must enter a summary for this bug.")
	}
	if creator == nil {
		return nil, errNoSuchUser(spec.Creator)
	}
	id := spec.ID
	if id == 0 {
		id = d.nextBugID
	}
	if id < 0 || d.bugs[id] != nil {
		return nil, bzErr(codeTransient, "bugzillatest: bug %d already exists", id)
	}
	if spec.Alias != "" {
		if _, numeric := atoiStrict(spec.Alias); numeric {
			return nil, bzErr(103, "You gave this bug the alias '%s', but aliases cannot be merely numbers, since they could then be confused with bug IDs.", spec.Alias)
		}
		if d.aliases[strings.ToLower(spec.Alias)] != nil {
			return nil, bzErr(103, "%s has already taken the alias '%s'.", "Another bug", spec.Alias)
		}
	}
	var groups []string
	for _, g := range spec.Groups {
		if d.groups[g] == nil || (!trusted && !creator.in(g)) {
			return nil, bzErr(codeGroupRestriction, "The group '%s' is invalid or you are not allowed to restrict bugs to it in the '%s' product.", g, spec.Product)
		}
		if !containsString(groups, g) {
			groups = append(groups, g)
		}
	}
	sort.Strings(groups)
	assignee := comp.defaultAssignee
	if assignee == "" {
		assignee = creator.login
	}
	if spec.AssignedTo != "" {
		u := d.user(spec.AssignedTo)
		if u == nil {
			return nil, errNoSuchUser(spec.AssignedTo)
		}
		assignee = u.login
	}
	var cc []string
	for _, login := range spec.CC {
		u := d.user(login)
		if u == nil {
			return nil, errNoSuchUser(login)
		}
		cc = append(cc, u.login)
	}
	status := spec.Status
	if status == "" {
		status = "UNCONFIRMED"
		if creator.in("editbugs") || creator.in("canconfirm") {
			status = "CONFIRMED"
		}
	}
	if !validStatuses[status] {
		return nil, bzErr(104, "There is no status named '%s'.", status)
	}
	created := now
	if !spec.CreationTime.IsZero() {
		created = spec.CreationTime.UTC().Truncate(time.Second)
	}
	b := &bugRec{
		id: id, alias: spec.Alias, summary: strings.TrimSpace(spec.Summary),
		product: spec.Product, component: spec.Component,
		version: orDefault(spec.Version, "unspecified"), status: status, resolution: spec.Resolution,
		opSys: orDefault(ex.opSys, "All"), platform: orDefault(ex.platform, "All"),
		priority: orDefault(ex.priority, "---"), severity: orDefault(ex.severity, "enhancement"),
		creator: creator.login, assignee: assignee, groups: groups,
		creationTime: created, lastChangeTime: created,
	}
	for _, login := range cc {
		b.addCC(login)
	}
	var ops []flagOp
	if len(flags) > 0 {
		var err *Error
		if ops, err = s.planFlags(creator, flagTarget{bug: b}, flags, trusted, ""); err != nil {
			return nil, err
		}
	}

	// Everything is valid: store it.
	d.bugs[id] = b
	d.insertBugID(id)
	if id >= d.nextBugID {
		d.nextBugID = id + 1
	}
	if b.alias != "" {
		d.aliases[strings.ToLower(b.alias)] = b
	}
	s.addComment(b, creator.login, spec.Description, created, false, false, cmtNormal, nil)
	if len(ops) > 0 {
		res := s.applyFlags(flagTarget{bug: b}, ops, created)
		var changes []changeRec
		if len(res.ccAdded) > 0 {
			changes = append(changes, changeRec{field: "cc", added: strings.Join(res.ccAdded, ", ")})
		}
		if res.changed() {
			changes = append(changes, changeRec{field: "flagtypes.name", removed: res.removed, added: res.added})
		}
		if len(changes) > 0 {
			b.history = append(b.history, &historyRec{when: created, who: creator.login, changes: changes})
		}
	}
	return b, nil
}

var validStatuses = map[string]bool{
	"UNCONFIRMED": true, "CONFIRMED": true, "NEW": true, "ASSIGNED": true, "REOPENED": true,
	"IN_PROGRESS": true, "RESOLVED": true, "VERIFIED": true, "CLOSED": true,
}

var validResolutions = map[string]bool{
	"": true, "FIXED": true, "INVALID": true, "WONTFIX": true, "DUPLICATE": true,
	"WORKSFORME": true, "INCOMPLETE": true, "MOVED": true,
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// updateAllowed are the keys PUT /rest/bug/{id} understands here.
var updateAllowed = map[string]bool{
	"ids": true, "id": true, "api_key": true, "Bugzilla_api_key": true, "token": true, "Bugzilla_token": true,
	"flags": true, "comment": true, "cc": true, "status": true, "resolution": true,
	"assigned_to": true, "summary": true,
}

// PUT /rest/bug/{id}: {"bugs":[{"id","alias","last_change_time","changes"}]}.
func handleUpdateBug(c *reqCtx) (int, any, *Error) {
	if c.user == nil {
		return 0, nil, errLoginRequired()
	}
	b, err := c.d.lookupBug(c.m[1], c.user)
	if err != nil {
		return 0, nil, err
	}
	keys := make([]string, 0, len(c.body))
	for k := range c.body {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !updateAllowed[k] {
			return 0, nil, errUnsupported("updating " + k)
		}
	}
	if ids := c.list("ids"); len(ids) > 1 || (len(ids) == 1 && ids[0] != c.m[1] && ids[0] != itoa(b.id)) {
		return 0, nil, errUnsupported("updating several bugs in one call")
	}

	// Validate everything first.
	var comment *commentSpec
	if v, ok := c.body["comment"]; ok {
		cs, err := c.commentParam(v)
		if err != nil {
			return 0, nil, err
		}
		comment = cs
	}
	var ccAdd, ccRemove []string
	if v, ok := c.body["cc"]; ok {
		m, ok := bodyMap(v)
		if !ok {
			return 0, nil, bzErr(codeTransient, "cc must be an object with add and remove lists.")
		}
		for _, pair := range []struct {
			key  string
			dest *[]string
		}{{"add", &ccAdd}, {"remove", &ccRemove}} {
			for _, login := range anyStrings(m[pair.key]) {
				u := c.d.user(login)
				if u == nil {
					return 0, nil, errNoSuchUser(login)
				}
				*pair.dest = append(*pair.dest, u.login)
			}
		}
	}
	newStatus, hasStatus := c.str("status")
	newResolution, hasResolution := c.str("resolution")
	if hasStatus && !validStatuses[newStatus] {
		return 0, nil, bzErr(104, "There is no status named '%s'.", newStatus)
	}
	if hasResolution && !validResolutions[newResolution] {
		return 0, nil, bzErr(104, "There is no resolution named '%s'.", newResolution)
	}
	status, resolution := b.status, b.resolution
	if hasStatus {
		status = newStatus
	}
	if hasResolution {
		resolution = newResolution
	}
	open := !(status == "RESOLVED" || status == "VERIFIED" || status == "CLOSED")
	if open {
		resolution = ""
	} else if resolution == "" {
		return 0, nil, bzErr(121, "A valid resolution is required to mark bugs as %s.", status)
	}
	assignee := b.assignee
	if v, ok := c.str("assigned_to"); ok {
		u := c.d.user(v)
		if u == nil {
			return 0, nil, errNoSuchUser(v)
		}
		assignee = u.login
	}
	summary := b.summary
	if v, ok := c.str("summary"); ok {
		if strings.TrimSpace(v) == "" {
			return 0, nil, bzErr(codeRequireSummary, "You must enter a summary for this bug.")
		}
		summary = strings.TrimSpace(v)
	}
	var ops []flagOp
	if v, ok := c.body["flags"]; ok {
		changes, err := wireFlagChanges(v)
		if err != nil {
			return 0, nil, err
		}
		if ops, err = c.s.planFlags(c.user, flagTarget{bug: b}, changes, false, ""); err != nil {
			return 0, nil, err
		}
	}

	// Apply.
	var hist []changeRec
	fieldChange := func(name, old, cur string) {
		if old != cur {
			hist = append(hist, changeRec{field: name, removed: old, added: cur})
		}
	}
	fieldChange("summary", b.summary, summary)
	fieldChange("status", b.status, status)
	fieldChange("resolution", b.resolution, resolution)
	fieldChange("assigned_to", b.assignee, assignee)
	b.summary, b.status, b.resolution, b.assignee = summary, status, resolution, assignee

	var added, removed []string
	for _, login := range ccAdd {
		if b.addCC(login) {
			added = append(added, login)
		}
	}
	for _, login := range ccRemove {
		if b.removeCC(login) {
			removed = append(removed, login)
		}
	}
	res := c.s.applyFlags(flagTarget{bug: b}, ops, c.now)
	added = append(added, res.ccAdded...)
	if len(added) > 0 || len(removed) > 0 {
		sort.Strings(added)
		sort.Strings(removed)
		hist = append([]changeRec{{field: "cc", removed: strings.Join(removed, ", "), added: strings.Join(added, ", ")}}, hist...)
	}
	if res.changed() {
		hist = append(hist, changeRec{field: "flagtypes.name", removed: res.removed, added: res.added})
	}
	commented := false
	if comment != nil && comment.text != "" {
		c.s.addComment(b, c.user.login, comment.text, c.now, comment.private, comment.markdown, cmtNormal, nil)
		commented = true
	}
	if len(hist) > 0 {
		b.history = append(b.history, &historyRec{when: c.now, who: c.user.login, changes: hist})
	}
	if len(hist) > 0 || commented {
		b.lastChangeTime = c.now
	}

	changes := map[string]any{}
	for _, ch := range hist {
		changes[ch.field] = map[string]any{"added": ch.added, "removed": ch.removed}
	}
	alias := []any{}
	if b.alias != "" {
		alias = append(alias, b.alias)
	}
	return http.StatusOK, map[string]any{"bugs": []any{map[string]any{
		"id":               b.id,
		"alias":            alias,
		"last_change_time": isoTime(b.lastChangeTime),
		"changes":          changes,
	}}}, nil
}

// commentSpec is a validated comment from a request.
type commentSpec struct {
	text     string
	private  bool
	markdown bool
}

// commentParam reads the "comment" of a bug update: {"body", "is_private",
// "is_markdown"} (a bare string is accepted too).
func (c *reqCtx) commentParam(v any) (*commentSpec, *Error) {
	cs := &commentSpec{}
	switch x := v.(type) {
	case string:
		cs.text = x
	case map[string]any:
		cs.text, _ = bodyString(x, "body")
		if cs.text == "" {
			cs.text, _ = bodyString(x, "comment")
		}
		cs.private = truthy(x["is_private"])
		cs.markdown = truthy(x["is_markdown"])
	default:
		return nil, bzErr(codeTransient, "comment must be an object with a body.")
	}
	if strings.TrimSpace(cs.text) == "" {
		cs.text = ""
	}
	var err *Error
	if cs.text, err = checkCommentText(cs.text); err != nil {
		return nil, err
	}
	if cs.private && !c.user.in(c.s.cfg.insiderGroup) {
		return nil, errNotInsider()
	}
	if c.s.cfg.dialect != BMO {
		cs.markdown = false
	}
	return cs, nil
}

func anyStrings(v any) []string {
	switch x := v.(type) {
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := numberString(e); ok && s != "" {
				out = append(out, s)
			}
		}
		return out
	case string:
		if x != "" {
			return []string{x}
		}
	}
	return nil
}
