package bot

import (
	"testing"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// A summary with bidirectional controls (U+202E turns "exe.txt" around)
// or line breaks reaches the dashboard as one line of plain text.
func TestQueueSummaryIsPlainText(t *testing.T) {
	e := newE2E(t, bugzillatest.BMO, nil)
	bug, _ := e.request("Count widget clicks", demoForm(t, "clean-12q.md"), false, "steward1@example.test")
	e.mustCycle()
	evil := "Count \u202eexe.txt\u202c clicks\u2066 and\n<b>more</b>\u200b"
	if err := e.st.SaveBugInfos(e.ctx, []store.BugInfo{{BugID: bug, Summary: evil, UpdatedAt: e.clock.Now()}}); err != nil {
		t.Fatal(err)
	}
	rows, err := e.bot.Status().Queue(e.ctx)
	if err != nil || len(rows) != 1 {
		t.Fatalf("Queue = %+v, %v", rows, err)
	}
	if got, want := rows[0].Summary, "Count exe.txt clicks and <b>more</b>"; got != want {
		t.Errorf("summary = %q, want %q", got, want)
	}
}
