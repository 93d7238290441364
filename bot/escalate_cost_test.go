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

// TestEscalationReadsWhatTheCapAllows pins what escalate reads when more
// notices are owed than the cycle may write: 200 requests each owe one
// notice to Trust and Legal (200 writes), and the cap is 50. A cycle must
// read what its 50 writes need, not what the 200 would:
//
//   - the re-reads before the notices (which also find the analysis
//     comments' numbers), in one batched request for the 50 bugs written
//     (core_rereads.go), and after the notices one batched read of their
//     comment ids (escalate_ids.go): 2 comment reads;
//   - the groups of the bugs written, in one request (not one per bug);
//   - each contact's account once (not once per notice);
//   - one batch of views (attachments' metadata, the forms' data) and the
//     authentication of a new process.
//
// The oldest requests go first, and over the cycles every notice is posted
// exactly once.
func TestEscalationReadsWhatTheCapAllows(t *testing.T) {
	const requests, maxWrites = 200, 50
	e := newE2E(t, bugzillatest.Upstream, func(c *Config) {
		c.Escalation.Trust, c.Escalation.Legal = []string{"trust@example.test"}, []string{"legal@example.test"}
		c.Poll.MaxWritesPerCycle = requests + 1 // the analyses, in one cycle
	})
	form := demoForm(t, "category3-release.md") // Trust and Legal
	bugs := make([]int, requests)
	for i := range bugs {
		bugs[i] = e.srv.AddBug(bugzillatest.Bug{Summary: "Collect visited URLs " + strconv.Itoa(i),
			Creator: "dev1@example.test", Description: "See the attachment."})
	}
	// Requested last bug first: the oldest request is on the newest bug,
	// so that bug order and age disagree.
	for i := requests - 1; i >= 0; i-- {
		e.advance(time.Minute)
		e.srv.AddAttachment(bugzillatest.Attachment{BugID: bugs[i], Summary: "Data review request",
			FileName: "request.md", ContentType: "text/plain", Data: []byte(form),
			Flags: []bugzillatest.Flag{bugzillatest.DataReview("steward1@example.test")}})
	}
	e.advance(5 * time.Minute)
	for _, task := range []string{"poll", "analyse"} {
		if err := e.bot.RunOnce(e.ctx, task); err != nil {
			t.Fatalf("%s: %v\n%s", task, err, e.logs.String())
		}
	}
	if got := len(e.srv.Writes()); got != requests {
		t.Fatalf("cold start wrote %d analyses, want %d", got, requests)
	}

	e.cfg.Poll.MaxWritesPerCycle = maxWrites
	e.newProcess()
	const perCycle = maxWrites // bugs whose notice fits in a cycle
	for cycle := 0; cycle < requests/perCycle; cycle++ {
		e.srv.ResetRecords()
		e.advance(5 * time.Minute)
		if err := e.bot.RunOnce(e.ctx, "escalate"); err != nil {
			t.Fatalf("cycle %d: %v\n%s", cycle, err, e.logs.String())
		}
		counts := e.srv.RequestCounts()
		var written []int
		for _, w := range e.srv.Writes() {
			id, err := strconv.Atoi(strings.TrimPrefix(w.Path, "/rest/bug/"))
			if err != nil {
				t.Fatalf("cycle %d: unexpected write %s %s", cycle, w.Method, w.Path)
			}
			if !slices.Contains(written, id) {
				written = append(written, id)
			}
		}
		slices.Sort(written)
		// The oldest requests: the newest bugs, 50 a cycle from the end.
		want := slices.Clone(bugs[requests-perCycle*(cycle+1) : requests-perCycle*cycle])
		if !slices.Equal(written, want) {
			t.Errorf("cycle %d wrote on bugs %v, want the oldest requests' %v", cycle, written, want)
		}
		if got := counts["PUT /rest/bug/{id}"]; got != maxWrites {
			t.Errorf("cycle %d: %d notices written, want the cap's %d", cycle, got, maxWrites)
		}
		wantReads := map[string]int{
			"GET /rest/bug/{id}/comment":    2, // the batched re-read, and the notices' ids read together after them
			"GET /rest/bug":                 1, // the groups of the 50 bugs
			"GET /rest/user":                2, // the Trust contact and the Legal contact, once each
			"GET /rest/bug/{id}/attachment": 1, // the views of one batch of requests
		}
		if cycle == 0 {
			// A new process authenticates in one request: the store
			// remembers the server (upstream, no whoami) from the seeding run.
			wantReads["GET /rest/valid_login"] = 1
		}
		got := map[string]int{}
		for ep, n := range counts {
			if strings.HasPrefix(ep, "GET ") || ep == "unknown" {
				got[ep] = n
			}
		}
		// The forms' data comes in batches by size: a few requests a cycle.
		if n := got["GET /rest/bug/attachment/{id}"]; n < 1 || n > 3 {
			t.Errorf("cycle %d: %d form data reads, want 1 to 3", cycle, n)
		}
		delete(got, "GET /rest/bug/attachment/{id}")
		if !maps.Equal(got, wantReads) {
			t.Errorf("cycle %d reads:\n got %v\nwant %v (and the forms' data)", cycle, got, wantReads)
		}
	}

	e.srv.ResetRecords()
	e.advance(5 * time.Minute)
	if err := e.bot.RunOnce(e.ctx, "escalate"); err != nil {
		t.Fatal(err)
	}
	if n := len(e.srv.Requests()); n != 0 {
		t.Errorf("escalate with nothing owed made %d requests: %v", n, e.srv.RequestCounts())
	}
	for _, bug := range bugs {
		if got := len(e.botCommentsOfKind(bug, kindEscalation)); got != 1 {
			t.Errorf("bug %d: %d notices, want 1", bug, got)
		}
		for _, kind := range []string{kindEscalationTrust, kindEscalationLegal} {
			if got := len(e.botCommentsOfKind(bug, kind)); got != 0 {
				t.Errorf("bug %d: %d %s notices, want none (one notice names both teams)", bug, got, kind)
			}
		}
	}
}
