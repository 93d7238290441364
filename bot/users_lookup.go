package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/stewardbot/stewardbot/bugzilla"
)

// userReader reads accounts by login (bugzilla.Client.Users).
type userReader interface {
	Users(ctx context.Context, logins []string) ([]bugzilla.User, error)
}

var _ userReader = bugzillaClient(nil)

// lookUpUsers reads accounts by lower-case login; a login Bugzilla does
// not know is absent from the answer. Bugzilla fails a whole names= batch
// when one login is unknown (404, code 51), so then the batch is asked
// again in parts: a few logins one by one, more in halves, so that one
// unknown login among hundreds costs a few requests, not hundreds. Any
// other error is returned, wrapped (a rate limit stays one).
func lookUpUsers(ctx context.Context, bz userReader, logins []string) (map[string]bugzilla.User, error) {
	out := map[string]bugzilla.User{}
	if err := lookUpInto(ctx, bz, logins, out); err != nil {
		return nil, err
	}
	return out, nil
}

// splitOneByOne is the largest batch that a 404 splits into single logins
// rather than halves: for a handful, halving costs more requests.
const splitOneByOne = 4

func lookUpInto(ctx context.Context, bz userReader, logins []string, out map[string]bugzilla.User) error {
	users, err := bz.Users(ctx, logins)
	switch {
	case err == nil:
		for _, u := range users {
			out[strings.ToLower(u.Name)] = u
		}
		return nil
	case !errors.Is(err, bugzilla.ErrNotFound):
		return fmt.Errorf("look up %s: %w", strings.Join(logins, ", "), err)
	case len(logins) == 1:
		return nil // no such account
	case len(logins) <= splitOneByOne:
		for _, l := range logins {
			if err := lookUpInto(ctx, bz, []string{l}, out); err != nil {
				return err
			}
		}
		return nil
	}
	half := len(logins) / 2
	if err := lookUpInto(ctx, bz, logins[:half], out); err != nil {
		return err
	}
	return lookUpInto(ctx, bz, logins[half:], out)
}
