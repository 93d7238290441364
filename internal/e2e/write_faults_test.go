package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bot"
	"github.com/stewardbot/stewardbot/bugzilla"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// TestWriteFailsAfterLanding: Bugzilla applies a write and then answers
// 500 (an error after the commit) or 429 (a proxy's rate limit on the way
// back). On every write endpoint, in both dialects, the write must be
// neither repeated (the bot re-reads the bug and finds its marker) nor
// lost (what it carried is there once), and every other duty is still
// done exactly once. writeEndpoints (crash_test.go) lists the bot's writes:
// bugzilla's AddComment, UpdateBug and UpdateAttachment (the bot never
// calls AddCommentTags).
func TestWriteFailsAfterLanding(t *testing.T) {
	const park = 10 * time.Minute
	for _, dialect := range []bugzillatest.Dialect{bugzillatest.Upstream, bugzillatest.BMO} {
		for _, endpoint := range writeEndpoints {
			method, tmpl, _ := strings.Cut(endpoint, " ")
			pattern := strings.ReplaceAll(tmpl, "{id}", "*") // the fault's path.Match pattern
			for _, status := range []int{http.StatusInternalServerError, http.StatusTooManyRequests} {
				name := fmt.Sprintf("%s/%s/%d", dialect, endpoint, status)
				t.Run(name, func(t *testing.T) {
					r := newRig(t, dialect, withCrashDuties(t),
						func(c *bot.Config, _ *[]bugzilla.Option) { c.Bugzilla.RateLimitPark = park })
					r.seedFor(12, crashDuties)
					r.srv.InjectFault(bugzillatest.Fault{Method: method, Path: pattern, Times: 1, Status: status, AfterApply: true})
					fault := fmt.Sprintf("%s after-apply status %d", endpoint, status)
					var errs []string
					for i := 0; i < 4 && faultsFired(r.srv)[fault] == 0; i++ {
						if err := r.cycle(); err != nil {
							errs = append(errs, err.Error())
						}
					}
					if fired := faultsFired(r.srv); fired[fault] != 1 {
						t.Fatalf("fault %q fired %d times in 4 cycles (all fired: %v); nothing tested", fault, fired[fault], fired)
					}
					if len(errs) == 0 {
						t.Logf("no cycle failed: the bot saw the %d on %s and went on", status, endpoint)
					}
					r.advance(park) // past a 429's park
					r.settle(8)
					rep := r.audit()
					for _, p := range doubledNeedinfos(r.srv, r.exps) {
						t.Error(p)
					}
					t.Logf("%s: cycle errors %q; %s", fault, errs, rep.Summary())
				})
			}
		}
	}
}
