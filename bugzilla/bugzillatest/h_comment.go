package bugzillatest

import (
	"net/http"
	"regexp"
	"sort"
	"strings"
	"time"
)

// addComment appends a comment to b; it does not touch last_change_time.
func (s *Server) addComment(b *bugRec, creator, body string, when time.Time, private, markdown bool, kind int, att *attRec) *commentRec {
	d := s.db
	cm := &commentRec{
		id: d.nextCommentID, bug: b, count: len(b.comments), body: body, kind: kind, att: att,
		creator: creator, when: when, isPrivate: private, isMarkdown: markdown,
	}
	d.nextCommentID++
	d.comments[cm.id] = cm
	b.comments = append(b.comments, cm)
	return cm
}

// POST /rest/bug/{id}/comment: 201 {"id":N}.
func handleAddComment(c *reqCtx) (int, any, *Error) {
	if c.user == nil {
		return 0, nil, errLoginRequired()
	}
	text, _ := c.str("comment")
	if strings.TrimSpace(text) == "" {
		return 0, nil, errParamRequired("", "comment")
	}
	b, err := c.d.lookupBug(c.m[1], c.user)
	if err != nil {
		return 0, nil, err
	}
	if text, err = checkCommentText(text); err != nil {
		return 0, nil, err
	}
	private := c.boolParam("is_private")
	if _, ok := c.body["private"]; ok && c.body["is_private"] == nil {
		private = c.boolParam("private")
	}
	if private && !c.user.in(c.s.cfg.insiderGroup) {
		return 0, nil, errNotInsider()
	}
	markdown := false
	var tags []string
	if c.s.cfg.dialect == BMO {
		// BMO honours is_markdown and applies comment_tags in the same
		// transaction, silently dropping them for non-taggers. Upstream
		// 5.2 ignores both.
		markdown = c.boolParam("is_markdown")
		if c.user.in(c.s.cfg.taggersGroup) {
			var terr *Error
			if tags, terr = validateTags(c.list("comment_tags")); terr != nil {
				return 0, nil, terr
			}
		}
	}
	cm := c.s.addComment(b, c.user.login, text, c.now, private, markdown, cmtNormal, nil)
	c.s.setTags(cm, tags, nil)
	b.lastChangeTime = c.now
	return http.StatusCreated, map[string]any{"id": cm.id}, nil
}

var tagRe = regexp.MustCompile(`^[\w\d._-]+$`)

// validateTags is Bugzilla::Comment::_check_tag, and de-duplicates tags
// that differ only in case.
func validateTags(tags []string) ([]string, *Error) {
	var out []string
	for _, t := range tags {
		t = strings.TrimSpace(t)
		switch {
		case len(t) < 3:
			return nil, bzErr(codeCommentTagTooShort, "The comment tag \"%s\" is too short. It must be at least 3 characters.", t)
		case len(t) > 24:
			return nil, bzErr(codeCommentTagTooLong, "The comment tag \"%s\" is too long. It can be at most 24 characters.", t)
		case !tagRe.MatchString(t):
			return nil, bzErr(codeCommentTagInvalid, "The comment tag \"%s\" contains invalid characters or words.", t)
		}
		dup := false
		for _, o := range out {
			if strings.EqualFold(o, t) {
				dup = true
			}
		}
		if !dup {
			out = append(out, t)
		}
	}
	return out, nil
}

// setTags adds and removes tags (case-insensitively) and keeps the tag
// weights that the tag search reads.
func (s *Server) setTags(cm *commentRec, add, remove []string) {
	for _, t := range add {
		found := false
		for _, o := range cm.tags {
			if strings.EqualFold(o, t) {
				found = true
			}
		}
		if !found {
			cm.tags = append(cm.tags, t)
			s.db.tagWeights[strings.ToLower(t)]++
		}
	}
	for _, t := range remove {
		for i, o := range cm.tags {
			if strings.EqualFold(o, t) {
				cm.tags = append(cm.tags[:i:i], cm.tags[i+1:]...)
				lt := strings.ToLower(o)
				if s.db.tagWeights[lt]--; s.db.tagWeights[lt] <= 0 {
					delete(s.db.tagWeights, lt)
				}
				break
			}
		}
	}
	sort.Strings(cm.tags)
}

// visibleComments lists b's comments the caller may read, created strictly
// after since when it is set (Bugzilla's "creation_ts > new_since").
func (c *reqCtx) visibleComments(b *bugRec, since time.Time) []*commentRec {
	insider := c.user.in(c.s.cfg.insiderGroup)
	var out []*commentRec
	for _, cm := range b.comments {
		if cm.isPrivate && !insider {
			continue
		}
		if !since.IsZero() && !cm.when.After(since) {
			continue
		}
		out = append(out, cm)
	}
	return out
}

func (c *reqCtx) newSince() (time.Time, *Error) {
	v, ok := c.str("new_since")
	if !ok || v == "" {
		return time.Time{}, nil
	}
	t, ok := parseDateTime(v)
	if !ok {
		return time.Time{}, errIllegalDate(v)
	}
	return t, nil
}

// GET /rest/bug/{id}/comment and GET /rest/bug/comment/{id}:
// {"bugs":{"<id>":{"comments":[...]}},"comments":{"<id>":{...}}}.
func handleComments(c *reqCtx) (int, any, *Error) {
	return c.comments(c.idList(c.m[1], "ids"), c.objectList("comment_ids"))
}

func handleCommentsByID(c *reqCtx) (int, any, *Error) {
	return c.comments(c.objectList("ids"), append([]string{c.m[1]}, c.objectList("comment_ids")...))
}

func (c *reqCtx) comments(bugIDs, commentIDs []string) (int, any, *Error) {
	since, err := c.newSince()
	if err != nil {
		return 0, nil, err
	}
	f := c.fieldFilter()
	bugs := map[string]any{}
	for _, id := range bugIDs {
		b, err := c.d.lookupBug(id, c.user)
		if err != nil {
			return 0, nil, err
		}
		list := []any{}
		for _, cm := range c.visibleComments(b, since) {
			list = append(list, c.commentJSON(cm, f))
		}
		bugs[itoa(b.id)] = map[string]any{"comments": list}
	}
	comments := map[string]any{}
	var found []*commentRec
	for _, id := range commentIDs {
		n, ok := atoiStrict(id)
		cm := c.d.comments[n]
		if !ok || cm == nil {
			return 0, nil, bzErr(codeCommentIDInvalid, "%s is not a valid comment id.", id)
		}
		found = append(found, cm)
	}
	insider := c.user.in(c.s.cfg.insiderGroup)
	for _, cm := range found {
		if !c.d.canSee(c.user, cm.bug) {
			return 0, nil, errBugNotVisible(cm.bug.id, c.user == nil)
		}
	}
	for _, cm := range found {
		if cm.isPrivate && !insider {
			return 0, nil, bzErr(codeCommentIsPrivate, "Comment %d is private.", cm.id)
		}
		comments[itoa(cm.id)] = c.commentJSON(cm, f)
	}
	return http.StatusOK, map[string]any{"bugs": bugs, "comments": comments}, nil
}

// PUT /rest/bug/comment/{id}/tags {"add":[...],"remove":[...]}: the
// comment's tags as a bare array.
func handleUpdateTags(c *reqCtx) (int, any, *Error) {
	if c.user == nil {
		return 0, nil, errLoginRequired()
	}
	if !c.user.in(c.s.cfg.taggersGroup) {
		return 0, nil, bzErr(codeAuthFailure, "Sorry, you aren't a member of the '%s' group, and only users with the required permissions may update comment tags.", c.s.cfg.taggersGroup)
	}
	n, ok := atoiStrict(c.m[1])
	if !ok {
		return 0, nil, bzErr(codeParamMustBeNumeric, "Invalid comment id: %s is not a number.", c.m[1])
	}
	cm := c.d.comments[n]
	if cm == nil {
		return http.StatusOK, []any{}, nil
	}
	if !c.d.canSee(c.user, cm.bug) {
		return 0, nil, errBugNotVisible(cm.bug.id, false)
	}
	if cm.isPrivate && !c.user.in(c.s.cfg.insiderGroup) {
		return 0, nil, bzErr(codeCommentIsPrivate, "Comment %d is private.", cm.id)
	}
	add, err := validateTags(c.list("add"))
	if err != nil {
		return 0, nil, err
	}
	c.s.setTags(cm, add, c.list("remove"))
	out := make([]any, 0, len(cm.tags))
	for _, t := range cm.tags {
		out = append(out, t)
	}
	return http.StatusOK, out, nil
}

// GET /rest/bug/comment/tags/{query}: matching tag names as a bare array.
func handleSearchTags(c *reqCtx) (int, any, *Error) {
	if c.user == nil {
		return 0, nil, errLoginRequired()
	}
	if !c.user.in(c.s.cfg.taggersGroup) {
		return 0, nil, bzErr(codeAuthFailure, "Sorry, you aren't a member of the '%s' group, and only users with the required permissions may search comment tags.", c.s.cfg.taggersGroup)
	}
	limit := 7
	if v, ok := c.str("limit"); ok {
		if n, ok := atoiStrict(v); ok && n > 0 {
			limit = n
		}
	}
	q := strings.ToLower(c.m[1])
	var names []string
	for t := range c.d.tagWeights {
		if strings.Contains(t, q) {
			names = append(names, t)
		}
	}
	sort.Strings(names)
	if len(names) > limit {
		names = names[:limit]
	}
	out := make([]any, 0, len(names))
	for _, t := range names {
		out = append(out, t)
	}
	return http.StatusOK, out, nil
}
