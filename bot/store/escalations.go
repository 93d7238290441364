package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// EscalationStatus says how an escalation to Trust or Legal went.
type EscalationStatus string

const (
	// EscalationMade: the notice is on the bug and every contact that
	// could be asked was asked.
	EscalationMade EscalationStatus = "made"
	// EscalationBlocked: the notice is on the bug, but at least one
	// contact could not be asked (Blocked says who and why). The dashboard
	// lists these.
	EscalationBlocked EscalationStatus = "blocked"
	// EscalationDryRun: the notice was only logged.
	EscalationDryRun EscalationStatus = "dry_run"
)

// Escalation is one notice to Trust or Legal about one form revision.
type Escalation struct {
	Key       string // "<bug>:<form key>:<rev>:<target>"
	BugID     int
	FormKey   string // "attachment:123" or "comment:456"
	Rev       string
	Target    string // "trust" or "legal"
	Status    EscalationStatus
	Reasons   []string // finding codes
	Asked     []string // logins asked with needinfo
	Blocked   []string // "login: why", for those not asked
	Forced    bool     // asked for with "stewardbot: escalate"
	CommentID int      // the notice; 0 when unknown
	CreatedAt time.Time
	UpdatedAt time.Time
}

// EscalationKey is the store key of an escalation.
func EscalationKey(bugID int, formKey, rev, target string) string {
	return fmt.Sprintf("%d:%s:%s:%s", bugID, formKey, rev, target)
}

const escalationColumns = `key, bug_id, form_key, rev, target, status, reasons, asked, blocked, forced,
	comment_id, created_at, updated_at`

func (s *sqlStore) SaveEscalation(ctx context.Context, e Escalation) error {
	if e.Key == "" {
		e.Key = EscalationKey(e.BugID, e.FormKey, e.Rev, e.Target)
	}
	if e.CreatedAt.IsZero() {
		e.CreatedAt = e.UpdatedAt
	}
	forced := 0
	if e.Forced {
		forced = 1
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO escalations (`+escalationColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
		ON CONFLICT (key) DO UPDATE SET status = excluded.status, reasons = excluded.reasons,
			asked = excluded.asked, blocked = excluded.blocked, forced = excluded.forced,
			comment_id = excluded.comment_id, updated_at = excluded.updated_at`,
		e.Key, e.BugID, e.FormKey, e.Rev, e.Target, string(e.Status), joinList(e.Reasons), joinList(e.Asked),
		joinList(e.Blocked), forced, e.CommentID, formatTime(e.CreatedAt), formatTime(e.UpdatedAt))
	if err != nil {
		return fmt.Errorf("store: save escalation %s: %w", e.Key, err)
	}
	return nil
}

func (s *sqlStore) Escalation(ctx context.Context, key string) (Escalation, error) {
	es, err := s.queryEscalations(ctx, `WHERE key = $1`, key)
	if err != nil {
		return Escalation{}, err
	}
	if len(es) == 0 {
		return Escalation{}, ErrNotFound
	}
	return es[0], nil
}

func (s *sqlStore) EscalationsOnBug(ctx context.Context, bugID int) ([]Escalation, error) {
	return s.queryEscalations(ctx, `WHERE bug_id = $1 ORDER BY key`, bugID)
}

func (s *sqlStore) BlockedEscalations(ctx context.Context) ([]Escalation, error) {
	return s.queryEscalations(ctx, `WHERE status = $1 ORDER BY bug_id, key`, string(EscalationBlocked))
}

func (s *sqlStore) queryEscalations(ctx context.Context, where string, args ...any) ([]Escalation, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+escalationColumns+` FROM escalations `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("store: escalations: %w", err)
	}
	defer rows.Close()
	var out []Escalation
	for rows.Next() {
		var e Escalation
		var status, reasons, asked, blocked, created, updated string
		var forced int
		if err := rows.Scan(&e.Key, &e.BugID, &e.FormKey, &e.Rev, &e.Target, &status, &reasons, &asked,
			&blocked, &forced, &e.CommentID, &created, &updated); err != nil {
			return nil, fmt.Errorf("store: scan escalation: %w", err)
		}
		e.Status, e.Forced = EscalationStatus(status), forced != 0
		e.Reasons, e.Asked, e.Blocked = splitList(reasons), splitList(asked), splitList(blocked)
		if e.CreatedAt, err = parseTime(created); err != nil {
			return nil, err
		}
		if e.UpdatedAt, err = parseTime(updated); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: scan escalations: %w", err)
	}
	return out, nil
}

// joinList stores a list one item a line; items never hold a newline.
func joinList(items []string) string {
	clean := make([]string, 0, len(items))
	for _, it := range items {
		clean = append(clean, strings.ReplaceAll(it, "\n", " "))
	}
	return strings.Join(clean, "\n")
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
