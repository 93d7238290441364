package bot

import (
	"runtime"
	"strings"
	"testing"
	"weak"

	"github.com/google/go-cmp/cmp"

	"github.com/stewardbot/stewardbot/bugzilla"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// TestCycleReadsCommentsOnce checks that the bugs' comments are read in
// batches where a task needs many: in the cold start, analyze reads the
// comments of the bugs it read together in one request (viewBatch); in the
// next cycle, the commands and escalate tasks share what they read of a
// bug: the bugs' comments are read once, in one batched request (commands'
// first look), and the attachments' metadata in batches, not once per bug.
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
			// The first cycles find and analyze the requests (poll and
			// analyze alone, as a cold start); the next is the first look of
			// commands and escalate.
			e.advance(5 * 60e9)
			e.srv.ResetRecords()
			for _, task := range []string{"poll", "analyze"} {
				if err := e.bot.RunOnce(e.ctx, task); err != nil {
					t.Fatalf("%s: %v\n%s", task, err, e.logs.String())
				}
			}
			// analyze looks for the forms in the comments of the bugs it
			// read together: one batched read, which also serves as the
			// bugs' re-reads before their (dry-run) writes, nothing having
			// been written on them since (core_rereads.go).
			counts := e.srv.RequestCounts()
			if got := counts["GET /rest/bug/{id}/comment"]; got != 1 {
				t.Errorf("comment reads in the cold start = %d, want 1 (one batch to find the forms and re-read before the writes); all requests: %v", got, counts)
			}
			e.srv.ResetRecords()
			e.mustCycle()
			counts = e.srv.RequestCounts()
			if got := counts["GET /rest/bug/{id}/comment"]; got != 1 {
				t.Errorf("comment reads in the cycle = %d, want 1 (one batch for the %d bugs); all requests: %v", got, n, counts)
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
	var cv viewCache
	// view is a view of size bytes in all: its own structures and content.
	view := func(id int, size int64) *cachedView {
		v := newBugView(id, nil, 1<<20)
		v.setData(1, make([]byte, size-viewBytes-mapEntryBytes))
		if v.size != size {
			t.Fatalf("view of %d bytes counts %d", size, v.size)
		}
		return &cachedView{view: v}
	}
	half := int64(maxCycleViewBytes / 2)
	cv.put(1, view(1, half))
	cv.put(2, view(2, half))
	if cv.bytes != maxCycleViewBytes || len(cv.byBug) != 2 {
		t.Fatalf("after two halves: %d bytes, %d views; want %d, 2", cv.bytes, len(cv.byBug), maxCycleViewBytes)
	}
	cv.byBug[2].view.setData(2, make([]byte, 10)) // grows in place, counted
	if want := int64(maxCycleViewBytes + mapEntryBytes + 10); cv.bytes != want {
		t.Fatalf("after growth: %d bytes, want %d", cv.bytes, want)
	}
	cv.put(3, view(3, 1000))
	if cv.byBug[1] != nil || cv.byBug[2] == nil || cv.byBug[3] == nil {
		t.Errorf("over the bound: kept %v, want bugs 2 and 3 (the oldest dropped)", cv.byBug)
	}
	if want := half + mapEntryBytes + 10 + 1000; cv.bytes != want {
		t.Errorf("after dropping the oldest: %d bytes, want %d", cv.bytes, want)
	}
	cv.forget(2)
	cv.forget(2)
	if cv.bytes != 1000 || cv.get(3, zeroTime) == nil {
		t.Errorf("after forgetting bug 2: %d bytes, bug 3 %v; want 1000 and kept", cv.bytes, cv.get(3, zeroTime))
	}
	if cv.get(3, zeroTime.Add(1)) != nil {
		t.Error("a view read at another last change is handed out")
	}
}

// TestViewBatchComments: the first view of a batch to need comments reads
// those of all its views in one call; when a bug of the batch is hidden
// (the whole call fails), each view reads its own.
func TestViewBatchComments(t *testing.T) {
	e := newE2E(t, bugzillatest.Upstream, nil)
	var bugs []int
	for range 3 {
		bug := e.newBug("Count widget clicks")
		e.srv.AddComment(bugzillatest.Comment{BugID: bug, Creator: "dev1@example.test", Text: "comment on " + itoa(bug)})
		bugs = append(bugs, bug)
	}
	const hidden = 999999 // no such bug: as a hidden one, it fails the batch
	bz := e.rig.Client
	batchOf := func(ids ...int) []*bugView {
		vb := &viewBatch{}
		var views []*bugView
		for _, id := range ids {
			v := newBugView(id, nil, 1<<20)
			v.batch = vb
			vb.views = append(vb.views, weak.Make(v))
			views = append(views, v)
		}
		return views
	}
	// commentReads lists the comment requests since the last call, each as
	// the bugs it asked for (the path's, then the ids parameter's).
	commentReads := func() [][]string {
		var out [][]string
		for _, r := range e.srv.Requests() {
			if r.Endpoint == "GET /rest/bug/{id}/comment" {
				path := strings.TrimSuffix(strings.TrimPrefix(r.Path, "/rest/bug/"), "/comment")
				out = append(out, append([]string{path}, r.Query["ids"]...))
			}
		}
		e.srv.ResetRecords()
		return out
	}
	ctx := t.Context()
	e.srv.ResetRecords()
	views := batchOf(bugs...)
	for _, v := range views {
		cs, err := v.allComments(ctx, bz)
		if err != nil || len(cs) != 2 || cs[1].Text != "comment on "+itoa(v.id) {
			t.Fatalf("bug %d: comments %+v, %v", v.id, cs, err)
		}
	}
	if diff := cmp.Diff(commentReads(), [][]string{{itoa(bugs[0]), itoa(bugs[1]), itoa(bugs[2])}}); diff != "" {
		t.Errorf("comment requests (-got +want):\n%s", diff)
	}
	views = batchOf(bugs[0], hidden)
	if cs, err := views[0].allComments(ctx, bz); err != nil || len(cs) != 2 {
		t.Fatalf("bug %d after the batch failed: %+v, %v", bugs[0], cs, err)
	}
	if diff := cmp.Diff(commentReads(), [][]string{{itoa(bugs[0]), itoa(hidden)}, {itoa(bugs[0])}}); diff != "" {
		t.Errorf("comment requests with a hidden bug (-got +want):\n%s", diff)
	}

	// A view does not keep the others of its batch alive: once they are
	// gone, it reads alone.
	keep := batchOf(bugs...)[0]
	runtime.GC()
	if cs, err := keep.allComments(ctx, bz); err != nil || len(cs) != 2 {
		t.Fatalf("bug %d alone: %+v, %v", bugs[0], cs, err)
	}
	if diff := cmp.Diff(commentReads(), [][]string{{itoa(bugs[0])}}); diff != "" {
		t.Errorf("comment requests once the batch's other views are collected (-got +want):\n%s", diff)
	}
}

// TestViewSizeCountsStructures checks that a view's size counts what its
// attachments' metadata and comments hold beyond their text, so that the
// cache's bound is near the heap it keeps.
func TestViewSizeCountsStructures(t *testing.T) {
	atts := []bugzilla.Attachment{{ID: 1, FileName: "form.md", Summary: "Data review request", ContentType: "text/plain",
		Creator: "dev@example.test", Flags: []bugzilla.Flag{{Name: "data-review", Status: "?", Setter: "dev@example.test", Requestee: "steward@example.test"}}}}
	v := newBugView(7, atts, 1<<20)
	if floor := viewBytes + int64(len("form.md")+len("Data review request")+len("text/plain")+2*len("dev@example.test")+len("data-review")+1+len("steward@example.test")); v.size <= floor {
		t.Errorf("view with one attachment counts %d bytes, want more than its strings and the view (%d)", v.size, floor)
	}
	before := v.size
	v.setComments([]bugzilla.Comment{{Text: "hi", Creator: "dev@example.test", Tags: []string{"spam"}}, {Text: ""}})
	if got, least := v.size-before, int64(200); got < least {
		t.Errorf("two short comments count %d bytes, want at least %d: their structures hold more than their text", got, least)
	}
}
