package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/stewardbot/stewardbot/bugzilla"
)

// cycleReads keeps, within one cycle, two reads that several writes in a
// row would otherwise repeat:
//
//   - the last live read of a bug's comments (perform's re-read before a
//     write, and remind's look at the live bug): an escalation's notices to
//     Trust and to Legal, or a reminder and the look that decided it, are
//     checked against one read. It holds one bug only, and only until the
//     bot writes on that bug (perform drops it right after any write, before
//     the outcome is known), so every write still follows a read of the bug
//     made after the bot's own last write on it. Within a cycle only this
//     process writes as the bot (leader.go), so nothing a re-read looks for
//     (the bot's markers) can appear in between unseen.
//   - the accounts of escalation contacts and stewards (/rest/user): their
//     groups and request settings, read once per cycle and login rather
//     than once per notice or reminder. A change to them within the cycle
//     is seen at the next cycle. Where a needinfo is set, Bugzilla checks
//     it again (contactCheck.refused); a notice without needinfo
//     (escalation.needinfo off) names contacts from the cycle's read.
type cycleReads struct {
	last  *liveComments
	users map[string]*bugzilla.User // lower-case login → account; nil: no such account
	// groups are bugs' groups, for the privacy of the comments on them
	// (bugAbout), read once per cycle and bug.
	groups map[int]bugGroupsRead
}

// liveComments is a bug's comments since a time, as last read.
type liveComments struct {
	bug      int
	since    time.Time
	comments []bugzilla.Comment
}

// wrote drops what the cycle read of a bug's comments, after a write on it.
func (cr *cycleReads) wrote(bugID int) {
	if cr.last != nil && cr.last.bug == bugID {
		cr.last = nil
	}
}

// liveComments reads a bug's comments since a time, or returns the last
// read of them when it was of the same bug from the same time and the bot
// has not written on the bug since. A nil cycle always reads.
func (b *Bot) liveComments(ctx context.Context, c *Cycle, bugID int, since time.Time) ([]bugzilla.Comment, error) {
	if c != nil {
		if l := c.reads.last; l != nil && l.bug == bugID && l.since.Equal(since) {
			return l.comments, nil
		}
	}
	cs, err := b.bz.Comments(ctx, bugID, since)
	if err != nil {
		return nil, err
	}
	if c != nil {
		c.reads.last = &liveComments{bug: bugID, since: since, comments: cs}
	}
	return cs, nil
}

// cycleUsers returns the accounts of logins by lower-case login (an
// unknown login is absent), reading only those the cycle has not read:
// in one request, or one by one when the batch fails because a login is
// unknown (404, code 51). A nil cycle always reads.
func (b *Bot) cycleUsers(ctx context.Context, c *Cycle, logins []string) (map[string]bugzilla.User, error) {
	cache := map[string]*bugzilla.User{}
	if c != nil {
		if c.reads.users == nil {
			c.reads.users = map[string]*bugzilla.User{}
		}
		cache = c.reads.users
	}
	var missing []string
	for _, login := range logins {
		if _, ok := cache[strings.ToLower(login)]; !ok {
			missing = append(missing, login)
		}
	}
	if len(missing) > 0 {
		read, err := b.readUsers(ctx, missing)
		if err != nil {
			return nil, err
		}
		for _, login := range missing {
			key := strings.ToLower(login)
			if u, ok := read[key]; ok {
				cache[key] = &u
			} else {
				cache[key] = nil
			}
		}
	}
	out := make(map[string]bugzilla.User, len(logins))
	for _, login := range logins {
		if u := cache[strings.ToLower(login)]; u != nil {
			out[strings.ToLower(login)] = *u
		}
	}
	return out, nil
}

// readUsers reads accounts by lower-case login. An unknown login fails a
// batch (404, code 51), so then each is read alone.
func (b *Bot) readUsers(ctx context.Context, logins []string) (map[string]bugzilla.User, error) {
	out := map[string]bugzilla.User{}
	users, err := b.bz.Users(ctx, logins)
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
		users, err := b.bz.Users(ctx, []string{login})
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
