package bot

import (
	"context"
	"fmt"

	"github.com/stewardbot/stewardbot/bugzilla"
)

// groupsReader reads bugs with some of their fields.
type groupsReader interface {
	Bugs(ctx context.Context, ids []int, fields ...string) ([]bugzilla.Bug, error)
}

var _ groupsReader = bugzillaClient(nil)

// bugGroups reads the groups of bugs, in one request per batch of ids
// (Bugs splits long lists). Bugs hidden from the bot are left out: a search
// by ids omits them, and when the server fails the whole request instead,
// each bug is read alone. The privacy of the bot's comments (privacy.go)
// and the escalation notices' contacts (escalate.go) go by them.
func bugGroups(ctx context.Context, bz groupsReader, ids []int) (map[int]bugzilla.Bug, error) {
	out := make(map[int]bugzilla.Bug, len(ids))
	bugs, err := bz.Bugs(ctx, ids, "id", "groups")
	if hiddenBug(err) && len(ids) > 1 {
		for _, id := range ids {
			one, err := bz.Bugs(ctx, []int{id}, "id", "groups")
			switch {
			case hiddenBug(err):
				continue
			case err != nil:
				return nil, fmt.Errorf("groups of bug %d: %w", id, err)
			}
			for _, bug := range one {
				out[bug.ID] = bug
			}
		}
		return out, nil
	}
	if hiddenBug(err) {
		return out, nil
	}
	if err != nil {
		return nil, fmt.Errorf("groups of %d bugs: %w", len(ids), err)
	}
	for _, bug := range bugs {
		out[bug.ID] = bug
	}
	return out, nil
}
