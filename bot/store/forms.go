package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

func (s *sqlStore) Form(ctx context.Context, attachmentID int) (FormInfo, error) {
	var f FormInfo
	var isForm int
	var checked string
	err := s.db.QueryRowContext(ctx, `SELECT attachment_id, is_form, rev, version, checked_at FROM forms
		WHERE attachment_id = $1`, attachmentID).Scan(&f.AttachmentID, &isForm, &f.Rev, &f.Version, &checked)
	if errors.Is(err, sql.ErrNoRows) {
		return FormInfo{}, ErrNotFound
	}
	if err != nil {
		return FormInfo{}, fmt.Errorf("store: form %d: %w", attachmentID, err)
	}
	f.IsForm = isForm != 0
	if f.CheckedAt, err = parseTime(checked); err != nil {
		return FormInfo{}, err
	}
	return f, nil
}

func (s *sqlStore) SaveForm(ctx context.Context, f FormInfo) error {
	isForm := 0
	if f.IsForm {
		isForm = 1
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO forms (attachment_id, is_form, rev, version, checked_at)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (attachment_id) DO UPDATE SET is_form = excluded.is_form, rev = excluded.rev,
			version = excluded.version, checked_at = excluded.checked_at`,
		f.AttachmentID, isForm, f.Rev, f.Version, formatTime(f.CheckedAt))
	if err != nil {
		return fmt.Errorf("store: save form %d: %w", f.AttachmentID, err)
	}
	return nil
}
