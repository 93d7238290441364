package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
	"github.com/stewardbot/stewardbot/policy"
)

// Bot is the daemon: it polls Bugzilla for data-review requests, finds their
// forms, and posts one marked analysis comment per form revision. Every side
// effect goes through it; its tasks run in cycles (see Tasks).
type Bot struct {
	cfg    Config
	bz     bugzillaClient
	store  store.Store
	clock  Clock
	log    zerolog.Logger
	rules  *policy.Rules // the policy the forms are read and judged by (WithRules)
	onPost func(Posted)
	obs    Observer // metrics; nil means nobody

	// cycleMu serialises cycles: a cycle and the next never overlap, even
	// when `once` and the scheduler share a Bot in tests.
	cycleMu sync.Mutex
	nudges  nudgeState // webhook nudges waiting for a cycle: see nudge.go
	// startBackoff paces Run's retries of Start through an outage.
	startBackoff backoff
	lead         leadership // the leader lock, with several replicas: see leader.go

	sess *session // who the bot is on the server: see core_session.go
	park *parking // the rate-limit park: see core_park.go
	// troubles records the work that keeps failing: see core_troubles.go
	troubles *troubles
	forms    *forms   // finds and reads forms: see core_forms.go
	privacy  *privacy // what makes a comment private: see core_privacy.go
	marks    *marks   // builds the bot's comments: see render.go
	views    *views   // the bugs' views a cycle works on: see core_views.go
	w        *writer  // the write path: see perform.go
	// reads is the client within a cycle: it keeps what the cycle read and
	// forgets a bug on every write to it (core_readcache.go). b.bz is it.
	reads *readCache
}

// Posted describes a comment the bot has just written (or, in dry-run, would
// have written). The demo prints these.
type Posted struct {
	BugID     int
	CommentID int // 0 in dry-run
	Kind      string
	Key       string
	Comment   bugzilla.NewComment
	DryRun    bool
}

// Option configures a Bot.
type Option func(*Bot)

// WithClock sets the bot's clock (default SystemClock).
func WithClock(c Clock) Option { return func(b *Bot) { b.clock = c } }

// WithLogger sets the logger (default: no logging).
func WithLogger(l zerolog.Logger) Option { return func(b *Bot) { b.log = l } }

// WithRules sets the policy rules (default policy.DefaultRules()).
func WithRules(r *policy.Rules) Option {
	return func(b *Bot) { b.rules = r }
}

// WithPostHook calls fn after each comment is posted or logged in dry-run.
func WithPostHook(fn func(Posted)) Option { return func(b *Bot) { b.onPost = fn } }

// New returns a bot that talks to Bugzilla through client and keeps its
// journal in st. cfg should have passed Validate; New checks only what the
// bot itself depends on.
func New(cfg Config, client *bugzilla.Client, st store.Store, opts ...Option) (*Bot, error) {
	if client == nil {
		return nil, errors.New("bot: nil bugzilla client")
	}
	if st == nil {
		return nil, errors.New("bot: nil store")
	}
	if cfg.Bugzilla.FlagName == "" || cfg.Comments.Tag == "" || cfg.Poll.PageSize <= 0 {
		return nil, fmt.Errorf("bot: configuration lacks defaults (flag name, comment tag, page size): start from DefaultConfig")
	}
	if strings.ContainsAny(cfg.Comments.Tag, " \t\n") {
		return nil, fmt.Errorf("bot: comment tag %q contains spaces", cfg.Comments.Tag)
	}
	b := &Bot{
		cfg:          cfg,
		bz:           client,
		store:        st,
		clock:        SystemClock{},
		log:          zerolog.Nop(),
		rules:        policy.DefaultRules(),
		startBackoff: defaultStartBackoff,
	}
	for _, o := range opts {
		o(b)
	}
	b.reads = &readCache{bugzillaClient: b.bz, numbers: &analysisNumbers{st: st, log: b.log}}
	b.bz = b.reads
	b.sess = &session{url: cfg.Bugzilla.URL, login: cfg.Bugzilla.Login, kv: st, log: b.log}
	b.lead.log, b.lead.obs, b.lead.requeue = b.log, b.observer, b.requeue
	b.troubles = &troubles{st: st, clock: b.clock, log: b.log, obs: b.observer, server: cfg.Bugzilla.URL}
	b.forms = &forms{bz: b.bz, st: st, rules: b.rules, maxBytes: cfg.Bugzilla.MaxAttachmentBytes,
		login: b.Login, clock: b.clock, log: b.log}
	b.privacy = &privacy{bz: b.bz, groups: func(ctx context.Context, ids []int) (map[int]bugzilla.Bug, error) { return bugGroups(ctx, b.bz, ids) }, live: b.reads.liveComments, log: b.log}
	b.views = &views{bz: b.bz, reads: b.reads, store: st, troubles: b.troubles, maxBytes: cfg.Bugzilla.MaxAttachmentBytes, clock: b.clock}
	b.w = &writer{client: func() bugzillaClient { return b.bz }, reads: b.reads, store: st, lead: &b.lead, troubles: b.troubles, dryRun: cfg.DryRun,
		tag: cfg.Comments.Tag, login: b.Login, obs: b.observer, notify: b.notify, clock: b.clock, log: b.log}
	b.marks = newMarks(cfg, b.sess)
	b.park = &parking{kv: st, clock: b.clock, log: b.log, park: cfg.Bugzilla.RateLimitPark}
	return b, nil
}

// Start checks who the bot is, after honouring a rate-limit park left by an
// earlier process. It costs one authentication round trip once the store
// remembers the server from an earlier start (identity.go), two before. A rejected API
// key or a key for another account is final: the caller should exit.
func (b *Bot) Start(ctx context.Context) error {
	if until, parked, err := b.park.until(ctx); err != nil {
		return err
	} else if parked {
		return &ParkedError{Until: until}
	}
	id, err := b.sess.authenticate(ctx, b.bz)
	switch {
	case errors.Is(err, bugzilla.ErrInvalidAPIKey):
		return fmt.Errorf("bot: Bugzilla rejected the API key; set a valid key in STEWARDBOT_BUGZILLA_API_KEY (or its _FILE): %w", err)
	case errors.Is(err, bugzilla.ErrWrongLogin):
		return fmt.Errorf("bot: the API key does not belong to bugzilla.login %q: %w", b.cfg.Bugzilla.Login, err)
	case err != nil:
		if park := b.park.note(ctx, err); park != nil {
			return park
		}
		return fmt.Errorf("bot: %w", err) // the client's error says "authenticate"
	}
	b.sess.startedAs(id)
	b.log.Info().Str("login", id.Login).Bool("bmo", id.BMO).Bool("dry_run", b.cfg.DryRun).Msg("authenticated")
	if !b.cfg.DryRun {
		// Comments only logged in an earlier dry run are still owed.
		if err := b.requeue(ctx, store.ActionDryRun); err != nil {
			return err
		}
	}
	// Writes a crash may have interrupted: re-read those bugs first.
	return b.requeue(ctx, store.ActionIntent, store.ActionUnknown)
}

// requeue marks dirty the bugs with journal entries in the given statuses.
func (b *Bot) requeue(ctx context.Context, statuses ...store.ActionStatus) error {
	ids, err := b.store.BugsWithActions(ctx, statuses...)
	if err != nil {
		return fmt.Errorf("bot: requeue: %w", err)
	}
	marks := make([]store.BugMark, len(ids))
	for i, id := range ids {
		marks[i] = store.BugMark{BugID: id, MarkedAt: b.clock.Now()}
	}
	return b.store.MarkDirty(ctx, marks)
}

// notify calls the post hook, synchronously, once the journal says done (or
// dry_run). A slow hook slows the cycle; that is the hook owner's choice.
func (b *Bot) notify(p Posted) {
	if b.onPost != nil {
		b.onPost(p)
	}
}

// now is the bot's clock, in UTC.
func (b *Bot) now() time.Time { return b.clock.Now().UTC() }

// Started reports whether the bot has authenticated (Start succeeded).
func (b *Bot) Started() bool { return b.sess.started() }
