package bot

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// TestE2ECommandAnsweredAfterItsWrite pins that a command's answer waits
// for the write the command asks for: when Bugzilla refuses the escalation
// notice, or the write cap defers it, the comment is not answered ("see
// the notice" would point at nothing); the next cycle makes the notice and
// then answers, each once.
func TestE2ECommandAnsweredAfterItsWrite(t *testing.T) {
	for _, tt := range []struct {
		name  string
		block func(e *e2e) (restore func())
	}{
		{"notice refused once", func(e *e2e) func() {
			return e.srv.InjectFault(bugzillatest.Fault{Method: http.MethodPut, Path: "/rest/bug/*", Times: 1,
				Status: http.StatusInternalServerError})
		}},
		{"no write left", func(e *e2e) func() {
			e.cfg.Poll.MaxWritesPerCycle = 0
			e.newProcess()
			return func() { e.cfg.Poll.MaxWritesPerCycle = 50; e.newProcess() }
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e, bug := commandsE2E(t, bugzillatest.BMO)
			escalate := e.say(bug, "steward1@example.test", "stewardbot: escalate legal")
			restore := tt.block(e)
			run := func(when string) {
				t.Helper()
				for _, task := range []string{"poll", "commands"} {
					if err := e.bot.RunOnce(e.ctx, task); err != nil {
						t.Fatalf("%s, %s: %v\n%s", when, task, err, e.logs.String())
					}
				}
			}
			run("blocked")
			if a := e.acks(bug, escalate.ID); len(a) != 0 {
				t.Fatalf("answered before the notice was made: %v", a)
			}
			if n := len(e.botCommentsOfKind(bug, kindEscalationLegal)); n != 0 {
				t.Fatalf("%d legal notices while blocked", n)
			}
			restore()
			e.advance(5 * time.Minute)
			run("after")
			if n := len(e.botCommentsOfKind(bug, kindEscalationLegal)); n != 1 {
				t.Errorf("%d legal notices, want 1\n%s", n, e.logs.String())
			}
			if a := e.acks(bug, escalate.ID); len(a) != 1 || !strings.Contains(a[0].Text, "Escalated to Legal") {
				t.Errorf("answer: %v", a)
			}
		})
	}
}
