package bugzillatest

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Seeding. The Add* methods are trusted, like an administrator editing the
// database: they check that the data is well formed (users, products and
// flag types exist) but not who may do what, so a test can build any state.
// SetBugFlags and SetAttachmentFlags instead act as a user through the same
// code as the REST API, with every permission rule.
//
// Invalid seeding input fails the test given to NewServer (or panics for a
// Server made with New).

// DefaultAssignee is the default assignee of the default components.
const DefaultAssignee = "nobody@example.test"

// DefaultUsers are the accounts of the recorded server (fixtures/bugzilla-5):
// ids 1 to 9 in this order, each with API key "<name>-api-key" and password
// "<name>-password" (nobody has neither). Groups: editbugs and canconfirm
// for everyone but nobody; data-stewards: admin, steward1, steward2;
// insiders (the insider group): admin, bot, steward1, steward2, trust, legal;
// security-sensitive: admin, dev1, steward1; admin: admin.
func DefaultUsers() []User {
	every := []string{"editbugs", "canconfirm"}
	with := func(extra ...string) []string { return append(append([]string{}, every...), extra...) }
	users := []User{
		{Login: "admin@example.test", RealName: "Administrator", Groups: with("admin", "data-stewards", "insiders", "security-sensitive")},
		{Login: "bot@example.test", RealName: "Data Review Bot", Groups: with("insiders")},
		{Login: "steward1@example.test", RealName: "Steward One", Groups: with("data-stewards", "insiders", "security-sensitive")},
		{Login: "steward2@example.test", RealName: "Steward Two", Groups: with("data-stewards", "insiders")},
		{Login: "dev1@example.test", RealName: "Dev One", Groups: with("security-sensitive")},
		{Login: "dev2@example.test", RealName: "Dev Two", Groups: with()},
		{Login: "trust@example.test", RealName: "Trust Team", Groups: with("insiders")},
		{Login: "legal@example.test", RealName: "Legal Team", Groups: with("insiders")},
		{Login: DefaultAssignee, RealName: "Nobody; OK to take it and work on it"},
	}
	for i := range users {
		if users[i].Login == DefaultAssignee {
			continue
		}
		name, _, _ := strings.Cut(users[i].Login, "@")
		users[i].APIKey = name + "-api-key"
		users[i].Password = name + "-password"
	}
	return users
}

var defaultGroups = []struct{ name, description string }{
	{"admin", "Administrators"},
	{"editbugs", "Can edit all bug fields"},
	{"canconfirm", "Can confirm a bug or mark it a duplicate"},
	{"insiders", "Can see private comments and attachments"},
	{"data-stewards", "Data Stewards"},
	{"security-sensitive", "Security-Sensitive Bugs"},
}

// seedDefaults builds the recorded server's world: groups, users,
// products, and the data-review (id 1) and needinfo (id 2) flag types.
func (s *Server) seedDefaults() {
	for _, g := range defaultGroups {
		s.AddGroup(g.name, g.description)
	}
	for _, u := range DefaultUsers() {
		s.AddUser(u)
	}
	s.AddProduct("Firefox", "General")
	s.AddProduct("Toolkit", "Telemetry")
	s.AddProduct("TestProduct", "TestComponent")
	s.AddFlagType(FlagType{
		Name: "data-review", Description: "Data collection review by a Data Steward",
		Target: "attachment", GrantGroup: "data-stewards",
		Multiplicable: true, Requesteeble: true, Products: []string{"Firefox", "Toolkit"},
	})
	s.AddFlagType(FlagType{
		Name: "needinfo", Description: "Set this flag when the bug is in need of additional information",
		Target: "bug", Multiplicable: true, Requesteeble: true, Products: []string{"Firefox", "Toolkit"},
	})
}

// AddGroup adds a group (groups named by AddUser are created on the way).
func (s *Server) AddGroup(name, description string) {
	if strings.TrimSpace(name) == "" {
		s.fail(fmt.Errorf("bugzillatest: AddGroup: empty group name"))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.db.ensureGroup(name)
	if description != "" {
		g.description = description
	}
}

// AddUser adds an account and returns it with its id.
func (s *Server) AddUser(u User) User {
	s.mu.Lock()
	rec, err := s.addUserLocked(u)
	s.mu.Unlock()
	if err != nil {
		s.fail(err)
		return User{}
	}
	return userSnapshot(rec)
}

func (s *Server) addUserLocked(u User) (*userRec, error) {
	d := s.db
	login := strings.TrimSpace(u.Login)
	if login == "" || !strings.Contains(login, "@") {
		return nil, fmt.Errorf("bugzillatest: AddUser: login %q is not an email address", u.Login)
	}
	if d.user(login) != nil {
		return nil, fmt.Errorf("bugzillatest: AddUser: %s already exists", login)
	}
	if u.APIKey != "" && d.keys[u.APIKey] != nil {
		return nil, fmt.Errorf("bugzillatest: AddUser: API key of %s is already used by %s", login, d.keys[u.APIKey].login)
	}
	nick := u.Nick
	if nick == "" {
		nick, _, _ = strings.Cut(login, "@")
	}
	rec := &userRec{
		id: d.nextUserID, login: login, realName: u.RealName, nick: nick,
		apiKey: u.APIKey, password: u.Password, groups: map[string]bool{},
		blockNeedinfo: u.BlockNeedinfo, blockReviews: u.BlockReviews, lastActivity: u.LastActivity,
	}
	for _, g := range u.Groups {
		d.ensureGroup(g)
		rec.groups[g] = true
	}
	d.nextUserID++
	d.users[strings.ToLower(login)] = rec
	d.usersByID[rec.id] = rec
	if rec.apiKey != "" {
		d.keys[rec.apiKey] = rec
	}
	return rec, nil
}

// SetAPIKey replaces a user's API key ("" revokes it): requests with the old
// key then fail with code 306, as after a revocation.
func (s *Server) SetAPIKey(login, key string) {
	s.mu.Lock()
	u := s.db.user(login)
	var err error
	switch {
	case u == nil:
		err = fmt.Errorf("bugzillatest: SetAPIKey: no user %s", login)
	case key != "" && s.db.keys[key] != nil && s.db.keys[key] != u:
		err = fmt.Errorf("bugzillatest: SetAPIKey: the key is already used by %s", s.db.keys[key].login)
	default:
		if u.apiKey != "" {
			delete(s.db.keys, u.apiKey)
		}
		u.apiKey = key
		if key != "" {
			s.db.keys[key] = u
		}
	}
	s.mu.Unlock()
	if err != nil {
		s.fail(err)
	}
}

// SetUserBlocks sets BMO's block_needinfo and block_reviews settings.
func (s *Server) SetUserBlocks(login string, needinfo, reviews bool) {
	s.mu.Lock()
	u := s.db.user(login)
	if u != nil {
		u.blockNeedinfo, u.blockReviews = needinfo, reviews
	}
	s.mu.Unlock()
	if u == nil {
		s.fail(fmt.Errorf("bugzillatest: SetUserBlocks: no user %s", login))
	}
}

// SetUserActivity sets what BMO answers as the account's last_activity_time
// (zero: null).
func (s *Server) SetUserActivity(login string, last time.Time) {
	s.mu.Lock()
	u := s.db.user(login)
	if u != nil {
		u.lastActivity = last
	}
	s.mu.Unlock()
	if u == nil {
		s.fail(fmt.Errorf("bugzillatest: SetUserActivity: no user %s", login))
	}
}

// AddProduct adds a product with components (or adds components to an
// existing one). Their default assignee is DefaultAssignee when that
// account exists, otherwise each bug's creator.
func (s *Server) AddProduct(product string, components ...string) {
	if strings.TrimSpace(product) == "" || len(components) == 0 {
		s.fail(fmt.Errorf("bugzillatest: AddProduct: need a product name and at least one component"))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.db.products[product]
	if p == nil {
		p = &productRec{name: product, components: map[string]*componentRec{}}
		s.db.products[product] = p
	}
	assignee := ""
	if s.db.user(DefaultAssignee) != nil {
		assignee = DefaultAssignee
	}
	for _, c := range components {
		if p.components[c] == nil {
			p.components[c] = &componentRec{name: c, defaultAssignee: assignee}
			p.order = append(p.order, c)
		}
	}
}

// AddFlagType adds a flag type and returns it with its id.
func (s *Server) AddFlagType(ft FlagType) FlagType {
	if ft.Name == "" || (ft.Target != "bug" && ft.Target != "attachment") {
		s.fail(fmt.Errorf("bugzillatest: AddFlagType: need a name and a target of \"bug\" or \"attachment\", got %q/%q", ft.Name, ft.Target))
		return FlagType{}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := &flagTypeRec{
		id: len(s.db.flagTypes) + 1, name: ft.Name, description: ft.Description, target: ft.Target,
		grantGroup: ft.GrantGroup, requestGroup: ft.RequestGroup,
		multiplicable: ft.Multiplicable, requesteeble: ft.Requesteeble, products: map[string]bool{},
	}
	for _, g := range []string{ft.GrantGroup, ft.RequestGroup} {
		if g != "" {
			s.db.ensureGroup(g)
		}
	}
	for _, p := range ft.Products {
		rec.products[p] = true
	}
	s.db.flagTypes = append(s.db.flagTypes, rec)
	ft.ID = rec.id
	return ft
}

// seedTime is t truncated to the second, or now when t is zero.
func seedTime(t, now time.Time) time.Time {
	if t.IsZero() {
		return now
	}
	return t.UTC().Truncate(time.Second)
}

// AddBug files a bug and returns its id. Summary and Creator are required;
// Flags (bug flags such as Needinfo("dev1@example.test")) are set by the
// creator unless a flag names its Setter.
func (s *Server) AddBug(b Bug) int {
	now := s.clock.now()
	s.mu.Lock()
	rec, err := s.addBugLocked(b, now)
	s.mu.Unlock()
	if err != nil {
		s.fail(err)
		return 0
	}
	return rec.id
}

func (s *Server) addBugLocked(b Bug, now time.Time) (*bugRec, error) {
	creator := s.db.user(b.Creator)
	if creator == nil {
		return nil, fmt.Errorf("bugzillatest: AddBug: creator %q is not a user", b.Creator)
	}
	var flags []FlagChange
	for _, f := range b.Flags {
		flags = append(flags, FlagChange{Name: f.Name, Status: f.Status, Requestee: f.Requestee, New: true, setter: f.Setter})
	}
	b.CreationTime = seedTime(b.CreationTime, now)
	rec, err := s.createBug(b, bugExtras{}, now, creator, flags, true)
	if err != nil {
		return nil, fmt.Errorf("bugzillatest: AddBug: %s", err.Message)
	}
	return rec, nil
}

// AddAttachment attaches a file to a bug and returns the attachment id.
// BugID, Summary and Data are required; FileName defaults to
// "attachment.txt", ContentType to "text/plain", Creator to the bug's
// creator. Flags such as DataReview("steward1@example.test") are set with it.
func (s *Server) AddAttachment(a Attachment) int {
	now := s.clock.now()
	s.mu.Lock()
	rec, err := s.addAttachmentLocked(a, now)
	s.mu.Unlock()
	if err != nil {
		s.fail(err)
		return 0
	}
	return rec.id
}

func (s *Server) addAttachmentLocked(a Attachment, now time.Time) (*attRec, error) {
	b := s.db.bugs[a.BugID]
	if b == nil {
		return nil, fmt.Errorf("bugzillatest: AddAttachment: no bug %d", a.BugID)
	}
	creatorLogin := a.Creator
	if creatorLogin == "" {
		creatorLogin = b.creator
	}
	creator := s.db.user(creatorLogin)
	if creator == nil {
		return nil, fmt.Errorf("bugzillatest: AddAttachment: creator %q is not a user", creatorLogin)
	}
	spec := attachmentSpec{
		fileName: orDefault(a.FileName, "attachment.txt"), summary: a.Summary,
		contentType: orDefault(a.ContentType, "text/plain"), comment: a.Comment,
		data: append([]byte(nil), a.Data...), private: a.IsPrivate, patch: a.IsPatch, obsolete: a.IsObsolete,
		creator: creator, when: seedTime(a.CreationTime, now),
	}
	var flags []FlagChange
	for _, f := range a.Flags {
		flags = append(flags, FlagChange{Name: f.Name, Status: f.Status, Requestee: f.Requestee, New: true, setter: f.Setter})
	}
	rec, ops, err := s.planAttachment(b, spec, flags, true)
	if err != nil {
		return nil, fmt.Errorf("bugzillatest: AddAttachment: %s", err.Message)
	}
	s.storeAttachment(rec, ops, spec.comment, creator.login)
	return rec, nil
}

// AddComment adds a comment and returns its id. BugID and Creator are
// required; Time defaults to now. The bug's last_change_time moves to the
// comment's time if that is later.
func (s *Server) AddComment(c Comment) int {
	now := s.clock.now()
	s.mu.Lock()
	rec, err := s.addCommentLocked(c, now)
	s.mu.Unlock()
	if err != nil {
		s.fail(err)
		return 0
	}
	return rec.id
}

func (s *Server) addCommentLocked(c Comment, now time.Time) (*commentRec, error) {
	b := s.db.bugs[c.BugID]
	if b == nil {
		return nil, fmt.Errorf("bugzillatest: AddComment: no bug %d", c.BugID)
	}
	u := s.db.user(c.Creator)
	if u == nil {
		return nil, fmt.Errorf("bugzillatest: AddComment: creator %q is not a user", c.Creator)
	}
	tags, terr := validateTags(c.Tags)
	if terr != nil {
		return nil, fmt.Errorf("bugzillatest: AddComment: %s", terr.Message)
	}
	when := seedTime(c.Time, now)
	cm := s.addComment(b, u.login, c.Text, when, c.IsPrivate, c.IsMarkdown, cmtNormal, nil)
	s.setTags(cm, tags, nil)
	if when.After(b.lastChangeTime) {
		b.lastChangeTime = when
	}
	return cm, nil
}

// SetBugFlags changes a bug's flags as user as would with
// PUT /rest/bug/{id} {"flags":[...]}: same rules, same errors (*Error),
// same side effects (CC, history, last_change_time, flag activity).
func (s *Server) SetBugFlags(as string, bugID int, changes ...FlagChange) error {
	now := s.clock.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.actAsLocked(as, now, handleUpdateBug, []string{"", itoa(bugID)}, changes)
}

// SetAttachmentFlags changes an attachment's flags as user as would with
// PUT /rest/bug/attachment/{id}, for example a steward answering:
//
//	srv.SetAttachmentFlags("steward1@example.test", att, bugzillatest.FlagChange{Name: "data-review", Status: "+"})
func (s *Server) SetAttachmentFlags(as string, attachmentID int, changes ...FlagChange) error {
	now := s.clock.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.actAsLocked(as, now, handleUpdateAttachment, []string{"", itoa(attachmentID)}, changes)
}

// ObsoleteAttachment marks an attachment obsolete, as its creator would
// when attaching a new version (with history and last_change_time).
func (s *Server) ObsoleteAttachment(attachmentID int) {
	yes := true
	s.changeAttachment(attachmentID, "ObsoleteAttachment", attachmentUpdate{obsolete: &yes})
}

// SetAttachmentPrivate makes an attachment private (or public again).
func (s *Server) SetAttachmentPrivate(attachmentID int, private bool) {
	s.changeAttachment(attachmentID, "SetAttachmentPrivate", attachmentUpdate{private: &private})
}

func (s *Server) changeAttachment(id int, what string, u attachmentUpdate) {
	now := s.clock.now()
	s.mu.Lock()
	a := s.db.atts[id]
	if a != nil {
		s.updateAttachment(a, u, nil, a.creator, now)
	}
	s.mu.Unlock()
	if a == nil {
		s.fail(fmt.Errorf("bugzillatest: %s: no attachment %d", what, id))
	}
}

func wireFlags(changes []FlagChange) []any {
	out := make([]any, 0, len(changes))
	for _, ch := range changes {
		m := map[string]any{"status": ch.Status}
		if ch.ID != 0 {
			m["id"] = ch.ID
		}
		if ch.TypeID != 0 {
			m["type_id"] = ch.TypeID
		}
		if ch.Name != "" {
			m["name"] = ch.Name
		}
		if ch.Requestee != "" {
			m["requestee"] = ch.Requestee
		}
		if ch.New {
			m["new"] = true
		}
		out = append(out, m)
	}
	return out
}

// Snapshots.

func userSnapshot(u *userRec) User {
	groups := sortedGroups(u)
	return User{
		ID: u.id, Login: u.login, RealName: u.realName, Nick: u.nick, APIKey: u.apiKey,
		Password: u.password, Groups: groups, BlockNeedinfo: u.blockNeedinfo, BlockReviews: u.blockReviews,
		LastActivity: u.lastActivity,
	}
}

func flagSnapshot(f *flagRec) Flag {
	out := Flag{
		ID: f.id, Name: f.typ.name, TypeID: f.typ.id, Status: f.status, Setter: f.setter,
		Requestee: f.requestee, CreationDate: f.creationDate, ModificationDate: f.modificationDate,
		BugID: f.bug.id,
	}
	if f.att != nil {
		out.AttachmentID = f.att.id
	}
	return out
}

func flagList(fs []*flagRec) []Flag {
	out := make([]Flag, 0, len(fs))
	for _, f := range fs {
		out = append(out, flagSnapshot(f))
	}
	return out
}

func attachmentSnapshot(a *attRec) Attachment {
	return Attachment{
		ID: a.id, BugID: a.bug.id, FileName: a.fileName, Summary: a.summary, ContentType: a.contentType,
		Data: append([]byte(nil), a.data...), Creator: a.creator, IsPrivate: a.isPrivate,
		IsObsolete: a.isObsolete, IsPatch: a.isPatch, Flags: flagList(a.flags),
		CreationTime: a.creationTime, LastChangeTime: a.lastChangeTime,
	}
}

func commentSnapshot(c *commentRec) Comment {
	out := Comment{
		ID: c.id, BugID: c.bug.id, Count: c.count, Text: c.text(), Creator: c.creator, Time: c.when,
		IsPrivate: c.isPrivate, IsMarkdown: c.isMarkdown, Tags: append([]string{}, c.tags...),
	}
	if c.att != nil {
		out.AttachmentID = c.att.id
	}
	return out
}

// User returns a snapshot of an account.
func (s *Server) User(login string) (User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.db.user(login)
	if u == nil {
		return User{}, false
	}
	return userSnapshot(u), true
}

// Bug returns a snapshot of a bug.
func (s *Server) Bug(id int) (Bug, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.db.bugs[id]
	if b == nil {
		return Bug{}, false
	}
	out := Bug{
		ID: b.id, Alias: b.alias, Summary: b.summary, Product: b.product, Component: b.component,
		Version: b.version, Status: b.status, Resolution: b.resolution, Creator: b.creator,
		AssignedTo: b.assignee, CC: append([]string{}, b.cc...), Groups: append([]string{}, b.groups...),
		CreationTime: b.creationTime, LastChangeTime: b.lastChangeTime, Flags: flagList(b.flags),
	}
	if len(b.comments) > 0 {
		out.Description = b.comments[0].body
	}
	for _, a := range b.attachments {
		out.Attachments = append(out.Attachments, a.id)
	}
	return out, true
}

// BugIDs lists every bug id in order.
func (s *Server) BugIDs() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int(nil), s.db.bugIDs...)
}

// Attachment returns a snapshot of an attachment, content included.
func (s *Server) Attachment(id int) (Attachment, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.db.atts[id]
	if a == nil {
		return Attachment{}, false
	}
	return attachmentSnapshot(a), true
}

// Attachments lists a bug's attachments, oldest first.
func (s *Server) Attachments(bugID int) []Attachment {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.db.bugs[bugID]
	if b == nil {
		return nil
	}
	out := make([]Attachment, 0, len(b.attachments))
	for _, a := range b.attachments {
		out = append(out, attachmentSnapshot(a))
	}
	return out
}

// Comments lists a bug's comments, private ones included, oldest first.
func (s *Server) Comments(bugID int) []Comment {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.db.bugs[bugID]
	if b == nil {
		return nil
	}
	out := make([]Comment, 0, len(b.comments))
	for _, c := range b.comments {
		out = append(out, commentSnapshot(c))
	}
	return out
}

// Flag returns a snapshot of a flag (bug or attachment flag).
func (s *Server) Flag(id int) (Flag, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.db.flags[id]
	if f == nil {
		return Flag{}, false
	}
	return flagSnapshot(f), true
}

// History lists a bug's change history, oldest first.
func (s *Server) History(bugID int) []HistoryEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.db.bugs[bugID]
	if b == nil {
		return nil
	}
	out := make([]HistoryEntry, 0, len(b.history))
	for _, h := range b.history {
		e := HistoryEntry{When: h.when, Who: h.who}
		for _, ch := range h.changes {
			c := Change{FieldName: ch.field, Removed: ch.removed, Added: ch.added}
			if ch.att != nil {
				c.AttachmentID = ch.att.id
			}
			e.Changes = append(e.Changes, c)
		}
		out = append(out, e)
	}
	return out
}

// FlagTypes lists the flag types, by id.
func (s *Server) FlagTypes() []FlagType {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]FlagType, 0, len(s.db.flagTypes))
	for _, ft := range s.db.flagTypes {
		t := FlagType{
			ID: ft.id, Name: ft.name, Description: ft.description, Target: ft.target,
			GrantGroup: ft.grantGroup, RequestGroup: ft.requestGroup,
			Multiplicable: ft.multiplicable, Requesteeble: ft.requesteeble,
		}
		for p := range ft.products {
			t.Products = append(t.Products, p)
		}
		sort.Strings(t.Products)
		out = append(out, t)
	}
	return out
}
