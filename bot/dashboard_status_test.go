package bot

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/policy"
)

// DeriveStatus: the first state that holds wins, the words carry the
// details, and only a request whose steward owes the answer is overdue.
func TestDeriveStatus(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	late := 10.1 // business days, past overdueAfter
	form := StatusFacts{HasForm: true, BusinessDaysWaiting: late}
	with := func(f func(*StatusFacts)) StatusFacts { s := form; f(&s); return s }
	back := time.Date(2026, 12, 14, 0, 0, 0, 0, time.FixedZone("CET", 3600))
	tests := []struct {
		name  string
		facts StatusFacts
		want  RequestStatus
	}{
		{"waiting for the steward", form,
			RequestStatus{StateWaitingForSteward, "waiting for the steward", true, true}},
		{"not late yet", with(func(s *StatusFacts) { s.BusinessDaysWaiting = 1.9 }),
			RequestStatus{StateWaitingForSteward, "waiting for the steward", true, false}},
		{"late at exactly two days", with(func(s *StatusFacts) { s.BusinessDaysWaiting = 2 }),
			RequestStatus{StateWaitingForSteward, "waiting for the steward", true, true}},
		// Bug 1011 of the demo: no form, and the bot asked for it.
		{"waiting for the form is never overdue", StatusFacts{AskedForForm: true, BusinessDaysWaiting: late},
			RequestStatus{StateWaitingForForm, "waiting for the form", false, false}},
		{"no form and not asked for yet", StatusFacts{BusinessDaysWaiting: late},
			RequestStatus{StateNew, "not analysed yet", true, true}},
		{"reminded", with(func(s *StatusFacts) { s.RemindersSent = 2 }),
			RequestStatus{StateReminded, "reminded (2)", true, true}},
		{"assigned by the bot", with(func(s *StatusFacts) { s.AssignedByBot = true }),
			RequestStatus{StateAssigned, "assigned by the bot", true, true}},
		{"reminded after the bot assigned", with(func(s *StatusFacts) { s.AssignedByBot, s.RemindersSent = true, 1 }),
			RequestStatus{StateReminded, "reminded (1)", true, true}},
		{"steward away, back in their zone", with(func(s *StatusFacts) { s.AwayBack, s.RemindersSent = back, 1 }),
			RequestStatus{StateAway, "steward away, back 2026-12-14", true, true}},
		{"waiting for Trust / Legal is never overdue", with(func(s *StatusFacts) { s.Escalated, s.ContactAsked, s.RemindersSent = true, true, 3 }),
			RequestStatus{StateEscalated, "waiting for Trust / Legal", false, false}},
		{"an escalation that asked nobody: the steward still owes", with(func(s *StatusFacts) { s.Escalated = true }),
			RequestStatus{StateEscalationBlocked, "escalation blocked", true, true}},
		{"snoozed is never overdue", with(func(s *StatusFacts) { s.SnoozedUntil, s.Escalated = now.Add(50*time.Hour), true }),
			RequestStatus{StateSnoozed, "snoozed until 2026-12-09", false, false}},
		{"a snooze that ended", with(func(s *StatusFacts) { s.SnoozedUntil = now.Add(-time.Second) }),
			RequestStatus{StateWaitingForSteward, "waiting for the steward", true, true}},
		{"a snooze ending now has ended", with(func(s *StatusFacts) { s.SnoozedUntil = now }),
			RequestStatus{StateWaitingForSteward, "waiting for the steward", true, true}},
		{"stopped wins over everything", with(func(s *StatusFacts) {
			s.Stopped, s.HasForm, s.AskedForForm, s.SnoozedUntil, s.RemindersSent = true, false, true, now.Add(time.Hour), 2
		}), RequestStatus{StateStopped, "stopped", false, false}},
		{"no form wins over a snooze", StatusFacts{AskedForForm: true, SnoozedUntil: now.Add(time.Hour)},
			RequestStatus{StateWaitingForForm, "waiting for the form", false, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if d := cmp.Diff(DeriveStatus(tt.facts, now), tt.want); d != "" {
				t.Errorf("DeriveStatus (-got +want):\n%s", d)
			}
		})
	}
}

// Every state has words of its own and is offered by the filter.
func TestRequestStatesLabels(t *testing.T) {
	seen := map[string]RequestState{}
	for _, s := range RequestStates() {
		l := s.Label()
		if l == "" {
			t.Errorf("state %q has no words", s)
		}
		if prev, dup := seen[l]; dup {
			t.Errorf("states %q and %q both read %q", prev, s, l)
		}
		seen[l] = s
	}
	if len(seen) != 10 {
		t.Errorf("%d states offered, want 10", len(seen))
	}
}

// The store finds the bot's own journal entries by their kinds.
func TestQueueActionKinds(t *testing.T) {
	if kindNeedsForm != store.ActionKindNeedsForm || kindAssign != store.ActionKindAssign {
		t.Errorf("marker kinds %q, %q; the store looks for %q, %q", kindNeedsForm, kindAssign,
			store.ActionKindNeedsForm, store.ActionKindAssign)
	}
}

func TestFindingsLine(t *testing.T) {
	f := func(codes ...string) *policy.Analysis {
		a := &policy.Analysis{}
		for _, c := range codes {
			a.Findings = append(a.Findings, policy.Finding{Code: c, Message: "PRIVATE form text " + c})
		}
		return a
	}
	tests := []struct {
		name string
		a    *policy.Analysis
		want string
	}{
		{"none", f(), "no findings"},
		{"not analysed", nil, ""},
		{"counted and in the documented order", f(policy.CodeCategory3DefaultOnRelease, policy.CodeMissingAnswers, policy.CodeMissingAnswers),
			"2 missing answers, category 3 default-on on release"},
		{"one", f(policy.CodeMissingAnswers), "1 missing answer"},
		{"whole-request findings are not counted", f(policy.CodeCategory4, policy.CodeCategory4, policy.CodeThirdPartyTool),
			"category 4, third-party tool"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := findingsLine(tt.a); got != tt.want {
				t.Errorf("findingsLine = %q, want %q", got, tt.want)
			}
		})
	}
	// Every code has words: none shows as a bare code.
	for _, c := range policy.Codes() {
		if _, ok := findingWords[c]; !ok {
			t.Errorf("finding code %q has no words on the dashboard", c)
		}
	}
}

// A blocked escalation says why in words: which team has no contact, or
// which contact could not be asked and why; masked (a private row), neither
// the team, the login nor the bug's groups.
func TestBlockedReason(t *testing.T) {
	escs := []store.Escalation{
		{Target: "legal", Status: store.EscalationBlocked, Blocked: []string{"lawyer@example.test: cannot see the bug (not in secret-group)"},
			Asked: []string{"other@example.test"}},
		{Target: "trust", Status: store.EscalationBlocked},
		{Target: "legal", Status: store.EscalationMade, Asked: []string{"x@example.test"}},
	}
	e := QueueEntry{Blocked: blockedContacts(escs)}
	tests := []struct {
		masked bool
		want   string
	}{
		{false, "no Trust contact configured; Legal contact lawyer@example.test: cannot see the bug (not in secret-group)"},
		{true, "no contact configured; a contact could not be asked"},
	}
	for _, tt := range tests {
		if got := e.BlockedReason(tt.masked); got != tt.want {
			t.Errorf("BlockedReason(masked %v) = %q, want %q", tt.masked, got, tt.want)
		}
	}
	if got := (QueueEntry{}).BlockedReason(false); got != "" {
		t.Errorf("not blocked: reason %q", got)
	}
}
