package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Trouble is work that keeps failing on one bug: reading or handling it, or
// one write. The bot records it to retry with backoff (RetryAt) and to
// report it: the dashboard lists every Trouble.
type Trouble struct {
	Key           string // "bug:N", or a write's action key
	BugID         int
	Kind          string // TroubleRead or TroubleWrite
	Reason        string // the last error
	Failures      int    // in a row
	FirstFailedAt time.Time
	LastFailedAt  time.Time
	RetryAt       time.Time // zero: given up
	Private       bool      // the bug is known to be private (from bug_info); read only
}

// Kinds of Trouble.
const (
	TroubleRead  = "read"  // reading or handling a bug failed
	TroubleWrite = "write" // Bugzilla refused a comment the bot wrote
)

func (s *sqlStore) SaveTrouble(ctx context.Context, t Trouble) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO troubled (key, bug_id, kind, reason, failures, first_failed_at, last_failed_at, retry_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (key) DO UPDATE SET bug_id = excluded.bug_id, kind = excluded.kind, reason = excluded.reason,
			failures = excluded.failures, first_failed_at = excluded.first_failed_at,
			last_failed_at = excluded.last_failed_at, retry_at = excluded.retry_at`,
		t.Key, t.BugID, t.Kind, t.Reason, t.Failures, formatTime(t.FirstFailedAt), formatTime(t.LastFailedAt), formatTime(t.RetryAt))
	if err != nil {
		return fmt.Errorf("store: save trouble %s: %w", t.Key, err)
	}
	return nil
}

func (s *sqlStore) Trouble(ctx context.Context, key string) (Trouble, error) {
	rows, err := s.db.QueryContext(ctx, troubleSelect+` WHERE t.key = $1`, key)
	if err != nil {
		return Trouble{}, fmt.Errorf("store: trouble %s: %w", key, err)
	}
	ts, err := scanTroubles(rows)
	if err != nil {
		return Trouble{}, err
	}
	if len(ts) == 0 {
		return Trouble{}, ErrNotFound
	}
	return ts[0], nil
}

func (s *sqlStore) ClearTrouble(ctx context.Context, key string) (bool, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM troubled WHERE key = $1`, key)
	if err != nil {
		return false, fmt.Errorf("store: clear trouble %s: %w", key, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

func (s *sqlStore) Troubles(ctx context.Context) ([]Trouble, error) {
	rows, err := s.db.QueryContext(ctx, troubleSelect+` ORDER BY t.bug_id, t.key`)
	if err != nil {
		return nil, fmt.Errorf("store: troubles: %w", err)
	}
	return scanTroubles(rows)
}

const troubleSelect = `SELECT t.key, t.bug_id, t.kind, t.reason, t.failures, t.first_failed_at, t.last_failed_at, t.retry_at,
	COALESCE(b.private, 0)
	FROM troubled t LEFT JOIN bug_info b ON b.bug_id = t.bug_id`

func scanTroubles(rows *sql.Rows) ([]Trouble, error) {
	defer rows.Close()
	var out []Trouble
	for rows.Next() {
		var t Trouble
		var first, last, retry string
		var private int
		if err := rows.Scan(&t.Key, &t.BugID, &t.Kind, &t.Reason, &t.Failures, &first, &last, &retry, &private); err != nil {
			return nil, fmt.Errorf("store: read trouble: %w", err)
		}
		var err error
		if t.FirstFailedAt, err = parseTime(first); err != nil {
			return nil, err
		}
		if t.LastFailedAt, err = parseTime(last); err != nil {
			return nil, err
		}
		if t.RetryAt, err = parseTime(retry); err != nil {
			return nil, err
		}
		t.Private = private != 0
		out = append(out, t)
	}
	if err := rows.Err(); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: read troubles: %w", err)
	}
	return out, nil
}
