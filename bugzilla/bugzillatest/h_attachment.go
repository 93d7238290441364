package bugzillatest

import (
	"encoding/base64"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"time"
)

// GET /rest/bug/{id}/attachment and GET /rest/bug/attachment/{id}:
// {"bugs":{"<bug id>":[...]},"attachments":{"<id>":{...}}}, the map that was
// not asked for present but empty.
func handleBugAttachments(c *reqCtx) (int, any, *Error) {
	return c.attachments(c.idList(c.m[1], "ids"), c.objectList("attachment_ids"))
}

func handleAttachmentsByID(c *reqCtx) (int, any, *Error) {
	return c.attachments(c.objectList("ids"), c.idList(c.m[1], "attachment_ids"))
}

func (c *reqCtx) attachments(bugIDs, attIDs []string) (int, any, *Error) {
	f := c.fieldFilter()
	insider := c.user.in(c.s.cfg.insiderGroup)
	bugs := map[string]any{}
	for _, id := range bugIDs {
		b, err := c.d.lookupBug(id, c.user)
		if err != nil {
			return 0, nil, err
		}
		list := []any{}
		for _, a := range b.attachments {
			if a.isPrivate && !insider {
				continue // silently absent (recording 44)
			}
			list = append(list, c.attachmentJSON(a, f))
		}
		bugs[itoa(b.id)] = list
	}
	atts := map[string]any{}
	for _, id := range attIDs {
		n, ok := atoiStrict(id)
		if !ok {
			return 0, nil, bzErr(codeParamMustBeNumeric, "Invalid attachment id: %s is not a number.", id)
		}
		a := c.d.atts[n]
		if a == nil {
			continue // unknown ids are simply left out (recording 49)
		}
		if !c.d.canSee(c.user, a.bug) {
			return 0, nil, errBugNotVisible(a.bug.id, c.user == nil)
		}
		if a.isPrivate && !insider {
			return 0, nil, errAttachmentDenied(a.id)
		}
		atts[itoa(a.id)] = c.attachmentJSON(a, f)
	}
	return http.StatusOK, map[string]any{"bugs": bugs, "attachments": atts}, nil
}

var contentTypeRe = regexp.MustCompile(`^(application|audio|font|image|message|model|multipart|text|video)/.+$`)

// attachmentSpec is a validated new attachment.
type attachmentSpec struct {
	fileName, summary, contentType, comment string
	data                                    []byte
	private, patch, obsolete                bool
	creator                                 *userRec
	when                                    time.Time
}

// POST /rest/bug/{id}/attachment: 201 {"ids":[...]}.
func handleAddAttachment(c *reqCtx) (int, any, *Error) {
	if c.user == nil {
		return 0, nil, errLoginRequired()
	}
	// As in Bugzilla, an "ids" list in the body replaces the id in the path.
	ids := c.list("ids")
	if len(ids) == 0 {
		ids = []string{c.m[1]}
	}
	raw, _ := c.str("data")
	data, derr := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(raw), ""))
	if derr != nil {
		return 0, nil, bzErr(codeTransient, "The data of the attachment is not valid base64: %v.", derr)
	}
	spec := attachmentSpec{data: data, creator: c.user, when: c.now}
	spec.fileName, _ = c.str("file_name")
	spec.summary, _ = c.str("summary")
	spec.contentType, _ = c.str("content_type")
	spec.comment, _ = c.str("comment")
	if _, err := checkCommentText(spec.comment); err != nil {
		return 0, nil, err
	}
	spec.private = c.boolParam("is_private")
	spec.patch = c.boolParam("is_patch")
	var flags []FlagChange
	if v, ok := c.body["flags"]; ok {
		var err *Error
		if flags, err = wireFlagChanges(v); err != nil {
			return 0, nil, err
		}
	}
	var bugs []*bugRec
	for _, id := range ids {
		b, err := c.d.lookupBug(id, c.user)
		if err != nil {
			return 0, nil, err
		}
		bugs = append(bugs, b)
	}
	// Validate every attachment before creating any: one transaction.
	type planned struct {
		a   *attRec
		ops []flagOp
	}
	var plans []planned
	for _, b := range bugs {
		a, ops, err := c.s.planAttachment(b, spec, flags, false)
		if err != nil {
			return 0, nil, err
		}
		plans = append(plans, planned{a, ops})
	}
	out := []any{}
	for _, p := range plans {
		c.s.storeAttachment(p.a, p.ops, spec.comment, c.user.login)
		out = append(out, p.a.id)
	}
	return http.StatusCreated, map[string]any{"ids": out}, nil
}

// planAttachment validates a new attachment on b and the flags to set with it.
func (s *Server) planAttachment(b *bugRec, spec attachmentSpec, flags []FlagChange, trusted bool) (*attRec, []flagOp, *Error) {
	if len(spec.data) == 0 {
		return nil, nil, bzErr(codeZeroLengthFile, "The file you are trying to attach is empty, does not exist, or you don't have permission to read it.")
	}
	if strings.TrimSpace(spec.summary) == "" {
		return nil, nil, bzErr(codeMissingAttachDesc, "You must enter a description for the attachment.")
	}
	if strings.TrimSpace(spec.fileName) == "" {
		return nil, nil, bzErr(codeFileNotSpecified, "You did not specify a file to attach.")
	}
	ct := spec.contentType
	if spec.patch {
		ct = "text/plain"
	}
	if !contentTypeRe.MatchString(ct) {
		return nil, nil, bzErr(codeInvalidContentType, "The MIME type you specified, %s, is invalid. Valid types must be of the form foo/bar where foo is one of application, audio, font, image, message, model, multipart, text, video.", ct)
	}
	if spec.private && !trusted && !spec.creator.in(s.cfg.insiderGroup) {
		return nil, nil, errNotInsider()
	}
	a := &attRec{
		bug: b, fileName: spec.fileName, summary: strings.TrimSpace(spec.summary), contentType: ct,
		data: spec.data, creator: spec.creator.login, isPrivate: spec.private, isPatch: spec.patch,
		isObsolete: spec.obsolete, creationTime: spec.when, lastChangeTime: spec.when,
	}
	var ops []flagOp
	if len(flags) > 0 {
		var err *Error
		setter := ""
		if trusted {
			setter = spec.creator.login
		}
		if ops, err = s.planFlags(spec.creator, flagTarget{bug: b, att: a}, flags, trusted, setter); err != nil {
			return nil, nil, err
		}
	}
	return a, ops, nil
}

// storeAttachment adds a planned attachment with its "Created attachment"
// comment, flags and history, at a.creationTime.
func (s *Server) storeAttachment(a *attRec, ops []flagOp, comment, who string) {
	d := s.db
	a.id = d.nextAttID
	d.nextAttID++
	d.atts[a.id] = a
	b := a.bug
	b.attachments = append(b.attachments, a)
	when := a.creationTime
	s.addComment(b, who, strings.TrimSpace(comment), when, a.isPrivate, false, cmtAttachmentCreated, a)
	res := s.applyFlags(flagTarget{bug: b, att: a}, ops, when)
	var changes []changeRec
	if len(res.ccAdded) > 0 {
		changes = append(changes, changeRec{field: "cc", added: strings.Join(res.ccAdded, ", ")})
	}
	if res.changed() {
		changes = append(changes, changeRec{field: "flagtypes.name", removed: res.removed, added: res.added, att: a})
	}
	if len(changes) > 0 {
		b.history = append(b.history, &historyRec{when: when, who: who, changes: changes})
	}
	if when.After(b.lastChangeTime) {
		b.lastChangeTime = when
	}
}

// attachUpdateAllowed are the keys PUT /rest/bug/attachment/{id} understands here.
var attachUpdateAllowed = map[string]bool{
	"ids": true, "api_key": true, "Bugzilla_api_key": true, "token": true, "Bugzilla_token": true,
	"flags": true, "comment": true, "is_private": true, "is_obsolete": true, "is_patch": true,
	"summary": true, "file_name": true, "content_type": true, "is_markdown": true,
}

// PUT /rest/bug/attachment/{id}: {"attachments":[{"id","last_change_time","changes"}]}.
func handleUpdateAttachment(c *reqCtx) (int, any, *Error) {
	if c.user == nil {
		return 0, nil, errLoginRequired()
	}
	keys := make([]string, 0, len(c.body))
	for k := range c.body {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !attachUpdateAllowed[k] {
			return 0, nil, errUnsupported("updating the attachment field " + k)
		}
	}
	ids := c.list("ids")
	if len(ids) == 0 {
		ids = []string{c.m[1]}
	}
	var atts []*attRec
	for _, id := range ids {
		n, ok := atoiStrict(id)
		a := c.d.atts[n]
		if !ok || a == nil {
			return 0, nil, bzErr(codeObjectDoesNotExist, "There is no attachment with the id '%s'.", id)
		}
		if !c.d.canSee(c.user, a.bug) {
			return 0, nil, errBugNotVisible(a.bug.id, false)
		}
		insider := c.user.in(c.s.cfg.insiderGroup)
		if a.isPrivate && !insider {
			return 0, nil, errAttachmentDenied(a.id)
		}
		if a.creator != c.user.login && !c.user.in("editbugs") {
			return 0, nil, bzErr(codeTransient, "You are not authorized to edit attachment %d.", a.id)
		}
		atts = append(atts, a)
	}

	u := attachmentUpdate{}
	if _, ok := c.body["is_private"]; ok {
		v := c.boolParam("is_private")
		if !c.user.in(c.s.cfg.insiderGroup) {
			return 0, nil, errNotInsider()
		}
		u.private = &v
	}
	if _, ok := c.body["is_obsolete"]; ok {
		v := c.boolParam("is_obsolete")
		u.obsolete = &v
	}
	if _, ok := c.body["is_patch"]; ok {
		v := c.boolParam("is_patch")
		u.patch = &v
	}
	if v, ok := c.str("summary"); ok {
		if strings.TrimSpace(v) == "" {
			return 0, nil, bzErr(codeMissingAttachDesc, "You must enter a description for the attachment.")
		}
		v = strings.TrimSpace(v)
		u.summary = &v
	}
	if v, ok := c.str("file_name"); ok {
		if strings.TrimSpace(v) == "" {
			return 0, nil, bzErr(codeFileNotSpecified, "You did not specify a file to attach.")
		}
		u.fileName = &v
	}
	if v, ok := c.str("content_type"); ok {
		if !contentTypeRe.MatchString(v) {
			return 0, nil, bzErr(codeInvalidContentType, "The MIME type you specified, %s, is invalid.", v)
		}
		u.contentType = &v
	}
	if v, ok := c.body["comment"]; ok {
		text, _ := numberString(v)
		if _, err := checkCommentText(text); err != nil {
			return 0, nil, err
		}
		u.comment = strings.TrimSpace(text)
	}
	var changes []FlagChange
	if v, ok := c.body["flags"]; ok {
		var err *Error
		if changes, err = wireFlagChanges(v); err != nil {
			return 0, nil, err
		}
	}
	plans := make([][]flagOp, len(atts))
	for i, a := range atts {
		if len(changes) == 0 {
			continue
		}
		ops, err := c.s.planFlags(c.user, flagTarget{bug: a.bug, att: a}, changes, false, "")
		if err != nil {
			return 0, nil, err
		}
		plans[i] = ops
	}

	out := []any{}
	for i, a := range atts {
		ch := c.s.updateAttachment(a, u, plans[i], c.user.login, c.now)
		out = append(out, map[string]any{
			"id":               a.id,
			"last_change_time": isoTime(a.lastChangeTime),
			"changes":          ch,
		})
	}
	return http.StatusOK, map[string]any{"attachments": out}, nil
}

// attachmentUpdate holds the validated fields of an attachment update; nil
// pointers leave a field alone.
type attachmentUpdate struct {
	private, obsolete, patch       *bool
	summary, fileName, contentType *string
	comment                        string
}

// updateAttachment applies u and flag ops to a as user who, records the
// history, and returns the "changes" map of the answer.
func (s *Server) updateAttachment(a *attRec, u attachmentUpdate, ops []flagOp, who string, now time.Time) map[string]any {
	changes := map[string]any{}
	var hist []changeRec
	set := func(api, histName, old, cur string) {
		if old == cur {
			return
		}
		changes[api] = map[string]any{"removed": old, "added": cur}
		hist = append(hist, changeRec{field: histName, removed: old, added: cur, att: a})
	}
	if u.private != nil {
		set("is_private", "attachments.isprivate", itoa(boolInt(a.isPrivate)), itoa(boolInt(*u.private)))
		a.isPrivate = *u.private
	}
	if u.obsolete != nil {
		set("is_obsolete", "attachments.isobsolete", itoa(boolInt(a.isObsolete)), itoa(boolInt(*u.obsolete)))
		a.isObsolete = *u.obsolete
	}
	if u.patch != nil {
		set("is_patch", "attachments.ispatch", itoa(boolInt(a.isPatch)), itoa(boolInt(*u.patch)))
		a.isPatch = *u.patch
	}
	if u.summary != nil {
		set("summary", "attachments.description", a.summary, *u.summary)
		a.summary = *u.summary
	}
	if u.fileName != nil {
		set("file_name", "attachments.filename", a.fileName, *u.fileName)
		a.fileName = *u.fileName
	}
	if u.contentType != nil {
		set("content_type", "attachments.mimetype", a.contentType, *u.contentType)
		a.contentType = *u.contentType
	}
	res := s.applyFlags(flagTarget{bug: a.bug, att: a}, ops, now)
	if res.changed() {
		changes["flagtypes.name"] = map[string]any{"removed": res.removed, "added": res.added}
		hist = append(hist, changeRec{field: "flagtypes.name", removed: res.removed, added: res.added, att: a})
	}
	if len(res.ccAdded) > 0 {
		hist = append([]changeRec{{field: "cc", added: strings.Join(res.ccAdded, ", ")}}, hist...)
	}
	b := a.bug
	if len(changes) > 0 {
		a.lastChangeTime = now
	}
	commented := false
	if u.comment != "" {
		s.addComment(b, who, u.comment, now, a.isPrivate, false, cmtAttachmentUpdated, a)
		commented = true
	}
	if len(hist) > 0 {
		b.history = append(b.history, &historyRec{when: now, who: who, changes: hist})
	}
	if len(hist) > 0 || commented {
		b.lastChangeTime = now
	}
	return changes
}
