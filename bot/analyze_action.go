package bot

import (
	"context"
	"time"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
)

// analysisAction plans the analysis of one form revision. Comments are
// re-read from a second before the form appeared: the analysis of this
// revision cannot be older than the form. by is the comment whose command
// asked for it (recheck), nil when none did.
func (b *Bot) analysisAction(c *Cycle, v *bugView, r store.Request, f *foundForm, by *bugzilla.Comment) *action {
	m := f.marker(v.id)
	return &action{
		marker: m,
		flagID: r.FlagID,
		since:  f.Created.Add(-time.Second),
		build: func(ctx context.Context) (bugzilla.NewComment, error) {
			if err := b.forms.loadForm(ctx, v, f); err != nil {
				return bugzilla.NewComment{}, err
			}
			product, err := b.store.BugProduct(ctx, v.id)
			if err != nil {
				return bugzilla.NewComment{}, err
			}
			now := b.now()
			a := b.analyzer.Evaluate(f.Request, product, now)
			b.rememberAnalysis(ctx, f, a)
			prev, err := b.forms.previousForm(ctx, v, f)
			if err != nil {
				return bugzilla.NewComment{}, err
			}
			changes := ""
			if prev != nil {
				changes = whatChanged(prev, b.analyzer.Evaluate(prev.Request, product, now), f, a, b.marks.commentFormat())
			}
			ab, err := b.privacy.bugAbout(ctx, c, v.id)
			if err != nil {
				return bugzilla.NewComment{}, err
			}
			ab.forms, ab.command = []*foundForm{f}, by
			return b.marks.analysisComment(m, f, a, changes, ab), nil
		},
	}
}

// needsFormAction plans the one-time request for a form on a bug. It is
// once per bug, so the whole bug is re-read.
func (b *Bot) needsFormAction(c *Cycle, v *bugView, r store.Request) *action {
	m := Marker{Kind: kindNeedsForm, Bug: v.id}
	return &action{
		marker: m,
		flagID: r.FlagID,
		since:  zeroTime,
		build: func(ctx context.Context) (bugzilla.NewComment, error) {
			ab, err := b.privacy.bugAbout(ctx, c, v.id)
			if err != nil {
				return bugzilla.NewComment{}, err
			}
			return b.marks.needsFormComment(m, v, ab), nil
		},
	}
}
