package bot

import "testing"

func TestEscalationState(t *testing.T) {
	for want, e := range map[string]QueueEntry{
		EscalationStateBlocked:   {Escalations: []string{"legal"}, EscalationsMade: 1, EscalationsBlocked: 1, Analysed: true},
		EscalationStateMade:      {Escalations: []string{"legal"}, EscalationsMade: 1, Analysed: true},
		EscalationStatePending:   {Escalations: []string{"trust"}, Analysed: true},
		EscalationStateNotNeeded: {Analysed: true},
		"":                       {},
	} {
		if got := e.EscalationState(); got != want {
			t.Errorf("%+v: state %q, want %q", e, got, want)
		}
	}
}
