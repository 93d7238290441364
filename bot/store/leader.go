package store

import (
	"context"
	"errors"
)

// ErrLeaseLost is wrapped by a Lease's Err and Check once the lease is gone:
// its connection dropped, a check failed, or its Leader was closed. Another
// process may lead from then on, so the holder must stop writing at once.
var ErrLeaseLost = errors.New("store: leadership lost")

// Leader elects one process among the replicas that share a store: the only
// one that writes to Bugzilla. Only stores shared by several processes
// offer one (PostgreSQL, see LeaderStore); SQLite is one process, which is
// always the writer.
type Leader interface {
	// TryLead takes the lead if nobody holds it, without waiting. It
	// returns the lease and true while this process leads (the same lease,
	// checked, until it is lost), false when another process does. An
	// error means the database could not be asked.
	TryLead(ctx context.Context) (Lease, bool, error)
	// Close gives up the lead, if held, and frees the connection.
	Close() error
}

// Lease is held leadership. It ends only when lost (see ErrLeaseLost) or
// when its Leader is closed.
type Lease interface {
	// Done is closed when the lease is lost.
	Done() <-chan struct{}
	// Err is nil while the lease is held, then why it was lost (wrapping
	// ErrLeaseLost).
	Err() error
	// Check asks the database, now, whether the lease is still held (a
	// cheap query on the connection holding the lock). A failure marks the
	// lease lost. Call it right before every write the leader alone may
	// make. A ctx already cancelled fails without marking the lease lost.
	Check(ctx context.Context) error
}

// LeaderStore is a Store shared by several processes, which elects the one
// that writes. Each call to Leader returns a new, independent Leader (a
// dedicated connection) for the caller to Close.
type LeaderStore interface {
	Store
	Leader() Leader
}
