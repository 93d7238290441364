package bot

// What a duty's loop makes of a write's Outcome (core_cycle.go). The
// duties stop where they stopped on the write cap and a rate limit before:
// at the write the cap deferred, or once the cycle is halted, and not at
// c.Spent() after the cycle's last write, since the next action's re-read
// may still find it done and journal it.

// done reports whether the action needs nothing more: written (or logged
// in dry-run), found done, or given up on.
func (o Outcome) done() bool { return o == Written || o == AlreadyDone || o == GaveUp }

// stops reports whether the duty stops at it: the write cap deferred the
// action, or the cycle is halted.
func (o Outcome) stops() bool { return o == Deferred || o == Halted }

// worse is what two actions came to together: a stop over anything, an
// action not done (failed, refused, unknown) over done ones; the first of
// two alike.
func worse(a, b Outcome) Outcome {
	rank := func(o Outcome) int {
		switch {
		case o.stops():
			return 2
		case !o.done():
			return 1
		}
		return 0
	}
	if rank(b) > rank(a) {
		return b
	}
	return a
}
