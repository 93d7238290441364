package bot

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// TestE2EConcurrentReadRateLimitParksAll: with reads in flight together
// (bugzilla.read_concurrency, 4 by default), a 429 on one of them halts
// the cycle before any write and parks the bot: the cycles that follow
// send nothing until the park ends, then every bug gets its comment once.
func TestE2EConcurrentReadRateLimitParksAll(t *testing.T) {
	// A cap above the bugs, so that analyze reads several batches at once.
	e := newE2E(t, bugzillatest.Upstream, func(c *Config) { c.Poll.MaxWritesPerCycle = 400 })
	e.mustCycle()
	const n = 250 // formless: their comments are read 100 bugs a request, three requests together
	bugs := make([]int, n)
	for i := range bugs {
		bugs[i], _ = e.patchRequest(fmt.Sprintf("Count widget clicks %d", i))
	}
	e.srv.SetLatency(20 * time.Millisecond)
	e.srv.InjectFault(bugzillatest.Fault{Method: "GET", Path: "/rest/bug/*/comment", Times: 1, Status: 429, RetryAfter: time.Hour})
	e.srv.ResetRecords()
	err := e.cycle()
	var park *ParkedError
	if !errors.As(err, &park) {
		t.Fatalf("cycle with a 429 among concurrent reads: err = %v", err)
	}
	if got := e.srv.MaxInFlight(); got < 2 {
		t.Errorf("at most %d request in flight: the reads were not sent together", got)
	}
	if w := e.srv.Writes(); len(w) != 0 {
		t.Fatalf("%d writes in a cycle halted by a rate limit", len(w))
	}
	e.srv.SetLatency(0)
	e.srv.ResetRecords()
	if err := e.cycle(); !errors.As(err, &park) {
		t.Fatalf("cycle while parked: err = %v", err)
	}
	if got := len(e.srv.Requests()); got != 0 {
		t.Fatalf("%d requests while parked: %v", got, e.srv.RequestCounts())
	}
	e.advance(time.Hour)
	for range 2 { // the writes, then one more look
		e.mustCycle()
	}
	for _, bug := range bugs {
		if got := len(e.botComments(bug)); got != 1 {
			t.Errorf("bug %d: %d comments after the park, want 1", bug, got)
		}
	}
}
