package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestEscalations(t *testing.T) { forEachBackend(t, testEscalations) }

func testEscalations(t *testing.T, s Store) {
	ctx := context.Background()
	e := Escalation{BugID: 7, FormKey: "attachment:9", Rev: "abcd1234", Target: "legal", Status: EscalationBlocked,
		Reasons: []string{"third-party-tool", "new-identifier"}, Asked: []string{"a@example.org"},
		Blocked: []string{"b@example.org: cannot see the bug\n(injected newline)"}, Forced: true, CommentID: 11,
		UpdatedAt: t0}
	if err := s.SaveEscalation(ctx, e); err != nil {
		t.Fatal(err)
	}
	e.Key, e.CreatedAt = EscalationKey(7, "attachment:9", "abcd1234", "legal"), t0
	e.Blocked = []string{"b@example.org: cannot see the bug (injected newline)"}
	got, err := s.Escalation(ctx, e.Key)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(got, e); d != "" {
		t.Errorf("Escalation (-got +want):\n%s", d)
	}
	// An update keeps created_at.
	e.Status, e.Blocked, e.UpdatedAt = EscalationMade, nil, t0.Add(time.Hour)
	if err := s.SaveEscalation(ctx, e); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Escalation(ctx, e.Key); got.Status != EscalationMade || !got.CreatedAt.Equal(t0) || got.Blocked != nil {
		t.Errorf("after update: %+v", got)
	}
	if bl, err := s.BlockedEscalations(ctx); err != nil || len(bl) != 0 {
		t.Errorf("blocked = %v, %v; want none", bl, err)
	}
	if on, err := s.EscalationsOnBug(ctx, 7); err != nil || len(on) != 1 {
		t.Errorf("on bug 7: %v, %v", on, err)
	}
	if _, err := s.Escalation(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown key: %v", err)
	}
}

func TestControls(t *testing.T) { forEachBackend(t, testControls) }

func testControls(t *testing.T, s Store) {
	ctx := context.Background()
	if c, err := s.Control(ctx, 3); err != nil || c.Stopped || !c.SnoozedUntil.IsZero() {
		t.Fatalf("no control yet: %+v, %v", c, err)
	}
	want := Control{BugID: 3, SnoozedUntil: t0.Add(5 * 24 * time.Hour), Stopped: true, UpdatedAt: t0}
	if err := s.SaveControl(ctx, want); err != nil {
		t.Fatal(err)
	}
	got, err := s.Control(ctx, 3)
	if d := cmp.Diff(got, want); d != "" || err != nil {
		t.Errorf("Control (-got +want):\n%s %v", d, err)
	}
	if until, err := s.Snoozed(ctx, 3); err != nil || !until.Equal(want.SnoozedUntil) {
		t.Errorf("Snoozed = %v, %v", until, err)
	}
	if stopped, err := s.Stopped(ctx, 3); err != nil || !stopped {
		t.Errorf("Stopped = %v, %v", stopped, err)
	}
}

func TestDecidedRequests(t *testing.T) { forEachBackend(t, testDecidedRequests) }

func testDecidedRequests(t *testing.T, s Store) {
	ctx := context.Background()
	for _, r := range []Request{
		{FlagID: 1, BugID: 1, Status: "+", FirstStatus: "?", FirstSeen: t0, UpdatedAt: t0},
		{FlagID: 2, BugID: 1, Status: "+", FirstStatus: "+", FirstSeen: t0, UpdatedAt: t0}, // decided before the bot saw it
		{FlagID: 3, BugID: 2, Status: "+", FirstStatus: "?", FirstSeen: t0, UpdatedAt: t0.Add(-48 * time.Hour)},
		{FlagID: 4, BugID: 2, Status: "-", FirstStatus: "?", FirstSeen: t0, UpdatedAt: t0},
	} {
		if err := s.SaveRequest(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.DecidedRequests(ctx, "+", t0.Add(-time.Hour))
	if err != nil || len(got) != 1 || got[0].FlagID != 1 {
		t.Errorf("DecidedRequests = %+v, %v; want flag 1 only", got, err)
	}
}
