package bot

import (
	"testing"

	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// TestCycleReadsCommentsOnce checks that, in one cycle, the commands and
// escalate tasks share what they read of a bug: each bug's comments are
// read once, and the attachments' metadata in batches, not once per bug.
// The forms are pasted in comments, so escalate needs the comments too.
func TestCycleReadsCommentsOnce(t *testing.T) {
	const n = 12
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			e := newE2E(t, d, func(c *Config) {
				c.DryRun = true // nothing written: no re-read before a write either
				c.Poll.MaxWritesPerCycle = 10 * n
			})
			form := demoForm(t, "clean-12q.md")
			for range n {
				bug := e.srv.AddBug(bugzillatest.Bug{Summary: "Count widget clicks", Creator: "dev1@example.test",
					Description: form})
				e.srv.AddAttachment(bugzillatest.Attachment{BugID: bug, Summary: "Patch", FileName: "D1",
					ContentType: "text/x-phabricator-request", Data: []byte("https://phabricator.example.test/D1"),
					Flags: []bugzillatest.Flag{bugzillatest.DataReview("steward1@example.test")}})
			}
			// The first cycles find and analyse the requests (poll and
			// analyse alone, as a cold start); the next is the first look of
			// commands and escalate.
			e.advance(5 * 60e9)
			for _, task := range []string{"poll", "analyse"} {
				if err := e.bot.RunOnce(e.ctx, task); err != nil {
					t.Fatalf("%s: %v\n%s", task, err, e.logs.String())
				}
			}
			e.srv.ResetRecords()
			e.mustCycle()
			counts := e.srv.RequestCounts()
			if got := counts["GET /rest/bug/{id}/comment"]; got != n {
				t.Errorf("comment reads in the cycle = %d, want %d (one per bug); all requests: %v", got, n, counts)
			}
			if got := counts["GET /rest/bug/{id}/attachment"]; got > 1 {
				t.Errorf("attachment metadata reads = %d, want 1 batch; all requests: %v", got, counts)
			}
			if analysed := len(e.posted); analysed < n {
				t.Errorf("%d dry-run comments logged, want at least %d (one analysis per bug)", analysed, n)
			}
		})
	}
}

// TestCycleViewsBounded checks the cache's byte count through puts, growth
// and forgets, and that the oldest views go first past the bound.
func TestCycleViewsBounded(t *testing.T) {
	var cv cycleViews
	view := func(id int, size int) *cachedView {
		v := newBugView(id, nil, 1<<20)
		v.setData(1, make([]byte, size))
		return &cachedView{view: v}
	}
	half := maxCycleViewBytes / 2
	cv.put(1, view(1, half))
	cv.put(2, view(2, half))
	if cv.bytes != maxCycleViewBytes || len(cv.byBug) != 2 {
		t.Fatalf("after two halves: %d bytes, %d views; want %d, 2", cv.bytes, len(cv.byBug), maxCycleViewBytes)
	}
	cv.byBug[2].view.setData(2, make([]byte, 10)) // grows in place, counted
	if cv.bytes != maxCycleViewBytes+10 {
		t.Fatalf("after growth: %d bytes, want %d", cv.bytes, maxCycleViewBytes+10)
	}
	cv.put(3, view(3, 100))
	if cv.byBug[1] != nil || cv.byBug[2] == nil || cv.byBug[3] == nil {
		t.Errorf("over the bound: kept %v, want bugs 2 and 3 (the oldest dropped)", cv.byBug)
	}
	if want := int64(half + 10 + 100); cv.bytes != want {
		t.Errorf("after dropping the oldest: %d bytes, want %d", cv.bytes, want)
	}
	cv.forget(2)
	cv.forget(2)
	if cv.bytes != 100 || cv.get(3, zeroTime) == nil {
		t.Errorf("after forgetting bug 2: %d bytes, bug 3 %v; want 100 and kept", cv.bytes, cv.get(3, zeroTime))
	}
	if cv.get(3, zeroTime.Add(1)) != nil {
		t.Error("a view read at another last change is handed out")
	}
}
