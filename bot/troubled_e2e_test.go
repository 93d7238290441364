package bot

import (
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// troubleCounter is an Observer that counts failures, as bot/metrics does.
type troubleCounter struct {
	nopObserver
	mu       sync.Mutex
	failed   map[string]int
	troubled map[string]int
}

func (o *troubleCounter) Failed(kind string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.failed[kind]++
}

func (o *troubleCounter) Troubled(kind string, n int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.troubled[kind] = n
}

func newTroubleCounter() *troubleCounter {
	return &troubleCounter{failed: map[string]int{}, troubled: map[string]int{}}
}

// A bug Bugzilla refuses to load (here an id it rejects as not a bug
// number, as a real server does for a forged one) must not stop the bugs
// queued with it: they are analysed, the cycle counts as good, and the bad
// bug is logged at error level, counted, listed and retried with a backoff
// that survives a restart. An id no Bugzilla can hold is dropped from the
// queue at once.
func TestE2EOneBadBugDoesNotStopTheOthers(t *testing.T) {
	const bad = 1234567890 // within INT, refused by the server (code 100)
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			e := newE2E(t, d, nil)
			obs := newTroubleCounter()
			e.bot.obs = obs
			var bugs []int
			for _, s := range []string{"Count widget clicks", "Count tab closes", "Count menu opens"} {
				bug, _ := e.request(s, demoForm(t, "clean-12q.md"), false, "steward1@example.test")
				bugs = append(bugs, bug)
			}
			// Marks a webhook left before ids were checked; they survive restarts.
			marks := []store.BugMark{{BugID: bad, MarkedAt: e.clock.Now()}, {BugID: 9223372036854775807, MarkedAt: e.clock.Now()}}
			if err := e.st.MarkDirty(e.ctx, marks); err != nil {
				t.Fatal(err)
			}
			e.mustCycle() // a good cycle despite the bad bug
			for _, bug := range bugs {
				if n := len(e.botCommentsOfKind(bug, "analysis")); n != 1 {
					t.Errorf("bug %d: %d analyses, want 1", bug, n)
				}
			}
			last, err := e.bot.Status().LastGoodCycle(e.ctx)
			if err != nil || last.IsZero() {
				t.Errorf("last good cycle = %v, %v; want the cycle just run", last, err)
			}
			if !strings.Contains(e.logs.String(), `"level":"error"`) || !strings.Contains(e.logs.String(), `"bug_id":1234567890`) {
				t.Errorf("no error-level log line naming the bad bug:\n%s", e.logs.String())
			}
			if obs.failed[store.TroubleRead] != 1 || obs.troubled[store.TroubleRead] != 1 {
				t.Errorf("metrics: failed %v, troubled %v; want one read failure, one troubled bug", obs.failed, obs.troubled)
			}
			listed, err := e.bot.Status().TroubledBugs(e.ctx)
			if err != nil || len(listed) != 1 || listed[0].BugID != bad || listed[0].Kind != store.TroubleRead ||
				listed[0].Failures != 1 || !listed[0].RetryAt.Equal(e.clock.Now().UTC().Add(5*time.Minute)) || !strings.Contains(listed[0].Reason, "code 100") {
				t.Fatalf("troubled bugs = %+v, %v; want bug %d, one failure, retried in 5 minutes", listed, err, bad)
			}
			dirty, err := e.st.DirtyBugs(e.ctx, 0, 1000)
			if err != nil || len(dirty) != 1 || dirty[0] != bad {
				t.Errorf("queue = %v, %v; want the bad bug only (the out-of-range id dropped)", dirty, err)
			}

			// The backoff doubles: tried again after 5 minutes, then after 10.
			// Requests that name the bad bug (alone, after the split).
			reads := func() int {
				n := 0
				for _, r := range e.srv.Requests() {
					if strings.Contains(r.Path, "1234567890") || strings.Contains(r.Query.Encode(), "1234567890") {
						n++
					}
				}
				return n
			}
			before := reads()
			e.mustCycle() // +5 min: due
			if n := reads() - before; n != 1 {
				t.Errorf("due retry: %d reads of the bad bug, want 1", n)
				for _, r := range e.srv.Requests() {
					t.Logf("%s %s %s %d", r.Method, r.Path, r.Query.Encode(), r.Status)
				}
			}
			e.newProcess() // a restart keeps the backoff
			e.bot.obs = obs
			before = reads()
			e.mustCycle() // +10 min after the first failure, 5 after the second: not due
			if n := reads() - before; n != 0 {
				t.Errorf("within the backoff: %d reads of the bad bug, want 0", n)
			}
			if listed, _ := e.bot.Status().TroubledBugs(e.ctx); len(listed) != 1 || listed[0].Failures != 2 {
				t.Errorf("after the second failure: %+v", listed)
			}
		})
	}
}

// A write Bugzilla keeps refusing is visible: each refusal is logged at
// error level and counted, and the write is listed on the dashboard, given
// up on after maxWriteAttempts; once a later write succeeds it is cleared.
func TestE2ERefusedWriteIsReported(t *testing.T) {
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			e := newE2E(t, d, nil)
			obs := newTroubleCounter()
			e.bot.obs = obs
			bug, _ := e.request("Count widget clicks", demoForm(t, "clean-12q.md"), false, "steward1@example.test")
			e.srv.InjectFault(bugzillatest.Fault{Method: "POST", Path: "/rest/bug/*/comment", Status: 400})
			for i := 1; i <= maxWriteAttempts+1; i++ {
				e.mustCycle() // a refused write does not fail the cycle
			}
			if n := strings.Count(e.logs.String(), "refused"); n < maxWriteAttempts {
				t.Errorf("%d log lines about the refusal, want %d:\n%s", n, maxWriteAttempts, e.logs.String())
			}
			for _, line := range strings.Split(e.logs.String(), "\n") {
				if strings.Contains(line, "Bugzilla refused") && !strings.Contains(line, `"level":"error"`) {
					t.Errorf("a refusal logged below error level: %s", line)
				}
			}
			if !strings.Contains(e.logs.String(), "given up") {
				t.Errorf("giving up was not logged:\n%s", e.logs.String())
			}
			if obs.failed[store.TroubleWrite] != maxWriteAttempts || obs.troubled[store.TroubleWrite] != 1 {
				t.Errorf("metrics: failed %v, troubled %v; want %d write failures, one troubled write", obs.failed, obs.troubled, maxWriteAttempts)
			}
			listed, err := e.bot.Status().TroubledBugs(e.ctx)
			if err != nil || len(listed) != 1 || listed[0].BugID != bug || listed[0].Kind != store.TroubleWrite ||
				listed[0].Failures != maxWriteAttempts || !listed[0].RetryAt.IsZero() {
				t.Fatalf("troubled = %+v, %v; want bug %d's write, given up after %d failures", listed, err, bug, maxWriteAttempts)
			}
		})
	}
}

// When every bug of a batch fails alone (Bugzilla answering 500 to all),
// it is Bugzilla's failure, not the bugs': the split stops after a few,
// the cycle fails, and no bug is put on backoff.
func TestE2EEveryBugFailingIsBugzillasFailure(t *testing.T) {
	e := newE2E(t, bugzillatest.Upstream, nil)
	for i := range 20 {
		e.request("Count clicks "+strconv.Itoa(i), demoForm(t, "clean-12q.md"), false, "steward1@example.test")
	}
	e.mustCycle() // authenticated, analysed
	for i := range 20 {
		if err := e.st.MarkDirty(e.ctx, []store.BugMark{{BugID: i + 1, MarkedAt: e.clock.Now()}}); err != nil {
			t.Fatal(err)
		}
	}
	// A refusal every bug gets looks, bug by bug, like each one's fault.
	remove := e.srv.InjectFault(bugzillatest.Fault{Method: "GET", Path: "/rest/bug/*/attachment", Status: 400})
	defer remove()
	before := e.srv.RequestCounts()["GET /rest/bug/{id}/attachment"]
	if err := e.cycle(); err == nil || !strings.Contains(err.Error(), "taken for a failure of Bugzilla's") {
		t.Fatalf("cycle = %v, want it to fail for Bugzilla's failure", err)
	}
	if n := e.srv.RequestCounts()["GET /rest/bug/{id}/attachment"] - before; n > 20 {
		t.Errorf("%d attachment reads to find that out, want fewer than the batch's 20 bugs", n)
	}
	if listed, err := e.bot.Status().TroubledBugs(e.ctx); err != nil || len(listed) != 0 {
		t.Errorf("troubled = %+v (%v), want none: the bugs are not at fault", listed, err)
	}
}

// A refused write in another task than analyze (here the answer to a
// command) is reported the same way and does not fail the cycle either.
func TestE2ERefusedAnswerDoesNotFailTheCycle(t *testing.T) {
	e, bug := commandsE2E(t, bugzillatest.BMO)
	e.say(bug, "steward1@example.test", "stewardbot: help")
	e.srv.InjectFault(bugzillatest.Fault{Method: "POST", Path: "/rest/bug/*/comment", Status: 400})
	e.mustCycle()
	listed, err := e.bot.Status().TroubledBugs(e.ctx)
	if err != nil || len(listed) != 1 || listed[0].BugID != bug || listed[0].Kind != store.TroubleWrite {
		t.Errorf("troubled = %+v, %v; want the refused answer on bug %d", listed, err, bug)
	}
}

// A bare 500 page (a proxy's, or a server's that never reached Bugzilla's
// own error handling) is Bugzilla's failure at once: the cycle fails, the
// batch is not split bug by bug, and no bug goes on backoff. Only a 500
// carrying Bugzilla's error code is about the bug asked for.
func TestE2EBare500IsBugzillasFailure(t *testing.T) {
	e := newE2E(t, bugzillatest.Upstream, nil)
	for i := range 5 {
		e.request("Count clicks "+strconv.Itoa(i), demoForm(t, "clean-12q.md"), false, "steward1@example.test")
	}
	e.mustCycle()
	for i := range 5 {
		if err := e.st.MarkDirty(e.ctx, []store.BugMark{{BugID: i + 1, MarkedAt: e.clock.Now()}}); err != nil {
			t.Fatal(err)
		}
	}
	remove := e.srv.InjectFault(bugzillatest.Fault{Method: "GET", Path: "/rest/bug/*/attachment", Status: 500})
	defer remove()
	before := e.srv.RequestCounts()["GET /rest/bug/{id}/attachment"]
	if err := e.cycle(); err == nil {
		t.Fatal("cycle = nil, want it to fail on Bugzilla's 500")
	}
	if n := e.srv.RequestCounts()["GET /rest/bug/{id}/attachment"] - before; n != 1 {
		t.Errorf("%d attachment reads, want 1: a bare 500 is not split bug by bug", n)
	}
	if listed, err := e.bot.Status().TroubledBugs(e.ctx); err != nil || len(listed) != 0 {
		t.Errorf("troubled = %+v (%v), want none", listed, err)
	}
}
