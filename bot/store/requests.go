package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

const requestColumns = `flag_id, bug_id, attachment_id, requestee, setter, status, first_status,
	requested_at, first_seen, updated_at, form_key, form_rev`

func (s *sqlStore) SaveRequest(ctx context.Context, r Request) error {
	if r.FirstStatus == "" {
		r.FirstStatus = r.Status
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO requests (`+requestColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		ON CONFLICT (flag_id) DO UPDATE SET
			bug_id = excluded.bug_id, attachment_id = excluded.attachment_id,
			requestee = excluded.requestee, setter = excluded.setter, status = excluded.status,
			first_status = excluded.first_status, first_seen = excluded.first_seen,
			requested_at = excluded.requested_at, updated_at = excluded.updated_at,
			form_key = excluded.form_key, form_rev = excluded.form_rev`,
		r.FlagID, r.BugID, r.AttachmentID, r.Requestee, r.Setter, r.Status, r.FirstStatus,
		formatTime(r.RequestedAt), formatTime(r.FirstSeen), formatTime(r.UpdatedAt), r.FormKey, r.FormRev)
	if err != nil {
		return fmt.Errorf("store: save request for flag %d: %w", r.FlagID, err)
	}
	return nil
}

func (s *sqlStore) Request(ctx context.Context, flagID int) (Request, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+requestColumns+` FROM requests WHERE flag_id = $1`, flagID)
	if err != nil {
		return Request{}, fmt.Errorf("store: request for flag %d: %w", flagID, err)
	}
	rs, err := scanRequests(rows)
	if err != nil {
		return Request{}, err
	}
	if len(rs) == 0 {
		return Request{}, ErrNotFound
	}
	return rs[0], nil
}

func (s *sqlStore) RequestsOnBug(ctx context.Context, bugID int) ([]Request, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+requestColumns+` FROM requests WHERE bug_id = $1 ORDER BY flag_id`, bugID)
	if err != nil {
		return nil, fmt.Errorf("store: requests on bug %d: %w", bugID, err)
	}
	return scanRequests(rows)
}

func (s *sqlStore) BugsWithOpenRequests(ctx context.Context) ([]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT bug_id FROM requests
		WHERE status = '?' AND first_status = '?' ORDER BY bug_id`)
	if err != nil {
		return nil, fmt.Errorf("store: bugs with open requests: %w", err)
	}
	return scanInts(rows)
}

// scanRequests reads requests. The people and statuses repeat from one
// request to the next (a few stewards, "?"), so each distinct value is
// kept once: with 10,000 open requests that is 40,000 strings fewer
// held by the list the duties keep through their task.
func scanRequests(rows *sql.Rows) ([]Request, error) {
	defer rows.Close()
	var out []Request
	same := map[string]string{}
	once := func(s *string) {
		if v, ok := same[*s]; ok {
			*s = v
		} else {
			same[*s] = *s
		}
	}
	for rows.Next() {
		var r Request
		var requested, first, updated string
		if err := rows.Scan(&r.FlagID, &r.BugID, &r.AttachmentID, &r.Requestee, &r.Setter, &r.Status,
			&r.FirstStatus, &requested, &first, &updated, &r.FormKey, &r.FormRev); err != nil {
			return nil, fmt.Errorf("store: scan request: %w", err)
		}
		once(&r.Requestee)
		once(&r.Setter)
		once(&r.Status)
		once(&r.FirstStatus)
		var err error
		if r.RequestedAt, err = parseTime(requested); err != nil {
			return nil, err
		}
		if r.FirstSeen, err = parseTime(first); err != nil {
			return nil, err
		}
		if r.UpdatedAt, err = parseTime(updated); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: scan requests: %w", err)
	}
	return out, nil
}

// OpenRequestsOnBugs lists the open requests (as OpenRequests) of the
// given bugs, by bug and flag id: a task that walks the bugs with open
// requests a batch at a time holds one batch's requests, not all of them.
func (s *sqlStore) OpenRequestsOnBugs(ctx context.Context, bugIDs []int) ([]Request, error) {
	if len(bugIDs) == 0 {
		return nil, nil
	}
	args := make([]any, len(bugIDs))
	marks := make([]string, len(bugIDs))
	for i, id := range bugIDs {
		args[i] = id
		marks[i] = fmt.Sprintf("$%d", i+1)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+requestColumns+` FROM requests
		WHERE status = '?' AND first_status = '?' AND bug_id IN (`+strings.Join(marks, ", ")+`)
		ORDER BY bug_id, flag_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: open requests on %d bugs: %w", len(bugIDs), err)
	}
	return scanRequests(rows)
}
