package bugzillatest

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Flag changes follow Bugzilla's extract_flags (WebService/Util.pm) and
// Flag->set_flag / _validate (Flag.pm): every change is resolved and checked
// against the current flags first, and only then applied, so a refused
// change leaves nothing behind.

// flagTarget is the bug or attachment whose flags change.
type flagTarget struct {
	bug *bugRec
	att *attRec // nil for bug flags
}

func (t flagTarget) current() []*flagRec {
	if t.att != nil {
		return t.att.flags
	}
	return t.bug.flags
}

func (t flagTarget) kind() string {
	if t.att != nil {
		return "attachment"
	}
	return "bug"
}

// flagOp is one resolved, validated change.
type flagOp struct {
	flag      *flagRec // nil: create a new flag
	typ       *flagTypeRec
	status    string // "X" deletes
	requestee string
	setter    string
}

// review-style flag types that BMO's block_reviews setting refuses.
var reviewFlagNames = map[string]bool{"review": true, "data-review": true, "feedback": true}

// planFlags resolves changes made by user u. trusted skips the permission and
// requestee rules (seeding), keeping only what makes the data well formed;
// setter then names the setter, defaulting to u.
func (s *Server) planFlags(u *userRec, t flagTarget, changes []FlagChange, trusted bool, setter string) ([]flagOp, *Error) {
	d := s.db
	types := d.flagTypesFor(t.kind(), t.bug.product)
	cur := t.current()
	var ops []flagOp
	newCount := map[*flagTypeRec]int{}
	for _, ch := range changes {
		var existing *flagRec
		var typ *flagTypeRec
		switch {
		case ch.ID != 0:
			for _, f := range cur {
				if f.id == ch.ID {
					existing = f
				}
			}
			if existing == nil {
				return nil, bzErr(codeObjectDoesNotExist, "There is no flag with the id '%d'.", ch.ID)
			}
			typ = existing.typ
		case ch.TypeID != 0:
			for _, ft := range types {
				if ft.id == ch.TypeID {
					typ = ft
				}
			}
			if typ == nil {
				return nil, bzErr(codeObjectDoesNotExist, "There is no flagtype with the id '%d'.", ch.TypeID)
			}
			if !ch.New {
				var err *Error
				if existing, err = single(cur, func(f *flagRec) bool { return f.typ == typ }, itoa(typ.id)); err != nil {
					return nil, err
				}
			}
		case ch.Name != "":
			var matches []*flagTypeRec
			for _, ft := range types {
				if ft.name == ch.Name {
					matches = append(matches, ft)
				}
			}
			if len(matches) > 1 {
				return nil, bzErr(codeFlagTypeNotUnique, "The flag type '%s' is not unique. You must specify the type_id value to set the flag.", ch.Name)
			}
			if len(matches) == 0 {
				return nil, bzErr(codeObjectDoesNotExist, "There is no flagtype named '%s'.", ch.Name)
			}
			typ = matches[0]
			if !ch.New {
				var err *Error
				if existing, err = single(cur, func(f *flagRec) bool { return f.typ.name == ch.Name }, ch.Name); err != nil {
					return nil, err
				}
			}
		default:
			return nil, errParamRequired("Bugzilla::Flag->set_flag", "id/type_id")
		}

		status := strings.TrimSpace(ch.Status)
		if existing == nil && status == "X" {
			continue // Bugzilla ignores clearing a flag that does not exist.
		}
		if !slices.Contains([]string{"X", "+", "-", "?"}, status) {
			return nil, bzErr(codeFlagStatusInvalid, "The flag status %s is invalid.", status)
		}
		if existing == nil {
			if !typ.multiplicable && (countType(cur, typ)+newCount[typ]) > 0 {
				return nil, bzErr(codeTransient, "You cannot have several %s flags for this %s.", typ.name, t.kind())
			}
			newCount[typ]++
		}

		oldStatus, oldRequestee := "", ""
		if existing != nil {
			oldStatus, oldRequestee = existing.status, existing.requestee
		}

		// The requestee: only a "?" has one, and a "?" sent without one loses it.
		requestee := ""
		if status == "?" && strings.TrimSpace(ch.Requestee) != "" {
			ru := d.user(strings.TrimSpace(ch.Requestee))
			if ru == nil {
				return nil, errNoSuchUser(strings.TrimSpace(ch.Requestee))
			}
			requestee = ru.login
			if requestee != oldRequestee && !trusted {
				if err := s.checkRequestee(ru, typ, t); err != nil {
					return nil, err
				}
			}
		}
		changed := status != oldStatus || requestee != oldRequestee
		if !changed {
			continue
		}
		if !trusted && s.cfg.dialect == BMO && requestee != "" &&
			(existing == nil || requestee != oldRequestee || oldStatus != "?") {
			ru := d.user(requestee)
			if typ.name == "needinfo" && ru.blockNeedinfo {
				return nil, bzErr(codeTransient, "%s is not currently accepting \"needinfo\" requests.", ru.identity())
			}
			if reviewFlagNames[typ.name] && ru.blockReviews {
				return nil, bzErr(codeTransient, "%s is not currently accepting '%s' requests.", ru.identity(), typ.name)
			}
		}

		// The setter: Bugzilla's _check_setter.
		newSetter := setter
		if ch.setter != "" {
			newSetter = ch.setter
		}
		if newSetter == "" && u != nil {
			newSetter = u.login
		}
		if !trusted {
			allowed := status == oldStatus || status == "X" ||
				((status == "?") && typ.canRequest(u)) || typ.canGrant(u)
			if !allowed {
				return nil, bzErr(codeFlagUpdateDenied, "You tried to %s %s. Only a user with the required permissions may make this change.", flagVerb(status), typ.name)
			}
		}
		if existing != nil && status == "?" && oldStatus == "?" {
			newSetter = existing.setter // a re-targeted request keeps its requester
		}
		ops = append(ops, flagOp{flag: existing, typ: typ, status: status, requestee: requestee, setter: newSetter})
	}
	return ops, nil
}

// single finds the only current flag matching, for a change by name or type id.
func single(cur []*flagRec, match func(*flagRec) bool, value string) (*flagRec, *Error) {
	var found []*flagRec
	for _, f := range cur {
		if match(f) {
			found = append(found, f)
		}
	}
	if len(found) > 1 {
		return nil, bzErr(codeFlagNotUnique, "The flag '%s' has been set multiple times. You must specify the id value to update the flag.", value)
	}
	if len(found) == 1 {
		return found[0], nil
	}
	return nil, nil
}

func countType(cur []*flagRec, typ *flagTypeRec) int {
	n := 0
	for _, f := range cur {
		if f.typ == typ {
			n++
		}
	}
	return n
}

func flagVerb(status string) string {
	switch status {
	case "+":
		return "grant"
	case "-":
		return "deny"
	case "X":
		return "clear"
	}
	return "request"
}

// checkRequestee is the requestee part of Flag->_check_requestee.
func (s *Server) checkRequestee(ru *userRec, typ *flagTypeRec, t flagTarget) *Error {
	if !typ.requesteeble {
		return bzErr(codeFlagRequesteeOff, "You can't ask a specific person for %s.", typ.name)
	}
	where := fmt.Sprintf("bug %d", t.bug.id)
	if t.att != nil {
		where += fmt.Sprintf(", attachment %d", t.att.id)
	}
	if !s.db.canSee(ru, t.bug) {
		return bzErr(codeTransient, "You asked %s for %s on %s, but that bug has been restricted to users in certain groups, and the user you asked isn't in all the groups to which the bug has been restricted. Please choose someone else to ask, or make the bug accessible to users on its CC: list and add that user to the list.", ru.identity(), typ.name, where)
	}
	if t.att != nil && t.att.isPrivate && !ru.in(s.cfg.insiderGroup) {
		return bzErr(codeTransient, "You asked %s for %s on %s, but that attachment is restricted to users in the %s group, and the user you asked isn't in that group. Please choose someone else to ask, or ask an administrator to add the user to the group.", ru.identity(), typ.name, where, s.cfg.insiderGroup)
	}
	if !typ.canGrant(ru) {
		return bzErr(codeTransient, "%s does not have permission to set the %s flag. Please select a user who is a member of the %s group.", ru.identity(), typ.name, typ.grantGroup)
	}
	return nil
}

// flagResult is what applying flag changes did, for the update answer and
// the history.
type flagResult struct {
	removed, added string   // "flagtypes.name" change, Bugzilla's format
	ccAdded        []string // requestees newly added to the bug's CC
}

func (r flagResult) changed() bool { return r.removed != "" || r.added != "" }

// applyFlags carries out planned changes at time now.
func (s *Server) applyFlags(t flagTarget, ops []flagOp, now time.Time) flagResult {
	d := s.db
	before := flagSnapshots(t.current())
	var res flagResult
	for _, op := range ops {
		f := op.flag
		switch {
		case op.status == "X":
			s.removeFlag(t, f)
			d.addActivity(f, "X", now, op.setter)
			continue
		case f == nil:
			f = &flagRec{
				id: d.nextFlagID, typ: op.typ, status: op.status, setter: op.setter,
				requestee: op.requestee, creationDate: now, modificationDate: now,
				bug: t.bug, att: t.att,
			}
			d.nextFlagID++
			d.flags[f.id] = f
			if t.att != nil {
				t.att.flags = append(t.att.flags, f)
				sortFlags(t.att.flags)
			} else {
				t.bug.flags = append(t.bug.flags, f)
				sortFlags(t.bug.flags)
			}
			if op.requestee != "" && t.bug.addCC(op.requestee) {
				res.ccAdded = append(res.ccAdded, op.requestee)
			}
		default:
			requesteeChanged := f.requestee != op.requestee
			f.status, f.requestee, f.setter = op.status, op.requestee, op.setter
			f.modificationDate = now
			if requesteeChanged && op.requestee != "" && t.bug.addCC(op.requestee) {
				res.ccAdded = append(res.ccAdded, op.requestee)
			}
		}
		d.addActivity(f, f.status, now, op.setter)
	}
	res.removed, res.added = diffSnapshots(before, flagSnapshots(t.current()))
	slices.Sort(res.ccAdded)
	return res
}

func (s *Server) removeFlag(t flagTarget, f *flagRec) {
	delete(s.db.flags, f.id)
	del := func(fs []*flagRec) []*flagRec {
		return slices.DeleteFunc(fs, func(x *flagRec) bool { return x == f })
	}
	if t.att != nil {
		t.att.flags = del(t.att.flags)
	} else {
		t.bug.flags = del(t.bug.flags)
	}
}

// flagSnapshots is Flag->snapshot: "setter:name?(requestee)" per flag.
func flagSnapshots(fs []*flagRec) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.setter + ":" + f.summary()
	}
	return out
}

// diffSnapshots is Flag->update_activity: diff_arrays of the snapshots, the
// setter prefix dropped, joined with ", ".
func diffSnapshots(old, cur []string) (removed, added string) {
	count := map[string]int{}
	for _, s := range cur {
		count[s]++
	}
	var rem []string
	for _, s := range old {
		if count[s] > 0 {
			count[s]--
			continue
		}
		rem = append(rem, s)
	}
	count = map[string]int{}
	for _, s := range old {
		count[s]++
	}
	var add []string
	for _, s := range cur {
		if count[s] > 0 {
			count[s]--
			continue
		}
		add = append(add, s)
	}
	strip := func(list []string) string {
		for i, s := range list {
			if _, after, ok := strings.Cut(s, ":"); ok {
				list[i] = after
			}
		}
		return strings.Join(list, ", ")
	}
	return strip(rem), strip(add)
}

// wireFlagChanges converts the "flags" array of a request body.
func wireFlagChanges(v any) ([]FlagChange, *Error) {
	arr, ok := v.([]any)
	if !ok {
		return nil, bzErr(codeParamScalarArrayReqd, "The flags parameter must be an array of objects.")
	}
	out := make([]FlagChange, 0, len(arr))
	for _, e := range arr {
		m, ok := bodyMap(e)
		if !ok {
			return nil, bzErr(codeTransient, "Each member of flags must be an object.")
		}
		var ch FlagChange
		if _, has := m["id"]; has {
			id, ok := bodyInt(m, "id")
			if !ok {
				return nil, bzErr(codeParamMustBeNumeric, "Invalid flag id.")
			}
			ch.ID = id
		}
		if _, has := m["type_id"]; has {
			id, ok := bodyInt(m, "type_id")
			if !ok {
				return nil, bzErr(codeParamMustBeNumeric, "Invalid flag type_id.")
			}
			ch.TypeID = id
		}
		ch.Name, _ = bodyString(m, "name")
		ch.Status, _ = numberString(m["status"])
		ch.Requestee, _ = bodyString(m, "requestee")
		ch.New = truthy(m["new"])
		out = append(out, ch)
	}
	return out, nil
}
