package store

import (
	"context"
	"fmt"
	"time"
)

// QueueSize counts the open requests Queue lists and says when the oldest
// of them was made (QueueRow.Since; zero when none has a time), without
// loading them: the bot reports both after every cycle, and the rows with
// their summaries and findings were about 5 MB at 10,000 open requests,
// live in the daemon's heap for the moment of the report.
func (s *sqlStore) QueueSize(ctx context.Context) (n int, oldest time.Time, err error) {
	var since string
	err = s.db.QueryRowContext(ctx, `SELECT COUNT(*),
			COALESCE(MIN(NULLIF(CASE WHEN requested_at = '' THEN first_seen ELSE requested_at END, '')), '')
		FROM requests WHERE status = '?' AND first_status = '?'`).Scan(&n, &since)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("store: queue size: %w", err)
	}
	if oldest, err = parseTime(since); err != nil {
		return 0, time.Time{}, err
	}
	return n, oldest, nil
}
