package bot

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// TestRemindReadsWhatTheCapAllows pins what remind reads when more
// reminders are due than the cycle may write: 12 due, a write cap of 5.
// Each reminder sent costs its look at the live bug (history, needinfo
// flags; the comments of all of them in one batched read, which is also
// each write's re-read), and the steward's account is read once a cycle; the privacy of
// the attachment a reminder names is read when it is owed; nothing is read
// for the reminders the cap defers. The most overdue go first.
func TestRemindReadsWhatTheCapAllows(t *testing.T) {
	const requests, maxWrites = 12, 5
	e := newRemindE2E(t, bugzillatest.Upstream, func(c *Config) {
		c.Reminders.MaxPerCycle, c.Reminders.MaxPerPerson = 100, 100
		c.Poll.MaxWritesPerCycle = 100
	})
	bugs := seedOverdueRequests(t, e, requests, time.Hour, maxWrites)
	for cycle, left := 0, requests; left > 0; cycle++ {
		sent := min(left, maxWrites)
		written := remindCycle(t, e, cycle)
		want := slices.Clone(bugs[left-sent : left])
		if !slices.Equal(written, want) {
			t.Errorf("cycle %d reminded on bugs %v, want the most overdue %v", cycle, written, want)
		}
		wantReads := map[string]int{
			// the looks at the bugs the cap lets the cycle remind on, in one
			// batched read (planRereads), which is also each write's re-read
			"GET /rest/bug/{id}/comment": 1,
			"GET /rest/bug/{id}/history": sent,
			"GET /rest/bug":              sent, // the bot's needinfo flags, and the bug's groups
			// the privacy of the attachment the reminder names, read when it is owed
			"GET /rest/bug/attachment/{id}": sent,
			"GET /rest/user":                1, // whether the steward blocks needinfo, once a cycle
		}
		if cycle == 0 {
			// A new process authenticates in one request: the store
			// remembers the server (upstream, no whoami) from the seeding run.
			wantReads["GET /rest/valid_login"] = 1
		}
		got := map[string]int{}
		for ep, n := range e.srv.RequestCounts() {
			if strings.HasPrefix(ep, "GET ") || ep == "unknown" {
				got[ep] = n
			}
		}
		if !maps.Equal(got, wantReads) {
			t.Errorf("cycle %d reads:\n got %v\nwant %v", cycle, got, wantReads)
		}
		for _, q := range e.srv.Requests() {
			if q.Endpoint != "GET /rest/bug/{id}/comment" {
				continue
			}
			// The batch holds the bugs the cycle reminds on, no more.
			if n := 1 + len(q.Query["ids"]); n != sent {
				t.Errorf("cycle %d: the batched look read %d bugs, want %d", cycle, n, sent)
			}
		}
		left -= sent
	}
	for _, bug := range bugs {
		if got := len(e.markedComments(bug, remindKind(1))); got != 1 {
			t.Errorf("bug %d: %d first reminders, want 1", bug, got)
		}
	}
}

// seedOverdueRequests files n requests to steward1, the last bug's first,
// step apart (the most overdue request is on the newest bug), has the bot
// poll and analyze them, lets their first reminders fall due, and starts a
// new process with a write cap of maxWrites. It returns the bugs, oldest
// bug first.
func seedOverdueRequests(t *testing.T, e *e2e, n int, step time.Duration, maxWrites int) []int {
	t.Helper()
	form := mustReadDemoForm(t, "clean-12q.md")
	bugs := make([]int, n)
	for i := range bugs {
		bugs[i] = e.srv.AddBug(bugzillatest.Bug{Summary: "Request " + strconv.Itoa(i),
			Creator: "dev1@example.test", Description: "See the attachment."})
	}
	for i := n - 1; i >= 0; i-- {
		e.advance(step)
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
	return bugs
}

// remindCycle runs the remind task alone, five minutes on, with the fake's
// records reset, and returns the bugs it wrote on, sorted.
func remindCycle(t *testing.T, e *e2e, cycle int) []int {
	t.Helper()
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
	return written
}
