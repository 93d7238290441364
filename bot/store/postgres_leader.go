package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// leaseCheckEvery is how often a held lease is checked in the background,
// besides the check before every write: a leader whose connection died
// notices within this time even when it has nothing to write.
const leaseCheckEvery = 5 * time.Second

// leaseCheckTimeout bounds one check: a database that does not answer
// within it has, as far as the leader can tell, dropped the lease.
const leaseCheckTimeout = 5 * time.Second

// errLeaderClosed ends a lease whose Leader was closed.
var errLeaderClosed = fmt.Errorf("%w: the leader lock was closed", ErrLeaseLost)

// pgLeader is the PostgreSQL leader lock: a session advisory lock
// (pg_try_advisory_lock) taken on a connection of its own, outside the
// store's pool, so that the lock lives exactly as long as that connection.
// When the connection drops, the server releases the lock and another
// replica can take it; the lease notices at its next check.
type pgLeader struct {
	cfg   *pgx.ConnConfig
	every time.Duration

	mu     sync.Mutex
	conn   *pgx.Conn // for trying, while no lease holds one; nil when not connected
	key    int64
	lease  *pgLease // the lease held; nil when none
	closed bool
}

var _ Leader = (*pgLeader)(nil)

func newPGLeader(cfg *pgx.ConnConfig, every time.Duration) *pgLeader {
	return &pgLeader{cfg: cfg, every: every}
}

func (l *pgLeader) TryLead(ctx context.Context) (Lease, bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil, false, errors.New("store: postgres: leader lock is closed")
	}
	if l.lease != nil {
		// Held since an earlier call: make sure it still is, so that a
		// leader whose session ended does not start a cycle on it.
		err := l.lease.Check(ctx)
		if err == nil {
			return l.lease, true, nil
		}
		if l.lease.Err() == nil {
			return nil, false, err // ctx ended; the lease still holds
		}
		l.lease = nil // lost: its connection is closed; try afresh
	}
	if l.conn == nil || l.conn.IsClosed() {
		if err := l.connect(ctx); err != nil {
			return nil, false, err
		}
	}
	var got bool
	var pid int32
	if err := l.conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1), pg_backend_pid()`, l.key).Scan(&got, &pid); err != nil {
		l.dropConn()
		return nil, false, fmt.Errorf("store: postgres: leader lock: %w", err)
	}
	if !got {
		return nil, false, nil // another process leads; the connection is kept for the next try
	}
	l.lease = newPGLease(l.conn, l.key, pid, l.every)
	l.conn = nil // the lease owns it now
	return l.lease, true, nil
}

// connect opens the dedicated connection and derives the lock key from the
// database and schema it lands in. Called with mu held.
func (l *pgLeader) connect(ctx context.Context) error {
	l.dropConn()
	conn, err := pgx.ConnectConfig(ctx, l.cfg)
	if err != nil {
		return fmt.Errorf("store: postgres: leader lock: connect to %s: %w", where(l.cfg), err)
	}
	var database string
	var schema sql.NullString
	if err := conn.QueryRow(ctx, `SELECT current_database(), current_schema()`).Scan(&database, &schema); err != nil {
		closeConn(conn)
		return fmt.Errorf("store: postgres: leader lock: %w", err)
	}
	if !schema.Valid {
		closeConn(conn)
		return errNoSchema
	}
	l.conn, l.key = conn, advisoryKey("leader", database, schema.String)
	return nil
}

func (l *pgLeader) dropConn() {
	if l.conn != nil {
		closeConn(l.conn)
		l.conn = nil
	}
}

func (l *pgLeader) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	if l.lease != nil {
		l.lease.release(errLeaderClosed)
		l.lease = nil
	}
	l.dropConn()
	return nil
}

// closeConn closes a connection without waiting long on a dead server.
func closeConn(c *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	c.Close(ctx)
}

// pgLease is a held advisory lock: valid while its connection answers.
type pgLease struct {
	mu   sync.Mutex // serialises use of conn: a pgx.Conn is not safe for concurrent use
	conn *pgx.Conn
	key  int64 // the advisory lock's key
	pid  int32 // the server process of the session holding the lock

	done chan struct{}
	once sync.Once
	err  error // set once, before done is closed
}

var _ Lease = (*pgLease)(nil)

// newPGLease takes over conn, which holds the lock, and checks it every
// interval in the background until the lease ends.
func newPGLease(conn *pgx.Conn, key int64, pid int32, every time.Duration) *pgLease {
	l := &pgLease{conn: conn, key: key, pid: pid, done: make(chan struct{})}
	go l.watch(every)
	return l
}

func (l *pgLease) Done() <-chan struct{} { return l.done }

func (l *pgLease) Err() error {
	select {
	case <-l.done:
		return l.err
	default:
		return nil
	}
}

func (l *pgLease) Check(ctx context.Context) error {
	if err := l.Err(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.Err(); err != nil {
		return err // lost while waiting for mu
	}
	// Not the caller's cancellation: cancelling a query breaks the
	// connection, which would lose the lease for nothing.
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), leaseCheckTimeout)
	defer cancel()
	// The lock is the session's and is never released while the session
	// lives: an answer from the same server process proves it is still
	// held. A different process means the connection now reaches another
	// session (a transaction-pooling proxy in between), which holds
	// nothing: the lease is lost, and such proxies are not supported.
	var pid int32
	if err := l.conn.QueryRow(cctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
		l.endLocked(fmt.Errorf("%w: %v", ErrLeaseLost, err))
		return l.err
	}
	if pid != l.pid {
		l.endLocked(fmt.Errorf("%w: the connection reaches another server session (pid %d, the lock's was %d): use a direct or session-pooled connection", ErrLeaseLost, pid, l.pid))
		return l.err
	}
	return nil
}

// watch checks the lease every interval until it ends.
func (l *pgLease) watch(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-l.done:
			return
		case <-t.C:
			l.Check(context.Background())
		}
	}
}

// release gives the lock back before ending the lease, so that another
// replica can take it at once: closing the connection alone frees it only
// when the server has noticed the session's end, a moment later.
func (l *pgLease) release(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.Err() == nil {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		// A failure leaves the lock to the connection's close below.
		_, _ = l.conn.Exec(ctx, `SELECT pg_advisory_unlock($1)`, l.key)
	}
	l.endLocked(err)
}

// endLocked ends the lease with err, closing its connection (which releases
// the lock on the server, if the server still has it). The caller holds mu.
func (l *pgLease) endLocked(err error) {
	l.once.Do(func() {
		l.err = err
		close(l.done)
		closeConn(l.conn)
	})
}
