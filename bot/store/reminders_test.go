package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
	"unsafe"

	"github.com/google/go-cmp/cmp"
)

func TestReminders(t *testing.T) { forEachBackend(t, testReminders) }

func testReminders(t *testing.T, s Store) {
	ctx := context.Background()
	if _, err := s.Reminder(ctx, 7); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Reminder on empty store: %v, want ErrNotFound", err)
	}
	r := Reminder{FlagID: 7, BugID: 1, Requestee: "s1@example.test", Sent: 2, LastSent: t0,
		NextDue: t0.Add(72 * time.Hour), State: ReminderActive, UpdatedAt: t0}
	if err := s.SaveReminder(ctx, r); err != nil {
		t.Fatal(err)
	}
	got, err := s.Reminder(ctx, 7)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(got, r); d != "" {
		t.Errorf("Reminder (-got +want):\n%s", d)
	}
	r.State, r.Sent = ReminderFinished, 3
	if err := s.SaveReminder(ctx, r); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Reminder(ctx, 7); got.State != ReminderFinished || got.Sent != 3 {
		t.Errorf("after update: %+v", got)
	}

	// The per-person count looks back from since, exclusive.
	other := Reminder{FlagID: 8, BugID: 2, Requestee: "s1@example.test", Sent: 1, LastSent: t0.Add(time.Hour), UpdatedAt: t0}
	never := Reminder{FlagID: 9, BugID: 3, Requestee: "s1@example.test", UpdatedAt: t0}
	// A dry run's logged reminder counts for dry runs only.
	logged := Reminder{FlagID: 10, BugID: 4, Requestee: "s1@example.test", Sent: 1, LastSent: t0.Add(time.Hour), DryRun: true, UpdatedAt: t0}
	for _, x := range []Reminder{other, never, logged} {
		if err := s.SaveReminder(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		since time.Time
		want  int
	}{{t0.Add(-time.Second), 2}, {t0, 1}, {t0.Add(time.Hour), 0}} {
		n, err := s.RemindersSentSince(ctx, "s1@example.test", tc.since, false)
		if err != nil || n != tc.want {
			t.Errorf("RemindersSentSince(%s) = %d, %v; want %d", tc.since, n, err, tc.want)
		}
	}
	if n, err := s.RemindersSentSince(ctx, "s1@example.test", t0, true); err != nil || n != 1 {
		t.Errorf("RemindersSentSince(%s, dry run) = %d, %v; want 1", t0, n, err)
	}
	got, err = s.Reminder(ctx, logged.FlagID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, logged); diff != "" {
		t.Errorf("dry-run reminder round trip (-got +want):\n%s", diff)
	}
}

func TestOpenRequestsAndRemindersToStop(t *testing.T) {
	forEachBackend(t, testOpenRequestsAndRemindersToStop)
}

func testOpenRequestsAndRemindersToStop(t *testing.T, s Store) {
	ctx := context.Background()
	reqs := []Request{
		{FlagID: 1, BugID: 10, Status: "?", FirstStatus: "?", FirstSeen: t0, UpdatedAt: t0},
		{FlagID: 2, BugID: 10, Status: "+", FirstStatus: "?", FirstSeen: t0, UpdatedAt: t0},
		{FlagID: 3, BugID: 11, Status: "?", FirstStatus: "+", FirstSeen: t0, UpdatedAt: t0},
		{FlagID: 4, BugID: 12, Status: "X", FirstStatus: "?", FirstSeen: t0, UpdatedAt: t0},
	}
	for _, r := range reqs {
		if err := s.SaveRequest(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	open, err := s.OpenRequests(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(open) != 1 || open[0].FlagID != 1 {
		t.Errorf("OpenRequests = %+v, want flag 1 only", open)
	}
	for _, r := range []Reminder{
		{FlagID: 1, BugID: 10, UpdatedAt: t0},
		{FlagID: 2, BugID: 10, UpdatedAt: t0},
		{FlagID: 4, BugID: 12, State: ReminderStopped, UpdatedAt: t0},
	} {
		if err := s.SaveReminder(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	stop, err := s.RemindersToStop(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var flags []int
	for _, r := range stop {
		flags = append(flags, r.FlagID)
	}
	if d := cmp.Diff(flags, []int{2}); d != "" {
		t.Errorf("RemindersToStop (-got +want):\n%s", d)
	}
}

func TestOpenRequestsShareRepeatedStrings(t *testing.T) {
	forEachBackend(t, testOpenRequestsShareRepeatedStrings)
}

// testOpenRequestsShareRepeatedStrings: the requestee, setter and statuses
// that repeat from one open request to the next are held once.
func testOpenRequestsShareRepeatedStrings(t *testing.T, s Store) {
	ctx := context.Background()
	for flag := 1; flag <= 3; flag++ {
		r := Request{FlagID: flag, BugID: 10 + flag, Status: "?", FirstStatus: "?", Requestee: "steward1@example.test",
			Setter: "dev1@example.test", FormKey: fmt.Sprintf("attachment:%d", flag), FirstSeen: t0, UpdatedAt: t0}
		if err := s.SaveRequest(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	open, err := s.OpenRequests(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(open) != 3 {
		t.Fatalf("%d open requests, want 3", len(open))
	}
	for _, r := range open[1:] {
		for _, f := range []struct {
			name     string
			got, was string
		}{
			{"requestee", r.Requestee, open[0].Requestee},
			{"setter", r.Setter, open[0].Setter},
			{"status", r.Status, open[0].Status},
			{"first status", r.FirstStatus, open[0].FirstStatus},
		} {
			if unsafe.StringData(f.got) != unsafe.StringData(f.was) {
				t.Errorf("flag %d: its %s %q is a copy of flag %d's", r.FlagID, f.name, f.got, open[0].FlagID)
			}
		}
	}
	if r := open[0]; r.Requestee != "steward1@example.test" || r.Setter != "dev1@example.test" || r.Status != "?" || r.FormKey != "attachment:1" {
		t.Errorf("first request read back as %+v", r)
	}
}
