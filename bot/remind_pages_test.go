package bot

import (
	"context"

	"errors"
	"github.com/google/go-cmp/cmp"
	"slices"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// remind reads the open requests a page at a time, and still sends the
// most overdue first across all of them: with the oldest requests on the
// newest bugs, the last page's, a write cap of 5 sends those five first.
func TestRemindMostOverdueFirstAcrossPages(t *testing.T) {
	const maxWrites = 5
	requests := openRequestsPage + 2*maxWrites
	e := newRemindE2E(t, bugzillatest.Upstream, func(c *Config) {
		c.Reminders.MaxPerCycle, c.Reminders.MaxPerPerson = 1000, 1000
		c.Poll.MaxWritesPerCycle = MaxWritesCap
	})
	bugs := seedOverdueRequests(t, e, requests, time.Minute, maxWrites)
	for cycle := range 2 {
		written := remindCycle(t, e, cycle)
		last := requests - cycle*maxWrites
		if want := bugs[last-maxWrites : last]; !slices.Equal(written, want) {
			t.Errorf("cycle %d reminded on bugs %v, want the most overdue %v", cycle, written, want)
		}
	}
}

// The budget counts the open requests of each requestee on the first pick
// of a steward, once, walking them a page at a time (all of them, also past
// a page), and keeps the assignments made since; an error is returned and
// the count made again next time.
func TestRemindBudgetCountsOpenRequestsOnFirstUse(t *testing.T) {
	reqs := []store.Request{{BugID: 1, FlagID: 1}, {BugID: 1, FlagID: 2, Requestee: "Steward1@Example.test"}}
	for i := range 2 * openRequestsPage {
		reqs = append(reqs, store.Request{BugID: 2 + i, FlagID: 3 + i, Requestee: steward2})
	}
	pager := &pagerOf{reqs: reqs, err: errors.New("store down")} // the third page fails
	bg := &remindBudget{openWalk: pager}
	if _, err := bg.openCounts(context.Background()); err == nil {
		t.Fatal("a failed walk returned no error")
	}
	pager.err = nil
	for range 3 {
		if _, err := bg.openCounts(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if pager.pages != 3+3 {
		t.Errorf("%d pages read, want 6: the failed walk's 3, then one walk of 3 pages", pager.pages)
	}
	bg.assigned(reqs[0], steward2)
	bg.assigned(reqs[1], steward2) // taken from steward1: a reassignment
	got, _ := bg.openCounts(context.Background())
	want := map[string]int{steward1: 0, steward2: 2*openRequestsPage + 2}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("open requests per requestee (-got +want):\n%s", diff)
	}
}
