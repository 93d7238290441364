package bot

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bugzilla"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

var dialects = []bugzillatest.Dialect{bugzillatest.Upstream, bugzillatest.BMO}

// patchRequest files a bug whose flagged attachment is a patch, not a form.
func (e *e2e) patchRequest(summary string) (bugID, attID int) {
	bugID = e.srv.AddBug(bugzillatest.Bug{Summary: summary, Creator: "dev1@example.test", Description: "A patch."})
	attID = e.srv.AddAttachment(bugzillatest.Attachment{BugID: bugID, Summary: "Fix", FileName: "fix.patch",
		ContentType: "text/plain", IsPatch: true, Data: []byte("diff --git a/x b/x\n+x\n"),
		Flags: []bugzillatest.Flag{bugzillatest.DataReview("steward1@example.test")}})
	return bugID, attID
}

func TestE2ENeedsFormOnceThenIdle(t *testing.T) {
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			e := newE2E(t, d, nil)
			bug, _ := e.patchRequest("Count widget clicks")
			e.mustCycle()
			e.mustCycle() // the bot's own comment changed the bug: one more look
			e.mustCycle()
			got := e.botComments(bug)
			if len(got) != 1 {
				t.Fatalf("bot comments = %d, want 1\n%s", len(got), e.logs.String())
			}
			if !strings.HasSuffix(got[0].Text, "stewardbot:needs-form bug="+strconv.Itoa(bug)) || got[0].IsPrivate {
				t.Errorf("needs-form comment:\n%s", got[0].Text)
			}
			e.srv.ResetRecords()
			e.advance(time.Hour)
			e.mustCycle()
			var total int
			for _, n := range e.srv.RequestCounts() {
				total += n
			}
			if total > 2 {
				t.Errorf("idle cycle made %d requests: %v", total, e.srv.RequestCounts())
			}
			t.Logf("idle cycle: %d requests %v", total, e.srv.RequestCounts())
		})
	}
}

func TestE2ELostWriteNoDuplicate(t *testing.T) {
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			e := newE2E(t, d, nil)
			bug, _ := e.patchRequest("Count widget clicks")
			e.srv.LoseNextWrite("POST", "/rest/bug/*/comment")
			_ = e.cycle()
			e.mustCycle()
			e.mustCycle()
			if n := len(e.botComments(bug)); n != 1 {
				t.Errorf("after a POST whose answer was lost: %d comments, want 1\n%s", n, e.logs.String())
			}
		})
	}
}

func TestE2ETimedOutWriteNoDuplicate(t *testing.T) {
	// The client gives up after 300ms of real time; the fake holds the
	// answer until then, having applied the write. No sleeping here.
	e := newE2E(t, bugzillatest.BMO, func(c *Config) { c.Bugzilla.Timeout = 300 * time.Millisecond })
	bug, _ := e.patchRequest("Count widget clicks")
	e.srv.InjectFault(bugzillatest.Fault{Method: "POST", Path: "/rest/bug/*/comment", Times: 1, Hang: true, AfterApply: true})
	_ = e.cycle()
	e.mustCycle()
	e.mustCycle()
	if n := len(e.botComments(bug)); n != 1 {
		t.Errorf("after a POST that timed out once it had landed: %d comments, want 1\n%s", n, e.logs.String())
	}
	if !strings.Contains(e.logs.String(), "write outcome unknown") {
		t.Errorf("the timeout was not seen as an unknown outcome")
	}
}

func TestE2EStoreDeletedNoDuplicate(t *testing.T) {
	e := newE2E(t, bugzillatest.BMO, nil)
	bug, _ := e.patchRequest("Count widget clicks")
	e.mustCycle()
	e.dropStore()
	e.mustCycle()
	e.dropStore()
	e.mustCycle()
	if n := len(e.botComments(bug)); n != 1 {
		t.Errorf("store deleted twice: %d comments, want 1", n)
	}
}

func TestE2EDryRunWritesNothing(t *testing.T) {
	e := newE2E(t, bugzillatest.BMO, func(c *Config) { c.DryRun = true })
	e.patchRequest("Count widget clicks")
	e.mustCycle()
	e.mustCycle()
	if n := len(e.srv.Writes()); n != 0 {
		t.Errorf("dry run wrote %d times", n)
	}
	if !strings.Contains(e.logs.String(), "would post") {
		t.Errorf("dry run logged nothing to post")
	}
}

func TestE2ERateLimitParks(t *testing.T) {
	tests := []struct {
		name    string
		dialect bugzillatest.Dialect
		limit   func(*bugzillatest.Server)
	}{
		// BMO's block: HTML 429, no Retry-After; every request renews it.
		{"bmo block", bugzillatest.BMO, func(s *bugzillatest.Server) { s.BlockFor(time.Hour) }},
		{"429 with Retry-After", bugzillatest.Upstream, func(s *bugzillatest.Server) { s.RateLimitNext(1, 30*time.Minute) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newE2E(t, tt.dialect, nil)
			e.mustCycle()
			bug, _ := e.patchRequest("Count widget clicks")
			tt.limit(e.srv)
			err := e.cycle()
			var park *ParkedError
			if !errors.As(err, &park) {
				t.Fatalf("cycle under a rate limit: err = %v", err)
			}
			e.srv.ResetRecords()
			for range 3 {
				if err := e.cycle(); !errors.As(err, &park) {
					t.Fatalf("cycle while parked: err = %v", err)
				}
			}
			e.newProcess() // a restart during the park
			if err := e.cycle(); !errors.As(err, &park) {
				t.Fatalf("restart while parked: err = %v", err)
			}
			if n := len(e.srv.Requests()); n != 0 {
				t.Fatalf("%d requests while parked: %v", n, e.srv.RequestCounts())
			}
			e.advance(time.Hour)
			e.mustCycle()
			if n := len(e.botComments(bug)); n != 1 {
				t.Errorf("after the park: %d comments, want 1", n)
			}
		})
	}
}

func TestE2EInvalidAPIKey(t *testing.T) {
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			e := newE2E(t, d, func(c *Config) { c.Bugzilla.APIKey = NewSecret("wrong-key") })
			err := e.cycle()
			if err == nil || !strings.Contains(err.Error(), "API key") || !errors.Is(err, bugzilla.ErrInvalidAPIKey) {
				t.Fatalf("err = %v, want ErrInvalidAPIKey with a clear message", err)
			}
			// The bot sends one Authenticate, whose first request carries
			// the key where either dialect reads it: one request in all.
			if n := len(e.srv.Requests()); n != 1 {
				t.Errorf("%d requests, want 1: %v", n, e.srv.RequestCounts())
			}
			if strings.Contains(e.logs.String(), "wrong-key") || strings.Contains(err.Error(), "wrong-key") {
				t.Errorf("the API key leaked into the logs or the error")
			}
		})
	}
}

func TestE2EPrivateFormOnlyPrivateComment(t *testing.T) {
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			e := newE2E(t, d, nil)
			form := string(mustReadDemoForm(t, "private.md"))
			bug, _ := e.request("Embargoed telemetry", form, true, "steward1@example.test")
			e.mustCycle()
			e.mustCycle()
			got := e.botComments(bug)
			if len(got) != 1 {
				t.Fatalf("bot comments = %d, want 1\n%s", len(got), e.logs.String())
			}
			if !got[0].IsPrivate {
				t.Errorf("the analysis of a private form is public:\n%s", got[0].Text)
			}
		})
	}
}

func TestE2EDecisionRecorded(t *testing.T) {
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			e := newE2E(t, d, nil)
			bug, att := e.patchRequest("Count widget clicks")
			e.mustCycle()
			e.mustCycle()
			if err := e.srv.SetAttachmentFlags("steward1@example.test", att,
				bugzillatest.FlagChange{Name: "data-review", Status: "-"}); err != nil {
				t.Fatal(err)
			}
			e.mustCycle()
			rs, err := e.st.RequestsOnBug(e.ctx, bug)
			if err != nil || len(rs) != 1 || rs[0].Status != "-" {
				t.Fatalf("requests on bug %d = %+v, %v; want one, answered -", bug, rs, err)
			}
			if n := len(e.botComments(bug)); n != 1 {
				t.Errorf("%d comments, want 1", n)
			}
		})
	}
}

func TestE2EFormTextMentionsNobody(t *testing.T) {
	form := strings.NewReplacer(
		"How often do people open", "@steward2 and :legal asked: how often do people open",
		"With the Firefox front-end team", "With @dev2, trust@example.test and [the team](mailto:legal@example.test)",
		"I want this data to be collected for 6 months initially (potentially renewable).",
		"I want to permanently monitor this data. (owner: legal@example.test, @legal)",
	).Replace(string(mustReadDemoForm(t, "clean-12q.md")))
	e := newE2E(t, bugzillatest.BMO, nil)
	bug, _ := e.request("Mentions in a form", form, false, "steward1@example.test")
	e.mustCycle()
	got := e.botComments(bug)
	if len(got) != 1 {
		t.Fatalf("bot comments = %d, want 1", len(got))
	}
	prose := outsideCode(got[0].Text)
	for i := strings.IndexByte(prose, '@'); i >= 0; i = strings.IndexByte(prose, '@') {
		if i == 0 || prose[i-1] != '\\' {
			t.Errorf("an unescaped @ outside code: %q", prose[max(0, i-30):min(len(prose), i+30)])
		}
		prose = prose[i+1:]
	}
	// The only write is the comment: no needinfo, no CC, no flag.
	for _, w := range e.srv.Writes() {
		if w.Endpoint != "POST /rest/bug/{id}/comment" {
			t.Errorf("unexpected write %s", w.Endpoint)
		}
	}
}

// outsideCode drops fenced code blocks and inline code spans from markdown.
func outsideCode(md string) string {
	var b strings.Builder
	fenced := false
	for line := range strings.Lines(md) {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fenced = !fenced
			continue
		}
		if fenced {
			continue
		}
		parts := strings.Split(line, "`")
		for i := 0; i < len(parts); i += 2 {
			b.WriteString(parts[i])
		}
	}
	return b.String()
}
