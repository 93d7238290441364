package bot

import (
	"fmt"
	"testing"

	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// The commands task walks the bugs with open requests in chunks and reads
// their comments commandsBatch bugs at a time: on the first look at more
// bugs than a chunk, a command on a bug at either side of a batch's or a
// chunk's edge is answered once.
func TestE2ECommandsAcrossBatches(t *testing.T) {
	e, bugs := moreBugsThanAChunk(t)
	n := len(bugs)
	asked := map[int]int{} // bug → the command's comment
	for _, i := range []int{0, commandsBatch - 1, commandsBatch, 2 * commandsBatch, n - 1, lastChangeChunk - 1, lastChangeChunk} {
		if i < n {
			asked[bugs[i]] = e.say(bugs[i], "dev2@example.test", "stewardbot: help").ID
		}
	}
	e.cycles(3)
	for bug, comment := range asked {
		if got := len(e.acks(bug, comment)); got != 1 {
			t.Errorf("bug %d: %d answers to the command, want 1\n%s", bug, got, e.logs.String())
		}
	}
}

// In a steady state only the bugs that changed are read: a few in one
// chunk are carried into the next chunk's batch, not dropped, so commands
// on bugs far apart, after the first look, are each answered once.
func TestE2ECommandsAcrossChunksAfterTheFirstLook(t *testing.T) {
	e, bugs := moreBugsThanAChunk(t)
	e.cycles(3) // every bug looked at once
	asked := map[int]int{}
	for _, i := range []int{1, 7, lastChangeChunk - 1, lastChangeChunk + 2} {
		asked[bugs[i]] = e.say(bugs[i], "dev2@example.test", "stewardbot: help").ID
	}
	e.cycles(1)
	for bug, comment := range asked {
		if got := len(e.acks(bug, comment)); got != 1 {
			t.Errorf("bug %d: %d answers to the command, want 1", bug, got)
		}
	}
}

// moreBugsThanAChunk files a request on each of more bugs than one chunk
// of the commands task and a batch more, and returns them in order.
func moreBugsThanAChunk(t *testing.T) (*e2e, []int) {
	t.Helper()
	e := newE2E(t, bugzillatest.Upstream, func(c *Config) { c.Poll.MaxWritesPerCycle = MaxWritesCap })
	var bugs []int
	for i := range lastChangeChunk + commandsBatch + 3 {
		bug, _ := e.request(fmt.Sprintf("Count clicks %d", i), demoForm(t, "clean-12q.md"), false, "steward1@example.test")
		bugs = append(bugs, bug)
	}
	return e, bugs
}
