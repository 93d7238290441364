package store

import (
	"context"
	"fmt"
	"time"
)

func (s *sqlStore) DecidedRequests(ctx context.Context, status string, since time.Time) ([]Request, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+requestColumns+` FROM requests
		WHERE status = $1 AND first_status = '?' AND updated_at >= $2 ORDER BY bug_id, flag_id`,
		status, formatTime(since))
	if err != nil {
		return nil, fmt.Errorf("store: %s requests: %w", status, err)
	}
	return scanRequests(rows)
}
