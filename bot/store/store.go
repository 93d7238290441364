// Package store is stewardbot's journal and cache: the polling watermark, the
// queue of bugs to look at, the data-review requests seen, the action journal
// and what is known about attachments.
//
// Nothing in it is the truth: Bugzilla is. Deleting the store makes the bot
// re-read Bugzilla (more requests), never write twice, because every write is
// checked against the markers on the live bug first.
//
// Store is an interface so that PostgreSQL can sit behind it with the same
// schema (the migrations are portable SQL); SQLite is the default.
package store

import (
	"context"
	"errors"
	"time"
)

// ErrNotFound is returned by lookups of a key the store does not hold.
var ErrNotFound = errors.New("store: not found")

// Store is what the bot keeps between cycles. All methods are safe for
// concurrent use.
type Store interface {
	// Get returns a named value (a watermark, a park time), or ErrNotFound.
	Get(ctx context.Context, key string) (string, error)
	// Set stores a named value.
	Set(ctx context.Context, key, value string) error

	// MarkDirty queues bugs to be looked at.
	MarkDirty(ctx context.Context, marks []BugMark) error
	// DirtyBugs returns up to limit queued bug ids above afterID, lowest first.
	DirtyBugs(ctx context.Context, afterID, limit int) ([]int, error)
	// ClearDirty takes a bug off the queue.
	ClearDirty(ctx context.Context, bugID int) error
	// BugLastChange returns the last_change_time recorded for bugs, by id.
	BugLastChange(ctx context.Context, bugIDs []int) (map[int]time.Time, error)

	// SaveRequest inserts or replaces a request; the caller decides what
	// first_seen and first_status mean for a flag it has seen before.
	SaveRequest(ctx context.Context, r Request) error
	// Request returns the request for a flag, or ErrNotFound.
	Request(ctx context.Context, flagID int) (Request, error)
	// RequestsOnBug lists the requests seen on a bug, by flag id.
	RequestsOnBug(ctx context.Context, bugID int) ([]Request, error)
	// BugsWithOpenRequests lists bugs with a request that is open ("?"
	// and "?" when first seen).
	BugsWithOpenRequests(ctx context.Context) ([]int, error)

	// Action returns the journal entry for a key, or ErrNotFound.
	Action(ctx context.Context, key string) (Action, error)
	// RecordAction inserts or updates a journal entry; created_at is kept.
	RecordAction(ctx context.Context, a Action) error
	// BugsWithActions lists bugs that have journal entries in any of the statuses.
	BugsWithActions(ctx context.Context, statuses ...ActionStatus) ([]int, error)

	// Form returns what is known about an attachment's content, or ErrNotFound.
	Form(ctx context.Context, attachmentID int) (FormInfo, error)
	// SaveForm records what an attachment's content is.
	SaveForm(ctx context.Context, f FormInfo) error

	// OpenRequests lists the requests that are open ("?" and "?" when
	// first seen), by bug and flag id.
	OpenRequests(ctx context.Context) ([]Request, error)
	// OpenRequestsOnBugs lists the open requests of the given bugs (at
	// most a few hundred), by bug and flag id.
	OpenRequestsOnBugs(ctx context.Context, bugIDs []int) ([]Request, error)
	// OpenRequestsAfter lists a page of the open requests, by bug and flag
	// id, after bug afterBug's flag afterFlag (0, 0: from the first), at
	// most limit of them.
	OpenRequestsAfter(ctx context.Context, afterBug, afterFlag, limit int) ([]Request, error)
	// Reminder returns the reminder state of a request, or ErrNotFound.
	Reminder(ctx context.Context, flagID int) (Reminder, error)
	// SaveReminder inserts or replaces a request's reminder state.
	SaveReminder(ctx context.Context, r Reminder) error
	// RemindersSentSince counts the requests whose last reminder went to
	// requestee after since (for the per-person cap), among the rows of
	// one mode: dry-run or live (see Reminder.DryRun).
	RemindersSentSince(ctx context.Context, requestee string, since time.Time, dryRun bool) (int, error)
	// RemindersToStop lists the reminder states not yet stopped whose
	// request is no longer open (answered, or its flag gone).
	RemindersToStop(ctx context.Context) ([]Reminder, error)

	// DecidedRequests lists the requests the bot saw open that now have
	// status ("+" or "-"), changed at or after since.
	DecidedRequests(ctx context.Context, status string, since time.Time) ([]Request, error)

	// SaveEscalation inserts or updates the record of an escalation.
	SaveEscalation(ctx context.Context, e Escalation) error
	// Escalation returns an escalation by key (EscalationKey), or ErrNotFound.
	Escalation(ctx context.Context, key string) (Escalation, error)
	// EscalationsOnBug lists a bug's escalations.
	EscalationsOnBug(ctx context.Context, bugID int) ([]Escalation, error)
	// BlockedEscalations lists the escalations with a contact not asked, for the dashboard.
	BlockedEscalations(ctx context.Context) ([]Escalation, error)

	// SaveControl records what a bug's comment commands set.
	SaveControl(ctx context.Context, c Control) error
	// Control returns what a bug's comment commands set (the zero Control
	// when none did).
	Control(ctx context.Context, bugID int) (Control, error)
	// Snoozed returns until when reminders about a bug are snoozed
	// ("stewardbot: snooze 5d"); zero when they are not.
	Snoozed(ctx context.Context, bugID int) (time.Time, error)
	// Stopped reports whether "stewardbot: stop" holds on a bug: the bot
	// then does nothing on its requests but answer commands.
	Stopped(ctx context.Context, bugID int) (bool, error)

	// Queue lists the open requests with what the dashboard shows of them.
	Queue(ctx context.Context) ([]QueueRow, error)
	// QueueSize counts the requests Queue lists and says when the oldest
	// was made (zero when none has a time), without loading them.
	QueueSize(ctx context.Context) (n int, oldest time.Time, err error)
	// SaveBugInfos records bugs' summaries and privacy, for the dashboard.
	SaveBugInfos(ctx context.Context, bugs []BugInfo) error
	// BugProduct returns the product recorded for a bug; "" when none is.
	BugProduct(ctx context.Context, bugID int) (string, error)
	// SaveFormAnalysis records what the analysis of a form revision found.
	SaveFormAnalysis(ctx context.Context, a FormAnalysis) error
	// SaveAnalysisComment records the number on the bug of the bot's
	// analysis of a form revision, for the dashboard's link.
	SaveAnalysisComment(ctx context.Context, formKey, formRev string, number int) error

	// SaveCollections replaces what is recorded of one form revision's
	// collections (one row per measurement; see collections.go).
	SaveCollections(ctx context.Context, formKey, formRev string, cs []Collection) error
	// HasCollections reports whether a form revision's collections are recorded.
	HasCollections(ctx context.Context, formKey, formRev string) (bool, error)
	// MarkCollectionsPrivate records that a form (every revision of it) is
	// private now: it was made private after it was recorded.
	MarkCollectionsPrivate(ctx context.Context, formKey string) error
	// ReviewedCollections lists the collections of the requests stewards
	// answered, sorted by bug and measurement, for the survey report and
	// the expiry reminder.
	ReviewedCollections(ctx context.Context, f CollectionFilter) ([]ReviewedCollection, error)

	// SaveReviewForm inserts or replaces the steward's review form of a
	// request (reviewforms.go); ReviewForm returns it, or ErrNotFound.
	SaveReviewForm(ctx context.Context, r ReviewForm) error
	ReviewForm(ctx context.Context, flagID int) (ReviewForm, error)

	// SaveTrouble inserts or replaces a record of work that keeps failing.
	SaveTrouble(ctx context.Context, t Trouble) error
	// Trouble returns the record for a key, or ErrNotFound.
	Trouble(ctx context.Context, key string) (Trouble, error)
	// ClearTrouble deletes a record once its work succeeds; it reports
	// whether there was one.
	ClearTrouble(ctx context.Context, key string) (bool, error)
	// Troubles lists every record, by bug, with the bug's known privacy.
	Troubles(ctx context.Context) ([]Trouble, error)

	// SaveOwnerActivity records what Bugzilla said of the accounts forms
	// name as owners (owners.go), replacing what was recorded of them.
	SaveOwnerActivity(ctx context.Context, as []OwnerActivity) error
	// OwnerActivities lists every recorded account, by login.
	OwnerActivities(ctx context.Context) ([]OwnerActivity, error)

	// Ping checks that the store answers.
	Ping(ctx context.Context) error
	Close() error
}

// BugMark queues one bug, remembering the last change Bugzilla reported.
type BugMark struct {
	BugID      int
	LastChange time.Time // zero when unknown; a zero never overwrites a known value
	MarkedAt   time.Time
}

// Request is one data-review flag as the bot saw it.
type Request struct {
	FlagID       int
	BugID        int
	AttachmentID int
	Requestee    string
	Setter       string
	Status       string // "?", "+", "-", "X"
	FirstStatus  string // the status when the bot first saw the flag
	RequestedAt  time.Time
	FirstSeen    time.Time
	UpdatedAt    time.Time
	FormKey      string // where the form was found: "attachment:123", "comment:456", "" for none
	FormRev      string // content hash of the form analysed
}

// ActionStatus is the state of one journal entry.
type ActionStatus string

const (
	// ActionIntent is written before the write is sent.
	ActionIntent ActionStatus = "intent"
	// ActionDone means the comment is on the bug (posted, or found by its marker).
	ActionDone ActionStatus = "done"
	// ActionUnknown means the write may or may not have landed; re-read before trying again.
	ActionUnknown ActionStatus = "unknown"
	// ActionFailed means the write was refused; Attempts says how often.
	ActionFailed ActionStatus = "failed"
	// ActionDryRun means the comment was logged instead of posted.
	ActionDryRun ActionStatus = "dry_run"
)

// Action is one journal entry, keyed by a stable action key such as
// "analysis:1234:5678:abcd1234ef56".
type Action struct {
	Key          string
	Kind         string
	BugID        int
	AttachmentID int
	FlagID       int
	Status       ActionStatus
	Attempts     int
	CommentID    int
	Error        string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// FormInfo is what the bot learnt from an attachment's content.
type FormInfo struct {
	AttachmentID int
	IsForm       bool
	Rev          string // content hash
	Version      string // the form version parsed
	CheckedAt    time.Time
}
