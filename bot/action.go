package bot

import (
	"context"
	"time"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
)

// zeroTime asks for every comment of a bug.
var zeroTime time.Time

// action is one marked comment the bot means to write. The comment is built
// only when the journal and the live bug show it is still owed, so a
// revisit of a done action downloads nothing.
type action struct {
	marker Marker
	flagID int
	// since is where the re-read of the bug's comments starts (new_since):
	// the comment can only have been written after this.
	since time.Time
	build func(ctx context.Context) (bugzilla.NewComment, error)
	// send writes the built comment, with whatever flag change goes with
	// it in the same transaction, and returns the comment's id when the
	// server says it (0 otherwise). Nil means AddComment.
	send func(ctx context.Context, nc bugzilla.NewComment) (int, error)
	// settled, when set, is told once the action is done (store.ActionDone,
	// or ActionDryRun), with the comment's id when known: for records beyond
	// the journal, such as the escalations the dashboard lists.
	settled func(ctx context.Context, status store.ActionStatus, commentID int) error
}

// settle calls the settled hook, if any.
func (a *action) settle(ctx context.Context, status store.ActionStatus, commentID int) error {
	if a.settled == nil {
		return nil
	}
	return a.settled(ctx, status, commentID)
}

func (a *action) journal(status store.ActionStatus) store.Action {
	return store.Action{Key: a.marker.Key(), Kind: a.marker.Kind, BugID: a.marker.Bug,
		AttachmentID: a.marker.Attachment, FlagID: a.flagID, Status: status}
}
