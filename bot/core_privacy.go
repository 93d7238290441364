package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
)

// about is what a comment the bot writes is about, as far as its privacy
// goes. Every comment's builder says what it is about, and about.private
// alone decides: the rule lives in one place, whatever the kind.
type about struct {
	// groups are the bug's groups; unknown when the bug could not be read.
	groups  []string
	unknown bool
	// forms are the forms it analyses, quotes or names.
	forms []*foundForm
	// command is the comment whose commands it answers or carries out.
	command *bugzilla.Comment
	// attachments are the attachments it names.
	attachments []bugzilla.Attachment
	// quotesPrivate: it quotes other private text (a private review form).
	quotesPrivate bool
}

// private is the rule for every comment the bot writes (DESIGN, never
// leak): private when it is about a bug in a group, a private form, a
// private command or a private attachment, when it quotes private text,
// and when the bot could not tell.
func (a about) private() bool {
	if a.unknown || len(a.groups) > 0 || a.quotesPrivate || (a.command != nil && a.command.IsPrivate) {
		return true
	}
	for _, f := range a.forms {
		if f != nil && f.Private {
			return true
		}
	}
	for _, at := range a.attachments {
		if at.IsPrivate {
			return true
		}
	}
	return false
}

// privacy reads what the privacy of a comment depends on: the bug's
// groups, once per cycle and bug, and the privacy of the attachments and
// the form a comment about a request names, live.
type privacy struct {
	bz     bugzillaClient
	groups func(ctx context.Context, ids []int) (map[int]bugzilla.Bug, error) // Bot.bugGroups: hidden bugs left out
	// live reads a bug's comments since a time, shared within the cycle
	// (readCache.liveComments).
	live func(ctx context.Context, c *Cycle, bugID int, since time.Time) ([]bugzilla.Comment, error)
	log  zerolog.Logger
}

// bugAbout reads the bug's groups, once per cycle and bug (a write by the
// bot does not change them). A bug the bot cannot read is taken as
// private.
func (p *privacy) bugAbout(ctx context.Context, c *Cycle, bugID int) (about, error) {
	if groups, ok := c.knownGroups(bugID); ok {
		return about{groups: groups}, nil
	}
	bugs, err := p.groups(ctx, []int{bugID})
	if err != nil {
		return about{}, err
	}
	bug, ok := bugs[bugID]
	if !ok {
		return about{unknown: true}, nil // hidden or gone: not kept, the next write asks again
	}
	c.knowGroups(bug)
	return about{groups: bug.Groups}, nil
}

// knowGroups keeps the groups of a bug the cycle read with them (a poll,
// the bot's needinfo flags), so that bugAbout does not read them again. A
// nil cycle keeps nothing. A public bug is kept as its id alone: a cold
// start's poll reads 10,000 bugs, nearly all public, and a map of them to
// their groups held about 0.9 MB for the whole cycle, a set of ids a tenth
// of it.
func (c *Cycle) knowGroups(bug bugzilla.Bug) {
	if c == nil {
		return
	}
	if len(bug.Groups) == 0 {
		if c.public == nil {
			c.public = map[int]struct{}{}
		}
		c.public[bug.ID] = struct{}{}
		delete(c.groups, bug.ID)
		return
	}
	if c.groups == nil {
		c.groups = map[int][]string{}
	}
	c.groups[bug.ID] = bug.Groups
	delete(c.public, bug.ID)
}

// knownGroups returns the groups the cycle knows of a bug (none for a
// public bug), and whether it knows them.
func (c *Cycle) knownGroups(bugID int) ([]string, bool) {
	if c == nil {
		return nil, false
	}
	if _, ok := c.public[bugID]; ok {
		return nil, true
	}
	groups, ok := c.groups[bugID]
	return groups, ok
}

// prefetchGroups reads, in one request per batch, the groups of the bugs
// whose groups the cycle does not know yet (a poll in the same cycle gives
// them), so that the comments the analysis writes on them do not each read
// their bug's groups. It is only a saving: on failure, bugAbout reads
// them bug by bug when a comment is owed.
func (p *privacy) prefetchGroups(ctx context.Context, c *Cycle, ids []int) {
	var missing []int
	for _, id := range ids {
		if _, ok := c.knownGroups(id); !ok {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return
	}
	bugs, err := p.groups(ctx, missing)
	if err != nil {
		p.log.Warn().Err(err).Int("bugs", len(missing)).Msg("cannot read the bugs' groups in one request; reading them when needed")
		return
	}
	for _, bug := range bugs {
		c.knowGroups(bug)
	}
}

// requestAbout says what a comment about a request (a reminder, a notice
// to the lead, an assignment) is about: the bug, the flagged attachment it
// names, and the request's form when one was found. Their privacy is read
// live, when the comment is owed: an attachment made private since the
// request was seen makes the comment private.
func (p *privacy) requestAbout(ctx context.Context, c *Cycle, r store.Request) (about, error) {
	ab, err := p.bugAbout(ctx, c, r.BugID)
	if err != nil || ab.unknown {
		return ab, err
	}
	ids := []int{r.AttachmentID}
	kind, id, _ := strings.Cut(r.FormKey, ":")
	formID, _ := strconv.Atoi(id)
	if kind == "attachment" && formID > 0 && formID != r.AttachmentID {
		ids = append(ids, formID)
	}
	atts, err := p.bz.AttachmentsByID(ctx, ids, bugzilla.AttachmentOptions{IncludeFields: []string{"id", "is_private"}})
	switch {
	case errors.Is(err, bugzilla.ErrNotFound), errors.Is(err, bugzilla.ErrAccessDenied):
		ab.unknown = true
		return ab, nil
	case err != nil:
		return about{}, fmt.Errorf("privacy of attachment %d: %w", r.AttachmentID, err)
	}
	for _, id := range ids {
		a, ok := atts[id]
		if !ok {
			ab.unknown = true
		}
		ab.attachments = append(ab.attachments, a)
	}
	if kind == "comment" && formID > 0 {
		cs, err := p.live(ctx, c, r.BugID, zeroTime)
		if err != nil {
			return about{}, fmt.Errorf("privacy of the form in comment %d: %w", formID, err)
		}
		found := false
		for i := range cs {
			if cs[i].ID == formID {
				found = true
				ab.forms = append(ab.forms, &foundForm{Comment: &cs[i], Private: cs[i].IsPrivate})
			}
		}
		ab.unknown = ab.unknown || !found
	}
	return ab, nil
}
