package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
	"github.com/stewardbot/stewardbot/policy"
)

// Kinds of escalation notices: one per form revision and team. They are
// sent with UpdateBug (comment and needinfo in one transaction), which takes
// no comment tags, so their marker is the footer alone; their kind names are
// longer than a comment tag allows, and never need to be one.
const (
	kindEscalationTrust = "escalation-trust"
	kindEscalationLegal = "escalation-legal"
)

// escalationKind is the marker kind of an escalation to team.
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

// kvMode is modeKey in the bot's mode.
func (b *Bot) kvMode(key string) string { return modeKey(b.cfg.DryRun, key) }

// escalate makes the escalations the analysis of each open request's form
// revision calls for: once per revision and team, after the analysis is
// posted, never while "stewardbot: stop" holds. A revision is evaluated once;
// the store remembers it (and when the store is lost, the markers on the
// bug keep the notices from being posted twice).
//
// What it reads is bounded by the cycle's writes: the oldest requests go
// first, their bugs' views are read a batch at a time, the groups of the
// bugs owed a notice in one request per batch (not one per bug), and
// nothing more is read once the write cap is spent: what the cap defers is
// read in the cycle that can write it (escalate_cost_test.go).
func (b *Bot) escalate(ctx context.Context, c *Cycle) error {
	reqs, err := b.store.OpenRequests(ctx)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	var due []store.Request
	for _, r := range reqs {
		if r.FormKey == "" || r.FormRev == "" {
			continue
		}
		key := b.kvMode(kvEscalationChecked(r.BugID, r.FormKey, r.FormRev))
		if seen[key] {
			continue
		}
		seen[key] = true
		if _, err := b.store.Get(ctx, key); err == nil {
			continue
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if stopped, err := b.store.Stopped(ctx, r.BugID); err != nil || stopped {
			if err != nil {
				return err
			}
			continue
		}
		if ok, err := b.analysed(ctx, r); err != nil || !ok {
			if err != nil {
				return err
			}
			continue // the analysis of this revision comes first
		}
		due = append(due, r)
	}
	slices.SortStableFunc(due, mostOverdueFirst)
	var errs []error
	for len(due) > 0 {
		if c.writesLeft <= 0 {
			c.deferred++
			return errors.Join(append(errs, errCapReached)...)
		}
		n := min(len(due), analyseBatch)
		if err := b.escalateBatch(ctx, c, due[:n], &errs); err != nil {
			return errors.Join(append(errs, err)...)
		}
		due = due[n:]
	}
	return errors.Join(errs...)
}

// mostOverdueFirst orders requests by when they were made, the oldest
// first: when the write cap holds work back, what has waited longest goes
// out first.
func mostOverdueFirst(a, b store.Request) int {
	if c := a.RequestedAt.Compare(b.RequestedAt); c != 0 {
		return c
	}
	if c := cmp.Compare(a.BugID, b.BugID); c != 0 {
		return c
	}
	return cmp.Compare(a.FlagID, b.FlagID)
}

// escalateBatch evaluates a batch of requests from their bugs' views, read
// together (those the cycle has not read already), and sends the notices
// they are owed. Errors about one request are collected in errs; the error
// returned (a rate limit, the write cap, the store) stops the task.
func (b *Bot) escalateBatch(ctx context.Context, c *Cycle, batch []store.Request, errs *[]error) error {
	var bugs []int
	forms := map[int]bool{} // the recorded forms, read to be evaluated
	for _, r := range batch {
		bugs = append(bugs, r.BugID)
		if m, ok := formMarker(kindAnalysis, r.BugID, r.FormKey, r.FormRev); ok && m.Attachment > 0 {
			forms[m.Attachment] = true
		}
	}
	slices.Sort(bugs)
	views, viewsErr := b.cycleViews(ctx, c, slices.Compact(bugs))
	if viewsErr == nil {
		viewsErr = b.prefetchWhere(ctx, views, func(a *bugzilla.Attachment) (bool, error) { return forms[a.ID], nil })
	}
	if b.isRateLimit(viewsErr) {
		return viewsErr
	} // other errors: each bug is read alone below, and its error reported there
	var owed []*escalationPlan
	for _, r := range batch {
		if err := ctx.Err(); err != nil {
			return err
		}
		v, ok := views[r.BugID]
		var err error
		if !ok && viewsErr != nil {
			v, err = b.cycleView(ctx, c, r.BugID)
		}
		var p *escalationPlan
		if err == nil {
			p, err = b.planEscalation(ctx, v, r, nil)
		}
		switch {
		case err == nil && p == nil:
			if err := b.escalationChecked(ctx, r); err != nil {
				return err
			}
		case err == nil:
			owed = append(owed, p)
		case b.isRateLimit(err):
			return err
		case errors.Is(err, errFormMoved):
			// Looked at again next cycle.
		default:
			*errs = append(*errs, fmt.Errorf("bug %d: %w", r.BugID, err))
		}
	}
	return b.sendEscalations(ctx, c, owed, errs)
}

// escalationChecked records that the escalations of r's form revision are
// done, or were not needed.
func (b *Bot) escalationChecked(ctx context.Context, r store.Request) error {
	key := b.kvMode(kvEscalationChecked(r.BugID, r.FormKey, r.FormRev))
	return b.store.Set(ctx, key, b.now().Format(time.RFC3339))
}

// sendEscalations sends the notices of the plans in order, a chunk at a
// time: as many plans as the writes left can take (the last may be cut
// short by the cap), whose bugs' groups are read in one request just
// before. It stops, reading nothing more, once the cap is spent.
func (b *Bot) sendEscalations(ctx context.Context, c *Cycle, owed []*escalationPlan, errs *[]error) error {
	for len(owed) > 0 {
		if c.writesLeft <= 0 {
			c.deferred++
			return errCapReached
		}
		n, notices := 0, 0
		for n < len(owed) && notices < c.writesLeft {
			notices += len(owed[n].escs)
			n++
		}
		chunk := owed[:n]
		owed = owed[n:]
		ids := make([]int, len(chunk))
		for i, p := range chunk {
			ids[i] = p.r.BugID
		}
		groups, err := b.bugGroups(ctx, ids)
		if b.isRateLimit(err) {
			return err
		}
		if err != nil {
			*errs = append(*errs, err)
			continue
		}
		for _, p := range chunk {
			if err := ctx.Err(); err != nil {
				return err
			}
			bug, ok := groups[p.r.BugID]
			if !ok {
				// Hidden from the bot now: nothing it can do.
				if err := b.escalationChecked(ctx, p.r); err != nil {
					return err
				}
				continue
			}
			err := b.sendPlan(ctx, c, bug, p)
			switch {
			case err == nil:
				if err := b.escalationChecked(ctx, p.r); err != nil {
					return err
				}
			case errors.Is(err, errCapReached), b.isRateLimit(err):
				return err
			case errors.Is(err, errOutcomeUnknown):
				// Looked at again next cycle.
			default:
				*errs = append(*errs, fmt.Errorf("bug %d: %w", p.r.BugID, err))
			}
		}
	}
	return nil
}

// bugGroups reads the groups of bugs, in one request per batch of ids
// (Bugs splits long lists). Bugs hidden from the bot are left out: a search
// by ids omits them, and when the server fails the whole request instead,
// each bug is read alone.
func (b *Bot) bugGroups(ctx context.Context, ids []int) (map[int]bugzilla.Bug, error) {
	out := make(map[int]bugzilla.Bug, len(ids))
	bugs, err := b.bz.Bugs(ctx, ids, "id", "groups")
	if hiddenBug(err) && len(ids) > 1 {
		for _, id := range ids {
			one, err := b.bz.Bugs(ctx, []int{id}, "id", "groups")
			switch {
			case hiddenBug(err):
				continue
			case err != nil:
				return nil, fmt.Errorf("groups of bug %d: %w", id, err)
			}
			for _, bug := range one {
				out[bug.ID] = bug
			}
		}
		return out, nil
	}
	if hiddenBug(err) {
		return out, nil
	}
	if err != nil {
		return nil, fmt.Errorf("groups of %d bugs: %w", len(ids), err)
	}
	for _, bug := range bugs {
		out[bug.ID] = bug
	}
	return out, nil
}

// errFormMoved says the request's form is no longer the one recorded:
// analyse records the new one, and the escalation waits for it.
var errFormMoved = errors.New("the request's form changed since it was analysed")

// analysed reports whether the analysis of the request's recorded form
// revision is done (or, in dry-run, logged).
func (b *Bot) analysed(ctx context.Context, r store.Request) (bool, error) {
	m, ok := formMarker(kindAnalysis, r.BugID, r.FormKey, r.FormRev)
	if !ok {
		return false, nil
	}
	j, err := b.store.Action(ctx, m.Key())
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return j.Status == store.ActionDone || (b.cfg.DryRun && j.Status == store.ActionDryRun), nil
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

// escalateForm makes the escalations of one request's current form: those
// its analysis calls for, or only the forced one. Without a form, a forced
// escalation is still made, once per bug.
func (b *Bot) escalateForm(ctx context.Context, c *Cycle, r store.Request, force *forcedEscalation) error {
	v, err := b.cycleView(ctx, c, r.BugID)
	if err != nil {
		return err
	}
	p, err := b.planEscalation(ctx, v, r, force)
	if err != nil || p == nil {
		return err
	}
	if c.writesLeft <= 0 {
		c.deferred++
		return errCapReached
	}
	groups, err := b.bugGroups(ctx, []int{r.BugID})
	if err != nil {
		return err
	}
	bug, ok := groups[r.BugID]
	if !ok {
		return nil // hidden from the bot now
	}
	return b.sendPlan(ctx, c, bug, p)
}

// planEscalation evaluates r's current form in v (nil when the bug is
// hidden from the bot) and returns the escalations it is owed; nil when
// none. errFormMoved says the form is no longer the recorded one.
func (b *Bot) planEscalation(ctx context.Context, v *bugView, r store.Request, force *forcedEscalation) (*escalationPlan, error) {
	if v == nil {
		return nil, nil // hidden from the bot now: nothing it can do
	}
	f, err := b.findForm(ctx, v, r.AttachmentID)
	if err != nil {
		return nil, err
	}
	if force == nil && (f == nil || formKey(f) != r.FormKey || f.Rev != r.FormRev) {
		return nil, errFormMoved
	}
	var a *policy.Analysis
	if f != nil {
		if err := b.loadForm(ctx, v, f); err != nil {
			return nil, err
		}
		product, err := b.store.BugProduct(ctx, v.id)
		if err != nil {
			return nil, err
		}
		a = b.analyzer.Evaluate(f.Request, product, b.now())
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

// sendPlan sends a plan's notices on bug (read with its groups), one per
// team, each within the write cap: none is looked at once the cap is spent.
func (b *Bot) sendPlan(ctx context.Context, c *Cycle, bug bugzilla.Bug, p *escalationPlan) error {
	var errs []error
	for _, e := range p.escs {
		if c.writesLeft <= 0 {
			c.deferred++
			return errors.Join(append(errs, errCapReached)...)
		}
		act := b.escalationAction(c, bug, p.r, p.f, p.a, e, p.force)
		err := b.perform(ctx, c, act)
		if errors.Is(err, errCapReached) || b.isRateLimit(err) {
			return errors.Join(append(errs, err)...)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// escalationAction plans the notice to one team, with needinfo? on the
// team's contacts who can see the bug, in one transaction.
func (b *Bot) escalationAction(c *Cycle, bug bugzilla.Bug, r store.Request, f *foundForm, a *policy.Analysis,
	e policy.Escalation, force *forcedEscalation) *action {
	m := Marker{Kind: escalationKind(e.To), Bug: bug.ID}
	since := zeroTime
	formKeyS, rev := "", ""
	if f != nil {
		fm := f.marker(bug.ID)
		m.Attachment, m.Comment, m.Rev = fm.Attachment, fm.Comment, fm.Rev
		since = f.Created.Add(-time.Second)
		formKeyS, rev = formKey(f), f.Rev
	}
	ab := about{groups: bug.Groups, forms: []*foundForm{f}}
	if force != nil {
		ab.command = force.command
	}
	var cc *contactCheck
	build := func() bugzilla.NewComment {
		nc := b.marked(m, escalationNotice(e, f, a, force, cc, b.cfg.Escalation.Needinfo, b.commentFormat()), ab)
		nc.Tags = nil // PUT /rest/bug takes none; the footer is the marker
		// send builds it again without perform: it must fit all the same.
		nc, _ = fitComment(nc, m.Footer(b.cfg.Comments.Tag), nc.IsMarkdown)
		return nc
	}
	rec := store.Escalation{BugID: bug.ID, FormKey: formKeyS, Rev: rev, Target: e.To, Reasons: e.Reasons,
		Forced: force != nil}
	return &action{
		marker: m,
		flagID: r.FlagID,
		since:  since,
		build: func(ctx context.Context) (bugzilla.NewComment, error) {
			var err error
			if cc, err = b.checkContacts(ctx, c, bug, b.cfg.Escalation.contacts(e.To)); err != nil {
				return bugzilla.NewComment{}, err
			}
			for _, bl := range cc.blocked {
				b.log.Warn().Int(LogBugID, bug.ID).Str(LogAction, m.Kind).Str("contact", bl).
					Msg("escalation contact not asked")
			}
			return build(), nil
		},
		send: func(ctx context.Context, nc bugzilla.NewComment) (int, error) {
			for {
				u := bugzilla.BugUpdate{Comment: &nc}
				if b.cfg.Escalation.Needinfo {
					for _, login := range cc.ask {
						who := login
						u.Flags = append(u.Flags, bugzilla.FlagChange{Name: "needinfo", Status: "?", Requestee: &who, New: true})
					}
				}
				_, err := b.bz.UpdateBug(ctx, bug.ID, u)
				if err == nil {
					return b.commentIDOf(ctx, c, m, since), nil
				}
				if !cc.refused(err) {
					return 0, err
				}
				b.log.Warn().Int(LogBugID, bug.ID).Str(LogAction, m.Kind).Strs("blocked", cc.blocked).
					Msg("Bugzilla refused a needinfo: contact cannot see the bug or takes no requests; not asked")
				nc = build()
			}
		},
		settled: func(ctx context.Context, status store.ActionStatus, commentID int) error {
			e := rec
			e.CommentID, e.UpdatedAt = commentID, b.now()
			e.Status = store.EscalationMade
			if cc != nil {
				e.Asked, e.Blocked = cc.ask, cc.blocked
				if len(cc.blocked) > 0 || len(cc.ask) == 0 {
					e.Status = store.EscalationBlocked
				}
			}
			if status == store.ActionDryRun {
				e.Status = store.EscalationDryRun
			}
			return b.store.SaveEscalation(ctx, e)
		},
	}
}

// commentIDOf finds the id of the bot's comment with marker m (a PUT does
// not return it); 0 when it cannot be read now. The read, made after the
// write, is the re-read of the bug's next notice (cycleReads): the notice
// to the other team has the same since.
func (b *Bot) commentIDOf(ctx context.Context, c *Cycle, m Marker, since time.Time) int {
	cs, err := b.liveComments(ctx, c, m.Bug, since)
	if err != nil {
		return 0
	}
	id, _ := markerDone(botMarkers(cs, b.login(), b.cfg.Comments.Tag, m.Bug), m)
	return id
}
