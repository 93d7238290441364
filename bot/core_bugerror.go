package bot

import (
	"context"
	"errors"
	"strconv"
)

// bugError is a failure of a duty's work on one bug. Duties return it
// (joined with the others) rather than handling it themselves: the cycle
// (isolate) decides, in one place for every duty, whether it is the bug's
// own problem, to be retried with backoff and reported while the cycle
// stays good, or a failure of the cycle.
type bugError struct {
	Bug int
	Err error
}

func (e *bugError) Error() string { return "bug " + strconv.Itoa(e.Bug) + ": " + e.Err.Error() }
func (e *bugError) Unwrap() error { return e.Err }

// bugErr says that err happened working on one bug.
func bugErr(bugID int, err error) error { return &bugError{Bug: bugID, Err: err} }

// isolate takes out of a duty's error the failures that are one bug's own
// (a bugError whose cause is bugSpecific): each is recorded as troubled
// (bugFailed: backoff, error log, metric, dashboard) and the bug is left
// alone by the rest of the cycle. What is left fails the cycle: an outage,
// a rate limit, a lost lease, a store failure, an error about no bug.
func (c *Cycle) isolate(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var rest []error
		for _, e := range j.Unwrap() {
			if e = c.isolate(ctx, e); e != nil {
				rest = append(rest, e)
			}
		}
		return errors.Join(rest...)
	}
	be, ok := err.(*bugError)
	if !ok || !bugSpecific(be.Err) {
		return err
	}
	if c.failed[be.Bug] {
		return nil // already recorded in this cycle
	}
	if c.failed == nil {
		c.failed = map[int]bool{}
	}
	c.failed[be.Bug] = true
	return c.b.troubles.bugFailed(ctx, be.Bug, be.Err)
}

// recoverTroubled clears the troubles of the bugs that were due to be tried
// again in this cycle and did not fail: called after a complete, clean
// cycle, when every duty has had its go at them.
func (c *Cycle) recoverTroubled(ctx context.Context) error {
	for id := range c.troubles {
		if c.failed[id] || c.waitingOut(id, c.started) {
			continue
		}
		if err := c.b.troubles.bugRecovered(ctx, id); err != nil {
			return err
		}
	}
	return nil
}
