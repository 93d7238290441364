package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Reminder is what the store remembers about reminding one request's
// steward: a cache of what the marked comments on the bug say, plus when the
// request is next worth a look. Losing it costs a re-read of the bug, never
// a second reminder.
type Reminder struct {
	FlagID    int
	BugID     int
	Requestee string    // who the last reminder went to
	Sent      int       // reminders on the bug for the current requestee
	LastSent  time.Time // when the last of them was posted; zero for none
	// NextDue is when the request should next be looked at; zero means
	// "now" (never looked at).
	NextDue time.Time
	State   ReminderState
	// DryRun: a dry run made this row. Its Sent and LastSent count the
	// reminders it only logged, and NextDue follows them as if they had been
	// posted. The bot in the other mode treats the row as absent.
	DryRun    bool
	UpdatedAt time.Time
}

// ReminderState says whether reminders about a request are still running.
type ReminderState string

const (
	// ReminderActive: reminders run as the schedule says.
	ReminderActive ReminderState = ""
	// ReminderFinished: the last reminder and the notice to the lead are
	// done; nothing more is sent for this requestee.
	ReminderFinished ReminderState = "finished"
	// ReminderStopped: the request was answered (+ or -) or withdrawn.
	ReminderStopped ReminderState = "stopped"
)

const reminderColumns = `flag_id, bug_id, requestee, sent, last_sent, next_due, state, dry_run, updated_at`

func (s *sqlStore) Reminder(ctx context.Context, flagID int) (Reminder, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+reminderColumns+` FROM reminders WHERE flag_id = $1`, flagID)
	if err != nil {
		return Reminder{}, fmt.Errorf("store: reminder for flag %d: %w", flagID, err)
	}
	rs, err := scanReminders(rows)
	if err != nil {
		return Reminder{}, err
	}
	if len(rs) == 0 {
		return Reminder{}, ErrNotFound
	}
	return rs[0], nil
}

func (s *sqlStore) SaveReminder(ctx context.Context, r Reminder) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO reminders (`+reminderColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (flag_id) DO UPDATE SET bug_id = excluded.bug_id, requestee = excluded.requestee,
			sent = excluded.sent, last_sent = excluded.last_sent, next_due = excluded.next_due,
			state = excluded.state, dry_run = excluded.dry_run, updated_at = excluded.updated_at`,
		r.FlagID, r.BugID, r.Requestee, r.Sent, formatTime(r.LastSent), formatTime(r.NextDue),
		string(r.State), boolInt(r.DryRun), formatTime(r.UpdatedAt))
	if err != nil {
		return fmt.Errorf("store: save reminder for flag %d: %w", r.FlagID, err)
	}
	return nil
}

func (s *sqlStore) RemindersSentSince(ctx context.Context, requestee string, since time.Time, dryRun bool) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM reminders
		WHERE requestee = $1 AND last_sent <> '' AND last_sent > $2 AND dry_run = $3`,
		requestee, formatTime(since), boolInt(dryRun)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: reminders sent to %s: %w", requestee, err)
	}
	return n, nil
}

func (s *sqlStore) OpenRequests(ctx context.Context) ([]Request, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+requestColumns+` FROM requests
		WHERE status = '?' AND first_status = '?' ORDER BY bug_id, flag_id`)
	if err != nil {
		return nil, fmt.Errorf("store: open requests: %w", err)
	}
	return scanRequests(rows)
}

func scanReminders(rows *sql.Rows) ([]Reminder, error) {
	defer rows.Close()
	var out []Reminder
	for rows.Next() {
		var r Reminder
		var last, due, state, updated string
		var dry int
		if err := rows.Scan(&r.FlagID, &r.BugID, &r.Requestee, &r.Sent, &last, &due, &state, &dry, &updated); err != nil {
			return nil, fmt.Errorf("store: scan reminder: %w", err)
		}
		r.State, r.DryRun = ReminderState(state), dry != 0
		var err error
		if r.LastSent, err = parseTime(last); err != nil {
			return nil, err
		}
		if r.NextDue, err = parseTime(due); err != nil {
			return nil, err
		}
		if r.UpdatedAt, err = parseTime(updated); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: scan reminders: %w", err)
	}
	return out, nil
}

func (s *sqlStore) RemindersToStop(ctx context.Context) ([]Reminder, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT r.flag_id, r.bug_id, r.requestee, r.sent, r.last_sent, r.next_due,
			r.state, r.dry_run, r.updated_at
		FROM reminders r JOIN requests q ON q.flag_id = r.flag_id
		WHERE r.state <> 'stopped' AND q.status <> '?' ORDER BY r.bug_id, r.flag_id`)
	if err != nil {
		return nil, fmt.Errorf("store: reminders to stop: %w", err)
	}
	return scanReminders(rows)
}
