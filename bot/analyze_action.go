package bot

import (
	"context"
	"slices"
	"time"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
	"github.com/stewardbot/stewardbot/policy"
)

// analysisAction plans the analysis of one form revision. Comments are
// re-read from a second before the form appeared: the analysis of this
// revision cannot be older than the form. by is the comment whose command
// asked for it (recheck), nil when none did.
func (an *analyzeDuty) analysisAction(c *Cycle, v *bugView, r store.Request, f *foundForm, by *bugzilla.Comment) *action {
	m := f.marker(v.id)
	return &action{
		marker: m,
		flagID: r.FlagID,
		since:  f.Created.Add(-time.Second),
		build: func(ctx context.Context) (bugzilla.NewComment, error) {
			if err := an.forms.loadForm(ctx, v, f); err != nil {
				return bugzilla.NewComment{}, err
			}
			product, err := an.st.BugProduct(ctx, v.id)
			if err != nil {
				return bugzilla.NewComment{}, err
			}
			now := an.now()
			a := evaluateForm(an.rules, f.Request, product, now)
			an.rememberAnalysis(ctx, f, a)
			prev, err := an.forms.previousForm(ctx, v, f)
			if err != nil {
				return bugzilla.NewComment{}, err
			}
			changes := ""
			if prev != nil {
				changes = whatChanged(prev, evaluateForm(an.rules, prev.Request, product, now), f, a, an.marks.commentFormat())
			}
			ab, err := an.privacy.bugAbout(ctx, c, v.id)
			if err != nil {
				return bugzilla.NewComment{}, err
			}
			ab.forms, ab.command = []*foundForm{f}, by
			return an.marks.analysisComment(m, f, a, changes, ab), nil
		},
		settled: func(ctx context.Context, status store.ActionStatus, commentID int) error {
			an.rememberAnalysisComment(ctx, v.id, f, commentID)
			return nil
		},
	}
}

// needsFormAction plans the one-time request for a form on a bug. It is
// once per bug, so the whole bug is re-read.
func (an *analyzeDuty) needsFormAction(c *Cycle, v *bugView, r store.Request) *action {
	m := Marker{Kind: kindNeedsForm, Bug: v.id}
	return &action{
		marker: m,
		flagID: r.FlagID,
		since:  zeroTime,
		build: func(ctx context.Context) (bugzilla.NewComment, error) {
			ab, err := an.privacy.bugAbout(ctx, c, v.id)
			if err != nil {
				return bugzilla.NewComment{}, err
			}
			return an.marks.needsFormComment(m, v, ab), nil
		},
	}
}

// rememberAnalysis records what the analysis of a form revision found, for
// the dashboard; like rememberBugs, a failure is only logged.
func (an *analyzeDuty) rememberAnalysis(ctx context.Context, f *foundForm, a *policy.Analysis) {
	if a == nil {
		return
	}
	var esc []string
	for _, e := range a.Escalations {
		if !slices.Contains(esc, e.To) {
			esc = append(esc, e.To)
		}
	}
	err := an.st.SaveFormAnalysis(ctx, store.FormAnalysis{FormKey: formKey(f), FormRev: f.Rev, Private: f.Private,
		HighestCategory: a.HighestCategory, Escalations: esc, Findings: findingsLine(a), AnalysedAt: an.now()})
	if err != nil {
		an.log.Warn().Err(err).Msg("cannot record the analysis for the dashboard")
	}
}
