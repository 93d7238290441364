package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Collection is one measurement of an analysed form revision, with the
// answers the form gives for all its measurements (default-on, channels,
// expiry, owner): what the yearly survey lists and what the expiry reminder
// reads. Text fields hold requester text as written: whoever shows them
// quotes them inertly.
type Collection struct {
	FormKey      string // like Request.FormKey: "attachment:123", "comment:456"
	FormRev      string
	Position     int // the measurement's place in the form, from 1; 0 for the one row of a form without readable measurements
	BugID        int
	AttachmentID int // the form's attachment; 0 for a form pasted in a comment
	Measurement  string
	Category     int // 1..4; 0 when none was written
	CategoryText string
	DefaultOn    string   // "yes", "no" or "unknown"
	Channels     []string // normalised: "release", "beta", "nightly", ...
	// Expiry is the normalised expiries ("2027-03-01; version 140"), or the
	// answer as written, cut short, when none could be read.
	Expiry string
	// ExpiryDates are the dated expiries, YYYY-MM-DD, sorted; nil when none.
	ExpiryDates []string
	Owner       string // who monitors the collection, as the form names them
	Private     bool   // the form is private
	RecordedAt  time.Time
}

// ReviewedCollection is a collection whose request a steward answered.
type ReviewedCollection struct {
	Collection
	FlagID int
	Status string // "+" (granted) or "-" (denied)
	// Steward is who answered: the flag's setter once it is "+" or "-"
	// (Bugzilla records who set it), else its requestee.
	Steward    string
	DecidedAt  time.Time // when the bot recorded the answer (the request's updated_at)
	BugPrivate bool      // the bug is in a group (as last polled)
	Product    string    // the bug's Bugzilla product (as last polled); "" when not known
}

// Private reports whether the row's details must be hidden by default.
func (r ReviewedCollection) Private() bool { return r.BugPrivate || r.Collection.Private }

// CollectionFilter narrows ReviewedCollections.
type CollectionFilter struct {
	Since  time.Time // only requests answered (as recorded) at or after Since; zero for all
	Status string    // "+" or "-" only; "" for both
	Dated  bool      // only collections with a dated expiry
}

const collectionColumns = `c.form_key, c.form_rev, c.position, c.bug_id, c.attachment_id, c.measurement,
	c.category, c.category_text, c.default_on, c.channels, c.expiry, c.expiry_dates, c.owner, c.private, c.recorded_at`

// SaveCollections replaces what is recorded of one form revision with cs,
// in one transaction. Every element must name formKey and formRev; an
// empty cs is refused (record one row at position 0 for a form without
// measurements, so that the survey still lists it).
func (s *sqlStore) SaveCollections(ctx context.Context, formKey, formRev string, cs []Collection) error {
	if formKey == "" || formRev == "" || len(cs) == 0 {
		return fmt.Errorf("store: save collections of %q rev %q: need a form, a revision and at least one row", formKey, formRev)
	}
	ctx = s.db.callCtx(ctx) // for the transaction's statements too
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: save collections of %s: %w", formKey, err)
	}
	defer tx.Rollback()
	last := 0
	for _, c := range cs {
		if c.FormKey != formKey || c.FormRev != formRev {
			return fmt.Errorf("store: save collections of %s rev %s: a row is about %s rev %s", formKey, formRev, c.FormKey, c.FormRev)
		}
		last = max(last, c.Position)
		// An upsert rather than a plain insert: two processes sharing a
		// PostgreSQL database may record the same revision at once.
		_, err := tx.ExecContext(ctx, `INSERT INTO collections (form_key, form_rev, position, bug_id, attachment_id,
				measurement, category, category_text, default_on, channels, expiry, expiry_dates, owner, private, recorded_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
			ON CONFLICT (form_key, form_rev, position) DO UPDATE SET bug_id = excluded.bug_id,
				attachment_id = excluded.attachment_id, measurement = excluded.measurement,
				category = excluded.category, category_text = excluded.category_text,
				default_on = excluded.default_on, channels = excluded.channels, expiry = excluded.expiry,
				expiry_dates = excluded.expiry_dates, owner = excluded.owner, private = excluded.private,
				recorded_at = excluded.recorded_at`,
			c.FormKey, c.FormRev, c.Position, c.BugID, c.AttachmentID, c.Measurement, c.Category, c.CategoryText,
			c.DefaultOn, strings.Join(c.Channels, ","), c.Expiry, strings.Join(c.ExpiryDates, " "), c.Owner,
			boolInt(c.Private), formatTime(c.RecordedAt))
		if err != nil {
			return fmt.Errorf("store: save collection %s rev %s #%d: %w", formKey, formRev, c.Position, err)
		}
	}
	// Rows a previous recording had beyond these (a newer parser may read
	// fewer measurements) go.
	if _, err := tx.ExecContext(ctx, `DELETE FROM collections WHERE form_key = $1 AND form_rev = $2 AND position > $3`,
		formKey, formRev, last); err != nil {
		return fmt.Errorf("store: save collections of %s: %w", formKey, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: save collections of %s: %w", formKey, err)
	}
	return nil
}

// HasCollections reports whether a form revision's collections are recorded.
func (s *sqlStore) HasCollections(ctx context.Context, formKey, formRev string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM collections WHERE form_key = $1 AND form_rev = $2`,
		formKey, formRev).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: collections of %s: %w", formKey, err)
	}
	return n > 0, nil
}

// MarkCollectionsPrivate records that a form is private now.
func (s *sqlStore) MarkCollectionsPrivate(ctx context.Context, formKey string) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE collections SET private = 1 WHERE form_key = $1`, formKey); err != nil {
		return fmt.Errorf("store: mark collections of %s private: %w", formKey, err)
	}
	return nil
}

// ReviewedCollections lists the collections of the requests a steward
// answered ("+" or "-" after the bot saw them asked, "?"), by the form
// revision the request was last analysed at. They are sorted in Go, not
// SQL, so that SQLite and PostgreSQL (whose text collation follows the
// locale) give the same order: by bug, measurement, form, flag, position.
func (s *sqlStore) ReviewedCollections(ctx context.Context, f CollectionFilter) ([]ReviewedCollection, error) {
	q := `SELECT r.flag_id, r.status, r.setter, r.requestee, r.updated_at, COALESCE(b.private, 1), COALESCE(b.product, ''), ` + collectionColumns + `
		FROM requests r
		JOIN collections c ON c.form_key = r.form_key AND c.form_rev = r.form_rev
		LEFT JOIN bug_info b ON b.bug_id = r.bug_id
		WHERE r.first_status = '?' AND r.form_key <> '' AND r.updated_at >= $1`
	args := []any{formatTime(f.Since)}
	switch f.Status {
	case "":
		q += ` AND r.status IN ('+', '-')`
	case "+", "-":
		q += ` AND r.status = $2`
		args = append(args, f.Status)
	default:
		return nil, fmt.Errorf("store: reviewed collections: status %q is not + or -", f.Status)
	}
	if f.Dated {
		q += ` AND c.expiry_dates <> ''`
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: reviewed collections: %w", err)
	}
	out, err := scanReviewedCollections(rows)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b ReviewedCollection) int {
		return cmp.Or(cmp.Compare(a.BugID, b.BugID), strings.Compare(a.Measurement, b.Measurement),
			strings.Compare(a.FormKey, b.FormKey), cmp.Compare(a.FlagID, b.FlagID), cmp.Compare(a.Position, b.Position))
	})
	return out, nil
}

func scanReviewedCollections(rows *sql.Rows) ([]ReviewedCollection, error) {
	defer rows.Close()
	var out []ReviewedCollection
	for rows.Next() {
		var r ReviewedCollection
		var setter, requestee, decided, channels, dates, recorded string
		var bugPrivate, formPrivate int
		if err := rows.Scan(&r.FlagID, &r.Status, &setter, &requestee, &decided, &bugPrivate, &r.Product,
			&r.FormKey, &r.FormRev, &r.Position, &r.BugID, &r.AttachmentID, &r.Measurement,
			&r.Category, &r.CategoryText, &r.DefaultOn, &channels, &r.Expiry, &dates, &r.Owner,
			&formPrivate, &recorded); err != nil {
			return nil, fmt.Errorf("store: scan collection: %w", err)
		}
		var err error
		if r.DecidedAt, err = parseTime(decided); err != nil {
			return nil, err
		}
		if r.RecordedAt, err = parseTime(recorded); err != nil {
			return nil, err
		}
		r.Steward = cmp.Or(setter, requestee)
		r.BugPrivate, r.Collection.Private = bugPrivate != 0, formPrivate != 0
		if channels != "" {
			r.Channels = strings.Split(channels, ",")
		}
		if dates != "" {
			r.ExpiryDates = strings.Fields(dates)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: scan collections: %w", err)
	}
	return out, nil
}
