package bot

import (
	"strconv"
	"time"
)

// RequestState is where an open request stands, as the dashboard's status
// column and its status filter (?status=) name it.
type RequestState string

const (
	// StateNew: the bot has not looked at the request's form yet.
	StateNew RequestState = "new"
	// StateWaitingForForm: no form to analyse, and the bot asked the
	// requester to attach one; the requester owes the next move.
	StateWaitingForForm RequestState = "form"
	// StateWaitingForSteward: the steward owes an answer; nothing else holds.
	StateWaitingForSteward RequestState = "steward"
	// StateReminded: the steward owes an answer and was reminded.
	StateReminded RequestState = "reminded"
	// StateAssigned: the bot picked the steward (stewards.assign_unassigned).
	StateAssigned RequestState = "assigned"
	// StateAway: the steward is away (stewards.roster[].away).
	StateAway RequestState = "away"
	// StateEscalated: the notice to Trust or Legal is on the bug and asked
	// someone: the steward waits for their answer.
	StateEscalated RequestState = "escalated"
	// StateEscalationBlocked: the notice is on the bug but asked nobody (no
	// contact configured, or none may be asked): someone must act.
	StateEscalationBlocked RequestState = "blocked"
	// StateSnoozed: "stewardbot: snooze" holds.
	StateSnoozed RequestState = "snoozed"
	// StateStopped: "stewardbot: stop" holds.
	StateStopped RequestState = "stopped"
)

// RequestStates lists the states in the order the dashboard's filter
// offers them.
func RequestStates() []RequestState {
	return []RequestState{StateWaitingForSteward, StateReminded, StateAssigned, StateAway, StateEscalated,
		StateEscalationBlocked, StateWaitingForForm, StateSnoozed, StateStopped, StateNew}
}

// Label is the state in words, without its details ("reminded", not
// "reminded (2)"), for the status filter.
func (s RequestState) Label() string {
	switch s {
	case StateNew:
		return "not analysed yet"
	case StateWaitingForForm:
		return "waiting for the form"
	case StateWaitingForSteward:
		return "waiting for the steward"
	case StateReminded:
		return "reminded"
	case StateAssigned:
		return "assigned by the bot"
	case StateAway:
		return "steward away"
	case StateEscalated:
		return "waiting for Trust / Legal"
	case StateEscalationBlocked:
		return "escalation blocked"
	case StateSnoozed:
		return "snoozed"
	case StateStopped:
		return "stopped"
	}
	return string(s)
}

// StatusFacts is what the store knows of an open request that says where
// it stands.
type StatusFacts struct {
	HasForm      bool // the bot found the request's form (a revision is recorded)
	AskedForForm bool // the bot asked on the bug for the form (needs-form)
	Stopped      bool // "stewardbot: stop"
	SnoozedUntil time.Time
	// Escalated: a notice to Trust or Legal about the current form is on
	// the bug; ContactAsked: it asked at least one contact (needinfo or
	// named), so someone other than the steward owes the next move.
	Escalated, ContactAsked bool
	RemindersSent           int
	AssignedByBot           bool
	// AwayBack is when the steward is back, in their zone; zero when they
	// are not away.
	AwayBack            time.Time
	BusinessDaysWaiting float64
}

// RequestStatus is where a request stands: its state, in words with the
// details, and whether the steward owes the next move and is late with it.
type RequestStatus struct {
	State RequestState
	Words string // "reminded (2)", "snoozed until 2026-12-10"
	// StewardOwes: the steward is the one who owes an answer (not the
	// requester, Trust or Legal, nor anyone while snoozed or stopped).
	StewardOwes bool
	// Overdue: the steward owes an answer and has waited at least
	// overdueAfter business days.
	Overdue bool
}

// DeriveStatus says where a request stands at now. The first that holds
// wins: a stop, no form, a snooze, an escalation, an away steward,
// reminders, the bot's assignment, else the steward is waited for.
func DeriveStatus(f StatusFacts, now time.Time) RequestStatus {
	var s RequestStatus
	switch {
	case f.Stopped:
		s.State = StateStopped
	case !f.HasForm && f.AskedForForm:
		s.State = StateWaitingForForm
	case !f.HasForm:
		s.State, s.StewardOwes = StateNew, true
	case f.SnoozedUntil.After(now):
		s.State = StateSnoozed
		s.Words = "snoozed until " + f.SnoozedUntil.UTC().Format(time.DateOnly)
	case f.Escalated && f.ContactAsked:
		s.State = StateEscalated
	case f.Escalated:
		s.State, s.StewardOwes = StateEscalationBlocked, true
	case !f.AwayBack.IsZero():
		s.State, s.StewardOwes = StateAway, true
		s.Words = "steward away, back " + f.AwayBack.Format(time.DateOnly)
	case f.RemindersSent > 0:
		s.State, s.StewardOwes = StateReminded, true
		s.Words = "reminded (" + strconv.Itoa(f.RemindersSent) + ")"
	case f.AssignedByBot:
		s.State, s.StewardOwes = StateAssigned, true
	default:
		s.State, s.StewardOwes = StateWaitingForSteward, true
	}
	if s.Words == "" {
		s.Words = s.State.Label()
	}
	s.Overdue = s.StewardOwes && f.BusinessDaysWaiting >= overdueAfter
	return s
}
