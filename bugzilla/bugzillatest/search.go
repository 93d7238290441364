package bugzillatest

import (
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Bug.search (GET /rest/bug): simple field parameters, the advanced
// fN/oN/vN criteria with nN negation and OP/CP groups (changedafter and
// changedbefore on a field's history among the operators),
// chfieldfrom/chfieldto, last_change_time, include_fields, limit/offset/order.

// searchReserved are parameters that are not search criteria.
var searchReserved = map[string]bool{
	"include_fields": true, "exclude_fields": true, "limit": true, "offset": true, "order": true,
	"api_key": true, "Bugzilla_api_key": true, "token": true, "Bugzilla_token": true,
	"Bugzilla_login": true, "Bugzilla_password": true, "j_top": true,
	"chfieldfrom": true, "chfieldto": true, "chfield": true, "chfieldvalue": true,
	"count_only": true,
}

// searchUnsupported are real Bugzilla search parameters this fake does not
// model; they fail loudly rather than being ignored.
var searchUnsupported = map[string]bool{
	"quicksearch": true, "keywords": true, "keywords_type": true, "whiteboard": true,
	"status_whiteboard": true, "status_whiteboard_type": true, "votes": true,
	"longdesc": true, "longdesc_type": true, "bug_file_loc": true, "url": true,
	"target_milestone": true, "qa_contact": true, "tag": true, "tags": true,
	"dependson": true, "blocked": true, "see_also": true, "content": true,
	"email1": true, "email2": true, "emailtype1": true, "emailtype2": true,
	"short_desc_type": true, "summary_type": true, "classification": true,
}

// simpleFields maps Bug.search's simple parameter names (API names and
// database names) to search fields; each matches with anyexact, except the
// summary (all words as substrings) and the two times (at or after).
var simpleFields = map[string]string{
	"id": "bug_id", "bug_id": "bug_id", "alias": "alias",
	"product": "product", "component": "component", "version": "version",
	"status": "bug_status", "bug_status": "bug_status", "resolution": "resolution",
	"creator": "reporter", "reporter": "reporter", "assigned_to": "assigned_to",
	"summary": "short_desc", "short_desc": "short_desc",
	"severity": "bug_severity", "bug_severity": "bug_severity", "priority": "priority",
	"op_sys": "op_sys", "platform": "rep_platform", "rep_platform": "rep_platform",
	"cc": "cc", "groups": "bug_group", "bug_group": "bug_group",
	"last_change_time": "delta_ts", "creation_time": "creation_ts",
}

// fieldAliases lets fN use API names for database columns.
var fieldAliases = map[string]string{
	"id": "bug_id", "status": "bug_status", "summary": "short_desc", "creator": "reporter",
	"severity": "bug_severity", "platform": "rep_platform", "last_change_time": "delta_ts",
	"creation_time": "creation_ts", "groups": "bug_group",
}

// searchFields are the fields criteria may name.
var searchFields = map[string]bool{
	"flagtypes.name": true, "requestees.login_name": true, "setters.login_name": true,
	"bug_id": true, "alias": true, "product": true, "component": true, "version": true,
	"bug_status": true, "resolution": true, "short_desc": true, "reporter": true,
	"assigned_to": true, "bug_severity": true, "priority": true, "op_sys": true,
	"rep_platform": true, "cc": true, "bug_group": true, "delta_ts": true, "creation_ts": true,
	"longdesc": true, "commenter": true,
	"attachments.description": true, "attachments.filename": true, "attachments.mimetype": true,
	"attachments.ispatch": true, "attachments.isobsolete": true, "attachments.isprivate": true,
}

var dateFields = map[string]bool{"delta_ts": true, "creation_ts": true}

type criterion struct {
	field, op, value string
	re               *regexp.Regexp
	when             time.Time
	negate           bool
}

type critGroup struct {
	join     string // "AND" or "OR"
	negate   bool
	children []critNode
}

type critNode struct {
	leaf  *criterion
	group *critGroup
}

type searchQuery struct {
	root      critGroup
	from, to  time.Time // chfieldfrom/chfieldto
	chCreated bool      // chfield=[Bug creation]
	limit     int       // 0: no limit
	offset    int
	order     []orderKey
}

type orderKey struct {
	field string
	desc  bool
}

var negativeOps = map[string]string{
	"notequals": "equals", "notsubstring": "substring", "notregexp": "regexp",
	"nowords": "anywords", "nowordssubstr": "anywordssubstr",
}

var knownOps = map[string]bool{
	"equals": true, "anyexact": true, "substring": true, "casesubstring": true,
	"regexp": true, "lessthan": true, "lessthaneq": true, "greaterthan": true,
	"greaterthaneq": true, "anywords": true, "allwords": true, "anywordssubstr": true,
	"allwordssubstr": true, "isempty": true, "isnotempty": true,
	"changedafter": true, "changedbefore": true,
}

// parseSearch builds the search as Bug.search and Search.pm do: the simple
// parameters are ANDed with one "custom search" clause, which holds the
// fN/oN/vN criteria joined by j_top (AND unless OR). last_change_time and
// creation_time are not simple parameters there: Bug.search turns them
// into criteria of that clause, numbered from "how many fN there are, plus
// one" (WebService/Bug.pm), so under j_top=OR they are ORed with the rest,
// and a criterion already at that number is replaced (its nN stays).
func (c *reqCtx) parseSearch() (*searchQuery, *Error) {
	q := &searchQuery{root: critGroup{join: "AND"}}
	custom := &critGroup{join: "AND"}
	if strings.EqualFold(c.query.Get("j_top"), "OR") {
		custom.join = "OR"
	}
	var times []*criterion // delta_ts, then creation_ts, as Bug.search adds them

	// Simple parameters.
	names := make([]string, 0, len(c.query))
	for name := range c.query {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool {
		// Bug.search adds the last change before the creation time.
		ti, tj := simpleFields[names[i]] == "delta_ts", simpleFields[names[j]] == "delta_ts"
		if ti != tj {
			return ti
		}
		return names[i] < names[j]
	})
	for _, name := range names {
		if searchReserved[name] || isAdvancedParam(name) {
			continue
		}
		if searchUnsupported[name] {
			return nil, errUnsupported("the search parameter " + name)
		}
		field, ok := simpleFields[name]
		if !ok {
			continue // Bugzilla ignores parameters that name no field.
		}
		values := c.query[name]
		var cr *criterion
		var err *Error
		switch field {
		case "delta_ts", "creation_ts":
			t, ok := parseDateTime(values[0])
			if !ok {
				return nil, errIllegalDate(values[0])
			}
			if !slices.ContainsFunc(times, func(t *criterion) bool { return t.field == field }) {
				times = append(times, &criterion{field: field, op: "greaterthaneq", when: t})
			}
			continue
		case "short_desc":
			cr, err = c.newCriterion(field, "allwordssubstr", strings.Join(values, " "), false)
		default:
			cr, err = c.newCriterion(field, "anyexact", strings.Join(splitList(values), ","), false)
		}
		if err != nil {
			return nil, err
		}
		q.root.children = append(q.root.children, critNode{leaf: cr})
	}

	// Advanced criteria, in the order of their numbers, with the times
	// Bug.search numbered after them.
	var nums []int
	for name := range c.query {
		if strings.HasPrefix(name, "f") {
			if n, err := strconv.Atoi(name[1:]); err == nil && n >= 0 {
				nums = append(nums, n)
			}
		}
	}
	placed := map[int]*criterion{}
	for i, t := range times {
		n := len(nums) + 1 + i
		placed[n] = t
		if !c.query.Has("f" + strconv.Itoa(n)) {
			nums = append(nums, n)
		}
	}
	sort.Ints(nums)
	stack := []*critGroup{custom}
	for _, n := range nums {
		k := strconv.Itoa(n)
		field := c.query.Get("f" + k)
		negate := truthy(c.query.Get("n" + k))
		cur := stack[len(stack)-1]
		if t := placed[n]; t != nil {
			cr := *t
			cr.negate = negate
			cur.children = append(cur.children, critNode{leaf: &cr})
			continue
		}
		switch field {
		case "noop", "":
			continue
		case "OP":
			g := &critGroup{join: "AND", negate: negate}
			if strings.EqualFold(c.query.Get("j"+k), "OR") {
				g.join = "OR"
			}
			stack = append(stack, g)
		case "CP":
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
				parent := stack[len(stack)-1]
				parent.children = append(parent.children, critNode{group: cur})
			}
		default:
			cr, err := c.newCriterion(field, c.query.Get("o"+k), c.query.Get("v"+k), negate)
			if err != nil {
				return nil, err
			}
			cur.children = append(cur.children, critNode{leaf: cr})
		}
	}
	for len(stack) > 1 { // unclosed groups close at the end
		g := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		parent := stack[len(stack)-1]
		parent.children = append(parent.children, critNode{group: g})
	}
	if len(custom.children) > 0 {
		q.root.children = append(q.root.children, critNode{group: custom})
	}

	// chfieldfrom / chfieldto.
	if chf := c.query["chfield"]; len(chf) > 0 {
		for _, f := range chf {
			switch f {
			case "[Bug creation]":
				q.chCreated = true
			case "delta_ts", "":
			default:
				return nil, errUnsupported("chfield=" + f)
			}
		}
	}
	if v := c.query.Get("chfieldfrom"); v != "" {
		t, err := sqlifyDate(v, c.now)
		if err != nil {
			return nil, err
		}
		q.from = t
	}
	if v := c.query.Get("chfieldto"); v != "" && !strings.EqualFold(v, "now") {
		t, err := sqlifyDate(v, c.now)
		if err != nil {
			return nil, err
		}
		q.to = t
	}

	// Paging and order.
	_, hasLimit := c.query["limit"]
	if _, hasOffset := c.query["offset"]; hasOffset {
		if !hasLimit {
			return nil, errParamRequired("Bug.search()", "limit")
		}
		off, ok := atoiStrict(c.query.Get("offset"))
		if !ok {
			return nil, bzErr(codeParamMustBeNumeric, "Invalid offset: %q is not a number.", c.query.Get("offset"))
		}
		q.offset = off
	}
	max := c.s.cfg.maxSearchResults
	q.limit = max
	if hasLimit {
		lim, ok := atoiStrict(c.query.Get("limit"))
		if !ok {
			return nil, bzErr(codeParamMustBeNumeric, "Invalid limit: %q is not a number.", c.query.Get("limit"))
		}
		switch {
		case lim == 0:
			// Bug.search deletes limit and offset, then Search.pm caps
			// the search at max_search_results all the same.
			q.offset = 0
		case lim < max:
			q.limit = lim
		}
	}
	for _, o := range splitList(c.query["order"]) {
		fields := strings.Fields(o)
		key := orderKey{field: fields[0]}
		if len(fields) > 1 && strings.EqualFold(fields[1], "DESC") {
			key.desc = true
		}
		switch key.field {
		case "bug_id", "id":
			key.field = "bug_id"
		case "changeddate", "delta_ts", "last_change_time":
			key.field = "delta_ts"
		case "opendate", "creation_ts", "creation_time":
			key.field = "creation_ts"
		default:
			return nil, errUnsupported("order=" + o)
		}
		q.order = append(q.order, key)
	}
	return q, nil
}

func isAdvancedParam(name string) bool {
	if len(name) < 2 || !strings.ContainsRune("fovnj", rune(name[0])) {
		return false
	}
	_, err := strconv.Atoi(name[1:])
	return err == nil
}

func (c *reqCtx) newCriterion(field, op, value string, negate bool) (*criterion, *Error) {
	if a, ok := fieldAliases[field]; ok {
		field = a
	}
	if !searchFields[field] {
		return nil, bzErr(codeInvalidFieldName, "Can't use %s as a field name.", field)
	}
	if pos, ok := negativeOps[op]; ok {
		op, negate = pos, !negate
	}
	if !knownOps[op] {
		return nil, bzErr(codeTransient, "The %s operator is not supported by this fake for the %s field.", op, field)
	}
	cr := &criterion{field: field, op: op, value: value, negate: negate}
	if op == "regexp" {
		re, err := regexp.Compile("(?i)" + value)
		if err != nil {
			return nil, bzErr(803, "The regular expression you provided %s is not valid. The error was: %v.", value, err)
		}
		cr.re = re
	}
	if (dateFields[field] && op != "isempty" && op != "isnotempty") || changedOps[op] {
		t, err := sqlifyDate(value, c.now)
		if err != nil {
			return nil, err
		}
		cr.when = t
	}
	return cr, nil
}

// sqlifyDate is Search.pm's SqlifyDate: "Now", relative dates such as -1h,
// -2d, -1w, -1m, -1y (with an "s" suffix meaning "from the start of"), and
// absolute dates. It lower-cases its input first, so in the ISO form
// 2026-11-28T20:22:34Z only the date counts (recording 26).
func sqlifyDate(s string, now time.Time) (time.Time, *Error) {
	str := strings.ToLower(strings.TrimSpace(s))
	if str == "" || str == "now" {
		return now, nil
	}
	if m := relDateRe.FindStringSubmatch(str); m != nil {
		n, _ := strconv.Atoi(m[2])
		if m[1] == "+" {
			n = -n
		}
		startOf := m[4] == "s" || n == 0
		t := now
		switch m[3] {
		case "h":
			if startOf {
				t = t.Truncate(time.Hour)
			}
			return t.Add(-time.Duration(n) * time.Hour), nil
		case "d", "w":
			days := n
			if m[3] == "w" {
				days = 7 * n
				if startOf {
					days += int(t.Weekday())
				}
			}
			if startOf {
				t = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
			}
			return t.AddDate(0, 0, -days), nil
		case "m":
			if startOf {
				return time.Date(t.Year(), t.Month()-time.Month(n), 1, 0, 0, 0, 0, time.UTC), nil
			}
			return t.AddDate(0, -n, 0), nil
		case "y":
			if startOf {
				return time.Date(t.Year()-n, 1, 1, 0, 0, 0, 0, time.UTC), nil
			}
			return t.AddDate(-n, 0, 0), nil
		}
	}
	if i := strings.IndexByte(str, 't'); i == 10 {
		str = str[:10] // what str2time makes of a lower-cased ISO date
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02", "2006/01/02"} {
		if t, err := time.ParseInLocation(layout, str, time.UTC); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errIllegalDate(s)
}

var relDateRe = regexp.MustCompile(`^(-|\+)?(\d+)([hdwmy])(s?)$`)

// search runs q for the caller and returns the matching bugs in order.
func (c *reqCtx) search(q *searchQuery) []*bugRec {
	var out []*bugRec
	for _, id := range c.d.bugIDs {
		b := c.d.bugs[id]
		if !c.d.canSee(c.user, b) {
			continue
		}
		when := b.lastChangeTime
		if q.chCreated {
			when = b.creationTime
		}
		if !q.from.IsZero() && when.Before(q.from) {
			continue
		}
		if !q.to.IsZero() && when.After(q.to) {
			continue
		}
		if !c.evalGroup(&q.root, b) {
			continue
		}
		out = append(out, b)
	}
	if len(q.order) > 0 {
		sort.SliceStable(out, func(i, j int) bool {
			for _, k := range q.order {
				a, b := orderValue(out[i], k.field), orderValue(out[j], k.field)
				if a == b {
					continue
				}
				if k.desc {
					return a > b
				}
				return a < b
			}
			return false
		})
	}
	if q.offset > 0 {
		if q.offset >= len(out) {
			return nil
		}
		out = out[q.offset:]
	}
	if q.limit > 0 && len(out) > q.limit {
		out = out[:q.limit]
	}
	return out
}

func orderValue(b *bugRec, field string) int64 {
	switch field {
	case "delta_ts":
		return b.lastChangeTime.Unix()
	case "creation_ts":
		return b.creationTime.Unix()
	}
	return int64(b.id)
}

func (c *reqCtx) evalGroup(g *critGroup, b *bugRec) bool {
	result := g.join == "AND"
	for _, n := range g.children {
		var v bool
		if n.leaf != nil {
			v = c.evalCriterion(n.leaf, b)
		} else {
			v = c.evalGroup(n.group, b)
		}
		if g.join == "AND" && !v {
			result = false
			break
		}
		if g.join == "OR" && v {
			result = true
			break
		}
	}
	if len(g.children) == 0 {
		result = true
	}
	return result != g.negate
}

// evalCriterion matches a field's values; for fields with several values
// (flags, CC, attachments) any value may match, and a negated operator
// means that none does, as Bugzilla's Search.pm does.
func (c *reqCtx) evalCriterion(cr *criterion, b *bugRec) bool {
	if changedOps[cr.op] {
		return changedWhen(cr, b, c.user.in(c.s.cfg.insiderGroup)) != cr.negate
	}
	if dateFields[cr.field] {
		t := b.lastChangeTime
		if cr.field == "creation_ts" {
			t = b.creationTime
		}
		var ok bool
		switch cr.op {
		case "lessthan":
			ok = t.Before(cr.when)
		case "lessthaneq":
			ok = !t.After(cr.when)
		case "greaterthan":
			ok = t.After(cr.when)
		case "greaterthaneq":
			ok = !t.Before(cr.when)
		case "equals", "anyexact":
			ok = t.Equal(cr.when)
		case "isempty":
			ok = false
		case "isnotempty":
			ok = true
		default:
			ok = strings.Contains(isoTime(t), cr.value)
		}
		return ok != cr.negate
	}
	values := c.fieldValues(cr.field, b)
	var ok bool
	switch cr.op {
	case "isempty":
		ok = true
		for _, v := range values {
			if v != "" {
				ok = false
			}
		}
	case "isnotempty":
		for _, v := range values {
			if v != "" {
				ok = true
			}
		}
	default:
		for _, v := range values {
			if matchOp(cr, v) {
				ok = true
				break
			}
		}
	}
	return ok != cr.negate
}

func matchOp(cr *criterion, v string) bool {
	switch cr.op {
	case "equals":
		return strings.EqualFold(v, cr.value)
	case "anyexact":
		for _, w := range strings.Split(cr.value, ",") {
			if strings.EqualFold(v, strings.TrimSpace(w)) {
				return true
			}
		}
		return false
	case "substring":
		return strings.Contains(strings.ToLower(v), strings.ToLower(cr.value))
	case "casesubstring":
		return strings.Contains(v, cr.value)
	case "regexp":
		return cr.re.MatchString(v)
	case "anywordssubstr", "allwordssubstr", "anywords", "allwords":
		words := strings.Fields(strings.ToLower(cr.value))
		lv := strings.ToLower(v)
		vw := strings.Fields(lv)
		all := strings.HasPrefix(cr.op, "all")
		for _, w := range words {
			var hit bool
			if strings.HasSuffix(cr.op, "substr") {
				hit = strings.Contains(lv, w)
			} else {
				hit = containsString(vw, w)
			}
			if hit && !all {
				return true
			}
			if !hit && all {
				return false
			}
		}
		return all && len(words) > 0
	case "lessthan", "lessthaneq", "greaterthan", "greaterthaneq":
		cmp := compareValues(v, cr.value)
		switch cr.op {
		case "lessthan":
			return cmp < 0
		case "lessthaneq":
			return cmp <= 0
		case "greaterthan":
			return cmp > 0
		default:
			return cmp >= 0
		}
	}
	return false
}

// compareValues compares numerically when both sides are numbers.
func compareValues(a, b string) int {
	x, errA := strconv.ParseFloat(a, 64)
	y, errB := strconv.ParseFloat(b, 64)
	if errA == nil && errB == nil {
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	}
	return strings.Compare(strings.ToLower(a), strings.ToLower(b))
}

// fieldValues lists a bug's values for a search field. Flag fields see
// every flag, including those on private attachments, whoever searches
// (recording 31); comment fields see only comments the caller may read.
func (c *reqCtx) fieldValues(field string, b *bugRec) []string {
	switch field {
	case "flagtypes.name", "requestees.login_name", "setters.login_name":
		var out []string
		add := func(f *flagRec) {
			switch field {
			case "flagtypes.name":
				out = append(out, f.typ.name+f.status)
			case "requestees.login_name":
				if f.requestee != "" {
					out = append(out, f.requestee)
				}
			default:
				out = append(out, f.setter)
			}
		}
		for _, f := range b.flags {
			add(f)
		}
		for _, a := range b.attachments {
			for _, f := range a.flags {
				add(f)
			}
		}
		return out
	case "bug_id":
		return []string{strconv.Itoa(b.id)}
	case "alias":
		return []string{b.alias}
	case "product":
		return []string{b.product}
	case "component":
		return []string{b.component}
	case "version":
		return []string{b.version}
	case "bug_status":
		return []string{b.status}
	case "resolution":
		return []string{b.resolution}
	case "short_desc":
		return []string{b.summary}
	case "reporter":
		return []string{b.creator}
	case "assigned_to":
		return []string{b.assignee}
	case "bug_severity":
		return []string{b.severity}
	case "priority":
		return []string{b.priority}
	case "op_sys":
		return []string{b.opSys}
	case "rep_platform":
		return []string{b.platform}
	case "cc":
		return b.cc
	case "bug_group":
		return b.groups
	case "longdesc", "commenter":
		insider := c.user.in(c.s.cfg.insiderGroup)
		var out []string
		for _, cm := range b.comments {
			if cm.isPrivate && !insider {
				continue
			}
			if field == "longdesc" {
				out = append(out, cm.text())
			} else {
				out = append(out, cm.creator)
			}
		}
		return out
	}
	// attachments.*
	insider := c.user.in(c.s.cfg.insiderGroup)
	var out []string
	for _, a := range b.attachments {
		if a.isPrivate && !insider {
			continue
		}
		switch field {
		case "attachments.description":
			out = append(out, a.summary)
		case "attachments.filename":
			out = append(out, a.fileName)
		case "attachments.mimetype":
			out = append(out, a.contentType)
		case "attachments.ispatch":
			out = append(out, strconv.Itoa(boolInt(a.isPatch)))
		case "attachments.isobsolete":
			out = append(out, strconv.Itoa(boolInt(a.isObsolete)))
		case "attachments.isprivate":
			out = append(out, strconv.Itoa(boolInt(a.isPrivate)))
		}
	}
	return out
}

// changedOps are Search.pm's operators on a field's history.
var changedOps = map[string]bool{"changedafter": true, "changedbefore": true}

// changedWhen is Search.pm's _changedbefore_changedafter: the bug has a
// bugs_activity row for the field at or after (changedafter) or at or
// before (changedbefore) the date, SqlifyDate'd. Flag changes, on the bug
// or its attachments, are rows of the field flagtypes.name. For a caller
// outside the insider group, _changed_security_check leaves out the rows
// of private attachments on flagtypes.name and the attachment fields, as
// Bug.history hides them.
func changedWhen(cr *criterion, b *bugRec, insider bool) bool {
	guarded := !insider && (cr.field == "flagtypes.name" || strings.HasPrefix(cr.field, "attach"))
	for _, h := range b.history {
		hit := !h.when.Before(cr.when)
		if cr.op == "changedbefore" {
			hit = !h.when.After(cr.when)
		}
		if !hit {
			continue
		}
		for _, ch := range h.changes {
			if ch.field != cr.field || (guarded && ch.att != nil && ch.att.isPrivate) {
				continue
			}
			return true
		}
	}
	return false
}
