package bot

import (
	"context"
	"time"

	"github.com/stewardbot/stewardbot/bugzilla"
)

// bugzillaClient is the part of Bugzilla's REST API the daemon uses. It is
// declared here, at the consumer, so that tests can put a small fake behind
// it; *bugzilla.Client satisfies it.
type bugzillaClient interface {
	Authenticate(ctx context.Context) (*bugzilla.Identity, error)
	AuthenticateKnown(ctx context.Context, known bugzilla.Identity) (*bugzilla.Identity, error)
	Time(ctx context.Context) (time.Time, error)
	Bugs(ctx context.Context, ids []int, fields ...string) ([]bugzilla.Bug, error)
	SearchBugsPage(ctx context.Context, q bugzilla.SearchQuery) ([]bugzilla.Bug, error)
	// SearchBugsPageAt also returns the server's clock from the answer (zero when unknown).
	SearchBugsPageAt(ctx context.Context, q bugzilla.SearchQuery) ([]bugzilla.Bug, time.Time, error)
	FlagActivity(ctx context.Context, q bugzilla.FlagActivityQuery) ([]bugzilla.FlagActivity, error)
	Attachments(ctx context.Context, bugIDs []int, o bugzilla.AttachmentOptions) (map[int][]bugzilla.Attachment, error)
	AttachmentsByID(ctx context.Context, ids []int, o bugzilla.AttachmentOptions) (map[int]bugzilla.Attachment, error)
	Comments(ctx context.Context, bugID int, newSince time.Time) ([]bugzilla.Comment, error)
	CommentsOfBugs(ctx context.Context, bugIDs []int, newSince time.Time) (map[int][]bugzilla.Comment, error)
	AddComment(ctx context.Context, bugID int, nc bugzilla.NewComment) (int, error)
	// For reminders, assignments and their end (remind.go, remind_assign.go, remind_resolve.go).
	UpdateBug(ctx context.Context, bugID int, u bugzilla.BugUpdate) (*bugzilla.UpdateResult, error)
	UpdateAttachment(ctx context.Context, attachmentID int, u bugzilla.AttachmentUpdate) (*bugzilla.UpdateResult, error)
	History(ctx context.Context, bugID int, newSince time.Time) ([]bugzilla.HistoryEntry, error)
	Users(ctx context.Context, logins []string) ([]bugzilla.User, error)
}

var _ bugzillaClient = (*bugzilla.Client)(nil)
