package bot

import (
	"testing"
	"time"
)

// A store lost between a steward's answer and the bot's next look loses
// the answer: the poll re-learns only open requests. A backfill over the
// weeks since the last backup records it again, and the daemon then owes
// what it would have done: the review check, once (docs/operations.md).
func TestE2EBackfillRecoversAnswersALostStoreMissed(t *testing.T) {
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			e := newE2E(t, d, nil)
			bug, att := e.request("Tab groups onboarding", demoForm(t, "clean-12q.md"), false, "steward1@example.test")
			e.cycles(2)
			e.dropStore()
			e.grant(att, "steward1@example.test")
			e.say(bug, "steward1@example.test", "data-review+\n\n1) Yes.\n2) Yes.\n3) Not permanent.\n4) Category 2.\n"+
				"5) Default-off.\n6) No.\n7) Yes.\n8) No.\n")
			e.cycles(3)
			if n := len(e.botCommentsOfKind(bug, kindReviewCheck)); n != 0 {
				t.Fatalf("%d review checks without a backfill: the poll learnt the answer after all; update docs/operations.md", n)
			}

			bf, err := NewBackfill(e.cfg, e.rig.Client, e.st, BackfillOptions{Since: e.clock.Now().AddDate(0, 0, -7)},
				WithClock(e.clock), WithLogger(e.rig.Log))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := bf.Run(e.ctx); err != nil {
				t.Fatalf("backfill: %v", err)
			}
			e.advance(time.Minute)
			e.cycles(3)
			if n := len(e.botCommentsOfKind(bug, kindReviewCheck)); n != 1 {
				t.Errorf("%d review checks after the backfill, want 1\n%s", n, e.logs.String())
			}
		})
	}
}
