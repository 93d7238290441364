package bot

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// Bugzilla's last_change_time has whole seconds. A form attached in the
// same second as the bot's look at the bug (here: the second in which the
// request was filed, seen and answered with a needs-form comment) leaves
// last_change_time as it was; the poll must still look again and find it.
func TestE2EChangeInTheSecondOfALookIsSeen(t *testing.T) {
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			e := newE2E(t, d, nil)
			e.mustCycle() // the first sweep, over nothing
			e.advance(time.Minute)
			bug, _ := e.patchRequest("Count widget clicks")
			if err := e.bot.RunOnce(e.ctx, ""); err != nil { // in the filing's second
				t.Fatalf("cycle: %v\n%s", err, e.logs.String())
			}
			if got := e.botComments(bug); len(got) != 1 || !strings.Contains(got[0].Text, "stewardbot:needs-form") {
				t.Fatalf("after the first look: %d bot comments, want the needs-form one", len(got))
			}
			// Still the same second: the requester attaches the form.
			e.srv.AddAttachment(bugzillatest.Attachment{BugID: bug, Summary: "Data review request",
				FileName: "request.md", ContentType: "text/plain", Data: []byte(demoForm(t, "clean-12q.md"))})
			for range 3 {
				e.mustCycle()
			}
			var analyses int
			for _, c := range e.botComments(bug) {
				if strings.Contains(c.Text, "stewardbot:analysis bug="+strconv.Itoa(bug)) {
					analyses++
				}
			}
			if analyses != 1 {
				t.Errorf("%d analyses of the form attached in the second of the bot's look, want 1\n%s", analyses, e.logs.String())
			}
		})
	}
}
