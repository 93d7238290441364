package bot

import "testing"

// TestOutcomeForDuties pins what a duty's loop makes of each outcome: it
// goes on after a done action, stops at the cap or a halt, and leaves
// anything else (failed, refused, unknown) for the next cycle; together,
// several actions come to the one that says most.
func TestOutcomeForDuties(t *testing.T) {
	for _, tt := range []struct {
		o           Outcome
		done, stops bool
	}{
		{Failed, false, false},
		{Written, true, false},
		{AlreadyDone, true, false},
		{GaveUp, true, false},
		{Deferred, false, true},
		{Refused, false, false},
		{Unknown, false, false},
		{Halted, false, true},
	} {
		if got := tt.o.done(); got != tt.done {
			t.Errorf("%v.done() = %v, want %v", tt.o, got, tt.done)
		}
		if got := tt.o.stops(); got != tt.stops {
			t.Errorf("%v.stops() = %v, want %v", tt.o, got, tt.stops)
		}
	}
	for _, tt := range []struct{ a, b, want Outcome }{
		{Written, AlreadyDone, Written},
		{AlreadyDone, Written, AlreadyDone},
		{Written, Unknown, Unknown},
		{Refused, Written, Refused},
		{Unknown, Refused, Unknown},
		{Refused, Deferred, Deferred},
		{Halted, Failed, Halted},
		{Deferred, Halted, Deferred},
		{Written, Halted, Halted},
	} {
		if got := worse(tt.a, tt.b); got != tt.want {
			t.Errorf("worse(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
