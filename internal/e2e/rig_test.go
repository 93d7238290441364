package e2e

import (
	"testing"

	"github.com/stewardbot/stewardbot/bot"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
	"github.com/stewardbot/stewardbot/internal/bottest"
	"github.com/stewardbot/stewardbot/internal/bottest/botrig"
)

// testAPIKey is the bot's key in the in-process tests: distinctive, so that
// a scan of the logs cannot miss it.
const testAPIKey = "rig-secret-key-7f3a9c"

// rig is the shared rig (internal/bottest) running the real bot, client,
// policy and SQLite store in-process against the fake Bugzilla, with what
// the tests of this package add: the corpus they seed and its audit. Every
// log line of bot and client goes to Logs, which is scanned for the API key
// when the test ends.
type rig struct {
	*bottest.Rig
	bot  *bot.Bot // the current process's
	exps []Expect
}

type rigOption = bottest.Option

func newRig(t testing.TB, dialect bugzillatest.Dialect, opts ...rigOption) *rig {
	t.Helper()
	r := &rig{}
	build := func(br *bottest.Rig) (bottest.Runner, error) {
		b, err := botrig.Build(br)
		if err != nil {
			return nil, err
		}
		r.bot = b
		return b, nil
	}
	r.Rig = bottest.New(t, dialect, build, append([]rigOption{bottest.WithAPIKey(testAPIKey)}, opts...)...)
	return r
}

func (r *rig) seed(n int) {
	r.T.Helper()
	exps, err := SeedCorpus(r.Fake, len(r.exps), n, false)
	if err != nil {
		r.T.Fatal(err)
	}
	r.exps = append(r.exps, exps...)
}

// audit checks every request got exactly what it is owed.
func (r *rig) audit() Report {
	r.T.Helper()
	rep := Audit(r.Fake, botLogin, tagPrefix, r.exps)
	for _, p := range rep.Problems {
		r.T.Error(p)
	}
	return rep
}
