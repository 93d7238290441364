package bugzillatest

import (
	"slices"
	"sort"
	"strings"
	"time"
)

// The in-memory database. Every record is reached through a map keyed by id
// (or login), so lookups stay O(1) with tens of thousands of bugs; only a
// search walks the bugs, once, in id order.

type userRec struct {
	id            int
	login         string
	realName      string
	nick          string
	apiKey        string
	password      string
	groups        map[string]bool
	blockNeedinfo bool
	blockReviews  bool
	lastActivity  time.Time // BMO's last_activity_time; zero: null
}

// identity is how Bugzilla names a user in messages: "Real Name <login>".
func (u *userRec) identity() string {
	if u.realName == "" {
		return u.login
	}
	return u.realName + " <" + u.login + ">"
}

func (u *userRec) in(group string) bool {
	return u != nil && group != "" && u.groups[group]
}

type groupRec struct {
	id          int
	name        string
	description string
}

type productRec struct {
	name       string
	components map[string]*componentRec
	order      []string
}

type componentRec struct {
	name            string
	defaultAssignee string
}

type flagTypeRec struct {
	id            int
	name          string
	description   string
	target        string // "bug" or "attachment"
	grantGroup    string
	requestGroup  string
	multiplicable bool
	requesteeble  bool
	products      map[string]bool // empty: all
}

func (ft *flagTypeRec) appliesTo(product string) bool {
	return len(ft.products) == 0 || ft.products[product]
}

// canRequest and canGrant are Bugzilla's can_request_flag and can_set_flag.
func (ft *flagTypeRec) canRequest(u *userRec) bool {
	return ft.requestGroup == "" || u.in(ft.requestGroup)
}

func (ft *flagTypeRec) canGrant(u *userRec) bool {
	return ft.grantGroup == "" || u.in(ft.grantGroup)
}

type bugRec struct {
	id             int
	alias          string
	summary        string
	product        string
	component      string
	version        string
	status         string
	resolution     string
	opSys          string
	platform       string
	priority       string
	severity       string
	creator        string
	assignee       string
	cc             []string // sorted
	groups         []string // sorted
	creationTime   time.Time
	lastChangeTime time.Time
	flags          []*flagRec // bug flags only
	attachments    []*attRec
	comments       []*commentRec
	history        []*historyRec
}

func (b *bugRec) hasCC(login string) bool {
	i := sort.SearchStrings(b.cc, login)
	return i < len(b.cc) && b.cc[i] == login
}

// addCC adds login to the CC list and reports whether it was new.
func (b *bugRec) addCC(login string) bool {
	i := sort.SearchStrings(b.cc, login)
	if i < len(b.cc) && b.cc[i] == login {
		return false
	}
	b.cc = slices.Insert(b.cc, i, login)
	return true
}

func (b *bugRec) removeCC(login string) bool {
	i := sort.SearchStrings(b.cc, login)
	if i < len(b.cc) && b.cc[i] == login {
		b.cc = slices.Delete(b.cc, i, i+1)
		return true
	}
	return false
}

func (b *bugRec) isOpen() bool {
	switch b.status {
	case "RESOLVED", "VERIFIED", "CLOSED":
		return false
	}
	return true
}

type attRec struct {
	id             int
	bug            *bugRec
	fileName       string
	summary        string
	contentType    string
	data           []byte
	creator        string
	isPrivate      bool
	isObsolete     bool
	isPatch        bool
	creationTime   time.Time
	lastChangeTime time.Time
	flags          []*flagRec
}

type flagRec struct {
	id               int
	typ              *flagTypeRec
	status           string
	setter           string
	requestee        string
	creationDate     time.Time
	modificationDate time.Time
	bug              *bugRec
	att              *attRec // nil for bug flags
}

// summary is the flag as history and update answers write it:
// "data-review?(steward1@example.test)", "data-review+".
func (f *flagRec) summary() string {
	s := f.typ.name + f.status
	if f.requestee != "" {
		s += "(" + f.requestee + ")"
	}
	return s
}

// Comment kinds, as Bugzilla's CMT_* constants: they change the comment text.
const (
	cmtNormal = iota
	cmtAttachmentCreated
	cmtAttachmentUpdated
)

type commentRec struct {
	id         int
	bug        *bugRec
	count      int
	body       string
	kind       int
	att        *attRec
	creator    string
	when       time.Time
	isPrivate  bool
	isMarkdown bool
	tags       []string // sorted
}

// text is Bugzilla's body_full: attachment comments get a prefix that names
// the attachment and its current description.
func (c *commentRec) text() string {
	switch c.kind {
	case cmtAttachmentCreated:
		s := "Created attachment " + itoa(c.att.id) + "\n" + c.att.summary
		if c.body != "" {
			s += "\n\n" + c.body
		}
		return s
	case cmtAttachmentUpdated:
		s := "Comment on attachment " + itoa(c.att.id) + "\n" + c.att.summary
		if c.body != "" {
			s += "\n\n" + c.body
		}
		return s
	}
	return c.body
}

type historyRec struct {
	when    time.Time
	who     string
	changes []changeRec
}

type changeRec struct {
	field   string
	removed string
	added   string
	att     *attRec
}

// activityRec is a row of BMO's flag activity table: one per flag creation,
// change or deletion.
type activityRec struct {
	id        int
	flagID    int
	typ       *flagTypeRec
	bug       *bugRec
	att       *attRec
	when      time.Time
	status    string
	setter    string
	requestee string
}

type db struct {
	users      map[string]*userRec // by lower-case login
	usersByID  map[int]*userRec
	keys       map[string]*userRec
	tokens     map[string]*userRec
	groups     map[string]*groupRec
	products   map[string]*productRec
	flagTypes  []*flagTypeRec // by id
	bugs       map[int]*bugRec
	bugIDs     []int // sorted: a search walks bugs in id order
	aliases    map[string]*bugRec
	atts       map[int]*attRec
	comments   map[int]*commentRec
	flags      map[int]*flagRec
	activity   []*activityRec
	tagWeights map[string]int // comment tag -> number of comments carrying it

	nextUserID, nextGroupID, nextBugID, nextAttID, nextCommentID, nextFlagID, nextActivityID int
}

func newDB() *db {
	return &db{
		users:      map[string]*userRec{},
		usersByID:  map[int]*userRec{},
		keys:       map[string]*userRec{},
		tokens:     map[string]*userRec{},
		groups:     map[string]*groupRec{},
		products:   map[string]*productRec{},
		bugs:       map[int]*bugRec{},
		aliases:    map[string]*bugRec{},
		atts:       map[int]*attRec{},
		comments:   map[int]*commentRec{},
		flags:      map[int]*flagRec{},
		tagWeights: map[string]int{},
		nextUserID: 1, nextGroupID: 1, nextBugID: 1, nextAttID: 1, nextCommentID: 1, nextFlagID: 1, nextActivityID: 1,
	}
}

func (d *db) user(login string) *userRec {
	return d.users[strings.ToLower(login)]
}

// flagTypesFor lists the flag types of a target ("bug" or "attachment") that
// apply to a product, in Bugzilla's order (by name, then id).
func (d *db) flagTypesFor(target, product string) []*flagTypeRec {
	var out []*flagTypeRec
	for _, ft := range d.flagTypes {
		if ft.target == target && ft.appliesTo(product) {
			out = append(out, ft)
		}
	}
	sortFlagTypes(out)
	return out
}

func sortFlagTypes(fts []*flagTypeRec) {
	sort.SliceStable(fts, func(i, j int) bool {
		if fts[i].name != fts[j].name {
			return fts[i].name < fts[j].name
		}
		return fts[i].id < fts[j].id
	})
}

// sortFlags orders flags as Bugzilla lists them: grouped by type, then by id.
func sortFlags(fs []*flagRec) {
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].typ.name != fs[j].typ.name {
			return fs[i].typ.name < fs[j].typ.name
		}
		return fs[i].id < fs[j].id
	})
}

func (d *db) insertBugID(id int) {
	n := len(d.bugIDs)
	if n == 0 || d.bugIDs[n-1] < id {
		d.bugIDs = append(d.bugIDs, id)
		return
	}
	i := sort.SearchInts(d.bugIDs, id)
	d.bugIDs = slices.Insert(d.bugIDs, i, id)
}

// canSee is Bugzilla's can_see_bug: a bug in groups is visible to members of
// all of them, and always to its creator, its assignee and its CC list
// (reporter_accessible and cclist_accessible are on, as on a default install).
func (d *db) canSee(u *userRec, b *bugRec) bool {
	if len(b.groups) == 0 {
		return true
	}
	if u == nil {
		return false
	}
	inAll := true
	for _, g := range b.groups {
		if !u.groups[g] {
			inAll = false
			break
		}
	}
	return inAll || u.login == b.creator || u.login == b.assignee || b.hasCC(u.login)
}

// lookupBug resolves a bug id or alias for user u the way Bugzilla::Bug->check does.
func (d *db) lookupBug(idOrAlias string, u *userRec) (*bugRec, *Error) {
	idOrAlias = strings.TrimSpace(idOrAlias)
	var b *bugRec
	if id, ok := atoiStrict(idOrAlias); ok {
		b = d.bugs[id]
		if b == nil {
			return nil, errBugNotFound(id)
		}
	} else {
		b = d.aliases[strings.ToLower(idOrAlias)]
		if b == nil {
			return nil, errInvalidBugID(idOrAlias)
		}
	}
	if !d.canSee(u, b) {
		return nil, errBugNotVisible(b.id, u == nil)
	}
	return b, nil
}

func (d *db) ensureGroup(name string) *groupRec {
	if g := d.groups[name]; g != nil {
		return g
	}
	g := &groupRec{id: d.nextGroupID, name: name, description: name}
	d.nextGroupID++
	d.groups[name] = g
	return g
}

func (d *db) addActivity(f *flagRec, status string, when time.Time, setter string) {
	a := &activityRec{
		id: d.nextActivityID, flagID: f.id, typ: f.typ, bug: f.bug, att: f.att,
		when: when, status: status, setter: setter,
	}
	if status == "?" {
		a.requestee = f.requestee
	}
	d.nextActivityID++
	d.activity = append(d.activity, a)
}
