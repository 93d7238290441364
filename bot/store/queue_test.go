package store

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The queue lists open requests only, oldest first, joined with what the
// dashboard needs: the bug's summary and privacy, the analysis of the
// request's current form revision (not an older one), and the reminder and
// escalation counts.
func TestQueue(t *testing.T) { forEachBackend(t, testQueue) }

func testQueue(t *testing.T, s Store) {
	ctx := context.Background()
	reqs := []Request{
		{FlagID: 1, BugID: 10, AttachmentID: 100, Requestee: "s1@example.test", Setter: "dev@example.test",
			Status: "?", RequestedAt: t0.Add(-48 * time.Hour), FirstSeen: t0, UpdatedAt: t0, FormKey: "attachment:100", FormRev: "r2"},
		{FlagID: 2, BugID: 20, AttachmentID: 200, Requestee: "s2@example.test", Setter: "dev@example.test",
			Status: "?", FirstSeen: t0.Add(-72 * time.Hour), UpdatedAt: t0}, // no flag time: first seen counts
		{FlagID: 3, BugID: 30, AttachmentID: 300, Status: "+", FirstSeen: t0, UpdatedAt: t0},                   // answered
		{FlagID: 4, BugID: 40, AttachmentID: 400, Status: "?", FirstStatus: "+", FirstSeen: t0, UpdatedAt: t0}, // decided before seen
	}
	for _, r := range reqs {
		if err := s.SaveRequest(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SaveBugInfos(ctx, []BugInfo{{BugID: 10, Summary: "Count tabs", UpdatedAt: t0}, {BugID: 20, Summary: "Secret", Private: true, UpdatedAt: t0}}); err != nil {
		t.Fatal(err)
	}
	// A change is saved; the same values again are a no-op.
	if err := s.SaveBugInfos(ctx, []BugInfo{{BugID: 10, Summary: "Count open tabs", UpdatedAt: t0.Add(time.Hour)}, {BugID: 20, Summary: "Secret", Private: true, UpdatedAt: t0.Add(time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	for _, a := range []FormAnalysis{
		{FormKey: "attachment:100", FormRev: "r1", HighestCategory: 1, AnalysedAt: t0},
		{FormKey: "attachment:100", FormRev: "r2", HighestCategory: 3, Escalations: []string{"trust", "legal"}, Private: true, AnalysedAt: t0},
	} {
		if err := s.SaveFormAnalysis(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SaveReminder(ctx, Reminder{FlagID: 1, BugID: 10, Requestee: "s1@example.test", Sent: 2, UpdatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	for _, e := range []Escalation{
		{Key: "10:attachment:100:r2:trust", BugID: 10, FormKey: "attachment:100", Rev: "r2", Target: "trust", Status: EscalationMade, CreatedAt: t0, UpdatedAt: t0},
		{Key: "10:attachment:100:r2:legal", BugID: 10, FormKey: "attachment:100", Rev: "r2", Target: "legal", Status: EscalationBlocked, CreatedAt: t0, UpdatedAt: t0},
		{Key: "10:attachment:100:r1:legal", BugID: 10, FormKey: "attachment:100", Rev: "r1", Target: "legal", Status: EscalationBlocked, CreatedAt: t0, UpdatedAt: t0},
	} {
		if err := s.SaveEscalation(ctx, e); err != nil {
			t.Fatal(err)
		}
	}

	got, err := s.Queue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []QueueRow{
		{Request: withFirst(reqs[1]), Summary: "Secret", BugPrivate: true},
		{Request: withFirst(reqs[0]), Summary: "Count open tabs", FormPrivate: true, HighestCategory: 3,
			Escalations: []string{"trust", "legal"}, RemindersSent: 2, EscalationsMade: 2, EscalationsBlocked: 1, Analysed: true},
	}
	if d := cmp.Diff(got, want); d != "" {
		t.Errorf("Queue (-got +want):\n%s", d)
	}
	if !got[0].Private() || !got[1].Private() {
		t.Errorf("Private() = %v, %v; want both true", got[0].Private(), got[1].Private())
	}
	if got[0].Since() != reqs[1].FirstSeen || got[1].Since() != reqs[0].RequestedAt {
		t.Errorf("Since() = %v, %v", got[0].Since(), got[1].Since())
	}
}

func withFirst(r Request) Request {
	if r.FirstStatus == "" {
		r.FirstStatus = r.Status
	}
	return r
}

func TestQueueEmpty(t *testing.T) { forEachBackend(t, testQueueEmpty) }

func testQueueEmpty(t *testing.T, s Store) {
	got, err := s.Queue(context.Background())
	if err != nil || len(got) != 0 {
		t.Fatalf("Queue = %v, %v; want nothing", got, err)
	}
	if err := s.SaveBugInfos(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
}

// The queue carries what the dashboard derives a request's status from:
// the bug's snooze and stop, whether the bot asked for the form on the bug
// or assigned the request's steward (the journal, dry runs included, never
// a failed or unknown write), and the analysis' findings line and comment
// number, which a later analysis of the same revision keeps.
func TestQueueStatusFacts(t *testing.T) { forEachBackend(t, testQueueStatusFacts) }

func testQueueStatusFacts(t *testing.T, s Store) {
	ctx := context.Background()
	reqs := []Request{
		{FlagID: 1, BugID: 10, AttachmentID: 100, Requestee: "s1@example.test", Status: "?", FirstSeen: t0, UpdatedAt: t0,
			FormKey: "attachment:100", FormRev: "r1"},
		{FlagID: 2, BugID: 20, AttachmentID: 200, Requestee: "s1@example.test", Status: "?", FirstSeen: t0.Add(time.Hour), UpdatedAt: t0},
		{FlagID: 3, BugID: 30, AttachmentID: 300, Requestee: "s2@example.test", Status: "?", FirstSeen: t0.Add(2 * time.Hour), UpdatedAt: t0},
	}
	for _, r := range reqs {
		if err := s.SaveRequest(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	a := FormAnalysis{FormKey: "attachment:100", FormRev: "r1", HighestCategory: 3,
		Findings: "2 missing answers, category 3 default-on on release", AnalysedAt: t0}
	if err := s.SaveFormAnalysis(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveAnalysisComment(ctx, "attachment:100", "r1", 4); err != nil {
		t.Fatal(err)
	}
	// Analysed again (a recheck): the comment number stays.
	if err := s.SaveFormAnalysis(ctx, a); err != nil {
		t.Fatal(err)
	}
	// A revision never analysed: nothing is recorded.
	if err := s.SaveAnalysisComment(ctx, "attachment:100", "r0", 9); err != nil {
		t.Fatal(err)
	}
	snooze := t0.Add(72 * time.Hour)
	for _, c := range []Control{{BugID: 10, SnoozedUntil: snooze, UpdatedAt: t0}, {BugID: 30, Stopped: true, UpdatedAt: t0}} {
		if err := s.SaveControl(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	for _, j := range []Action{
		{Key: "needs-form:20", Kind: ActionKindNeedsForm, BugID: 20, Status: ActionDone, CreatedAt: t0, UpdatedAt: t0},
		{Key: "assign:20:200:2", Kind: ActionKindAssign, BugID: 20, FlagID: 2, Status: ActionDryRun, CreatedAt: t0, UpdatedAt: t0},
		{Key: "needs-form:30", Kind: ActionKindNeedsForm, BugID: 30, Status: ActionFailed, CreatedAt: t0, UpdatedAt: t0},
		{Key: "assign:30:300:3", Kind: ActionKindAssign, BugID: 30, FlagID: 3, Status: ActionUnknown, CreatedAt: t0, UpdatedAt: t0},
	} {
		if err := s.RecordAction(ctx, j); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Queue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []QueueRow{
		{Request: withFirst(reqs[0]), BugPrivate: true, HighestCategory: 3, Analysed: true,
			Findings: "2 missing answers, category 3 default-on on release", AnalysisComment: 4, SnoozedUntil: snooze},
		{Request: withFirst(reqs[1]), BugPrivate: true, AskedForForm: true, AssignedByBot: true},
		{Request: withFirst(reqs[2]), BugPrivate: true, Stopped: true},
	}
	if d := cmp.Diff(got, want); d != "" {
		t.Errorf("Queue (-got +want):\n%s", d)
	}
}

// QueueSize counts what Queue lists and finds its oldest Since (the flag's
// time, else when first seen), without the rows; a request with neither
// time counts but has no age; an empty queue is 0 and the zero time.
func TestQueueSize(t *testing.T) { forEachBackend(t, testQueueSize) }

func testQueueSize(t *testing.T, s Store) {
	ctx := context.Background()
	n, oldest, err := s.QueueSize(ctx)
	if err != nil || n != 0 || !oldest.IsZero() {
		t.Fatalf("empty: QueueSize = %d, %v, %v; want 0, the zero time", n, oldest, err)
	}
	for _, r := range []Request{
		{FlagID: 1, BugID: 10, Status: "?", RequestedAt: t0.Add(-48 * time.Hour), FirstSeen: t0, UpdatedAt: t0},
		{FlagID: 2, BugID: 20, Status: "?", FirstSeen: t0.Add(-72 * time.Hour), UpdatedAt: t0}, // first seen counts
		{FlagID: 3, BugID: 30, Status: "?", UpdatedAt: t0},                                     // no time at all
		{FlagID: 4, BugID: 40, Status: "+", RequestedAt: t0.Add(-99 * time.Hour), FirstSeen: t0, UpdatedAt: t0},
		{FlagID: 5, BugID: 50, Status: "?", FirstStatus: "+", RequestedAt: t0.Add(-99 * time.Hour), FirstSeen: t0, UpdatedAt: t0},
	} {
		if err := s.SaveRequest(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	n, oldest, err = s.QueueSize(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := s.Queue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := t0.Add(-72 * time.Hour); n != 3 || n != len(rows) || !oldest.Equal(want) {
		t.Errorf("QueueSize = %d, %v; want 3 (Queue lists %d), %v", n, oldest, len(rows), want)
	}
}
