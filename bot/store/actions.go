package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

func (s *sqlStore) Action(ctx context.Context, key string) (Action, error) {
	var a Action
	var status, created, updated string
	err := s.db.QueryRowContext(ctx, `SELECT key, kind, bug_id, attachment_id, flag_id, status, attempts,
		comment_id, error, created_at, updated_at FROM actions WHERE key = $1`, key).Scan(
		&a.Key, &a.Kind, &a.BugID, &a.AttachmentID, &a.FlagID, &status, &a.Attempts,
		&a.CommentID, &a.Error, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return Action{}, ErrNotFound
	}
	if err != nil {
		return Action{}, fmt.Errorf("store: action %s: %w", key, err)
	}
	a.Status = ActionStatus(status)
	if a.CreatedAt, err = parseTime(created); err != nil {
		return Action{}, err
	}
	if a.UpdatedAt, err = parseTime(updated); err != nil {
		return Action{}, err
	}
	return a, nil
}

func (s *sqlStore) RecordAction(ctx context.Context, a Action) error {
	if a.CreatedAt.IsZero() {
		a.CreatedAt = a.UpdatedAt
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO actions (key, kind, bug_id, attachment_id, flag_id, status,
			attempts, comment_id, error, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (key) DO UPDATE SET status = excluded.status, attempts = excluded.attempts,
			comment_id = excluded.comment_id, error = excluded.error, updated_at = excluded.updated_at,
			flag_id = excluded.flag_id`,
		a.Key, a.Kind, a.BugID, a.AttachmentID, a.FlagID, string(a.Status), a.Attempts, a.CommentID,
		a.Error, formatTime(a.CreatedAt), formatTime(a.UpdatedAt))
	if err != nil {
		return fmt.Errorf("store: record action %s: %w", a.Key, err)
	}
	return nil
}

func (s *sqlStore) BugsWithActions(ctx context.Context, statuses ...ActionStatus) ([]int, error) {
	if len(statuses) == 0 {
		return nil, nil
	}
	args := make([]any, len(statuses))
	marks := make([]string, len(statuses))
	for i, st := range statuses {
		args[i] = string(st)
		marks[i] = fmt.Sprintf("$%d", i+1)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT bug_id FROM actions WHERE status IN (`+
		strings.Join(marks, ", ")+`) ORDER BY bug_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: bugs with actions: %w", err)
	}
	return scanInts(rows)
}
