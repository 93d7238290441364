package bot

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/rs/zerolog"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
)

// Several replicas may share one PostgreSQL store (for the dashboard and
// health, and to survive the loss of one). Exactly one of them, the leader,
// runs cycles and writes to Bugzilla: it holds the store's leader lease.
// The others, followers, skip every cycle without a request to Bugzilla
// and take over when the lease frees up. A leader runs each cycle with a
// context cancelled when the lease is lost, and asks the database right
// before every write whether it still holds the lease, so that losing the
// lock's connection stops its writes at once. With SQLite there is no
// leader: one process is the only writer.

// Roles a process reports (Role) in health checks.
const (
	RoleSingle   = ""         // no leader lock: the only process (SQLite)
	RoleLeader   = "leader"   // holds the lease: runs cycles, writes
	RoleFollower = "follower" // another process leads: cycles are skipped
)

// CycleFollower is the cycle result (Observer.CycleDone) of a follower's
// skipped cycle.
const CycleFollower = "follower"

// heldLease boxes a Lease for atomic.Pointer.
type heldLease struct{ store.Lease }

// errNotLeader refuses a write made without a lease while a leader lock is
// configured.
var errNotLeader = errors.New("bot: not the leader: write refused")

// leadership is the bot's side of the leader lock.
type leadership struct {
	leader store.Leader              // nil: no lock, this process writes
	role   atomic.Value              // string: the role of the last cycle
	lease  atomic.Pointer[heldLease] // the lease of the last cycle led

	log zerolog.Logger
	obs func() Observer
	// requeue marks dirty the bugs with journal entries in these statuses
	// (Bot.requeue): a new lease re-reads what the leader before left.
	requeue func(ctx context.Context, statuses ...store.ActionStatus) error
}

// LeaderObserver is an Observer that is also told whether this process is
// the one writing to Bugzilla (bot/metrics: stewardbot_leader).
type LeaderObserver interface {
	Leading(bool)
}

// WithLeader makes the bot run cycles only while it holds l's lease, and
// refuse every write to Bugzilla that is not made under a lease it still
// holds. The caller keeps l and closes it after the bot has stopped.
func WithLeader(l store.Leader) Option {
	return func(b *Bot) {
		if l == nil {
			return
		}
		b.lead.leader = l
		if _, ok := b.bz.(leaseGuard); !ok {
			b.bz = leaseGuard{bugzillaClient: b.bz, lead: &b.lead}
		}
	}
}

// Role says whether this process leads, follows, or is the only one
// (RoleSingle), as of its last cycle. Before the first cycle a process with
// a leader lock reports RoleFollower: it writes nothing yet.
func (b *Bot) Role() string { return b.lead.currentRole() }

// currentRole is Role.
func (l *leadership) currentRole() string {
	if l.leader == nil {
		return RoleSingle
	}
	r, ok := l.role.Load().(string)
	if !ok {
		return RoleFollower
	}
	if h := l.lease.Load(); r == RoleLeader && h != nil && h.Err() != nil {
		return RoleFollower // lost between cycles: nobody writes here now
	}
	return r
}

// takeLead decides whether this cycle runs. Without a leader lock it
// always does, with ctx unchanged. With one, it runs only under the lease:
// the returned context carries it (for checkLease) and is cancelled when
// it is lost; release ends that. A follower gets errFollowing.
func (l *leadership) takeLead(ctx context.Context) (_ context.Context, release func(), err error) {
	if l.leader == nil {
		l.observeLeading(true)
		return ctx, func() {}, nil
	}
	lease, leading, err := l.leader.TryLead(ctx)
	if err != nil {
		return ctx, func() {}, fmt.Errorf("bot: leader lock: %w", err)
	}
	was := l.currentRole()
	if !leading {
		l.role.Store(RoleFollower)
		l.observeLeading(false)
		if was == RoleLeader {
			l.log.Warn().Msg("another replica leads now: this one only follows")
		}
		return ctx, func() {}, errFollowing
	}
	if h := l.lease.Load(); h == nil || h.Lease != lease {
		// A new lease (this process may have lost one between cycles and
		// taken the lock again): the leader before may have died
		// mid-write, so re-read those bugs first, as Start does after a
		// crash of this process.
		if err := l.requeue(ctx, store.ActionIntent, store.ActionUnknown); err != nil {
			return ctx, func() {}, err
		}
		l.log.Info().Msg("took the lead: this replica runs the cycles and writes to Bugzilla")
		l.lease.Store(&heldLease{lease})
	}
	l.role.Store(RoleLeader)
	l.observeLeading(true)
	lctx, cancel := context.WithCancelCause(context.WithValue(ctx, leaseKey{}, lease))
	go func() {
		select {
		case <-lease.Done():
			l.lostLead()
			cancel(lease.Err())
		case <-lctx.Done():
		}
	}()
	return lctx, func() { cancel(nil) }, nil
}

// lostLead records that the lease is gone: from now on this process is
// not the leader, health and metrics say so at once, and taking the lead
// again re-reads the writes another leader may have interrupted.
func (l *leadership) lostLead() {
	l.role.Store(RoleFollower)
	l.observeLeading(false)
}

// errFollowing tells RunOnce that another process leads.
var errFollowing = errors.New("bot: another replica leads")

type leaseKey struct{}

// checkLease is asked right before every write to Bugzilla: nil when no
// leader lock is configured, or when the lease ctx carries still holds (the
// database answers on the lock's connection). Losing the lease makes it
// fail at once, and for good.
func (l *leadership) checkLease(ctx context.Context) error {
	if l.leader == nil {
		return nil
	}
	lease, ok := ctx.Value(leaseKey{}).(store.Lease)
	if !ok {
		return errNotLeader
	}
	if err := lease.Check(ctx); err != nil {
		if lease.Err() != nil {
			l.lostLead()
		}
		return fmt.Errorf("bot: write refused: %w", err)
	}
	return nil
}

// leaseLost reports whether err says the lease is gone (or never was).
func leaseLost(err error) bool {
	return errors.Is(err, store.ErrLeaseLost) || errors.Is(err, errNotLeader)
}

// observeLeading tells a LeaderObserver whether this process writes.
func (l *leadership) observeLeading(leading bool) {
	if lo, ok := l.obs().(LeaderObserver); ok {
		lo.Leading(leading)
	}
}

// observeFollower reports a follower's skipped cycle, and the queue as the
// shared store has it, so that every replica's metrics show it.
func (b *Bot) observeFollower(ctx context.Context) {
	o := b.observer()
	if _, ok := o.(nopObserver); ok {
		return
	}
	o.CycleDone(CycleFollower)
	b.observeState(ctx)
}

// leaseGuard is the Bugzilla client of a bot with a leader lock: every
// write checks the lease first (checkLease), whichever task makes it. The
// reads pass through.
type leaseGuard struct {
	bugzillaClient
	lead *leadership
}

func (g leaseGuard) AddComment(ctx context.Context, bugID int, nc bugzilla.NewComment) (int, error) {
	if err := g.lead.checkLease(ctx); err != nil {
		return 0, err
	}
	return g.bugzillaClient.AddComment(ctx, bugID, nc)
}

func (g leaseGuard) UpdateBug(ctx context.Context, bugID int, u bugzilla.BugUpdate) (*bugzilla.UpdateResult, error) {
	if err := g.lead.checkLease(ctx); err != nil {
		return nil, err
	}
	return g.bugzillaClient.UpdateBug(ctx, bugID, u)
}

func (g leaseGuard) UpdateAttachment(ctx context.Context, attachmentID int, u bugzilla.AttachmentUpdate) (*bugzilla.UpdateResult, error) {
	if err := g.lead.checkLease(ctx); err != nil {
		return nil, err
	}
	return g.bugzillaClient.UpdateAttachment(ctx, attachmentID, u)
}
