package bot

import (
	"context"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bugzilla"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// TestReadCacheForgetsOnWrite pins the write path's invariant where it
// lives: whichever write the bot makes on a bug, and whoever makes it, the
// next read of that bug reaches the server; what the cycle read of other
// bugs stays cached, except after an attachment update, whose bug a view of
// comments alone cannot tell: every view goes then.
func TestReadCacheForgetsOnWrite(t *testing.T) {
	for _, tt := range []struct {
		name        string
		write       func(ctx context.Context, rc *readCache, bug, att int) error
		keepsOthers bool
	}{
		{"AddComment", func(ctx context.Context, rc *readCache, bug, _ int) error {
			_, err := rc.AddComment(ctx, bug, bugzilla.NewComment{Text: "hello"})
			return err
		}, true},
		{"UpdateBug", func(ctx context.Context, rc *readCache, bug, _ int) error {
			_, err := rc.UpdateBug(ctx, bug, bugzilla.BugUpdate{Comment: &bugzilla.NewComment{Text: "hello"}})
			return err
		}, true},
		{"UpdateAttachmentOn", func(ctx context.Context, rc *readCache, bug, att int) error {
			_, _ = rc.UpdateAttachmentOn(ctx, bug, att, bugzilla.AttachmentUpdate{}) // refused by the fake, as below
			return nil
		}, true},
		{"UpdateAttachment", func(ctx context.Context, rc *readCache, _, att int) error {
			// The fake refuses it (not supported): the cache forgets before
			// the write is sent, whatever its outcome.
			_, _ = rc.UpdateAttachment(ctx, att, bugzilla.AttachmentUpdate{})
			return nil
		}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newE2E(t, bugzillatest.Upstream, nil)
			form := string(mustReadDemoForm(t, "clean-12q.md"))
			bug1, att1 := e.request("One", form, false, steward1)
			bug2, _ := e.request("Two", form, false, steward1)
			e.mustCycle()          // the bot logs in (and analyzes both)
			e.advance(time.Minute) // the bugs' comments are older than since
			c := e.bot.newCycle()
			rc := e.bot.reads
			since := e.clock.Now().Add(-time.Hour)
			const attReads, commentReads = "GET /rest/bug/{id}/attachment", "GET /rest/bug/{id}/comment"
			e.srv.ResetRecords()

			read := func() {
				t.Helper()
				if _, err := c.Views(e.ctx, []int{bug1, bug2}); err != nil {
					t.Fatal(err)
				}
				if _, err := e.bot.reads.liveComments(e.ctx, c, bug1, since); err != nil {
					t.Fatal(err)
				}
			}
			read()
			read() // all from the cache
			atts, comments := e.srv.RequestCount(attReads), e.srv.RequestCount(commentReads)
			if atts != 1 || comments != 1 {
				t.Fatalf("two reads of bugs 1 and 2: %d attachment and %d comment requests, want 1 and 1 (the second from the cache); all: %v", atts, comments, e.srv.RequestCounts())
			}
			const commentsOnly = 999 // a view of comments alone (commands'), no attachments listed
			rc.keepComments(commentsOnly, time.Time{}, []bugzilla.Comment{{ID: 1}}, 1<<20)
			if err := tt.write(e.ctx, rc, bug1, att1); err != nil {
				t.Fatal(err)
			}
			if tt.keepsOthers && (rc.views.byBug[bug2] == nil || rc.views.byBug[commentsOnly] == nil) {
				t.Error("a write on bug 1 dropped another bug's view")
			}
			if !tt.keepsOthers && len(rc.views.byBug) != 0 {
				t.Errorf("after %s: %d views kept, want none (a view of comments alone cannot tell the attachment's bug)", tt.name, len(rc.views.byBug))
			}
			read()
			if got := e.srv.RequestCount(attReads) - atts; got != 1 {
				t.Errorf("after %s on bug 1: %d attachment requests, want 1 (bug 1 alone)", tt.name, got)
			}
			if got := e.srv.RequestCount(commentReads) - comments; got != 1 {
				t.Errorf("after %s on bug 1: %d live comment requests, want 1", tt.name, got)
			}
		})
	}
}

// TestReadCacheHoldsNothingBetweenCycles: a cycle's reads are not kept
// past it (memory), and the next cycle reads afresh.
func TestReadCacheHoldsNothingBetweenCycles(t *testing.T) {
	e := newE2E(t, bugzillatest.Upstream, nil)
	e.cleanRequest("Count widget clicks", steward1)
	e.mustCycle()
	rc := e.bot.reads
	if len(rc.views.byBug) != 0 || rc.last != nil || rc.users != nil {
		t.Errorf("after the cycle the cache holds %d views, last %v, users %v; want nothing", len(rc.views.byBug), rc.last, rc.users)
	}
}
