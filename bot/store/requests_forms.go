package store

import (
	"context"
	"fmt"
)

// OpenFormRequests lists a page of the open requests (as OpenRequests)
// that have a form, one per form revision of a bug (the one with the
// lowest flag id), the oldest first: by requested_at, bug_id and flag_id,
// after the request after (nil: from the first), at most limit of them.
// escalate walks them a page at a time, the order in which it sends the
// notices, rather than holding every open request (2 MB at 10,000).
func (s *sqlStore) OpenFormRequests(ctx context.Context, after *Request, limit int) ([]Request, error) {
	at, bug, flag := "", 0, 0
	first := 1
	if after != nil {
		at, bug, flag, first = formatTime(after.RequestedAt), after.BugID, after.FlagID, 0
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+requestColumns+` FROM requests r
		WHERE r.status = '?' AND r.first_status = '?' AND r.form_key <> '' AND r.form_rev <> ''
			AND NOT EXISTS (SELECT 1 FROM requests o WHERE o.bug_id = r.bug_id AND o.form_key = r.form_key
				AND o.form_rev = r.form_rev AND o.status = '?' AND o.first_status = '?' AND o.flag_id < r.flag_id)
			AND ($1 = 1 OR r.requested_at > $2 OR (r.requested_at = $2
				AND (r.bug_id > $3 OR (r.bug_id = $3 AND r.flag_id > $4))))
		ORDER BY r.requested_at, r.bug_id, r.flag_id LIMIT $5`, first, at, bug, flag, limit)
	if err != nil {
		return nil, fmt.Errorf("store: open requests with a form: %w", err)
	}
	return scanRequests(rows)
}
