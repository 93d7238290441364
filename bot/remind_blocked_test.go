package bot

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stewardbot/stewardbot/bugzilla"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// Where the server does not say in advance that a steward blocks needinfo
// requests (upstream Bugzilla has no such field), its refusal is final: no
// retry of the needinfo, one word to the lead, reminders by comment.
//
// BMO says it in advance; here the steward starts blocking needinfo
// requests between the bot's read of their settings and its write, and
// accepts them again right after the refusal, so that only the refusal
// itself can stop a retry.
func TestRemindNeedinfoRefused(t *testing.T) {
	e := newE2E(t, bugzillatest.BMO, func(c *Config) { c.Stewards.Lead = lead })
	e.srv.SetNow(epoch)
	e.clock.Set(epoch)
	var mu sync.Mutex
	refusing, refused := false, false
	e.rig.ClientOptions = append(e.rig.ClientOptions, e.rig.WithTransport(func(q *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case refusing:
			e.srv.SetUserBlocks(steward1, false, false)
			refusing = false
		case !refused && q.Method == http.MethodPut && strings.HasPrefix(q.URL.Path, "/rest/bug/"):
			e.srv.SetUserBlocks(steward1, true, false)
			refusing, refused = true, true
		}
	}))
	e.newProcess()
	bug, _ := e.request("Refused needinfo", string(mustReadDemoForm(t, "clean-12q.md")), false, steward1) // Monday 09:00
	for e.clock.Now().Before(epoch.Add(11 * 24 * time.Hour)) {
		e.advance(time.Hour)
		if err := e.bot.RunOnce(e.ctx, ""); err != nil && !errors.Is(err, bugzilla.ErrRequestsBlocked) {
			t.Fatalf("cycle at %s: %v", e.clock.Now(), err)
		}
	}
	var got []string
	for _, m := range e.markedComments(bug, "*") {
		got = append(got, m.Kind+"@"+m.At.Format("Mon 15:04"))
	}
	want := []string{"analysis@Mon 10:00", "blocked@Wed 09:00", "remind-1@Wed 10:00", "remind-2@Mon 10:00", "remind-3@Thu 10:00"}
	if d := cmp.Diff(got, want); d != "" {
		t.Errorf("comments (-got +want):\n%s", d)
	}
	if n := e.srv.RequestCounts()["PUT /rest/bug/{id}"]; !refused || n != 1 {
		t.Errorf("PUT /rest/bug/{id} sent %d times (refused: %t), want 1: the refused needinfo, never retried", n, refused)
	}
	for _, ni := range e.openNeedinfos(bug) {
		if strings.HasSuffix(ni, steward1) {
			t.Errorf("needinfo set on a steward who refused it: %s", ni)
		}
	}
}
