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
// only the bot's open ones are cleared, so it needs no marker.
func (b *Bot) stopAnswered(ctx context.Context, c *Cycle) error {
	done, err := b.store.RemindersToStop(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, st := range done {
		if err := b.stopOne(ctx, c, st); err != nil {
			if errors.Is(err, errCapReached) || b.isRateLimit(err) {
				return err
			}
			errs = append(errs, fmt.Errorf("bug %d flag %d: %w", st.BugID, st.FlagID, err))
		}
	}
	return errors.Join(errs...)
}

func (b *Bot) stopOne(ctx context.Context, c *Cycle, st store.Reminder) error {
	log := b.log.With().Int(LogBugID, st.BugID).Int(LogFlagID, st.FlagID).Str(LogAction, "clear-needinfo").Logger()
	others, err := b.store.RequestsOnBug(ctx, st.BugID)
	if err != nil {
		return err
	}
	stillAsked := map[string]bool{}
	othersOpen := false
	for _, o := range others {
		if o.FlagID != st.FlagID && o.Status == "?" && o.FirstStatus == "?" {
			othersOpen = true
			stillAsked[strings.ToLower(o.Requestee)] = true
		}
	}
	mine, err := b.botNeedinfos(ctx, nil, st.BugID)
	if hiddenBug(err) {
		log.Info().Msg("bug no longer visible; reminders stopped")
		st.State = store.ReminderStopped
		return b.saveReminder(ctx, &st)
	}
	if err != nil {
		return err
	}
	var clear []bugzilla.FlagChange
	var whom []string
	for _, f := range mine {
		who := strings.ToLower(f.Requestee)
		switch {
		case stillAsked[who]:
		case strings.EqualFold(who, st.Requestee),
			!othersOpen && b.cfg.Stewards.Lead != "" && strings.EqualFold(who, b.cfg.Stewards.Lead):
			clear = append(clear, bugzilla.FlagChange{ID: f.ID, Status: "X"})
			whom = append(whom, f.Requestee)
		}
	}
	if len(clear) > 0 {
		if c.writesLeft <= 0 {
			c.deferred++
			return errCapReached
		}
		c.writesLeft--
		if b.cfg.DryRun {
			log.Info().Strs("requestees", whom).Msg("dry run: would clear the bot's needinfo on an answered request")
		} else {
			_, err := b.bz.UpdateBug(ctx, st.BugID, bugzilla.BugUpdate{Flags: clear})
			switch {
			case errors.Is(err, bugzilla.ErrNotFound):
				log.Info().Msg("needinfo already gone")
			case err != nil:
				// Unknown outcome included: the flags are re-read next cycle.
				return fmt.Errorf("clear needinfo: %w", err)
			default:
				log.Info().Strs("requestees", whom).Msg("request answered: cleared the bot's needinfo")
			}
		}
	}
	st.State = store.ReminderStopped
	return b.saveReminder(ctx, &st)
}
