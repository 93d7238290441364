package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ReviewForm is the steward's Data Review form of one answered request
// (its flag), found on the bug.
type ReviewForm struct {
	FlagID     int
	BugID      int
	FormKey    string // "comment:456" or "attachment:123"
	Version    string // the review template's version, as policy names it
	Result     string // "data-review+", "data-review-", or "" when the form states none
	Private    bool   // the comment or attachment is private
	ReviewedAt time.Time
	RecordedAt time.Time
}

// SaveReviewForm inserts or replaces the review form of a request.
func (s *sqlStore) SaveReviewForm(ctx context.Context, r ReviewForm) error {
	if r.FlagID <= 0 || r.FormKey == "" {
		return fmt.Errorf("store: save review form: need a flag and a form, got flag %d and %q", r.FlagID, r.FormKey)
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO review_forms (flag_id, bug_id, form_key, version, result, private,
			reviewed_at, recorded_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (flag_id) DO UPDATE SET bug_id = excluded.bug_id, form_key = excluded.form_key,
			version = excluded.version, result = excluded.result, private = excluded.private,
			reviewed_at = excluded.reviewed_at, recorded_at = excluded.recorded_at`,
		r.FlagID, r.BugID, r.FormKey, r.Version, r.Result, boolInt(r.Private),
		formatTime(r.ReviewedAt), formatTime(r.RecordedAt))
	if err != nil {
		return fmt.Errorf("store: save review form of flag %d: %w", r.FlagID, err)
	}
	return nil
}

// ReviewForm returns the review form recorded for a flag, or ErrNotFound.
func (s *sqlStore) ReviewForm(ctx context.Context, flagID int) (ReviewForm, error) {
	r := ReviewForm{FlagID: flagID}
	var private int
	var reviewed, recorded string
	err := s.db.QueryRowContext(ctx, `SELECT bug_id, form_key, version, result, private, reviewed_at, recorded_at
		FROM review_forms WHERE flag_id = $1`, flagID).Scan(&r.BugID, &r.FormKey, &r.Version, &r.Result,
		&private, &reviewed, &recorded)
	if errors.Is(err, sql.ErrNoRows) {
		return ReviewForm{}, ErrNotFound
	}
	if err != nil {
		return ReviewForm{}, fmt.Errorf("store: review form of flag %d: %w", flagID, err)
	}
	r.Private = private != 0
	if r.ReviewedAt, err = parseTime(reviewed); err != nil {
		return ReviewForm{}, err
	}
	if r.RecordedAt, err = parseTime(recorded); err != nil {
		return ReviewForm{}, err
	}
	return r, nil
}
