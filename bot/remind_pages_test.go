package bot

import (
	"context"
	"errors"
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

// The budget reads the open requests on the first pick of a steward, once,
// and keeps the assignments made since; an error is returned and read
// again next time.
func TestRemindBudgetReadsOpenRequestsOnFirstUse(t *testing.T) {
	reads := 0
	fail := true
	bg := &remindBudget{loadOpen: func(context.Context) ([]store.Request, error) {
		reads++
		if fail {
			return nil, errors.New("store down")
		}
		return []store.Request{{FlagID: 1}, {FlagID: 2, Requestee: steward1}}, nil
	}}
	if _, err := bg.openRequests(context.Background()); err == nil {
		t.Fatal("a failed read returned no error")
	}
	fail = false
	for range 3 {
		if _, err := bg.openRequests(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	bg.assigned(1, steward2)
	open, _ := bg.openRequests(context.Background())
	if reads != 2 || open[0].Requestee != steward2 {
		t.Errorf("%d reads (want 2: the failed one, then once), flag 1's requestee %q (want %q)", reads, open[0].Requestee, steward2)
	}
}
