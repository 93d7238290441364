package store

import (
	"context"
	"fmt"
)

// OpenRequestsAfter lists a page of the open requests (as OpenRequests):
// those after the request of bug afterBug and flag afterFlag in bug and
// flag id order (0, 0 for the first page), at most limit of them. A task
// walks them a page at a time rather than holding all of them (2 MB at
// 10,000); each page is a range of the (bug_id, flag_id) order, read
// through the bug index (SQLite sorts each bug's few flags), about as fast
// over all pages (35 ms at 10,000) as OpenRequests at once.
func (s *sqlStore) OpenRequestsAfter(ctx context.Context, afterBug, afterFlag, limit int) ([]Request, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+requestColumns+` FROM requests
		WHERE status = '?' AND first_status = '?' AND (bug_id > $1 OR (bug_id = $1 AND flag_id > $2))
		ORDER BY bug_id, flag_id LIMIT $3`, afterBug, afterFlag, limit)
	if err != nil {
		return nil, fmt.Errorf("store: open requests after bug %d flag %d: %w", afterBug, afterFlag, err)
	}
	return scanRequests(rows)
}
