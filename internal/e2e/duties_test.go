package e2e

import (
	"fmt"
	"testing"

	"github.com/stewardbot/stewardbot/bot"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
	"github.com/stewardbot/stewardbot/internal/bottest"
)

// withCrashDuties configures the in-process bot for crashDuties exactly as
// the crash test configures its binary (crashDutiesConfig, read through
// bot.LoadConfig): the roster, reminders due at once, contacts for both
// teams. Seed with seedFor(n, crashDuties) so that the audit knows what is
// due.
func withCrashDuties(t testing.TB) rigOption {
	return bottest.WithConfig(func(c *bot.Config) {
		yaml := fmt.Sprintf("bugzilla:\n  url: %s\n  login: %s\n%s", c.Bugzilla.URL, c.Bugzilla.Login, crashDutiesConfig())
		getenv := func(k string) string {
			if k == bot.EnvAPIKey {
				return c.Bugzilla.APIKey.Reveal()
			}
			return ""
		}
		loaded, err := bot.LoadConfig("duties.yaml", getenv, func(string) ([]byte, error) { return []byte(yaml), nil })
		if err != nil {
			t.Fatalf("duties config: %v", err)
		}
		c.Stewards, c.Reminders, c.Escalation = loaded.Stewards, loaded.Reminders, loaded.Escalation
	})
}

// seedFor files n more requests for a bot configured for d.
func (r *rig) seedFor(n int, d Duties) {
	r.T.Helper()
	exps, err := SeedCorpusFor(r.Fake, len(r.exps), n, false, d)
	if err != nil {
		r.T.Fatal(err)
	}
	r.exps = append(r.exps, exps...)
}

// faultsFired counts the requests an injected fault answered (or dropped)
// since the records were last reset: proof that a fault test's fault
// happened, not just that it was asked for.
func faultsFired(srv *bugzillatest.Server) map[string]int {
	fired := map[string]int{}
	for _, rq := range srv.Requests() {
		if rq.Fault != "" {
			fired[rq.Endpoint+" "+rq.Fault]++
		}
	}
	return fired
}

// doubledNeedinfos lists the bugs where one person has two open needinfo
// requests: what a repeated reminder or escalation write leaves behind
// even when its comment is not repeated.
func doubledNeedinfos(srv *bugzillatest.Server, exps []Expect) []string {
	var out []string
	for _, e := range exps {
		b, ok := srv.Bug(e.Bug)
		if !ok {
			continue
		}
		open := map[string]int{}
		for _, f := range b.Flags {
			if f.Name == "needinfo" && f.Status == "?" && f.Requestee != "" {
				if open[f.Requestee]++; open[f.Requestee] == 2 {
					out = append(out, fmt.Sprintf("bug %d: two open needinfo requests for %s", e.Bug, f.Requestee))
				}
			}
		}
	}
	return out
}
