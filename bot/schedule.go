package bot

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
	"github.com/rs/zerolog"

	"github.com/stewardbot/stewardbot/bugzilla"
)

// Run is the daemon: it starts (one authentication request; a rejected key
// ends it, an outage is waited out: see startWaiting), runs a cycle at once
// and then on the configured cron schedule in the configured time zone,
// until ctx is cancelled. A cycle still running when the next is due is not
// doubled (SkipIfStillRunning); a panic in one is logged and the next runs
// (Recover). Nudges (webhooks, see nudge.go) add cycles between the
// scheduled ones. On cancellation the write in flight is finished and
// journaled, and Run returns nil.
func (b *Bot) Run(ctx context.Context, only string) error {
	loc, err := time.LoadLocation(b.cfg.Poll.TimeZone)
	if err != nil {
		return fmt.Errorf("bot: poll time zone: %w", err)
	}
	logger := cronLogger{b.log.With().Str("component", "cron").Logger()}
	sched := cron.New(
		cron.WithLocation(loc),
		cron.WithLogger(logger),
		cron.WithChain(cron.Recover(logger), cron.SkipIfStillRunning(logger)),
	)
	id, err := sched.AddFunc(b.cfg.Poll.Schedule, func() {
		if b.nudges.cycleRunning() {
			logger.Info("skip", "reason", "a cycle for webhook nudges is running")
			return
		}
		b.runCycle(ctx, only)
	})
	if err != nil {
		return fmt.Errorf("bot: poll schedule %q: %w", b.cfg.Poll.Schedule, err)
	}
	if err := b.startWaiting(ctx); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	sched.Start()
	// The first cycle now, through the same wrappers as the scheduled ones.
	// Stop waits for the jobs cron started; these are waited for here.
	var first, nudged sync.WaitGroup
	first.Go(sched.Entry(id).WrappedJob.Run)
	// Cycles for webhook nudges (nudge.go): recovered like cron's, and
	// serialised with them by RunOnce. They are not skipped while a
	// scheduled cycle runs, but wait for it: that cycle may be past the
	// nudged bug already.
	nudgedCycle := cron.NewChain(cron.Recover(logger)).Then(cron.FuncJob(func() { b.runCycle(ctx, only) }))
	nudged.Go(func() { b.runNudges(ctx, nudgedCycle.Run) })
	b.log.Info().Str("schedule", b.cfg.Poll.Schedule).Str("time_zone", loc.String()).Msg("running")
	<-ctx.Done()
	b.log.Info().Msg("shutting down: finishing the write in flight")
	<-sched.Stop().Done()
	first.Wait()
	nudged.Wait()
	b.log.Info().Msg("stopped")
	return nil
}

// runCycle runs one cycle and logs its outcome; a park only skips.
func (b *Bot) runCycle(ctx context.Context, only string) {
	if ctx.Err() != nil {
		return
	}
	err := b.RunOnce(ctx, only)
	var park *ParkedError
	switch {
	case err == nil:
		b.log.Debug().Msg("cycle done")
	case errors.As(err, &park):
		b.log.Warn().Time("until", park.Until).Msg("parked by a rate limit; cycle skipped")
	case ctx.Err() != nil:
	default:
		b.log.Error().Err(err).Msg("cycle finished with errors")
	}
}

// startWaiting runs Start until it succeeds, waiting out what retrying can
// fix: a rate-limit park an earlier process recorded (nothing is sent
// before it ends), and a Bugzilla or store that does not answer (retried
// with capped exponential backoff, the reason kept for the heartbeat).
// Only what no retry fixes ends it: a rejected API key, a key of another
// account, a setting the server cannot serve.
func (b *Bot) startWaiting(ctx context.Context) error {
	for attempt := 0; ; attempt++ {
		err := b.Start(ctx)
		var park *ParkedError
		var wait time.Duration
		switch {
		case err == nil:
			return nil
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.As(err, &park):
			wait = max(park.Until.Sub(b.clock.Now()), time.Second)
			b.log.Warn().Time("until", park.Until).Msg("rate-limit park in force; waiting before the first request")
		case finalStartError(err):
			return err
		default:
			wait = b.startBackoff.delay(attempt)
			b.log.Warn().Err(err).Int("attempt", attempt+1).Dur("retry_in", wait).
				Msg("cannot start yet; retrying (readiness stays not ready)")
		}
		b.sess.startFailed(err)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// finalStartError reports whether Start failed for a reason that retrying
// cannot fix: the operator has to change the key or the configuration.
func finalStartError(err error) bool {
	for _, final := range []error{bugzilla.ErrInvalidAPIKey, bugzilla.ErrWrongLogin, bugzilla.ErrLoginRequired, bugzilla.ErrNotSupported} {
		if errors.Is(err, final) {
			return true
		}
	}
	return false
}

// StartError says why the bot has not started yet, while Run waits to try
// again; nil once started, or before the first try.
func (b *Bot) StartError() error { return b.sess.startError() }

// cronLogger routes robfig/cron's logging into zerolog.
type cronLogger struct{ log zerolog.Logger }

func (l cronLogger) Info(msg string, kv ...any) {
	l.log.Debug().Fields(kv).Msg(msg)
}

func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error().Err(err).Fields(kv).Msg(msg)
}
