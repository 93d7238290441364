package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
	"github.com/stewardbot/stewardbot/policy"
)

// Kinds of escalation notices. They are sent with UpdateBug (comment and
// needinfo in one transaction), which takes no comment tags, so their
// marker is the footer alone.
//
// kindEscalation is the one notice per form revision that names every team
// its analysis sends it to. kindEscalationTrust and kindEscalationLegal are
// a notice to one team: those a command asks for ("stewardbot: escalate
// legal"), and those of earlier versions, which posted one notice per team:
// a revision whose teams all have one is done (escalationOwed).
const (
	kindEscalation      = "escalation"
	kindEscalationTrust = "escalation-trust"
	kindEscalationLegal = "escalation-legal"
)

// escalationKind is the marker kind of a notice to one team.
func escalationKind(team string) string {
	if team == policy.EscalateLegal {
		return kindEscalationLegal
	}
	return kindEscalationTrust
}

// kvEscalationChecked keys the form revisions whose escalations are done
// (or were not needed), so that the escalate task evaluates each once.
func kvEscalationChecked(bugID int, formKey, rev string) string {
	return fmt.Sprintf("escalation.checked:%d:%s:%s", bugID, formKey, rev)
}

// modeKey keeps apart what a dry run has looked at: once the bot may write,
// it looks again and writes what the dry run only logged.
func modeKey(dryRun bool, key string) string {
	if dryRun {
		return key + ":dry-run"
	}
	return key
}

// escalateStore is what escalation reads and records in the store.
type escalateStore interface {
	OpenRequestsAfter(ctx context.Context, afterBug, afterFlag, limit int) ([]store.Request, error)
	Request(ctx context.Context, flagID int) (store.Request, error)
	Get(ctx context.Context, key string) (string, error)
	Set(ctx context.Context, key, value string) error
	Stopped(ctx context.Context, bugID int) (bool, error)
	Action(ctx context.Context, key string) (store.Action, error)
	BugProduct(ctx context.Context, bugID int) (string, error)
	SaveEscalation(ctx context.Context, e store.Escalation) error
	RecordAction(ctx context.Context, a store.Action) error
}

// escalateClient is what it reads and writes on Bugzilla itself: the bugs'
// groups, and the notice with its needinfo flags in one update.
type escalateClient interface {
	groupsReader
	UpdateBug(ctx context.Context, bugID int, u bugzilla.BugUpdate) (*bugzilla.UpdateResult, error)
	CommentsOfBugs(ctx context.Context, bugIDs []int, newSince time.Time) (map[int][]bugzilla.Comment, error)
}

// escalateCore is what it still borrows from the core: the forms' data in
// batches (analyze.go), the cycle's reads of accounts and of a bug's
// comments (cyclereads.go) and the comments' format (format.go).
type escalateCore interface {
	prefetchWhere(ctx context.Context, views map[int]*bugView, want func(a *bugzilla.Attachment) (bool, error)) error
	cycleUsers(ctx context.Context, c *Cycle, logins []string) (map[string]bugzilla.User, error)
	liveComments(ctx context.Context, c *Cycle, bugID int, since time.Time) ([]bugzilla.Comment, error)
	commentFormat() textFormat
}

var (
	_ escalateStore  = store.Store(nil)
	_ escalateClient = bugzillaClient(nil)
	_ escalateCore   = lent{}
)

// escalateDuty posts the notices to Trust and Legal that the analyses call
// for (the "escalate" task), one per form revision naming every team, and
// the ones commands ask for, one per team.
type escalateDuty struct {
	cfg    EscalationConfig
	dryRun bool
	tag    string // comments.tag
	bz     escalateClient
	st     escalateStore
	core   escalateCore
	rules  *policy.Rules
	forms  formFinder
	marks  marker
	login  func() string
	now    func() time.Time
	log    zerolog.Logger
	sent   []sentNotice // the chunk's notices whose comment ids are not known yet (escalate_ids.go)
}

func newEscalateDuty(d deps, core escalateCore) *escalateDuty {
	return &escalateDuty{
		cfg: d.cfg.Escalation, dryRun: d.cfg.DryRun, tag: d.cfg.Comments.Tag,
		bz: d.bz, st: d.store, core: core, rules: d.rules, forms: d.forms, marks: d.marks,
		login: d.login, now: func() time.Time { return d.clock.Now().UTC() }, log: d.log,
	}
}

// Run makes the escalations the analysis of each open request's form
// revision calls for: one notice per revision, naming every team, after the
// analysis is posted, never while "stewardbot: stop" holds. A revision is evaluated once;
// the store remembers it (and when the store is lost, the markers on the
// bug keep the notices from being posted twice).
//
// What it reads is bounded by the cycle's writes: the oldest requests go
// first, their bugs' views are read a batch at a time, the groups of the
// bugs owed a notice in one request per batch (not one per bug), and
// nothing more is read once the write cap is spent: what the cap defers is
// read in the cycle that can write it (escalate_cost_test.go).
func (d *escalateDuty) Run(ctx context.Context, c *Cycle) error {
	due, err := d.owedRequests(ctx)
	if err != nil {
		return err
	}
	slices.SortFunc(due, mostOverdueFirst)
	var errs []error
	batch := make([]store.Request, 0, min(len(due), analyzeBatch))
	for len(due) > 0 {
		if c.Spent() {
			c.Defer()
			return errors.Join(errs...)
		}
		n := min(len(due), analyzeBatch)
		batch = batch[:0]
		for _, ref := range due[:n] {
			r, open, err := stillOpen(ctx, d.st, ref)
			if err != nil {
				return errors.Join(append(errs, err)...)
			} else if !open {
				continue // gone or answered since the list was made
			}
			batch = append(batch, r)
		}
		stopped, err := d.batch(ctx, c, batch, &errs)
		if err != nil || stopped {
			return errors.Join(append(errs, err)...)
		}
		due = due[n:]
	}
	return errors.Join(errs...)
}

// owedRequests lists the open requests whose form revision may be owed a
// notice (owed), one per revision (two flags on one form are one
// revision: the first by flag id), walking the open requests a page at a
// time and keeping of each only a requestRef: with 10,000 open requests,
// the list of all of them (2 MB), copies of the owed ones (2 MB more) and
// their revisions' keys were held for the whole task.
func (d *escalateDuty) owedRequests(ctx context.Context) ([]requestRef, error) {
	var out []requestRef
	// The requests come by bug, so a revision seen twice is seen within
	// its bug's run: seen holds one bug's keys.
	seen := map[string]bool{}
	seenBug := 0
	err := eachOpenRequest(ctx, d.st, func(r store.Request) error {
		if r.FormKey == "" || r.FormRev == "" {
			return nil
		}
		if r.BugID != seenBug {
			clear(seen)
			seenBug = r.BugID
		}
		key := modeKey(d.dryRun, kvEscalationChecked(r.BugID, r.FormKey, r.FormRev))
		if seen[key] {
			return nil
		}
		seen[key] = true
		ok, err := d.owed(ctx, r, key)
		if ok {
			out = append(out, refOf(r))
		}
		return err
	})
	return out, err
}

// owed reports whether the notice about r's form revision (whose key in
// the store is key) may be owed: it was not evaluated yet, "stewardbot:
// stop" does not hold on the bug, and the revision's analysis is posted
// (it comes first).
func (d *escalateDuty) owed(ctx context.Context, r store.Request, key string) (bool, error) {
	if _, err := d.st.Get(ctx, key); err == nil {
		return false, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return false, err
	}
	if stopped, err := d.st.Stopped(ctx, r.BugID); err != nil || stopped {
		return false, err
	}
	return d.analyzed(ctx, r)
}

// batch evaluates a batch of requests from their bugs' views, read
// together (those the cycle has not read already), and sends the notices
// they are owed. Errors about one request are collected in errs; stopped
// says the cycle stopped it (the write cap, a halt), and the error returned
// (the store, the context) stops the task.
func (d *escalateDuty) batch(ctx context.Context, c *Cycle, batch []store.Request, errs *[]error) (stopped bool, err error) {
	// Failing bugs are tried again after their backoff.
	batch = slices.DeleteFunc(slices.Clone(batch), func(r store.Request) bool { return c.WaitingOut(r.BugID) })
	var bugs []int
	forms := map[int]bool{} // the recorded forms, read to be evaluated
	for _, r := range batch {
		bugs = append(bugs, r.BugID)
		if m, ok := formMarker(kindAnalysis, r.BugID, r.FormKey, r.FormRev); ok && m.Attachment > 0 {
			forms[m.Attachment] = true
		}
	}
	slices.Sort(bugs)
	views, viewsErr := c.Views(ctx, slices.Compact(bugs))
	if viewsErr == nil {
		viewsErr = d.core.prefetchWhere(ctx, views, func(a *bugzilla.Attachment) (bool, error) { return forms[a.ID], nil })
		c.haltOn(viewsErr)
	}
	if c.Halted() {
		return true, nil
	} // other errors: each bug is read alone below, and its error reported there
	var owed []*escalationPlan
	for _, r := range batch {
		if err := ctx.Err(); err != nil {
			return false, err
		}
		v, ok := views[r.BugID]
		var err error
		if !ok && viewsErr != nil {
			v, err = c.View(ctx, r.BugID)
		}
		var p *escalationPlan
		if err == nil {
			p, err = d.plan(ctx, v, r, nil)
		}
		c.haltOn(err)
		switch {
		case c.Halted():
			return true, nil
		case err == nil && p == nil:
			if err := d.checked(ctx, r); err != nil {
				return false, err
			}
		case err == nil:
			owed = append(owed, p)
		case errors.Is(err, errFormMoved):
			// Looked at again next cycle.
		default:
			*errs = append(*errs, bugErr(r.BugID, err))
		}
	}
	return d.sendAll(ctx, c, owed, errs)
}

// checked records that the escalations of r's form revision are done, or
// were not needed.
func (d *escalateDuty) checked(ctx context.Context, r store.Request) error {
	key := modeKey(d.dryRun, kvEscalationChecked(r.BugID, r.FormKey, r.FormRev))
	return d.st.Set(ctx, key, d.now().Format(time.RFC3339))
}

// sendAll sends the notices of the plans in order, a chunk at a time: as
// many plans as the writes left can take (one notice each), whose bugs' groups are read in one request just before. It stops,
// reading nothing more, once the cap is spent.
func (d *escalateDuty) sendAll(ctx context.Context, c *Cycle, owed []*escalationPlan, errs *[]error) (stopped bool, err error) {
	for len(owed) > 0 {
		if c.Spent() {
			c.Defer()
			return true, nil
		}
		n := min(len(owed), c.WritesLeft()) // one notice per plan
		chunk := owed[:n]
		owed = owed[n:]
		ids := make([]int, len(chunk))
		for i, p := range chunk {
			ids[i] = p.r.BugID
		}
		groups, err := bugGroups(ctx, d.bz, ids)
		if c.haltOn(err); c.Halted() {
			return true, nil
		}
		if err != nil {
			*errs = append(*errs, err)
			continue
		}
		// The chunk's re-reads before its notices: one batched read
		// (planRereads), made at the first notice.
		rereads := make(map[int]time.Time, len(chunk))
		for _, p := range chunk {
			if t, ok := rereads[p.r.BugID]; !ok || p.since().Before(t) {
				rereads[p.r.BugID] = p.since()
			}
		}
		end := c.planRereads(rereads)
		stopped, err := d.sendChunk(ctx, c, chunk, groups, errs)
		end()
		if err != nil || stopped {
			return stopped, err
		}
	}
	return false, nil
}

// sendChunk sends the notices of a chunk of plans whose bugs' groups were
// read, in order; stopped says the cycle stopped it (the write cap, a halt).
func (d *escalateDuty) sendChunk(ctx context.Context, c *Cycle, chunk []*escalationPlan, groups map[int]bugzilla.Bug, errs *[]error) (stopped bool, err error) {
	d.sent = nil
	defer d.learnNoticeIDs(ctx, c)
	for _, p := range chunk {
		if err := ctx.Err(); err != nil {
			return false, err
		}
		bug, ok := groups[p.r.BugID]
		if !ok {
			// Hidden from the bot now: nothing it can do.
			if err := d.checked(ctx, p.r); err != nil {
				return false, err
			}
			continue
		}
		out, err := d.send(ctx, c, bug, p)
		switch {
		case out.stops():
			if err != nil {
				*errs = append(*errs, err)
			}
			return true, nil
		case err != nil:
			*errs = append(*errs, bugErr(p.r.BugID, err))
		case out.done():
			if err := d.checked(ctx, p.r); err != nil {
				return false, err
			}
		}
		// Refused or unknown: looked at again next cycle.
	}
	return false, nil
}

// errFormMoved says the request's form is no longer the one recorded:
// analyze records the new one, and the escalation waits for it.
var errFormMoved = errors.New("the request's form changed since it was analysed")

// analyzed reports whether the analysis of the request's recorded form
// revision is done (or, in dry-run, logged).
func (d *escalateDuty) analyzed(ctx context.Context, r store.Request) (bool, error) {
	m, ok := formMarker(kindAnalysis, r.BugID, r.FormKey, r.FormRev)
	if !ok {
		return false, nil
	}
	j, err := d.st.Action(ctx, m.Key())
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return j.Status == store.ActionDone || (d.dryRun && j.Status == store.ActionDryRun), nil
}

// formMarker builds a marker about the form a request record names.
func formMarker(kind string, bugID int, formKey, rev string) (Marker, bool) {
	m := Marker{Kind: kind, Bug: bugID, Rev: rev}
	where, id, ok := strings.Cut(formKey, ":")
	n, err := strconv.Atoi(id)
	if !ok || err != nil || n <= 0 {
		return Marker{}, false
	}
	switch where {
	case "attachment":
		m.Attachment = n
	case "comment":
		m.Comment = n
	default:
		return Marker{}, false
	}
	return m, true
}

// forcedEscalation is an escalation a command asked for.
type forcedEscalation struct {
	team    string
	by      string // the commenter's login
	comment int    // the command's comment number on the bug
	// command is the comment itself: a private command makes the notice
	// private, as it quotes who asked and where.
	command *bugzilla.Comment
}

// escalationPlan is what one request's current form is owed: the
// escalations its analysis calls for, or the forced one.
type escalationPlan struct {
	r     store.Request
	f     *foundForm // nil for a forced escalation on a bug without a form
	a     *policy.Analysis
	escs  []policy.Escalation
	force *forcedEscalation
}

// since is where the re-read of the plan's bug starts: a second before
// its form appeared (no notice about it can be older), or the bug's start
// for a forced escalation without a form.
func (p *escalationPlan) since() time.Time {
	if p.f == nil {
		return zeroTime
	}
	return p.f.Created.Add(-time.Second)
}

// escalateForm makes the escalations of one request's current form: those
// its analysis calls for, or only the forced one. Without a form, a forced
// escalation is still made, once per bug. The outcome is the notice's:
// Deferred or Halted when the cycle stopped it.
func (d *escalateDuty) escalateForm(ctx context.Context, c *Cycle, r store.Request, force *forcedEscalation) (Outcome, error) {
	v, err := c.View(ctx, r.BugID)
	if c.Halted() {
		return Halted, nil
	}
	if err != nil {
		return Failed, err
	}
	p, err := d.plan(ctx, v, r, force)
	if c.haltOn(err); c.Halted() {
		return Halted, nil
	}
	if err != nil {
		return Failed, err
	}
	if p == nil {
		return Written, nil // nothing owed
	}
	if c.Spent() {
		c.Defer()
		return Deferred, nil
	}
	groups, err := bugGroups(ctx, d.bz, []int{r.BugID})
	if c.haltOn(err); c.Halted() {
		return Halted, nil
	}
	if err != nil {
		return Failed, err
	}
	bug, ok := groups[r.BugID]
	if !ok {
		return Written, nil // hidden from the bot now: nothing it can do
	}
	return d.send(ctx, c, bug, p)
}

// plan evaluates r's current form in v (nil when the bug is hidden from
// the bot) and returns the escalations it is owed; nil when none.
// errFormMoved says the form is no longer the recorded one.
func (d *escalateDuty) plan(ctx context.Context, v *bugView, r store.Request, force *forcedEscalation) (*escalationPlan, error) {
	if v == nil {
		return nil, nil // hidden from the bot now: nothing it can do
	}
	f, err := d.forms.findForm(ctx, v, r.AttachmentID)
	if err != nil {
		return nil, err
	}
	if force == nil && (f == nil || formKey(f) != r.FormKey || f.Rev != r.FormRev) {
		return nil, errFormMoved
	}
	var a *policy.Analysis
	if f != nil {
		if err := d.forms.loadForm(ctx, v, f); err != nil {
			return nil, err
		}
		product, err := d.st.BugProduct(ctx, v.id)
		if err != nil {
			return nil, err
		}
		a = evaluateForm(d.rules, f.Request, product, d.now())
	}
	var escs []policy.Escalation
	switch {
	case force != nil:
		e := policy.Escalation{To: force.team}
		if a != nil {
			for _, have := range a.Escalations {
				if have.To == force.team {
					e = have
				}
			}
		}
		escs = []policy.Escalation{e}
	case a != nil:
		escs = a.Escalations
	}
	if len(escs) == 0 {
		return nil, nil
	}
	return &escalationPlan{r: r, f: f, a: a, escs: escs, force: force}, nil
}

// send sends a plan's one notice on bug (read with its groups), within the
// write cap. It first reads the bug's comments since the form (the re-read
// before the write shares this read, readCache.liveComments): the number of the
// analysis comment, which the notice links, and the notices already there.
func (d *escalateDuty) send(ctx context.Context, c *Cycle, bug bugzilla.Bug, p *escalationPlan) (Outcome, error) {
	if c.Spent() {
		c.Defer()
		return Deferred, nil
	}
	since := p.since()
	cs, err := d.core.liveComments(ctx, c, bug.ID, since)
	if c.haltOn(err); c.Halted() {
		return Halted, nil
	}
	if err != nil {
		return Failed, fmt.Errorf("re-read bug %d: %w", bug.ID, err)
	}
	found := botMarkers(cs, d.login(), d.tag, bug.ID)
	escs := escalationOwed(p, found, bug.ID)
	if len(escs) == 0 {
		return Written, nil
	}
	return c.Perform(ctx, d.action(c, bug, p, escs, analysisNumber(cs, found, p.f, bug.ID)))
}

// escalationOwed returns the teams p's notice is still owed to, given the
// bot's markers on the bug. A revision's notice is one: once it is there,
// Perform finds it. Notices of earlier versions, one per team, count for
// their team, so an upgrade posts nothing twice. A command's notice to one
// team is done when the revision's notice already named that team.
func escalationOwed(p *escalationPlan, found []foundMarker, bugID int) []policy.Escalation {
	var fm Marker
	if p.f != nil {
		fm = p.f.marker(bugID)
	}
	done := func(kind string) bool {
		m := fm
		m.Kind, m.Bug = kind, bugID
		_, ok := markerDone(found, m)
		return ok
	}
	if p.force != nil {
		if p.f != nil && noticeNamed(found, fm, bugID, p.a, p.force.team) {
			return nil
		}
		return p.escs
	}
	if done(kindEscalation) {
		return p.escs // Perform finds it and records it done
	}
	return slices.DeleteFunc(slices.Clone(p.escs), func(e policy.Escalation) bool { return done(escalationKind(e.To)) })
}

// noticeNamed reports whether the revision's notice (marker fm, as kind
// escalation) is on the bug and named team. The notice's marker says which
// teams it named; a notice of an earlier version, or one known only by its
// tag, does not, and is taken to have named the teams the analysis a sends
// the revision to now.
func noticeNamed(found []foundMarker, fm Marker, bugID int, a *policy.Analysis, team string) bool {
	want := fm
	want.Kind, want.Bug = kindEscalation, bugID
	notice, ok := findMarker(found, want)
	if !ok {
		return false
	}
	if teams := notice.Teams; teams != "" {
		return slices.Contains(strings.Split(teams, ","), team)
	}
	return a != nil && slices.ContainsFunc(a.Escalations, func(e policy.Escalation) bool { return e.To == team })
}

// analysisNumber is the number on the bug of the analysis comment of form
// f (its comment count, what "comment N" links), 0 when not among cs.
func analysisNumber(cs []bugzilla.Comment, found []foundMarker, f *foundForm, bugID int) int {
	if f == nil {
		return 0
	}
	id, ok := markerDone(found, f.marker(bugID))
	if !ok {
		return 0
	}
	for _, cm := range cs {
		if cm.ID == id {
			return cm.Count
		}
	}
	return 0
}

// action plans the one notice of a plan to the teams escs, with needinfo?
// on each team's contacts who can see the bug, in one transaction.
func (d *escalateDuty) action(c *Cycle, bug bugzilla.Bug, p *escalationPlan, escs []policy.Escalation, analysis int) *action {
	m := Marker{Kind: kindEscalation, Bug: bug.ID}
	if p.force != nil {
		m.Kind = escalationKind(p.force.team)
	} else {
		var teams []string
		for _, e := range escs {
			teams = append(teams, e.To)
		}
		m.Teams = markerTeams(teams)
	}
	since := p.since()
	formKeyS, rev := "", ""
	if f := p.f; f != nil {
		fm := f.marker(bug.ID)
		m.Attachment, m.Comment, m.Rev = fm.Attachment, fm.Comment, fm.Rev
		formKeyS, rev = formKey(f), f.Rev
	}
	ab := about{groups: bug.Groups, forms: []*foundForm{p.f}}
	if p.force != nil {
		ab.command = p.force.command
	}
	var contacts []teamContacts
	build := func() bugzilla.NewComment {
		nc := d.marks.marked(m, escalationNotice(escs, p.f, p.a, p.force, contacts, d.cfg.Needinfo,
			d.core.commentFormat(), analysis), ab)
		nc.Tags = nil // PUT /rest/bug takes none; the footer is the marker
		// send builds it again without perform: it must fit all the same.
		nc, _ = fitComment(nc, m.Footer(d.tag), nc.IsMarkdown)
		return nc
	}
	return &action{
		marker: m,
		flagID: p.r.FlagID,
		since:  since,
		build: func(ctx context.Context) (bugzilla.NewComment, error) {
			contacts = nil
			for _, e := range escs {
				cc, err := d.checkContacts(ctx, c, bug, d.cfg.Contacts(e.To))
				if err != nil {
					return bugzilla.NewComment{}, err
				}
				for _, bl := range cc.blocked {
					d.log.Warn().Int(LogBugID, bug.ID).Str(LogAction, m.Kind).Str("contact", bl).
						Msg("escalation contact not asked")
				}
				contacts = append(contacts, teamContacts{team: e.To, cc: cc})
			}
			return build(), nil
		},
		send: func(ctx context.Context, nc bugzilla.NewComment) (int, error) {
			for {
				u := bugzilla.BugUpdate{Comment: &nc}
				if d.cfg.Needinfo {
					for _, login := range askedOnce(contacts) {
						who := login
						u.Flags = append(u.Flags, bugzilla.FlagChange{Name: "needinfo", Status: "?", Requestee: &who, New: true})
					}
				}
				_, err := d.bz.UpdateBug(ctx, bug.ID, u)
				if err == nil {
					// The answer to a PUT gives no comment id: the chunk's
					// end reads the ids of its notices together.
					d.sent = append(d.sent, sentNotice{marker: m, since: since})
					return 0, nil
				}
				if !refusedAny(contacts, err) {
					return 0, err
				}
				var blocked []string
				for _, tc := range contacts {
					blocked = append(blocked, tc.cc.blocked...)
				}
				d.log.Warn().Int(LogBugID, bug.ID).Str(LogAction, m.Kind).Strs("blocked", blocked).
					Msg("Bugzilla refused a needinfo: contact cannot see the bug or takes no requests; not asked")
				nc = build()
			}
		},
		settled: func(ctx context.Context, status store.ActionStatus, commentID int) error {
			var recs []store.Escalation
			defer func() { d.awaitID(m, commentID, recs) }()
			for i, e := range escs {
				rec := store.Escalation{BugID: bug.ID, FormKey: formKeyS, Rev: rev, Target: e.To, Reasons: e.Reasons,
					Forced: p.force != nil, CommentID: commentID, UpdatedAt: d.now(), Status: store.EscalationMade}
				if i < len(contacts) {
					cc := contacts[i].cc
					rec.Asked, rec.Blocked = cc.ask, cc.blocked
					if len(cc.blocked) > 0 || len(cc.ask) == 0 {
						rec.Status = store.EscalationBlocked
					}
				}
				if status == store.ActionDryRun {
					rec.Status = store.EscalationDryRun
				}
				if err := d.st.SaveEscalation(ctx, rec); err != nil {
					return err
				}
				recs = append(recs, rec)
			}
			return nil
		},
	}
}

// askedOnce lists the logins the teams ask, each once (one may be a
// contact of both teams).
func askedOnce(contacts []teamContacts) []string {
	var out []string
	for _, tc := range contacts {
		for _, l := range tc.cc.ask {
			if !slices.ContainsFunc(out, func(s string) bool { return strings.EqualFold(s, l) }) {
				out = append(out, l)
			}
		}
	}
	return out
}
