package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// OwnerActivity is what Bugzilla said of one account a form names as a
// collection's owner, for the survey's "owners no longer active".
type OwnerActivity struct {
	Login        string    // lower case
	Found        bool      // Bugzilla has the account
	LastActivity time.Time // zero: the server did not say (unknown, never "inactive")
	CheckedAt    time.Time // when the bot asked
}

// SaveOwnerActivity records what Bugzilla said of these accounts,
// replacing what was recorded of them, in one transaction.
func (s *sqlStore) SaveOwnerActivity(ctx context.Context, as []OwnerActivity) error {
	ctx = s.db.callCtx(ctx) // for the transaction's statements too
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: save owner activity: %w", err)
	}
	defer tx.Rollback()
	for _, a := range as {
		login := strings.ToLower(strings.TrimSpace(a.Login))
		if login == "" || a.CheckedAt.IsZero() {
			return fmt.Errorf("store: save owner activity: a row needs a login and a check time, not %q at %v", a.Login, a.CheckedAt)
		}
		found := 0
		if a.Found {
			found = 1
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO owner_activity (login, found, last_activity, checked_at)
			VALUES ($1, $2, $3, $4)
			ON CONFLICT (login) DO UPDATE SET found = excluded.found, last_activity = excluded.last_activity,
				checked_at = excluded.checked_at`,
			login, found, formatTime(a.LastActivity), formatTime(a.CheckedAt)); err != nil {
			return fmt.Errorf("store: save owner activity of %s: %w", login, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: save owner activity: %w", err)
	}
	return nil
}

// OwnerActivities lists every recorded account, by login.
func (s *sqlStore) OwnerActivities(ctx context.Context) ([]OwnerActivity, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT login, found, last_activity, checked_at FROM owner_activity ORDER BY login`)
	if err != nil {
		return nil, fmt.Errorf("store: owner activity: %w", err)
	}
	defer rows.Close()
	var out []OwnerActivity
	for rows.Next() {
		var a OwnerActivity
		var found int
		var last, checked string
		if err := rows.Scan(&a.Login, &found, &last, &checked); err != nil {
			return nil, fmt.Errorf("store: owner activity: %w", err)
		}
		a.Found = found != 0
		if a.LastActivity, err = parseTime(last); err != nil {
			return nil, err
		}
		if a.CheckedAt, err = parseTime(checked); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: owner activity: %w", err)
	}
	return out, nil
}
