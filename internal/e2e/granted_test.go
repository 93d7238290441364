package e2e

import (
	"strings"
	"testing"

	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// TestDutiesAfterGrantOnce: with every duty the crash test models, the
// open requests get their analyses, reminders, assignments, escalations
// and command answers; once stewards grant the category 3 requests with a
// review that contradicts them, each owes one review-check and one expiry
// reminder, and after a restart nothing is repeated.
func TestDutiesAfterGrantOnce(t *testing.T) {
	for _, dialect := range []bugzillatest.Dialect{bugzillatest.Upstream, bugzillatest.BMO} {
		t.Run(dialect.String(), func(t *testing.T) {
			r := newRig(t, dialect, withCrashDuties(t))
			r.seedFor(24, crashDuties)
			r.Settle(8)
			r.audit()
			n, err := GrantReviewed(r.Fake, r.exps)
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				t.Fatal("no request to grant: the corpus has no dated expiry")
			}
			r.Settle(8)
			r.NewProcess()
			r.Settle(8)
			rep := r.audit()
			for kind, n := range rep.Totals {
				if _, ok := rep.Wanted[kind]; !ok {
					t.Errorf("%d bot comments of kind %s, which no request owes", n, kind)
				}
			}
			var expiry int
			for kind, n := range rep.Wanted {
				if strings.HasPrefix(kind, KindExpiryPrefix) {
					expiry += n
				}
			}
			if rep.Wanted[KindCommandAck] == 0 || rep.Wanted[KindReviewCheck] != n || expiry != n {
				t.Errorf("owed: %d command-acks, %d review-checks and %d expiry reminders for %d grants", rep.Wanted[KindCommandAck], rep.Wanted[KindReviewCheck], expiry, n)
			}
			t.Logf("%d granted; %s", n, rep.Summary())
		})
	}
}
