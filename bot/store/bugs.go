package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

func (s *sqlStore) MarkDirty(ctx context.Context, marks []BugMark) error {
	if len(marks) == 0 {
		return nil
	}
	ctx = s.db.callCtx(ctx) // for the transaction's statements too
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: mark dirty: %w", err)
	}
	defer tx.Rollback()
	for _, m := range marks {
		_, err := tx.ExecContext(ctx, `INSERT INTO bugs (bug_id, dirty, last_change, marked_at) VALUES ($1, 1, $2, $3)
			ON CONFLICT (bug_id) DO UPDATE SET dirty = 1, marked_at = excluded.marked_at,
				last_change = CASE WHEN excluded.last_change = '' THEN bugs.last_change ELSE excluded.last_change END`,
			m.BugID, formatTime(m.LastChange), formatTime(m.MarkedAt))
		if err != nil {
			return fmt.Errorf("store: mark bug %d dirty: %w", m.BugID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: mark dirty: %w", err)
	}
	return nil
}

func (s *sqlStore) DirtyBugs(ctx context.Context, afterID, limit int) ([]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT bug_id FROM bugs WHERE dirty = 1 AND bug_id > $1
		ORDER BY bug_id LIMIT $2`, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: dirty bugs: %w", err)
	}
	return scanInts(rows)
}

func (s *sqlStore) ClearDirty(ctx context.Context, bugID int) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE bugs SET dirty = 0 WHERE bug_id = $1`, bugID); err != nil {
		return fmt.Errorf("store: clear bug %d: %w", bugID, err)
	}
	return nil
}

// lastChangeBatch is how many ids one BugLastChange query names: well
// under SQLite's and PostgreSQL's limits on parameters.
const lastChangeBatch = 500

func (s *sqlStore) BugLastChange(ctx context.Context, bugIDs []int) (map[int]time.Time, error) {
	out := make(map[int]time.Time, len(bugIDs))
	for batch := range slices.Chunk(bugIDs, lastChangeBatch) {
		args := make([]any, len(batch))
		marks := make([]string, len(batch))
		for i, id := range batch {
			args[i] = id
			marks[i] = fmt.Sprintf("$%d", i+1)
		}
		rows, err := s.db.QueryContext(ctx, `SELECT bug_id, last_change FROM bugs WHERE bug_id IN (`+
			strings.Join(marks, ", ")+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("store: bugs' last change: %w", err)
		}
		for rows.Next() {
			var id int
			var lc string
			if err := rows.Scan(&id, &lc); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: bugs' last change: %w", err)
			}
			t, err := parseTime(lc)
			if err != nil {
				rows.Close()
				return nil, err
			}
			if !t.IsZero() { // a bug never queued, or queued without a time: no entry
				out[id] = t
			}
		}
		if err := rows.Err(); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: bugs' last change: %w", err)
		}
		rows.Close()
	}
	return out, nil
}
