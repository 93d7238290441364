package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bot/store/storetest"
	"github.com/stewardbot/stewardbot/bugzilla"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// fakeLeader leads or follows as told; its lease's checks fail once lost.
type fakeLeader struct {
	mu      sync.Mutex
	leading bool
	lease   *fakeLease
}

func (l *fakeLeader) TryLead(context.Context) (store.Lease, bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.leading {
		return nil, false, nil
	}
	if l.lease == nil || l.lease.Err() != nil {
		l.lease = &fakeLease{done: make(chan struct{})}
	}
	return l.lease, true, nil
}

func (l *fakeLeader) Close() error { return nil }

type fakeLease struct {
	mu     sync.Mutex
	done   chan struct{}
	err    error
	checks int
	// failAtCheck makes check number n (from 1) find the lease lost.
	failAtCheck int
}

func (l *fakeLease) Done() <-chan struct{} { return l.done }

func (l *fakeLease) Err() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

func (l *fakeLease) Check(context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.checks++
	if l.err == nil && l.failAtCheck > 0 && l.checks >= l.failAtCheck {
		l.err = fmt.Errorf("%w: connection reset (fake)", store.ErrLeaseLost)
		close(l.done)
	}
	return l.err
}

// leaderObserver records cycle results and leadership.
type leaderObserver struct {
	nopObserver
	mu      sync.Mutex
	cycles  []string
	leading []bool
}

func (o *leaderObserver) CycleDone(r string) {
	o.mu.Lock()
	o.cycles = append(o.cycles, r)
	o.mu.Unlock()
}
func (o *leaderObserver) Leading(l bool) {
	o.mu.Lock()
	o.leading = append(o.leading, l)
	o.mu.Unlock()
}

// withFakeLeader gives e's bot a fake leader lock and an observer.
func withFakeLeader(e *e2e, leading bool) (*fakeLeader, *leaderObserver) {
	l, o := &fakeLeader{leading: leading}, &leaderObserver{}
	WithLeader(l)(e.bot)
	WithObserver(o)(e.bot)
	return l, o
}

func TestFollowerSkipsCyclesWithoutRequests(t *testing.T) {
	e := newE2E(t, bugzillatest.BMO, nil)
	e.patchRequest("Count widget clicks")
	_, obs := withFakeLeader(e, false)
	for range 3 {
		e.mustCycle()
	}
	if reqs := e.srv.Requests(); len(reqs) != 0 {
		t.Errorf("a follower sent %d requests to Bugzilla, first %s %s", len(reqs), reqs[0].Method, reqs[0].Path)
	}
	if got := e.bot.Role(); got != RoleFollower {
		t.Errorf("Role = %q, want %q", got, RoleFollower)
	}
	if last, err := e.bot.Status().LastGoodCycle(e.ctx); err != nil || !last.IsZero() {
		t.Errorf("a follower recorded a good cycle: %v, %v", last, err)
	}
	if fmt.Sprint(obs.cycles) != "[follower follower follower]" || fmt.Sprint(obs.leading) != "[false false false]" {
		t.Errorf("observed cycles %v, leading %v", obs.cycles, obs.leading)
	}
}

func TestLeaderRunsCycles(t *testing.T) {
	e := newE2E(t, bugzillatest.BMO, nil)
	bug, _ := e.patchRequest("Count widget clicks")
	l, obs := withFakeLeader(e, true)
	e.mustCycle()
	if n := len(e.botComments(bug)); n != 1 {
		t.Fatalf("bot comments = %d, want 1\n%s", n, e.logs.String())
	}
	if got := e.bot.Role(); got != RoleLeader {
		t.Errorf("Role = %q, want %q", got, RoleLeader)
	}
	// One check in perform, one at the write itself.
	if l.lease.checks != 2 {
		t.Errorf("lease checks = %d, want 2 for one write", l.lease.checks)
	}
	if fmt.Sprint(obs.cycles) != "[ok]" || fmt.Sprint(obs.leading) != "[true]" {
		t.Errorf("observed cycles %v, leading %v", obs.cycles, obs.leading)
	}
}

// TestLostLeaseRefusesWrites: a leader whose lease check fails writes
// nothing, journals no attempt, and the next leader posts exactly once.
func TestLostLeaseRefusesWrites(t *testing.T) {
	for _, failAt := range []int{1, 2} { // 1: perform's check; 2: the client's, right at the write
		t.Run(fmt.Sprintf("check%d", failAt), func(t *testing.T) {
			e := newE2E(t, bugzillatest.BMO, nil)
			bug, _ := e.patchRequest("Count widget clicks")
			l, _ := withFakeLeader(e, true)
			l.lease = &fakeLease{done: make(chan struct{}), failAtCheck: failAt}
			err := e.cycle()
			if !errors.Is(err, store.ErrLeaseLost) {
				t.Fatalf("cycle err = %v, want ErrLeaseLost", err)
			}
			for _, w := range e.srv.Writes() {
				t.Errorf("write reached Bugzilla with the lease lost: %s %s", w.Method, w.Path)
			}
			if n := len(e.botComments(bug)); n != 0 {
				t.Fatalf("bot comments = %d, want 0", n)
			}
			if last, _ := e.bot.Status().LastGoodCycle(e.ctx); !last.IsZero() {
				t.Errorf("a cycle that lost its lease counted as good")
			}
			if got := e.bot.Role(); got != RoleFollower {
				t.Errorf("Role after losing the lease = %q, want %q", got, RoleFollower)
			}
			// A new lease (this process again, or another): the work is done once.
			e.mustCycle()
			e.mustCycle()
			if n := len(e.botComments(bug)); n != 1 {
				t.Fatalf("bot comments after a new lease = %d, want 1\n%s", n, e.logs.String())
			}
		})
	}
}

// TestLeaseGuardRefusesWritesOutsideLease: with a leader lock, a write
// whose context carries no lease never reaches Bugzilla, whichever code
// makes it.
func TestLeaseGuardRefusesWritesOutsideLease(t *testing.T) {
	e := newE2E(t, bugzillatest.BMO, nil)
	bug, _ := e.patchRequest("Count widget clicks")
	withFakeLeader(e, true)
	if _, err := e.bot.bz.AddComment(e.ctx, bug, bugzilla.NewComment{Text: "x"}); !errors.Is(err, errNotLeader) {
		t.Errorf("AddComment without a lease: err = %v, want errNotLeader", err)
	}
	if _, err := e.bot.bz.UpdateBug(e.ctx, bug, bugzilla.BugUpdate{}); !errors.Is(err, errNotLeader) {
		t.Errorf("UpdateBug without a lease: err = %v, want errNotLeader", err)
	}
	if _, err := e.bot.bz.UpdateAttachment(e.ctx, 1, bugzilla.AttachmentUpdate{}); !errors.Is(err, errNotLeader) {
		t.Errorf("UpdateAttachment without a lease: err = %v, want errNotLeader", err)
	}
	if ws := e.srv.Writes(); len(ws) != 0 {
		t.Errorf("%d writes reached Bugzilla", len(ws))
	}
}

// replica is one bot process over a shared PostgreSQL store.
type replica struct {
	bot    *Bot
	leader store.Leader
}

// newReplica starts a bot over the PostgreSQL store dsn names, sharing e's
// fake Bugzilla, clock and configuration, with the store's leader lock.
// Before each of its requests to Bugzilla, the bot calls onRequest.
func newReplica(t *testing.T, e *e2e, dsn string, onRequest func()) *replica {
	t.Helper()
	st, err := store.Open(e.ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	leader := st.(store.LeaderStore).Leader()
	t.Cleanup(func() { leader.Close() })
	client, err := e.rig.NewClient(e.rig.WithTransport(func(*http.Request) { onRequest() }))
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(e.cfg, client, st, WithClock(e.clock), WithLogger(e.rig.Log), WithLeader(leader))
	if err != nil {
		t.Fatal(err)
	}
	return &replica{bot: b, leader: leader}
}

// TestReplicasOnPostgres: two bots share one PostgreSQL schema and one
// Bugzilla. Only the leader works. When the server ends the leader's lock
// session in the middle of a cycle, its next write is refused at once (no
// write reaches Bugzilla) and the other takes over; each request gets
// exactly one comment.
func TestReplicasOnPostgres(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	e := newE2E(t, bugzillatest.BMO, nil)
	// armed, when set, runs once before a's next request to Bugzilla.
	var mu sync.Mutex
	var armed func()
	a := newReplica(t, e, dsn, func() {
		mu.Lock()
		f := armed
		armed = nil
		mu.Unlock()
		if f != nil {
			f()
		}
	})
	b := newReplica(t, e, dsn, func() {})
	cycle := func(r *replica) error {
		e.advance(5 * time.Minute)
		return r.bot.RunOnce(e.ctx, "")
	}
	must := func(r *replica) {
		t.Helper()
		if err := cycle(r); err != nil {
			t.Fatalf("cycle: %v\n%s", err, e.logs.String())
		}
	}

	first, _ := e.patchRequest("Count widget clicks")
	for range 2 {
		must(a)
		must(b)
	}
	if a.bot.Role() != RoleLeader || b.bot.Role() != RoleFollower {
		t.Fatalf("roles: a %q, b %q; want a leading", a.bot.Role(), b.bot.Role())
	}
	if n := len(e.botComments(first)); n != 1 {
		t.Fatalf("first request: %d bot comments, want 1", n)
	}

	// A new request; a's cycle starts under its lease, then the server
	// ends a's lock session (at a's first request to Bugzilla).
	second, _ := e.patchRequest("Count widget hovers")
	terminated := 0
	mu.Lock()
	armed = func() { terminated = storetest.TerminateLockHolders(t, dsn) }
	mu.Unlock()
	writes := len(e.srv.Writes())
	if err := cycle(a); !errors.Is(err, store.ErrLeaseLost) {
		t.Fatalf("a's cycle after losing its session: err = %v, want ErrLeaseLost\n%s", err, e.logs.String())
	}
	if terminated != 1 {
		t.Fatalf("terminated %d sessions, want a's lock", terminated)
	}
	if n := len(e.srv.Writes()); n != writes {
		t.Fatalf("a wrote %d times after losing the lead", n-writes)
	}
	for range 2 {
		must(b)
		must(a)
	}
	if a.bot.Role() != RoleFollower || b.bot.Role() != RoleLeader {
		t.Fatalf("roles after the loss: a %q, b %q; want b leading", a.bot.Role(), b.bot.Role())
	}
	for _, bug := range []int{first, second} {
		if n := len(e.botComments(bug)); n != 1 {
			t.Errorf("bug %d: %d bot comments, want 1\n%s", bug, n, e.logs.String())
		}
	}
}

// TestLeaseLostBetweenCycles: a lease lost while no cycle runs (the
// background check) makes the process report itself a follower at once,
// and the next lease it takes is a new lead.
func TestLeaseLostBetweenCycles(t *testing.T) {
	e := newE2E(t, bugzillatest.BMO, nil)
	l, _ := withFakeLeader(e, true)
	e.mustCycle()
	if got := e.bot.Role(); got != RoleLeader {
		t.Fatalf("Role = %q, want %q", got, RoleLeader)
	}
	l.lease.mu.Lock()
	l.lease.err = fmt.Errorf("%w: session ended (fake)", store.ErrLeaseLost)
	close(l.lease.done)
	l.lease.mu.Unlock()
	if got := e.bot.Role(); got != RoleFollower {
		t.Errorf("Role after the lease was lost between cycles = %q, want %q", got, RoleFollower)
	}
	e.mustCycle() // a new lease
	if got := e.bot.Role(); got != RoleLeader {
		t.Errorf("Role with a new lease = %q, want %q", got, RoleLeader)
	}
	if n := strings.Count(e.logs.String(), "took the lead"); n != 2 {
		t.Errorf("%d \"took the lead\" log lines, want 2 (one per lease)", n)
	}
}
