package bot

import (
	"context"
	"testing"

	"github.com/stewardbot/stewardbot/bugzilla"
)

// TestReadCacheForgetsOnWrite pins the write path's invariant where it
// lives: whichever write the bot makes on a bug, and whoever makes it, the
// next read of that bug reaches the server; what the cycle read of other
// bugs stays cached.
func TestReadCacheForgetsOnWrite(t *testing.T) {
	for _, tt := range []struct {
		name  string
		write func(ctx context.Context, rc *readCache, bug, att int) error
	}{
		{"AddComment", func(ctx context.Context, rc *readCache, bug, _ int) error {
			_, err := rc.AddComment(ctx, bug, bugzilla.NewComment{Text: "hello"})
			return err
		}},
		{"UpdateBug", func(ctx context.Context, rc *readCache, bug, _ int) error {
			_, err := rc.UpdateBug(ctx, bug, bugzilla.BugUpdate{})
			return err
		}},
		{"UpdateAttachment", func(ctx context.Context, rc *readCache, _, att int) error {
			// The fake refuses it (not supported): the cache forgets before
			// the write is sent, whatever its outcome.
			_, _ = rc.UpdateAttachment(ctx, att, bugzilla.AttachmentUpdate{})
			return nil
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, nil)
			att1, _ := h.request(1, fakeForm("a 1"), false)
			h.request(2, fakeForm("a 2"), false)
			c := h.bot.newCycle()
			rc := h.bot.reads
			since := h.clock.Now().Add(-1)

			read := func() {
				t.Helper()
				if _, err := c.Views(h.ctx, []int{1, 2}); err != nil {
					t.Fatal(err)
				}
				if _, err := h.bot.reads.liveComments(h.ctx, c, 1, since); err != nil {
					t.Fatal(err)
				}
			}
			read()
			read() // all from the cache
			atts, comments := h.bz.calls["Attachments"], h.bz.calls["Comments"]
			if atts != 1 || comments != 1 {
				t.Fatalf("two reads of bugs 1 and 2: %d attachment and %d comment requests, want 1 and 1 (the second from the cache)", atts, comments)
			}
			if err := tt.write(h.ctx, rc, 1, att1); err != nil {
				t.Fatal(err)
			}
			if rc.views.byBug[2] == nil {
				t.Error("a write on bug 1 dropped bug 2's view")
			}
			read()
			if got := h.bz.calls["Attachments"] - atts; got != 1 {
				t.Errorf("after %s on bug 1: %d attachment requests, want 1 (bug 1 alone)", tt.name, got)
			}
			if got := h.bz.calls["Comments"] - comments; got != 1 {
				t.Errorf("after %s on bug 1: %d live comment requests, want 1", tt.name, got)
			}
		})
	}
}

// TestReadCacheHoldsNothingBetweenCycles: a cycle's reads are not kept
// past it (memory), and the next cycle reads afresh.
func TestReadCacheHoldsNothingBetweenCycles(t *testing.T) {
	h := newHarness(t, nil)
	h.request(1, fakeForm("a 1"), false)
	h.mustCycle()
	rc := h.bot.reads
	if len(rc.views.byBug) != 0 || rc.last != nil || rc.users != nil {
		t.Errorf("after the cycle the cache holds %d views, last %v, users %v; want nothing", len(rc.views.byBug), rc.last, rc.users)
	}
}
