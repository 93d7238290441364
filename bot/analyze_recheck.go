package bot

import (
	"context"
	"fmt"
	"time"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
)

// recheck posts a fresh analysis of the first open request's form, marked
// with the revision and the command's comment, so that it is posted once
// even though the form did not change ("stewardbot: recheck"). found is
// false when the bug has no form (or is hidden from the bot).
func (an *analyzeDuty) recheck(ctx context.Context, c *Cycle, bugID int, reqs []store.Request, cm bugzilla.Comment) (found bool, out Outcome, err error) {
	v, err := c.View(ctx, bugID)
	if err != nil {
		return false, Failed, err
	}
	if v == nil {
		return false, Written, nil
	}
	f, err := an.forms.findForm(ctx, v, reqs[0].AttachmentID)
	if err != nil {
		return false, Failed, err
	}
	if f == nil {
		return false, Written, nil
	}
	if err := an.forms.loadForm(ctx, v, f); err != nil {
		return false, Failed, err
	}
	again := *f
	again.Rev = fmt.Sprintf("%s-recheck%d", f.Rev, cm.ID)
	act := an.analysisAction(c, v, reqs[0], &again, &cm)
	act.since = cm.Time.Add(-time.Second)
	out, err = c.Perform(ctx, act)
	return true, out, err
}
