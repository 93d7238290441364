package e2e

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bot"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
	"github.com/stewardbot/stewardbot/internal/bottest"
)

// TestWriteFailsAfterLanding: Bugzilla applies a write and then answers
// 500 (an error after the commit) or 429 (a proxy's rate limit on the way
// back). On every write endpoint, in both dialects, the write must be
// neither repeated (the bot re-reads the bug and finds its marker) nor
// lost (what it carried is there once), and every other duty is still
// done exactly once. writeEndpoints (crash_test.go) lists the bot's writes:
// bugzilla's AddComment, UpdateBug and UpdateAttachment (the bot never
// calls AddCommentTags). While the requests are open they carry analyses,
// commands' answers, reminders and escalations with their needinfos, and
// assignments; once stewards grant them (GrantReviewed), review checks and
// expiry reminders, and the bug update that clears the bot's needinfos,
// which must then be gone.
func TestWriteFailsAfterLanding(t *testing.T) {
	const park = 10 * time.Minute
	type phase struct {
		name      string
		endpoints []string
	}
	phases := []phase{
		{"open", writeEndpoints},
		{"granted", []string{writeEndpoints[0], writeEndpoints[1]}}, // nothing is assigned any more
	}
	for _, dialect := range []bugzillatest.Dialect{bugzillatest.Upstream, bugzillatest.BMO} {
		for _, ph := range phases {
			for _, endpoint := range ph.endpoints {
				method, tmpl, _ := strings.Cut(endpoint, " ")
				pattern := strings.ReplaceAll(tmpl, "{id}", "*") // the fault's path.Match pattern
				for _, status := range []int{http.StatusInternalServerError, http.StatusTooManyRequests} {
					name := fmt.Sprintf("%s/%s/%s/%d", dialect, ph.name, endpoint, status)
					t.Run(name, func(t *testing.T) {
						r := newRig(t, dialect, withCrashDuties(t),
							bottest.WithConfig(func(c *bot.Config) { c.Bugzilla.RateLimitPark = park }))
						r.seedFor(12, crashDuties)
						if ph.name == "granted" {
							r.Settle(8)
							if n, err := GrantReviewed(r.Fake, r.exps); err != nil || n == 0 {
								t.Fatalf("granted %d: %v", n, err)
							}
						}
						r.Fake.InjectFault(bugzillatest.Fault{Method: method, Path: pattern, Times: 1, Status: status, AfterApply: true})
						fault := fmt.Sprintf("%s after-apply status %d", endpoint, status)
						var errs []string
						for i := 0; i < 4 && faultsFired(r.Fake)[fault] == 0; i++ {
							if err := r.Cycle(); err != nil {
								errs = append(errs, err.Error())
							}
						}
						if fired := faultsFired(r.Fake); fired[fault] != 1 {
							t.Fatalf("fault %q fired %d times in 4 cycles (all fired: %v); nothing tested", fault, fired[fault], fired)
						}
						if len(errs) == 0 {
							t.Logf("no cycle failed: the bot saw the %d on %s and went on", status, endpoint)
						}
						r.Advance(park) // past a 429's park
						r.Settle(8)
						rep := r.audit()
						for _, p := range doubledNeedinfos(r.Fake, r.exps) {
							t.Error(p)
						}
						for _, p := range grantedNeedinfos(r.Fake, r.exps) {
							t.Error(p)
						}
						t.Logf("%s: cycle errors %q; %s", fault, errs, rep.Summary())
					})
				}
			}
		}
	}
}

// grantedNeedinfos lists the open needinfo requests the bot set on a
// steward (its reminders) that are left on the bugs GrantReviewed granted:
// the bot clears them once the request is answered. (Its escalations'
// needinfos ask Trust and Legal, who still owe an answer, and stay.)
func grantedNeedinfos(srv *bugzillatest.Server, exps []Expect) []string {
	var out []string
	for _, e := range exps {
		if e.Want[KindReviewCheck] == 0 {
			continue // not granted
		}
		b, _ := srv.Bug(e.Bug)
		for _, f := range b.Flags {
			if f.Name == "needinfo" && f.Status == "?" && strings.EqualFold(f.Setter, botLogin) &&
				slices.Contains(crashDuties.Stewards, f.Requestee) {
				out = append(out, fmt.Sprintf("bug %d: the bot's needinfo on %s is still open after the grant", e.Bug, f.Requestee))
			}
		}
	}
	return out
}
