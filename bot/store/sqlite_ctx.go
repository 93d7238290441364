package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// sqlDB is the database a sqlStore queries: database/sql's, and for
// SQLite, calls that do not hand the caller's cancellation to the driver.
//
// With a context that can be cancelled, database/sql starts a goroutine
// for every query (to close its rows when the context ends) and
// modernc.org/sqlite one for every statement (to interrupt it), each with
// its own stack. The bot makes tens of thousands of store calls a cycle at
// 10,000 tracked requests (a few per request and task), each a fraction
// of a millisecond, so those goroutines were queued faster than they ran:
// 200 of them at once, 1 to 2 MB of stacks, in BenchmarkMemoryRSS10k.
// detach checks the caller's context before each call, and runs the call
// under context.WithoutCancel: a call already running when the context
// ends finishes (most of SQLite's statements here take under a
// millisecond, the dashboard's queue about 0.1 s at 10,000 requests; a
// wait for another process's lock, a backfill beside the daemon, ends
// after busyTimeoutMillis), and the next call returns the context's error.
// A call that fails after the context ended says so: its error is the
// context's too (errors.Is), not only the driver's "database is locked".
// A stop can so wait up to busyTimeoutMillis (docs/operations.md).
// PostgreSQL's calls, which go over the network, keep their cancellation.
type sqlDB struct {
	*sql.DB
	detach bool
}

// callCtx is the context to run a call under: ctx itself when it has
// ended (database/sql then fails the call at once, before starting
// anything) or when calls are not detached.
func (d sqlDB) callCtx(ctx context.Context) context.Context {
	if !d.detach || ctx.Err() != nil {
		return ctx
	}
	return context.WithoutCancel(ctx)
}

// ended joins the caller's context error to err when the call failed after
// the context ended: a detached call that waited for a lock reports the
// cancellation that stopped the bot, not only the lock.
func (d sqlDB) ended(ctx context.Context, err error) error {
	if err == nil || !d.detach || ctx.Err() == nil || errors.Is(err, ctx.Err()) {
		return err
	}
	return fmt.Errorf("%w (%w)", ctx.Err(), err)
}

func (d sqlDB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	rows, err := d.DB.QueryContext(d.callCtx(ctx), query, args...)
	return rows, d.ended(ctx, err)
}

func (d sqlDB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return d.DB.QueryRowContext(d.callCtx(ctx), query, args...)
}

func (d sqlDB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := d.DB.ExecContext(d.callCtx(ctx), query, args...)
	return res, d.ended(ctx, err)
}

// BeginTx begins a transaction under callCtx; its statements take the
// context they are given, so the store's transactions give them callCtx
// too.
func (d sqlDB) BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error) {
	tx, err := d.DB.BeginTx(d.callCtx(ctx), opts)
	return tx, d.ended(ctx, err)
}
