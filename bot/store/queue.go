package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// BugInfo is what the dashboard shows of a bug: its summary, and whether it
// is private (in a group), in which case the summary is hidden by default;
// and its product, for the rules' per-product overrides.
type BugInfo struct {
	BugID     int
	Summary   string
	Private   bool
	Product   string // the Bugzilla product, for the rules' per-product overrides
	UpdatedAt time.Time
}

// FormAnalysis is what the analysis of one form revision found, keyed like
// Request.FormKey and Request.FormRev.
type FormAnalysis struct {
	FormKey         string
	FormRev         string
	Private         bool     // the form is a private attachment or comment
	HighestCategory int      // 0 when unknown
	Escalations     []string // "trust", "legal": who must hear of it
	// Findings is what the analysis found, in one short line built from
	// the finding codes only ("2 missing answers, category 3 default-on on
	// release"): no text of the form.
	Findings   string
	AnalysedAt time.Time
}

// QueueRow is one open request as the dashboard lists it.
type QueueRow struct {
	Request
	Summary         string   // "" when the bug was never polled with its summary
	BugPrivate      bool     // the bug is in a group
	FormPrivate     bool     // the form is private
	HighestCategory int      // 0 when not analysed (yet)
	Escalations     []string // who the analysis says must hear of it
	// RemindersSent is the reminders table's count for the flag.
	RemindersSent int
	// EscalationsMade counts the notices to Trust or Legal posted about the
	// request's current form revision (the escalations table), and
	// EscalationsBlocked those of them where a contact could not be asked.
	EscalationsMade    int
	EscalationsBlocked int
	// Analysed: the request's current form revision has been analysed.
	Analysed bool
	// Findings is the analysis' one-line summary (FormAnalysis.Findings).
	Findings string
	// AnalysisComment is the number on the bug (Bugzilla's comment count)
	// of the bot's analysis of the current form revision; 0 when unknown.
	AnalysisComment int
	// SnoozedUntil and Stopped are what the bug's comment commands set
	// (Control).
	SnoozedUntil time.Time
	Stopped      bool
	// AskedForForm: the bot asked for the form on the bug (its one
	// needs-form comment, posted or logged by a dry run).
	AskedForForm bool
	// AssignedByBot: the bot picked the steward of this request
	// (stewards.assign_unassigned).
	AssignedByBot bool
}

// The action kinds (the bot's marker kinds) the queue looks for in the
// journal; the bot's tests check they match its own.
const (
	ActionKindNeedsForm = "needs-form"
	ActionKindAssign    = "assign"
)

// Private reports whether the row's details must be hidden by default.
func (r QueueRow) Private() bool { return r.BugPrivate || r.FormPrivate }

// Since is when the request was made: the flag's time, else when first seen.
func (r QueueRow) Since() time.Time {
	if !r.RequestedAt.IsZero() {
		return r.RequestedAt
	}
	return r.FirstSeen
}

// SaveBugInfos records bugs' summaries and privacy in one transaction. Rows
// that did not change are left alone.
// BugProduct returns the product recorded for a bug; "" when none is.
func (s *sqlStore) BugProduct(ctx context.Context, bugID int) (string, error) {
	var p string
	err := s.db.QueryRowContext(ctx, `SELECT product FROM bug_info WHERE bug_id = $1`, bugID).Scan(&p)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: product of bug %d: %w", bugID, err)
	}
	return p, nil
}

func (s *sqlStore) SaveBugInfos(ctx context.Context, bugs []BugInfo) error {
	if len(bugs) == 0 {
		return nil
	}
	ctx = s.db.callCtx(ctx) // for the transaction's statements too
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: save bug info: %w", err)
	}
	defer tx.Rollback()
	for _, b := range bugs {
		_, err := tx.ExecContext(ctx, `INSERT INTO bug_info (bug_id, summary, private, product, updated_at)
			VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (bug_id) DO UPDATE SET summary = excluded.summary, private = excluded.private,
				product = excluded.product, updated_at = excluded.updated_at
			WHERE bug_info.summary <> excluded.summary OR bug_info.private <> excluded.private
				OR bug_info.product <> excluded.product`,
			b.BugID, b.Summary, boolInt(b.Private), b.Product, formatTime(b.UpdatedAt))
		if err != nil {
			return fmt.Errorf("store: save bug %d info: %w", b.BugID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: save bug info: %w", err)
	}
	return nil
}

// SaveFormAnalysis records what the analysis of a form revision found.
// The comment number a revision's analysis was posted as is kept: an
// analysis built again (a dry run, a recheck) is the same comment.
func (s *sqlStore) SaveFormAnalysis(ctx context.Context, a FormAnalysis) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO form_analyses (form_key, form_rev, private,
			highest_category, escalations, findings, analysed_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (form_key, form_rev) DO UPDATE SET private = excluded.private,
			highest_category = excluded.highest_category, escalations = excluded.escalations,
			findings = excluded.findings, analysed_at = excluded.analysed_at`,
		a.FormKey, a.FormRev, boolInt(a.Private), a.HighestCategory, strings.Join(a.Escalations, ","),
		a.Findings, formatTime(a.AnalysedAt))
	if err != nil {
		return fmt.Errorf("store: save analysis of %s: %w", a.FormKey, err)
	}
	return nil
}

// SaveAnalysisComment records the number on the bug (Bugzilla's comment
// count) of the bot's analysis of a form revision, for the dashboard's
// link. A revision whose analysis is not recorded is left alone: the
// dashboard then links the bug.
func (s *sqlStore) SaveAnalysisComment(ctx context.Context, formKey, formRev string, number int) error {
	_, err := s.db.ExecContext(ctx, `UPDATE form_analyses SET comment_number = $1
		WHERE form_key = $2 AND form_rev = $3`, number, formKey, formRev)
	if err != nil {
		return fmt.Errorf("store: save analysis comment of %s: %w", formKey, err)
	}
	return nil
}

// Queue lists the open requests ("?" and "?" when first seen), oldest first,
// with what the dashboard shows of each.
func (s *sqlStore) Queue(ctx context.Context) ([]QueueRow, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT r.flag_id, r.bug_id, r.attachment_id, r.requestee, r.setter,
			r.status, r.first_status, r.requested_at, r.first_seen, r.updated_at, r.form_key, r.form_rev,
			COALESCE(b.summary, ''), COALESCE(b.private, 1),
			COALESCE(f.private, 0), COALESCE(f.highest_category, 0), COALESCE(f.escalations, ''),
			COALESCE((SELECT m.sent FROM reminders m WHERE m.flag_id = r.flag_id), 0),
			(SELECT COUNT(*) FROM escalations e WHERE e.bug_id = r.bug_id AND e.form_key = r.form_key
				AND e.rev = r.form_rev AND e.status IN ('made', 'blocked')),
			(SELECT COUNT(*) FROM escalations e WHERE e.bug_id = r.bug_id AND e.form_key = r.form_key
				AND e.rev = r.form_rev AND e.status = 'blocked'),
			CASE WHEN f.form_key IS NULL THEN 0 ELSE 1 END,
			COALESCE(f.findings, ''), COALESCE(f.comment_number, 0),
			COALESCE(c.snoozed_until, ''), COALESCE(c.stopped, 0),
			CASE WHEN EXISTS (SELECT 1 FROM actions a WHERE a.bug_id = r.bug_id AND a.kind = $1
				AND a.status IN ('done', 'dry_run')) THEN 1 ELSE 0 END,
			CASE WHEN EXISTS (SELECT 1 FROM actions a WHERE a.bug_id = r.bug_id AND a.flag_id = r.flag_id AND a.kind = $2
				AND a.status IN ('done', 'dry_run')) THEN 1 ELSE 0 END
		FROM requests r
		LEFT JOIN bug_info b ON b.bug_id = r.bug_id
		LEFT JOIN bug_controls c ON c.bug_id = r.bug_id
		LEFT JOIN form_analyses f ON f.form_key = r.form_key AND f.form_rev = r.form_rev AND r.form_key <> ''
		WHERE r.status = '?' AND r.first_status = '?'
		ORDER BY CASE WHEN r.requested_at = '' THEN r.first_seen ELSE r.requested_at END, r.bug_id, r.flag_id`,
		ActionKindNeedsForm, ActionKindAssign)
	if err != nil {
		return nil, fmt.Errorf("store: queue: %w", err)
	}
	defer rows.Close()
	var out []QueueRow
	for rows.Next() {
		var q QueueRow
		var requested, first, updated, esc, snoozed string
		var bugPrivate, formPrivate, analysed, stopped, askedForm, assigned int
		if err := rows.Scan(&q.FlagID, &q.BugID, &q.AttachmentID, &q.Requestee, &q.Setter, &q.Status,
			&q.FirstStatus, &requested, &first, &updated, &q.FormKey, &q.FormRev,
			&q.Summary, &bugPrivate, &formPrivate, &q.HighestCategory, &esc,
			&q.RemindersSent, &q.EscalationsMade, &q.EscalationsBlocked, &analysed,
			&q.Findings, &q.AnalysisComment, &snoozed, &stopped, &askedForm, &assigned); err != nil {
			return nil, fmt.Errorf("store: scan queue: %w", err)
		}
		if q.RequestedAt, err = parseTime(requested); err != nil {
			return nil, err
		}
		if q.FirstSeen, err = parseTime(first); err != nil {
			return nil, err
		}
		if q.UpdatedAt, err = parseTime(updated); err != nil {
			return nil, err
		}
		if q.SnoozedUntil, err = parseTime(snoozed); err != nil {
			return nil, err
		}
		q.BugPrivate, q.FormPrivate, q.Analysed = bugPrivate != 0, formPrivate != 0, analysed != 0
		q.Stopped, q.AskedForForm, q.AssignedByBot = stopped != 0, askedForm != 0, assigned != 0
		if esc != "" {
			q.Escalations = strings.Split(esc, ",")
		}
		out = append(out, q)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: scan queue: %w", err)
	}
	return out, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
