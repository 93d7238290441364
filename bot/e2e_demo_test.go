package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bot/demo"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// TestE2EDemoScenarios runs the bot over the demo's requests (every kind the
// daemon issue names) and checks each bug got exactly what it should, that
// nothing private leaked, that a lost store changes nothing, and that an
// idle cycle is cheap.
func TestE2EDemoScenarios(t *testing.T) {
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			e := newE2E(t, d, nil)
			if _, err := demo.Seed(e.srv); err != nil {
				t.Fatal(err)
			}
			// The cold start of the tasks that read forms, poll and analyse
			// (later tasks have their own costs): authentication 2, poll 1
			// (the search; the server's time is its answer's Date header),
			// attachment metadata 1, form data 1 (the prefetch, with the
			// replaced form the analysis compares with: their sizes just
			// read, data comes without a second metadata read), the bugs'
			// comments 1 (one batched read for the bugs whose form is not
			// an attachment; it serves as the re-read before the writes:
			// nothing was written since, planRereads), the bugs' groups 1
			// (for the privacy of the comments: poll and analyze run as two
			// cycles here; in one cycle the poll's search gives them), the
			// 10 comments posted, and one batched read of the analyses'
			// numbers on the bugs (the dashboard's links): analyze runs
			// alone here, without commands to read the bugs after it
			// (analyze_number.go).
			const coldStart, formData = 18, 1
			e.advance(5 * time.Minute)
			for _, task := range []string{"poll", "analyze"} {
				if err := e.bot.RunOnce(e.ctx, task); err != nil {
					t.Fatalf("cold start, %s: %v", task, err)
				}
			}
			if n := len(e.srv.Requests()); n != coldStart {
				t.Errorf("cold start over %d requests: %d requests %v, want %d",
					len(demo.Cases()), n, e.srv.RequestCounts(), coldStart)
			}
			if n := e.srv.RequestCounts()["GET /rest/bug/attachment/{id}"]; n != formData {
				t.Errorf("cold start: %d attachment downloads, want %d", n, formData)
			}
			e.mustCycle()
			for range 2 {
				e.mustCycle()
			}
			checkDemoOutcomes(t, e)
			writes := len(e.srv.Writes())

			e.dropStore()
			for range 2 {
				e.mustCycle()
			}
			if n := len(e.srv.Writes()); n != writes {
				t.Errorf("after the store was lost: %d writes, want %d", n, writes)
			}

			e.srv.ResetRecords()
			e.mustCycle()
			if n := len(e.srv.Requests()); n > 2 {
				t.Errorf("idle cycle: %d requests %v, want at most 2", n, e.srv.RequestCounts())
			}
		})
	}
}

func checkDemoOutcomes(t *testing.T, e *e2e) {
	t.Helper()
	for _, c := range demo.Cases() {
		got := e.botComments(c.Bug)
		wantN := 1
		if c.Want == demo.Nothing {
			wantN = 0
		}
		if len(got) != wantN {
			t.Errorf("bug %d (%s): %d bot comments, want %d", c.Bug, c.Shows, len(got), wantN)
			continue
		}
		if wantN == 0 {
			continue
		}
		text := got[0].Text
		kind := kindAnalysis
		if c.Want == demo.NeedsForm {
			kind = kindNeedsForm
		}
		m, ok := parseFooter("stewardbot", text)
		if !ok || m.Kind != kind || m.Bug != c.Bug {
			t.Errorf("bug %d (%s): footer %+v, want kind %s:\n%s", c.Bug, c.Shows, m, kind, text)
		}
		if want := []string{"stewardbot-" + kind}; strings.Join(got[0].Tags, ",") != want[0] {
			t.Errorf("bug %d: tags %v, want %v", c.Bug, got[0].Tags, want)
		}
		if got[0].IsPrivate != (c.Want == demo.Private) {
			t.Errorf("bug %d (%s): private = %v", c.Bug, c.Shows, got[0].IsPrivate)
		}
	}
	if text := firstText(e, 1008); !strings.Contains(text, " comment=") {
		t.Errorf("bug 1008: the analysis should name the comment holding the form:\n%s", text)
	}
	if text := firstText(e, 1009); !strings.Contains(text, "What changed since the form in attachment") {
		t.Errorf("bug 1009: the analysis of the replacement should say what changed:\n%s", text)
	}
	// Never leak: no public bot comment anywhere quotes the private form.
	for _, c := range demo.Cases() {
		for _, cm := range e.botComments(c.Bug) {
			if !cm.IsPrivate && (strings.Contains(cm.Text, "clock_advice") || strings.Contains(cm.Text, `clock\_advice`)) {
				t.Errorf("bug %d: a public comment quotes the private form", c.Bug)
			}
		}
	}
}

func firstText(e *e2e, bug int) string {
	if cs := e.botComments(bug); len(cs) > 0 {
		return cs[0].Text
	}
	return ""
}

func TestE2ECrashBetweenPostAndJournal(t *testing.T) {
	e := newE2E(t, bugzillatest.Upstream, nil) // upstream drops tags: the footer alone must do
	bug, _ := e.patchRequest("Count widget clicks")
	real := e.st
	e.st = &crashAfterPost{Store: real}
	e.newProcess()
	_ = e.cycle() // the comment lands, then the journal dies
	if n := len(e.botComments(bug)); n != 1 {
		t.Fatalf("first process: %d comments, want 1", n)
	}
	e.st = real
	e.newProcess()
	e.mustCycle()
	e.mustCycle()
	if n := len(e.botComments(bug)); n != 1 {
		t.Errorf("after the restart: %d comments, want 1", n)
	}
	if !strings.Contains(e.logs.String(), "already on the bug") {
		t.Errorf("the restart did not recover the write from the bug's marker")
	}
}
