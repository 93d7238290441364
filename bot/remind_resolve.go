package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
)

// stopAnswered ends everything for requests that are no longer open: the
// steward set + or -, or the flag went away. Their reminders stop, and the
// needinfos the bot set about them (on the steward, or on the lead) are
// cleared by flag id. A needinfo that another open request on the bug still
// needs is left alone.
//
// Clearing is idempotent by itself: the bug's flags are re-read first and
// only the bot's open ones are cleared, so it needs no marker. A clear is a
// write outside Perform: it takes its write from the cycle (c.Take), and
// the outcome is Deferred when none is left, Halted on a rate limit.
func (d *remindDuty) stopAnswered(ctx context.Context, c *Cycle) (Outcome, error) {
	done, err := d.st.RemindersToStop(ctx)
	if err != nil {
		return Failed, err
	}
	var errs []error
	for _, st := range done {
		if c.WaitingOut(st.BugID) {
			continue // failing: tried again after its backoff
		}
		out, err := d.stopOne(ctx, c, st)
		if c.haltOn(err); out.stops() || c.Halted() {
			// As before: what stopped the loop stands for the errors.
			return worse(out, Halted), nil
		}
		if err != nil {
			errs = append(errs, bugErr(st.BugID, fmt.Errorf("flag %d: %w", st.FlagID, err)))
		}
	}
	return Written, errors.Join(errs...)
}

func (d *remindDuty) stopOne(ctx context.Context, c *Cycle, st store.Reminder) (Outcome, error) {
	log := d.log.With().Int(LogBugID, st.BugID).Int(LogFlagID, st.FlagID).Str(LogAction, "clear-needinfo").Logger()
	others, err := d.st.RequestsOnBug(ctx, st.BugID)
	if err != nil {
		return Failed, err
	}
	stillAsked := map[string]bool{}
	othersOpen := false
	for _, o := range others {
		if o.FlagID != st.FlagID && isOpen(o) {
			othersOpen = true
			stillAsked[strings.ToLower(o.Requestee)] = true
		}
	}
	mine, err := d.botNeedinfos(ctx, nil, st.BugID)
	if hiddenBug(err) {
		log.Info().Msg("bug no longer visible; reminders stopped")
		st.State = store.ReminderStopped
		return Written, d.saveReminder(ctx, &st)
	}
	if err != nil {
		return Failed, err
	}
	var clear []bugzilla.FlagChange
	var whom []string
	for _, f := range mine {
		who := strings.ToLower(f.Requestee)
		switch {
		case stillAsked[who]:
		case strings.EqualFold(who, st.Requestee),
			!othersOpen && d.stewards.Lead != "" && strings.EqualFold(who, d.stewards.Lead):
			clear = append(clear, bugzilla.FlagChange{ID: f.ID, Status: "X"})
			whom = append(whom, f.Requestee)
		}
	}
	if len(clear) > 0 {
		if !c.Take() {
			return Deferred, nil
		}
		if d.dryRun {
			log.Info().Strs("requestees", whom).Msg("dry run: would clear the bot's needinfo on an answered request")
		} else {
			_, err := d.bz.UpdateBug(ctx, st.BugID, bugzilla.BugUpdate{Flags: clear})
			switch {
			case errors.Is(err, bugzilla.ErrNotFound):
				log.Info().Msg("needinfo already gone")
			case err != nil:
				// Unknown outcome included: the flags are re-read next cycle.
				return Failed, fmt.Errorf("clear needinfo: %w", err)
			default:
				log.Info().Strs("requestees", whom).Msg("request answered: cleared the bot's needinfo")
			}
		}
	}
	st.State = store.ReminderStopped
	return Written, d.saveReminder(ctx, &st)
}
