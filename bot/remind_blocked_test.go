package bot

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stewardbot/stewardbot/bugzilla"
)

// Where the server does not say in advance that a steward blocks needinfo
// requests (upstream Bugzilla has no such field), its refusal is final: no
// retry of the needinfo, one word to the lead, reminders by comment.
func TestRemindNeedinfoRefused(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Stewards.Lead = "lead@example.test" })
	h.bz.refuseNeedinfo = "steward1@example.test"
	h.request(1, fakeForm("a 1"), false) // Monday 09:00
	for h.clock.Now().Before(epoch.Add(11 * 24 * time.Hour)) {
		h.clock.Advance(time.Hour)
		if err := h.bot.RunOnce(h.ctx, ""); err != nil && !errors.Is(err, bugzilla.ErrRequestsBlocked) {
			t.Fatalf("cycle at %s: %v", h.clock.Now(), err)
		}
	}
	var got []string
	for _, c := range h.bz.botComments(1) {
		if m, ok := parseFooter("stewardbot", c.Text); ok {
			got = append(got, m.Kind+"@"+c.Time.Format("Mon 15:04"))
		}
	}
	want := []string{"analysis@Mon 10:00", "blocked@Wed 09:00", "remind-1@Wed 10:00", "remind-2@Mon 10:00", "remind-3@Thu 10:00"}
	if d := cmp.Diff(got, want); d != "" {
		t.Errorf("comments (-got +want):\n%s", d)
	}
	if n := h.bz.calls["UpdateBug"]; n != 1 {
		t.Errorf("UpdateBug called %d times, want 1 (the refused needinfo, never retried)", n)
	}
}
