package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Control is what the comment commands on a bug have set: "stewardbot:
// snooze 5d" (reminders wait until SnoozedUntil) and "stewardbot: stop" (the
// bot does nothing more on the bug's requests but answer commands, until
// "stewardbot: resume").
type Control struct {
	BugID        int
	SnoozedUntil time.Time // zero: not snoozed
	Stopped      bool
	UpdatedAt    time.Time
}

func (s *sqlStore) SaveControl(ctx context.Context, c Control) error {
	stopped := 0
	if c.Stopped {
		stopped = 1
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO bug_controls (bug_id, snoozed_until, stopped, updated_at)
		VALUES ($1, $2, $3, $4)
		ON CONFLICT (bug_id) DO UPDATE SET snoozed_until = excluded.snoozed_until,
			stopped = excluded.stopped, updated_at = excluded.updated_at`,
		c.BugID, formatTime(c.SnoozedUntil), stopped, formatTime(c.UpdatedAt))
	if err != nil {
		return fmt.Errorf("store: save control of bug %d: %w", c.BugID, err)
	}
	return nil
}

func (s *sqlStore) Control(ctx context.Context, bugID int) (Control, error) {
	c := Control{BugID: bugID}
	var snoozed, updated string
	var stopped int
	err := s.db.QueryRowContext(ctx, `SELECT snoozed_until, stopped, updated_at FROM bug_controls
		WHERE bug_id = $1`, bugID).Scan(&snoozed, &stopped, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return c, nil // no command: not snoozed, not stopped
	}
	if err != nil {
		return Control{}, fmt.Errorf("store: control of bug %d: %w", bugID, err)
	}
	c.Stopped = stopped != 0
	if c.SnoozedUntil, err = parseTime(snoozed); err != nil {
		return Control{}, err
	}
	if c.UpdatedAt, err = parseTime(updated); err != nil {
		return Control{}, err
	}
	return c, nil
}

func (s *sqlStore) Snoozed(ctx context.Context, bugID int) (time.Time, error) {
	c, err := s.Control(ctx, bugID)
	return c.SnoozedUntil, err
}

func (s *sqlStore) Stopped(ctx context.Context, bugID int) (bool, error) {
	c, err := s.Control(ctx, bugID)
	return c.Stopped, err
}
