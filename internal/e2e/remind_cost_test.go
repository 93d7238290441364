package e2e

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// TestIdleCycleCostsOnlyThePoll: with requests open and none to send (all
// filed just now, or all either done or held back by the per-person cap), a
// cycle after the first sends exactly what the poll task alone sends. The
// reminders cost nothing until a request is due (issue 4: an idle cycle costs
// one or two requests).
func TestIdleCycleCostsOnlyThePoll(t *testing.T) {
	for _, d := range []bugzillatest.Dialect{bugzillatest.Upstream, bugzillatest.BMO} {
		for _, fresh := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/fresh=%v", d, fresh), func(t *testing.T) {
				r := newRig(t, d)
				exps, err := SeedCorpus(r.Fake, 0, 44, fresh)
				if err != nil {
					t.Fatal(err)
				}
				r.exps = exps
				r.Settle(8)

				r.Fake.ResetRecords()
				r.Advance(5 * time.Minute)
				if err := r.bot.RunOnce(r.Ctx, "poll"); err != nil {
					t.Fatal(err)
				}
				poll := r.Fake.RequestCounts()

				for i := range 3 {
					r.Fake.ResetRecords()
					if err := r.Cycle(); err != nil {
						t.Fatal(err)
					}
					if diff := cmp.Diff(r.Fake.RequestCounts(), poll); diff != "" {
						t.Errorf("idle cycle %d: requests by endpoint (-got +want: the poll alone):\n%s", i+1, diff)
					}
				}
				if n := r.Requests(); n < 1 || n > 2 {
					t.Errorf("idle cycle: %d requests %v; want 1 or 2", r.Requests(), r.Fake.RequestCounts())
				}
			})
		}
	}
}

var historyPath = regexp.MustCompile(`^/rest/bug/(\d+)/history$`)

// historyReads lists the bugs whose history the last cycles read: the
// remind task's look at a live bug (comments, history, flags).
func historyReads(r *rig) []string {
	var out []string
	for _, q := range r.Fake.Requests() {
		if m := historyPath.FindStringSubmatch(q.Path); m != nil {
			out = append(out, m[1])
		}
	}
	return out
}

// TestDryRunDueRemindersReadOnce: in a dry run over many requests due for a
// reminder, each due bug is read once; the logged reminder (or the cap that
// holds it back) moves it out of the next cycles' way. Before, the dry run
// logged nothing new, recorded nothing, and read the same capped bugs every
// cycle. Switching to live then sends what the dry run only logged.
func TestDryRunDueRemindersReadOnce(t *testing.T) {
	const n = 120
	r := newRig(t, bugzillatest.Upstream, dryRunAnalysis(n))
	r.seed(n)
	if err := r.coldStart(); err != nil {
		t.Fatal(err)
	}
	r.Advance(7 * 24 * time.Hour) // every open request is due for a reminder
	r.Fake.ResetRecords()

	readBy := map[string]int{} // bug -> the cycle that read it
	total := 0
	for cycle := 1; cycle <= 6; cycle++ {
		r.Fake.ResetRecords()
		if err := r.Cycle(); err != nil {
			t.Fatal(err)
		}
		if w := r.Fake.Writes(); len(w) != 0 {
			t.Fatalf("dry run wrote: %v", w)
		}
		reads := historyReads(r)
		if cycle == 1 && len(reads) == 0 {
			t.Fatal("the first cycle read no due bug: the test sets nothing due")
		}
		for _, bug := range reads {
			if prev, ok := readBy[bug]; ok {
				t.Errorf("cycle %d re-read bug %s, read in cycle %d", cycle, bug, prev)
			}
			readBy[bug] = cycle
		}
		total += len(reads)
	}
	logged := strings.Count(r.Logs.String(), `"action":"remind-1"`)
	if logged == 0 {
		t.Fatalf("the dry run logged no reminder; logs:\n%s", r.Logs.Tail(3000))
	}
	t.Logf("%d bugs read in 6 cycles, %d reminder log lines", total, logged)

	// Live now: what the dry run only logged is sent (remind-1 markers land).
	r.Config.DryRun = false
	r.NewProcess()
	sent := 0
	for range 8 {
		r.Fake.ResetRecords()
		if err := r.Cycle(); err != nil {
			t.Fatal(err)
		}
		for _, w := range r.Fake.Writes() {
			if strings.Contains(fmt.Sprint(w.Body), tagPrefix+":remind-1 ") {
				sent++
			}
		}
	}
	if sent == 0 {
		t.Errorf("after the switch to live, no reminder was sent; logs:\n%s", r.Logs.Tail(3000))
	}
	t.Logf("live: %d reminders sent", sent)
}
