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
// when one login is unknown (404, code 51), so then each login is read
// alone. Any other error is returned, wrapped (a rate limit stays one).
func lookUpUsers(ctx context.Context, bz userReader, logins []string) (map[string]bugzilla.User, error) {
	out := map[string]bugzilla.User{}
	users, err := bz.Users(ctx, logins)
	if err == nil {
		for _, u := range users {
			out[strings.ToLower(u.Name)] = u
		}
		return out, nil
	}
	if len(logins) == 1 && errors.Is(err, bugzilla.ErrNotFound) {
		return out, nil
	}
	if !errors.Is(err, bugzilla.ErrNotFound) {
		return nil, fmt.Errorf("look up %s: %w", strings.Join(logins, ", "), err)
	}
	for _, login := range logins {
		users, err := bz.Users(ctx, []string{login})
		switch {
		case errors.Is(err, bugzilla.ErrNotFound):
			continue
		case err != nil:
			return nil, fmt.Errorf("look up %s: %w", login, err)
		}
		for _, u := range users {
			out[strings.ToLower(u.Name)] = u
		}
	}
	return out, nil
}
