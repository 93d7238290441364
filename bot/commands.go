package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
)

// kindCommandAck marks the one answer to a comment's commands.
const kindCommandAck = "command-ack"

// kvCommandsScanned keys the last change of a bug whose comments the
// commands task has read: a bug that has not changed since is not read again.
func kvCommandsScanned(bugID int) string { return fmt.Sprintf("commands.scanned:%d", bugID) }

// commandsBatch is how many bugs' comments the commands task asks for in
// one request (the client may split further, see CommentsOfBugs).
const commandsBatch = 50

// commandsDuty answers the "stewardbot: ..." commands in comments (the
// "commands" task). A recheck is analyze's to write, an escalation
// escalate's: it holds them as the narrow interfaces below.
type commandsDuty struct {
	enabled  bool  // commands.enabled
	dryRun   bool  // dry_run
	maxBytes int64 // bugzilla.max_attachment_bytes, for the views it caches
	stewards StewardsConfig
	contacts EscalationConfig
	bz       commandsClient
	cache    commentCache
	st       commandsStore
	privacy  privacyRule
	marks    marker
	rc       rechecker
	esc      escalator
	format   func() textFormat
	login    func() string
	clock    Clock
	log      zerolog.Logger
}

// commandsClient is what commands reads on Bugzilla: the comments of bugs.
type commandsClient interface {
	Comments(ctx context.Context, bugID int, since time.Time) ([]bugzilla.Comment, error)
	CommentsOfBugs(ctx context.Context, bugIDs []int, since time.Time) (map[int][]bugzilla.Comment, error)
}

// commentCache is the cycle's read cache, as far as commands uses it: the
// comments other tasks read of a bug, and keeping those it read itself.
type commentCache interface {
	cachedComments(bugID int, lastChange time.Time) ([]bugzilla.Comment, bool)
	keepComments(bugID int, lastChange time.Time, cs []bugzilla.Comment, maxBytes int64)
}

// commandsStore is what commands reads and records in the store: the open
// requests, what it has read, the controls the commands set, the journal.
type commandsStore interface {
	BugsWithOpenRequests(ctx context.Context) ([]int, error)
	OpenRequestsOnBugs(ctx context.Context, bugIDs []int) ([]store.Request, error)
	BugLastChange(ctx context.Context, bugIDs []int) (map[int]time.Time, error)
	Get(ctx context.Context, key string) (string, error)
	Set(ctx context.Context, key, value string) error
	Control(ctx context.Context, bugID int) (store.Control, error)
	SaveControl(ctx context.Context, c store.Control) error
	MarkDirty(ctx context.Context, marks []store.BugMark) error
	Action(ctx context.Context, key string) (store.Action, error)
}

// rechecker posts a fresh analysis of a bug's form (analyzeDuty.recheck).
type rechecker interface {
	recheck(ctx context.Context, c *Cycle, bugID int, reqs []store.Request, cm bugzilla.Comment) (found bool, out Outcome, err error)
}

// escalator posts an escalation notice a command asks for
// (escalateDuty.escalateForm).
type escalator interface {
	escalateForm(ctx context.Context, c *Cycle, r store.Request, force *forcedEscalation) (Outcome, error)
}

var (
	_ commandsClient = bugzillaClient(nil)
	_ commentCache   = (*readCache)(nil)
	_ commandsStore  = store.Store(nil)
	_ rechecker      = (*analyzeDuty)(nil)
	_ escalator      = (*escalateDuty)(nil)
)

func newCommandsDuty(d deps, rc rechecker, esc escalator) *commandsDuty {
	return &commandsDuty{
		enabled: d.cfg.Commands.Enabled, dryRun: d.cfg.DryRun, maxBytes: d.cfg.Bugzilla.MaxAttachmentBytes,
		stewards: d.cfg.Stewards, contacts: d.cfg.Escalation, bz: d.bz, cache: d.reads, st: d.store,
		privacy: d.privacy, marks: d.marks, rc: rc, esc: esc, format: d.format, login: d.login,
		clock: d.clock, log: d.log,
	}
}

func (d *commandsDuty) now() time.Time { return d.clock.Now().UTC() }

// Run reads the "stewardbot: ..." lines in the comments of bugs with
// open requests, written since the earliest request, and acts on them:
// snooze and stop/resume are state re-read from the comments every time (so
// a lost store loses nothing), recheck and escalate are marked writes made
// once, and each commenting comment gets one marked answer.
//
// A bug is read only when it changed since the task last read it (its last
// change in the store, which the poll keeps, differs from the one recorded
// after the last read): an idle cycle reads nothing. The first look at many
// bugs (after a cold start, or a lost store) reads their comments
// commandsBatch bugs a request, or takes them from the cycle's views.
func (d *commandsDuty) Run(ctx context.Context, c *Cycle) error {
	if !d.enabled {
		return nil
	}
	bugs, err := d.st.BugsWithOpenRequests(ctx)
	if err != nil {
		return err
	}
	// The bugs are walked lastChangeChunk at a time, and each batch's
	// requests read when its turn comes: with 10,000 open requests, the
	// whole list (2 MB), its index by bug and every bug's last change were
	// held for the whole task.
	var todo []int
	changed := map[int]time.Time{} // of the bugs in todo
	var errs []error
	for i := 0; i < len(bugs) || len(todo) > 0; {
		if len(todo) < commandsBatch && i < len(bugs) {
			chunk := bugs[i:min(i+lastChangeChunk, len(bugs))]
			i += len(chunk)
			lcs, err := d.st.BugLastChange(ctx, chunk)
			if err != nil {
				return errors.Join(append(errs, err)...)
			}
			for _, id := range chunk {
				if c.WaitingOut(id) {
					continue // failing: tried again after its backoff
				}
				lc := lcs[id].UTC().Format(time.RFC3339Nano)
				if v, err := d.st.Get(ctx, modeKey(d.dryRun, kvCommandsScanned(id))); err == nil && v == lc && !lcs[id].IsZero() {
					continue
				} else if err != nil && !errors.Is(err, store.ErrNotFound) {
					return errors.Join(append(errs, err)...)
				}
				todo = append(todo, id)
				changed[id] = lcs[id]
			}
			continue
		}
		batch := todo[:min(commandsBatch, len(todo))]
		stop, err := d.handleBatch(ctx, c, batch, changed, &errs)
		if err != nil || stop {
			return errors.Join(append(errs, err)...)
		}
		for _, id := range batch {
			delete(changed, id)
		}
		todo = todo[len(batch):]
	}
	return errors.Join(errs...)
}

// lastChangeChunk is how many bugs with open requests the commands task
// looks up at a time (their last change, and whether it read them since).
const lastChangeChunk = 500

// handleBatch reads the comments of a batch of bugs and handles the
// commands in them. Errors about one bug are collected in errs; stop says
// the rest waits (the cap, a rate limit, a lost lease), and the error
// returned (the store, the context, a read that must stop) ends the task.
func (d *commandsDuty) handleBatch(ctx context.Context, c *Cycle, batch []int, changed map[int]time.Time, errs *[]error) (stop bool, err error) {
	reqs, err := d.st.OpenRequestsOnBugs(ctx, batch)
	if err != nil {
		return false, err
	}
	byBug := map[int][]store.Request{}
	for i := 0; i < len(reqs); {
		j := i + 1
		for j < len(reqs) && reqs[j].BugID == reqs[i].BugID {
			j++
		}
		byBug[reqs[i].BugID] = reqs[i:j:j]
		i = j
	}
	comments, readErrs, err := d.commandComments(ctx, c, batch, changed)
	if err != nil {
		c.haltOn(err)
		return false, err
	}
	*errs = append(*errs, readErrs...)
	for _, id := range batch {
		if err := ctx.Err(); err != nil {
			return false, err
		}
		cs, ok := comments[id]
		if !ok || len(byBug[id]) == 0 {
			continue // not read (its error is in readErrs), or no longer open
		}
		out, err := d.commandsOnBug(ctx, c, id, byBug[id], cs)
		c.haltOn(err) // a read's rate limit halts the cycle
		switch {
		case out.stops() || c.Halted():
			// The cap, a rate limit or a lost lease: the rest waits.
			if err != nil {
				*errs = append(*errs, err)
			}
			return true, nil
		case err != nil:
			*errs = append(*errs, bugErr(id, err))
		case out.done():
			lc := changed[id].UTC().Format(time.RFC3339Nano)
			if err := d.st.Set(ctx, modeKey(d.dryRun, kvCommandsScanned(id)), lc); err != nil {
				return false, err
			}
		}
		// Refused or unknown: read again next cycle.
	}
	return false, nil
}

// commandComments returns all the comments of the given bugs: those the
// cycle already read, the rest in one batched request (CommentsOfBugs). A
// batch that fails because a bug is hidden from the bot is read again one
// bug at a time; a bug that then fails is left out, with its error in
// readErrs. err is returned when the reading must stop (a rate limit, or
// any failure but a hidden bug).
func (d *commandsDuty) commandComments(ctx context.Context, c *Cycle, ids []int, changed map[int]time.Time) (
	comments map[int][]bugzilla.Comment, readErrs []error, err error) {
	comments = make(map[int][]bugzilla.Comment, len(ids))
	var missing []int
	for _, id := range ids {
		if cs, ok := d.cache.cachedComments(id, changed[id]); ok {
			comments[id] = cs
			continue
		}
		missing = append(missing, id)
	}
	if len(missing) == 0 {
		return comments, nil, nil
	}
	read, err := d.bz.CommentsOfBugs(ctx, missing, zeroTime)
	switch {
	case err == nil:
		for _, id := range missing {
			comments[id] = read[id]
			d.cache.keepComments(id, changed[id], read[id], d.maxBytes)
		}
		return comments, nil, nil
	case !hiddenBug(err):
		return nil, nil, fmt.Errorf("comments of %d bugs: %w", len(missing), err)
	}
	for _, id := range missing {
		cs, err := d.bz.Comments(ctx, id, zeroTime)
		switch {
		case err == nil:
			comments[id] = cs
			d.cache.keepComments(id, changed[id], cs, d.maxBytes)
		default:
			if c.haltOn(err); c.Halted() {
				return nil, nil, err
			}
			readErrs = append(readErrs, bugErr(id, fmt.Errorf("comments: %w", err)))
		}
	}
	return comments, readErrs, nil
}

// commandComment is a comment with commands in it.
type commandComment struct {
	comment  bugzilla.Comment
	commands []command
}

// commandsOnBug handles the commands in a bug's comments (all of them; only
// those since the earliest request count). The outcome is the answers'
// together (worse): done when every commenting comment is answered.
func (d *commandsDuty) commandsOnBug(ctx context.Context, c *Cycle, bugID int, reqs []store.Request, cs []bugzilla.Comment) (Outcome, error) {
	since := reqs[0].RequestedAt
	for _, r := range reqs {
		if r.RequestedAt.Before(since) {
			since = r.RequestedAt
		}
	}
	if !since.IsZero() {
		since = since.Add(-time.Second)
	}
	login := d.login()
	var found []commandComment
	for _, cm := range cs {
		if !since.IsZero() && !cm.Time.After(since.Truncate(time.Second)) {
			continue // before the requests (Bugzilla's new_since, to the second)
		}
		if strings.EqualFold(cm.Creator, login) {
			continue // the bot's own comments quote commands in their help
		}
		if cmds := parseCommands(cm.Text); len(cmds) > 0 {
			found = append(found, commandComment{comment: cm, commands: cmds})
		}
	}
	if len(found) == 0 {
		return Written, nil
	}
	// The state the accepted commands set, oldest first: the latest wins.
	ctl, err := d.st.Control(ctx, bugID)
	if err != nil {
		return Failed, err
	}
	was := ctl
	ctl.SnoozedUntil, ctl.Stopped = time.Time{}, false
	for _, cc := range found {
		for _, cmd := range cc.commands {
			if cmd.Err != "" || !d.mayCommand(cc.comment.Creator, cmd, reqs) {
				continue
			}
			switch cmd.Verb {
			case cmdSnooze:
				ctl.SnoozedUntil = cc.comment.Time.Add(cmd.Snooze).UTC()
			case cmdStop:
				ctl.Stopped = true
			case cmdResume:
				ctl.Stopped, ctl.SnoozedUntil = false, time.Time{}
			}
		}
	}
	if ctl.Stopped != was.Stopped || !ctl.SnoozedUntil.Equal(was.SnoozedUntil) {
		ctl.BugID, ctl.UpdatedAt = bugID, d.now()
		if err := d.st.SaveControl(ctx, ctl); err != nil {
			return Failed, err
		}
		d.log.Info().Int(LogBugID, bugID).Bool("stopped", ctl.Stopped).Time("snoozed_until", ctl.SnoozedUntil).
			Msg("commands changed the bug's controls")
		if was.Stopped && !ctl.Stopped {
			// Resumed: look at the bug again from the start.
			if err := d.st.MarkDirty(ctx, []store.BugMark{{BugID: bugID, MarkedAt: d.now()}}); err != nil {
				return Failed, err
			}
		}
	}
	all := Written
	var errs []error
	for _, cc := range found {
		out, err := d.answerCommands(ctx, c, bugID, reqs, cc)
		all = worse(all, out)
		if err != nil {
			errs = append(errs, err)
		}
		if c.haltOn(err); out.stops() || c.Halted() {
			return worse(all, Halted), errors.Join(errs...)
		}
	}
	return all, errors.Join(errs...)
}

// mayCommand reports whether who may give cmd: the requested steward, the
// configured stewards (the lead, the roster) and the escalation contacts;
// for recheck, the requester too. Help is anyone's.
func (d *commandsDuty) mayCommand(who string, cmd command, reqs []store.Request) bool {
	if !cmd.Known || cmd.Verb == cmdHelp {
		return true
	}
	same := func(s string) bool { return s != "" && strings.EqualFold(s, who) }
	for _, r := range reqs {
		if same(r.Requestee) || (cmd.Verb == cmdRecheck && same(r.Setter)) {
			return true
		}
	}
	if same(d.stewards.Lead) {
		return true
	}
	for _, s := range d.stewards.Roster {
		if same(s.Login) {
			return true
		}
	}
	return slices.ContainsFunc(append(slices.Clone(d.contacts.Trust), d.contacts.Legal...), same)
}

// answerCommands carries out the writes a comment's commands ask for
// (a fresh analysis, an escalation), each once by its own marker, then
// answers the comment once: not before every write is done.
func (d *commandsDuty) answerCommands(ctx context.Context, c *Cycle, bugID int, reqs []store.Request, cc commandComment) (Outcome, error) {
	m := Marker{Kind: kindCommandAck, Bug: bugID, Comment: cc.comment.ID}
	if j, err := d.st.Action(ctx, m.Key()); err == nil && j.Status == store.ActionDone {
		return AlreadyDone, nil // answered: its effects were carried out before
	} else if err != nil && !errors.Is(err, store.ErrNotFound) {
		return Failed, err
	}
	var lines []string
	for _, cmd := range cc.commands {
		line, out, err := d.runCommand(ctx, c, bugID, reqs, cc.comment, cmd)
		if err != nil || !out.done() {
			return out, err
		}
		lines = append(lines, line)
	}
	act := &action{
		marker: m,
		flagID: reqs[0].FlagID,
		since:  cc.comment.Time.Add(-time.Second),
		build: func(ctx context.Context) (bugzilla.NewComment, error) {
			body := commandAnswer(cc.comment.Count, lines, d.format())
			// Nothing of the comment is quoted; private stays private all
			// the same. The form's privacy does not matter: it is not named.
			ab, err := d.privacy.bugAbout(ctx, c, bugID)
			if err != nil {
				return bugzilla.NewComment{}, err
			}
			ab.command = &cc.comment
			return d.marks.marked(m, body, ab), nil
		},
	}
	return c.Perform(ctx, act)
}

// commandAnswer is the answer to a comment's commands, one line each.
func commandAnswer(count int, lines []string, ft textFormat) string {
	body := fmt.Sprintf("In reply to comment %d:\n\n", count)
	for _, l := range lines {
		body += "- " + ft.own(l) + "\n"
	}
	return body
}

// runCommand carries out one command and returns the line that answers it,
// once the write it asks for, if any, is done (out.done()).
func (d *commandsDuty) runCommand(ctx context.Context, c *Cycle, bugID int, reqs []store.Request, cm bugzilla.Comment, cmd command) (
	line string, out Outcome, err error) {
	switch {
	case !cmd.Known:
		return "I do not know that command. " + commandHelpShort, Written, nil
	case cmd.Err != "":
		return fmt.Sprintf("I could not read that `%s` command: %s.", cmd.Verb, cmd.Err), Written, nil
	case !d.mayCommand(cm.Creator, cmd, reqs):
		who := "the requested data steward, the data stewards and the Trust and Legal contacts"
		if cmd.Verb == cmdRecheck {
			who += " (and the requester)"
		}
		return fmt.Sprintf("Sorry, only %s can ask me to %s; I have left things as they were.", who, cmd.Verb), Written, nil
	}
	switch cmd.Verb {
	case cmdHelp:
		return commandHelp, Written, nil
	case cmdSnooze:
		return fmt.Sprintf("Snoozed: no reminders about this request until %s UTC.",
			cm.Time.Add(cmd.Snooze).UTC().Format("2006-01-02 15:04")), Written, nil
	case cmdStop:
		return "Stopped: I will do nothing more on this request but answer commands, until `stewardbot: resume`.", Written, nil
	case cmdResume:
		return "Resumed: I will look at this request again.", Written, nil
	case cmdRecheck:
		found, out, err := d.rc.recheck(ctx, c, bugID, reqs, cm)
		if err != nil || !out.done() {
			return "", out, err
		}
		if !found {
			return "There is no Data Review Request form on this bug to check yet.", Written, nil
		}
		return "Rechecked: a fresh analysis of the current form is posted.", Written, nil
	case cmdEscalate:
		f := &forcedEscalation{team: cmd.Team, by: cm.Creator, comment: cm.Count, command: &cm}
		out, err := d.esc.escalateForm(ctx, c, reqs[0], f)
		if err != nil || !out.done() {
			return "", out, err
		}
		return fmt.Sprintf("Escalated to %s: see the notice.", teamWords(cmd.Team)), Written, nil
	}
	return commandHelpShort, Written, nil
}

const commandHelpShort = "Commands: `stewardbot: snooze 5d`, `recheck`, `escalate legal`, `escalate trust`, `stop`, `resume`, `help`."

const commandHelp = "I understand these lines, each at the start of a line of a comment (not in a quote or code block): " +
	"`stewardbot: snooze 5d` (no reminders for 5 days; h, d or w), `stewardbot: recheck` (a fresh analysis of the form), " +
	"`stewardbot: escalate legal` or `escalate trust` (a notice to that team now), `stewardbot: stop` (I do nothing more " +
	"on this request but answer commands), `stewardbot: resume`, `stewardbot: help`. The requested steward, the data " +
	"stewards and the Trust and Legal contacts may give them; the requester may ask for a recheck."
