package bugzillatest

import (
	"sync"
	"time"
)

// DefaultStart is where a fake's clock starts unless WithStartTime or
// WithClock says otherwise: the morning of the day the recordings were made.
var DefaultStart = time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)

// clock is the fake's notion of now. It is manual (frozen until SetNow or
// Advance) unless a live function was given, in which case Advance adds an
// offset and SetNow switches back to manual time.
type clock struct {
	mu     sync.Mutex
	t      time.Time
	live   func() time.Time
	offset time.Duration
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	var t time.Time
	if c.live != nil {
		t = c.live().Add(c.offset)
	} else {
		t = c.t
	}
	// Bugzilla stores times to the second.
	return t.UTC().Truncate(time.Second)
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.live = nil
	c.offset = 0
	c.t = t.UTC()
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.live != nil {
		c.offset += d
		return
	}
	c.t = c.t.Add(d)
}

// Now is the fake's current time (to the second, UTC). Every timestamp the
// fake writes comes from it, and so does the Date header of every answer.
func (s *Server) Now() time.Time { return s.clock.now() }

// SetNow sets the fake's clock. A clock given with WithClock becomes manual.
func (s *Server) SetNow(t time.Time) { s.clock.set(t) }

// Advance moves the fake's clock forward by d.
func (s *Server) Advance(d time.Duration) { s.clock.advance(d) }
