package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// TestCyclePerformOutcomes pins how Perform reports what came of a write:
// each way a write ends is an outcome, and only a failure of the store, the
// comment or the re-read is an error. A rate limit or a lost lease halts
// the cycle, after which nothing is built or sent.
func TestCyclePerformOutcomes(t *testing.T) {
	boom := errors.New("boom")
	for _, tt := range []struct {
		name       string
		writesLeft int
		journal    *store.ActionStatus // a journal entry before the action, with attempts
		attempts   int
		buildErr   error
		sendErr    error
		want       Outcome
		wantErr    error
		wantHalt   HaltReason
		wantSpent  bool
		wantPosted int // comments on the bug afterwards
	}{
		{name: "written", writesLeft: 2, want: Written, wantPosted: 1},
		{name: "the cap", writesLeft: 0, want: Deferred, wantSpent: true},
		{name: "the last write", writesLeft: 1, want: Written, wantSpent: true, wantPosted: 1},
		{name: "journal done", writesLeft: 2, journal: ptr(store.ActionDone), want: AlreadyDone},
		{name: "given up", writesLeft: 2, journal: ptr(store.ActionFailed), attempts: maxWriteAttempts, want: GaveUp},
		{name: "build fails", writesLeft: 2, buildErr: boom, want: Failed, wantErr: boom},
		{name: "refused", writesLeft: 2, sendErr: &bugzilla.APIError{Status: 400, Code: 100, Message: "no"}, want: Refused},
		{name: "outcome unknown", writesLeft: 2, sendErr: fmt.Errorf("post: %w", bugzilla.ErrWriteOutcomeUnknown), want: Unknown},
		{name: "rate limited", writesLeft: 2, sendErr: &bugzilla.RateLimitError{Status: 429}, want: Halted, wantHalt: HaltRateLimited},
		{name: "lease lost", writesLeft: 2, sendErr: fmt.Errorf("bot: write refused: %w", store.ErrLeaseLost), want: Halted, wantHalt: HaltLeaseLost},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newE2E(t, bugzillatest.Upstream, nil)
			if err := e.bot.Start(e.ctx); err != nil {
				t.Fatal(err)
			}
			bug := e.srv.AddBug(bugzillatest.Bug{Summary: "s", Creator: "dev1@example.test", Description: "d"})
			sends := 0
			a := &action{
				marker: Marker{Kind: "test", Bug: bug},
				since:  e.clock.Now().Add(-time.Second),
				build: func(context.Context) (bugzilla.NewComment, error) {
					return e.bot.marks.marked(Marker{Kind: "test", Bug: bug}, "hello", about{}), tt.buildErr
				},
				send: func(ctx context.Context, nc bugzilla.NewComment) (int, error) {
					sends++
					if tt.sendErr != nil {
						return 0, tt.sendErr
					}
					return e.bot.bz.AddComment(ctx, bug, nc)
				},
			}
			if tt.journal != nil {
				j := a.journal(*tt.journal)
				j.Attempts = tt.attempts
				if err := e.bot.w.record(e.ctx, &j); err != nil {
					t.Fatal(err)
				}
			}
			c := e.bot.newCycle()
			c.writesLeft = tt.writesLeft
			got, err := c.Perform(e.ctx, a)
			if got != tt.want || !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("Perform = %v, %v; want %v, %v", got, err, tt.want, tt.wantErr)
			}
			if c.halt != tt.wantHalt || c.Halted() != (tt.wantHalt != running) {
				t.Errorf("halt = %v, want %v", c.halt, tt.wantHalt)
			}
			if c.Spent() != tt.wantSpent {
				t.Errorf("Spent() = %v, want %v", c.Spent(), tt.wantSpent)
			}
			if c.Stopped() != (tt.wantSpent || tt.wantHalt != running) {
				t.Errorf("Stopped() = %v", c.Stopped())
			}
			if tt.want == Deferred && c.deferred != 1 {
				t.Errorf("deferred = %d, want 1", c.deferred)
			}
			if n := len(e.botComments(bug)); n != tt.wantPosted {
				t.Errorf("%d bot comments on the bug, want %d", n, tt.wantPosted)
			}
			if !c.Halted() {
				return
			}
			// Halted: the next action is neither built nor sent.
			before := sends
			if got, err := c.Perform(e.ctx, a); got != Halted || err != nil || sends != before {
				t.Errorf("after the halt: Perform = %v, %v with %d sends, want Halted and no send", got, err, sends-before)
			}
			if tt.wantHalt == HaltLeaseLost {
				j, err := e.st.Action(e.ctx, a.marker.Key())
				if err != nil || j.Status != store.ActionIntent {
					t.Errorf("journal after a lost lease = %+v, %v; want the intent kept", j, err)
				}
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestCycleHaltFirstReasonWins(t *testing.T) {
	var c Cycle
	rl := &bugzilla.RateLimitError{Status: 429}
	c.Halt(HaltRateLimited, rl)
	c.Halt(HaltLeaseLost, store.ErrLeaseLost)
	if c.halt != HaltRateLimited || c.cause != rl {
		t.Errorf("halt = %v (%v), want the first: rate limited", c.halt, c.cause)
	}
}

func TestCycleTakeAndDefer(t *testing.T) {
	c := Cycle{writesLeft: 1}
	if !c.Take() || c.WritesLeft() != 0 || !c.Spent() {
		t.Fatalf("first Take: writesLeft %d, want the one write taken", c.writesLeft)
	}
	if c.Take() || c.deferred != 1 {
		t.Errorf("Take with none left = true or deferred %d, want false and 1", c.deferred)
	}
	c.Defer()
	if c.deferred != 2 {
		t.Errorf("deferred = %d after Defer, want 2", c.deferred)
	}
}

// TestCycleViewsHaltOnRateLimit: a rate-limited read halts the cycle, so a
// duty stops on c.Halted() before it files the bug as troubled.
func TestCycleViewsHaltOnRateLimit(t *testing.T) {
	e := newE2E(t, bugzillatest.Upstream, nil)
	e.mustCycle()
	bug := e.srv.AddBug(bugzillatest.Bug{Summary: "s", Creator: "dev1@example.test", Description: "d"})
	e.srv.RateLimitNext(1, time.Minute)
	c := e.bot.newCycle()
	if _, err := c.Views(e.ctx, []int{bug}); err == nil {
		t.Fatal("Views over a rate limit: no error")
	}
	if !c.Halted() || c.halt != HaltRateLimited {
		t.Errorf("halt = %v after a rate-limited read, want HaltRateLimited", c.halt)
	}
}

// dutyFunc is a Duty made of a function, for tests of the task list.
type dutyFunc func(ctx context.Context, c *Cycle) error

func (f dutyFunc) Run(ctx context.Context, c *Cycle) error { return f(ctx, c) }

// TestCycleRunTasks pins what the cycle makes of its tasks (the tables that
// pinned the old cap and refused-write error filters): the write cap and a
// refused write are not errors, so a task stopped by them alone leaves the
// cycle good, while another error of the same task is kept; a rate limit
// comes back as the one *ParkedError and a lost lease as its cause, and no
// task runs after either.
func TestCycleRunTasks(t *testing.T) {
	boom := errors.New("bug 7: boom")
	for _, tt := range []struct {
		name       string
		writesLeft int
		sendErr    error // the write's, when the task writes
		taskErr    error // what the task returns besides its write
		wantErrs   []error
		wantParked bool
		wantNext   bool // the next task ran
		wantLogged string
	}{
		{name: "written", writesLeft: 1, wantNext: true},
		{name: "the cap alone", writesLeft: 0, wantNext: true},
		{name: "a bug's error before the cap", writesLeft: 0, taskErr: boom, wantErrs: []error{boom}, wantNext: true},
		{name: "a refused write", writesLeft: 1, sendErr: &bugzilla.APIError{Status: 400, Code: 100, Message: "no"}, wantNext: true},
		{name: "a refused write and another error", writesLeft: 1, sendErr: &bugzilla.APIError{Status: 400, Code: 100, Message: "no"},
			taskErr: boom, wantErrs: []error{boom}, wantNext: true},
		{name: "rate limited", writesLeft: 1, sendErr: &bugzilla.RateLimitError{Status: 429, RetryAfter: time.Minute}, wantParked: true},
		{name: "rate limit returned, not halted", writesLeft: 1, taskErr: &bugzilla.RateLimitError{Status: 429, RetryAfter: time.Minute},
			wantParked: true},
		// The park comes back alone; the task's other error is logged.
		{name: "a bug's error and a rate limit", writesLeft: 1, sendErr: &bugzilla.RateLimitError{Status: 429, RetryAfter: time.Minute},
			taskErr: boom, wantParked: true, wantLogged: "bug 7: boom"},
		{name: "lease lost", writesLeft: 1, sendErr: fmt.Errorf("bot: write refused: %w", store.ErrLeaseLost),
			wantErrs: []error{store.ErrLeaseLost}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newE2E(t, bugzillatest.Upstream, nil)
			if err := e.bot.Start(e.ctx); err != nil {
				t.Fatal(err)
			}
			bug := e.srv.AddBug(bugzillatest.Bug{Summary: "s", Creator: "dev1@example.test", Description: "d"})
			m := Marker{Kind: "test", Bug: bug}
			write := dutyFunc(func(ctx context.Context, c *Cycle) error {
				_, err := c.Perform(ctx, &action{
					marker: m,
					since:  e.clock.Now().Add(-time.Second),
					build: func(context.Context) (bugzilla.NewComment, error) {
						return e.bot.marks.marked(m, "hello", about{}), nil
					},
					send: func(ctx context.Context, nc bugzilla.NewComment) (int, error) {
						if tt.sendErr != nil {
							return 0, tt.sendErr
						}
						return e.bot.bz.AddComment(ctx, bug, nc)
					},
				})
				return errors.Join(err, tt.taskErr)
			})
			ran := false
			next := dutyFunc(func(context.Context, *Cycle) error { ran = true; return nil })
			c := e.bot.newCycle()
			c.writesLeft = tt.writesLeft
			errs := c.runTasks(e.ctx, []Task{{Name: "write", Duty: write}, {Name: "next", Duty: next}})
			got := errors.Join(errs...)
			var parked *ParkedError
			if errors.As(got, &parked) != tt.wantParked {
				t.Errorf("errors %v: parked = %v, want %v", got, !tt.wantParked, tt.wantParked)
			}
			if tt.wantParked && len(errs) != 1 {
				t.Errorf("errors %v, want the *ParkedError alone", errs)
			}
			if !tt.wantParked && (got == nil) != (tt.wantErrs == nil) {
				t.Fatalf("errors %v, want %v", got, tt.wantErrs)
			}
			for _, w := range tt.wantErrs {
				if !errors.Is(got, w) {
					t.Errorf("errors %v lost %v", got, w)
				}
			}
			if tt.wantLogged != "" && !strings.Contains(e.logs.String(), tt.wantLogged) {
				t.Errorf("the logs do not say %q:\n%s", tt.wantLogged, e.logs.String())
			}
			if ran != tt.wantNext {
				t.Errorf("next task ran = %v, want %v", ran, tt.wantNext)
			}
		})
	}
}
