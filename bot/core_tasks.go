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
	"github.com/stewardbot/stewardbot/policy"
)

// Task is one named chore of a cycle. Tasks run in list order, each after
// the one before, and share the cycle's write budget; one failing does not
// stop the others (a rate limit, which stops everything, aside).
type Task struct {
	Name    string
	Aliases []string // other names --only accepts ("analyse" for "analyze")
	Doc     string
	Duty    Duty
}

// Duty is one chore of a cycle. Run's error means something went wrong; the
// write cap, a rate limit and a lost lease are the cycle's state
// (c.Stopped()), never errors.
type Duty interface {
	Run(ctx context.Context, c *Cycle) error
}

// named reports whether --only name means this task.
func (t Task) named(name string) bool {
	return t.Name == name || slices.Contains(t.Aliases, name)
}

// Tasks is the bot's chores in the order a cycle runs them. New chores
// (reminders, escalations, commands) slot in after analyze: they read what
// poll and analyze recorded in the store.
func (b *Bot) Tasks() []Task {
	d := b.deps()
	core := d.lent()
	an := newAnalyzeDuty(d, recordCollectionsFunc(func(ctx context.Context, v *bugView, f *foundForm) error {
		return recordCollections(ctx, b.store, b.forms, b.now, v, f)
	}), b.views)
	esc := newEscalateDuty(d, core)
	return []Task{
		{Name: "poll", Doc: "find data-review requests that changed since the last cycle", Duty: newPollDuty(d, b.sess)},
		{Name: "analyze", Aliases: []string{"analyse"}, Doc: "find each request's form and post one analysis per form revision", Duty: an},
		{Name: "commands", Doc: "answer stewardbot: commands in comments (snooze, recheck, escalate, stop, resume, help)", Duty: newCommandsDuty(d, an, esc)},
		{Name: "remind", Doc: "remind stewards of waiting requests, assign unassigned ones, stop on answers", Duty: newRemindDuty(d, core)},
		{Name: "escalate", Doc: "post one notice per form revision to Trust or Legal when the analysis needs them", Duty: esc},
		{Name: "review", Doc: "point out where a data-review+ review form contradicts the request, once", Duty: newReviewDuty(d, core)},
		{Name: "expiry", Doc: "remind the owner of a reviewed collection, once, that its dated expiry is near", Duty: newExpiryDuty(d, core)},
		{Name: "owners", Doc: "look up, once a day, when the reviewed collections' owners last acted on Bugzilla (survey.owner_activity)", Duty: newOwnersDuty(d)},
	}
}

// TaskNames lists the names --only accepts, for usage texts that have no Bot.
func TaskNames() []string { return (&Bot{}).TaskNames() }

// TaskNames lists the names --only accepts.
func (b *Bot) TaskNames() []string {
	var names []string
	for _, t := range b.Tasks() {
		names = append(names, t.Name)
	}
	return names
}

// RunOnce runs one cycle: every task, or only the one named. It calls Start
// first when the bot has not started. Task errors are collected and joined;
// a rate limit stops the cycle at once and returns a *ParkedError.
func (b *Bot) RunOnce(ctx context.Context, only string) error {
	return b.runOnce(ctx, only, nil)
}

// runOnce is RunOnce; with nudged bugs (webhooks, nudge.go), the cycle
// looks at them before anything else (nudgedFirst), then runs its tasks
// as usual.
func (b *Bot) runOnce(ctx context.Context, only string, nudged []int) (err error) {
	b.cycleMu.Lock()
	defer b.cycleMu.Unlock()
	following := false
	defer func() {
		if following {
			b.observeFollower(ctx)
		} else {
			b.observeCycle(ctx, err)
		}
	}()
	tasks := b.Tasks()
	if only != "" {
		i := slices.IndexFunc(tasks, func(t Task) bool { return t.named(only) })
		if i < 0 {
			return fmt.Errorf("bot: unknown task %q (tasks: %s)", only, strings.Join(b.TaskNames(), ", "))
		}
		tasks = tasks[i : i+1]
	}
	tasks = numbersLastTasks(nudgedFirstTasks(tasks, nudged))
	// With replicas, only the leader runs cycles, under a context that ends
	// when its lease does (leader.go).
	ctx, release, err := b.lead.takeLead(ctx)
	defer release()
	if errors.Is(err, errFollowing) {
		b.log.Debug().Msg("another replica leads: cycle skipped")
		following = true
		return nil
	} else if err != nil {
		return err
	}
	if until, parked, err := b.park.until(ctx); err != nil {
		return err
	} else if parked {
		return &ParkedError{Until: until}
	}
	if !b.sess.started() {
		if err := b.Start(ctx); err != nil {
			return err
		}
	}
	c := b.newCycle()
	defer b.reads.begin() // nothing read is held between cycles
	errs := c.runTasks(ctx, tasks)
	if cause := context.Cause(ctx); leaseLost(cause) {
		// The tasks stopped at the lost lease: say why, once.
		b.log.Warn().Err(cause).Msg("lost the lead mid-cycle: writes stopped")
		errs = append(errs, cause)
	}
	if c.deferred > 0 {
		b.log.Info().Int("deferred", c.deferred).Int("cap", b.cfg.Poll.MaxWritesPerCycle).Msg("write cap reached; the rest waits for the next cycle")
	}
	if len(errs) == 0 && only == "" && c.deferred == 0 {
		// Every duty had its go at the troubled bugs due again.
		if err := c.recoverTroubled(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) == 0 && only == "" {
		// For health checks: when the last complete, clean cycle started.
		if err := b.store.Set(ctx, KVLastGoodCycle, c.started.Format(time.RFC3339Nano)); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// nudgedFirstTasks puts before the tasks an analyze of the nudged bugs
// alone, when the tasks include analyze.
func nudgedFirstTasks(tasks []Task, nudged []int) []Task {
	if len(nudged) == 0 {
		return tasks
	}
	for _, t := range tasks {
		if an, ok := t.Duty.(*analyzeDuty); ok {
			first := Task{Name: t.Name, Aliases: t.Aliases, Doc: "look at the bugs webhooks named, before the poll",
				Duty: nudgedFirst{an: an, bugs: nudged}}
			return append([]Task{first}, tasks...)
		}
	}
	return tasks
}

// runTasks runs the tasks in order and returns their errors. A task's
// error is something that went wrong, except a bug's own failure (a
// bugError isolate takes out: the bug is retried with backoff); why the cycle stopped early is its
// state: once halted, no task runs any more, and a rate limit comes back as
// the one *ParkedError (the task's other errors are logged with it).
func (c *Cycle) runTasks(ctx context.Context, tasks []Task) []error {
	// Every duty skips the bugs waiting out a backoff (c.WaitingOut).
	if _, err := c.b.troubles.cycleTroubles(ctx, c); err != nil {
		return []error{err}
	}
	var errs []error
	for _, t := range tasks {
		if ctx.Err() != nil {
			errs = append(errs, ctx.Err())
			break
		}
		err := t.Duty.Run(ctx, c)
		if !c.Halted() {
			c.haltOn(err) // a rate limit a duty passed on rather than halted on
		}
		// One bug's own failure is recorded as troubled, not the cycle's.
		err = c.isolate(ctx, err)
		if c.Halted() {
			// The cycle's state, not the duty's error, says why it stopped:
			// a rate limit parks the bot, a lost lease is reported.
			if park := c.b.park.note(ctx, c.cause); park != nil {
				// The park is the cycle's answer; what else went wrong
				// in the task before it (a store failure, a bug's error)
				// is not lost with it.
				if other := withoutCause(err, c.cause); other != nil {
					c.b.log.Error().Err(other).Str("task", t.Name).Msg("task failed before a rate limit parked the bot")
				}
				errs = append(errs, park)
				break
			}
			if !errors.Is(err, c.cause) {
				err = errors.Join(err, c.cause)
			}
		}
		if err == nil {
			continue
		}
		c.b.log.Error().Err(err).Str("task", t.Name).Msg("task failed")
		errs = append(errs, fmt.Errorf("task %s: %w", t.Name, err))
		if c.Halted() {
			break // the lease is lost: no task writes any more
		}
	}
	return errs
}

// withoutCause returns err without the parts that are cause (a joined
// error loses those elements), nil when nothing else is left.
func withoutCause(err, cause error) error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var rest []error
		for _, e := range j.Unwrap() {
			if e = withoutCause(e, cause); e != nil {
				rest = append(rest, e)
			}
		}
		return errors.Join(rest...)
	}
	if err == nil || errors.Is(err, cause) {
		return nil
	}
	return err
}

// KVLastGoodCycle is the store key holding when the last complete cycle
// without errors started (RFC 3339), for health checks.
const KVLastGoodCycle = "cycle.last_good"

// deps is what the core lends the duties: the core's types (the read
// cache, the views, the forms, the privacy rule, the marks, the troubles,
// the roster), never *Bot. Each duty's constructor keeps only the fields
// it needs, as interfaces declared in the duty's file.
type deps struct {
	cfg      Config
	bz       bugzillaClient // the bot's client: lease-guarded when replicas share a store
	reads    *readCache     // the same client, as the cycle's read cache (bz is it)
	store    store.Store
	clock    Clock
	log      zerolog.Logger
	login    func() string     // the bot's Bugzilla login, known after Start
	format   func() textFormat // the bot's comments' format (format.go)
	rules    *policy.Rules     // the bot's policy (WithRules)
	obs      Observer
	fetch    prefetcher // downloads many views' attachments in few requests (core_views.go)
	forms    formFinder
	privacy  privacyRule
	marks    *marks
	troubles troubleRecorder
	roster   stewardRoster
}

// formFinder finds and loads the Data Review Request form of a request
// (findform.go).
type formFinder interface {
	findForm(ctx context.Context, v *bugView, flaggedID int) (*foundForm, error)
	loadForm(ctx context.Context, v *bugView, f *foundForm) error
	previousForm(ctx context.Context, v *bugView, cur *foundForm) (*foundForm, error)
}

// privacyRule says whether the bot's comments on a bug are private
// (privacy.go).
type privacyRule interface {
	bugAbout(ctx context.Context, c *Cycle, bugID int) (about, error)
	requestAbout(ctx context.Context, c *Cycle, r store.Request) (about, error)
	prefetchGroups(ctx context.Context, c *Cycle, ids []int)
}

// marker builds the bot's marked comments (render.go).
type marker interface {
	marked(m Marker, body string, ab about) bugzilla.NewComment
}

// troubleRecorder records bugs that keep failing, and their recovery
// (troubled.go).
type troubleRecorder interface {
	cycleTroubles(ctx context.Context, c *Cycle) (map[int]store.Trouble, error)
	bugFailed(ctx context.Context, bugID int, cause error) error
	bugRecovered(ctx context.Context, bugID int) error
}

// stewardRoster is the configured stewards (remind_roster.go).
type stewardRoster interface {
	rosterEntry(login string) (Steward, bool)
	stewardCalendar(login string) *policy.Calendar
}

var (
	_ formFinder      = (*forms)(nil)
	_ privacyRule     = (*privacy)(nil)
	_ marker          = (*marks)(nil)
	_ troubleRecorder = (*troubles)(nil)
)

// deps lends the duties what they need.
func (b *Bot) deps() deps {
	return deps{
		cfg: b.cfg, bz: b.bz, reads: b.reads, store: b.store, clock: b.clock, log: b.log, obs: b.observer(),
		login: b.Login, format: b.marks.commentFormat, rules: b.rules,
		fetch: b.views, forms: b.forms, privacy: b.privacy, marks: b.marks, troubles: b.troubles, roster: newRoster(b.cfg.Stewards),
	}
}

// lent is what the core lends, as one value, to the duties that declared
// one interface for what they borrow (escalateCore, expiryCore, remindCore,
// reviewCore): the cycle's reads, the comments' format, the forms'
// batched download. Each duty sees only the methods its interface names.
type lent struct {
	*readCache
	*marks
	prefetcher
}

// lent joins what the duties borrow as one value.
func (d deps) lent() lent { return lent{readCache: d.reads, marks: d.marks, prefetcher: d.fetch} }
