// Package botrig builds the real bot for the rig of package bottest: the
// Builder every test outside package bot uses.
package botrig

import (
	"testing"

	"github.com/stewardbot/stewardbot/bot"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
	"github.com/stewardbot/stewardbot/internal/bottest"
)

// Build makes a bot over the rig's configuration, client and store, on its
// clock and logger, with opts after those.
func Build(r *bottest.Rig, opts ...bot.Option) (*bot.Bot, error) {
	return bot.New(r.Config, r.Client, r.Store, append([]bot.Option{bot.WithClock(r.Clock), bot.WithLogger(r.Log)}, opts...)...)
}

// Builder is Build as a bottest.Builder.
func Builder(opts ...bot.Option) bottest.Builder {
	return func(r *bottest.Rig) (bottest.Runner, error) {
		b, err := Build(r, opts...)
		if err != nil {
			return nil, err
		}
		return b, nil
	}
}

// New is a rig running the real bot, built with opts.
func New(t testing.TB, dialect bugzillatest.Dialect, opts []bot.Option, rigOpts ...bottest.Option) (*bottest.Rig, *bot.Bot) {
	t.Helper()
	r := bottest.New(t, dialect, Builder(opts...), rigOpts...)
	return r, Bot(r)
}

// Bot is the rig's current bot.
func Bot(r *bottest.Rig) *bot.Bot { return r.Bot.(*bot.Bot) }
