package bot

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// remind reads the open requests dueReminderChunk bugs at a time, and
// still sends the most overdue first across all of them: with the oldest
// requests on the newest bugs, the last chunk's, a write cap of 5 sends
// those five first.
func TestRemindMostOverdueFirstAcrossChunks(t *testing.T) {
	const maxWrites = 5
	requests := dueReminderChunk + 2*maxWrites
	e := newRemindE2E(t, bugzillatest.Upstream, func(c *Config) {
		c.Reminders.MaxPerCycle, c.Reminders.MaxPerPerson = 1000, 1000
		c.Poll.MaxWritesPerCycle = MaxWritesCap
	})
	form := mustReadDemoForm(t, "clean-12q.md")
	bugs := make([]int, requests)
	for i := range bugs {
		bugs[i] = e.srv.AddBug(bugzillatest.Bug{Summary: "Request " + strconv.Itoa(i),
			Creator: "dev1@example.test", Description: "See the attachment."})
	}
	// Requested last bug first: the most overdue request is on the newest bug.
	for i := requests - 1; i >= 0; i-- {
		e.advance(time.Minute)
		e.srv.AddAttachment(bugzillatest.Attachment{BugID: bugs[i], Summary: "Data review request",
			FileName: "request.md", ContentType: "text/plain", Data: form,
			Flags: []bugzillatest.Flag{bugzillatest.DataReview(steward1)}})
	}
	e.advance(5 * time.Minute)
	for _, task := range []string{"poll", "analyze"} {
		if err := e.bot.RunOnce(e.ctx, task); err != nil {
			t.Fatalf("%s: %v\n%s", task, err, e.logs.String())
		}
	}
	// Every first reminder is due by Thursday (2 business days after Monday).
	e.advance(72 * time.Hour)
	e.cfg.Poll.MaxWritesPerCycle = maxWrites
	e.newProcess()
	for cycle := range 2 {
		e.srv.ResetRecords()
		e.advance(5 * time.Minute)
		if err := e.bot.RunOnce(e.ctx, "remind"); err != nil {
			t.Fatalf("cycle %d: %v\n%s", cycle, err, e.logs.String())
		}
		var written []int
		for _, w := range e.srv.Writes() {
			id, err := strconv.Atoi(strings.TrimPrefix(w.Path, "/rest/bug/"))
			if err != nil {
				t.Fatalf("cycle %d: unexpected write %s %s", cycle, w.Method, w.Path)
			}
			written = append(written, id)
		}
		slices.Sort(written)
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
	if reads != 0 {
		t.Fatalf("read %d times before any pick", reads)
	}
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
