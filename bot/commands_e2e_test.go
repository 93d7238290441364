package bot

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// say adds a comment by who, a minute on.
func (e *e2e) say(bugID int, who, text string) bugzillatest.Comment {
	e.t.Helper()
	e.advance(time.Minute)
	id := e.srv.AddComment(bugzillatest.Comment{BugID: bugID, Creator: who, Text: text})
	for _, c := range e.srv.Comments(bugID) {
		if c.ID == id {
			return c
		}
	}
	e.t.Fatalf("comment %d not found", id)
	return bugzillatest.Comment{}
}

// acks returns the bot's answers to one comment.
func (e *e2e) acks(bugID, commentID int) []bugzillatest.Comment {
	var out []bugzillatest.Comment
	for _, c := range e.botCommentsOfKind(bugID, kindCommandAck) {
		if m, _ := parseFooter(e.cfg.Comments.Tag, c.Text); m.Comment == commentID {
			out = append(out, c)
		}
	}
	return out
}

// inFormat is a text of the bot's own with `code` spans as the dialect's
// comments show it: as it is on BMO (markdown), without backticks on
// upstream Bugzilla (plain text).
func inFormat(d bugzillatest.Dialect, s string) string {
	if d == bugzillatest.BMO {
		return s
	}
	return strings.ReplaceAll(s, "`", "")
}

func (e *e2e) cycles(n int) {
	e.t.Helper()
	for range n {
		e.mustCycle()
	}
}

func commandsE2E(t *testing.T, d bugzillatest.Dialect) (*e2e, int) {
	e := newE2E(t, d, func(c *Config) {
		c.Escalation.Legal = []string{"legal@example.test"}
		c.Stewards.Roster = []Steward{{Login: "steward2@example.test"}}
	})
	bug, _ := e.request("Count widget clicks", demoForm(t, "clean-12q.md"), false, "steward1@example.test")
	e.cycles(2)
	return e, bug
}

func TestE2ECommandAnswersAndAuthorisation(t *testing.T) {
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			e, bug := commandsE2E(t, d)
			tests := []struct {
				who, text string
				answer    string // in the one answer; "" means no answer at all
			}{
				{"steward1@example.test", "stewardbot: snooze 5d", "Snoozed: no reminders about this request until"},
				{"steward2@example.test", "stewardbot: help", "I understand these lines"},
				{"dev2@example.test", "stewardbot: help", "I understand these lines"},
				{"dev2@example.test", "Please look.\nstewardbot: stop", "Sorry, only the requested data steward"},
				{"dev1@example.test", "stewardbot: stop", "Sorry, only"},
				{"dev1@example.test", "stewardbot: dance", "I do not know that command. Commands:"},
				{"legal@example.test", "stewardbot: snooze forever", "I could not read that `snooze` command"},
				{"steward1@example.test", "> stewardbot: stop\n```\nstewardbot: stop\n```", ""},
				{"bot@example.test", "stewardbot: stop", ""},
			}
			var ids []int
			for _, tt := range tests {
				ids = append(ids, e.say(bug, tt.who, tt.text).ID)
			}
			e.cycles(3)
			check := func(when string) {
				t.Helper()
				for i, tt := range tests {
					got := e.acks(bug, ids[i])
					switch {
					case tt.answer == "" && len(got) != 0:
						t.Errorf("%s: %s %q answered:\n%s", when, tt.who, tt.text, got[0].Text)
					case tt.answer != "" && len(got) != 1:
						t.Errorf("%s: %s %q: %d answers, want 1", when, tt.who, tt.text, len(got))
					case tt.answer != "" && !strings.Contains(got[0].Text, inFormat(d, tt.answer)):
						t.Errorf("%s: %s %q answered\n%s\nwant %q", when, tt.who, tt.text, got[0].Text, inFormat(d, tt.answer))
					}
				}
				if stopped, _ := e.st.Stopped(e.ctx, bug); stopped {
					t.Errorf("%s: stopped by an unauthorised, quoted or bot command", when)
				}
				until, _ := e.st.Snoozed(e.ctx, bug)
				if until.IsZero() {
					t.Errorf("%s: the steward's snooze is not stored", when)
				}
			}
			check("first")
			e.dropStore()
			e.cycles(3)
			check("after losing the store")
		})
	}
}

func TestE2ECommandStopResume(t *testing.T) {
	e, bug := commandsE2E(t, bugzillatest.Upstream)
	stop := e.say(bug, "steward2@example.test", "stewardbot: stop")
	e.cycles(2)
	if len(e.acks(bug, stop.ID)) != 1 {
		t.Fatalf("stop not answered\n%s", e.logs.String())
	}
	// A new revision needing Legal arrives while stopped: nothing happens.
	e.advance(time.Minute)
	e.srv.AddAttachment(bugzillatest.Attachment{BugID: bug, Summary: "Data review request v2", FileName: "request.md",
		ContentType: "text/plain", Data: []byte(demoForm(t, "category3-release.md")),
		Flags: []bugzillatest.Flag{bugzillatest.DataReview("steward1@example.test")}})
	e.cycles(3)
	if n := len(e.botCommentsOfKind(bug, kindAnalysis)); n != 1 {
		t.Errorf("while stopped: %d analyses, want the first one only", n)
	}
	if n := len(e.botCommentsOfKind(bug, kindEscalation)); n != 0 {
		t.Errorf("while stopped: %d notices", n)
	}
	resume := e.say(bug, "steward1@example.test", "stewardbot: resume")
	e.cycles(3)
	if len(e.acks(bug, resume.ID)) != 1 {
		t.Errorf("resume not answered")
	}
	if n := len(e.botCommentsOfKind(bug, kindAnalysis)); n != 2 {
		t.Errorf("after resume: %d analyses, want 2\n%s", n, e.logs.String())
	}
	if n := len(e.botCommentsOfKind(bug, kindEscalation)); n != 1 {
		t.Errorf("after resume: %d notices, want 1", n)
	}
}

func TestE2ECommandRecheckAndEscalate(t *testing.T) {
	e, bug := commandsE2E(t, bugzillatest.BMO)
	refused := e.say(bug, "dev2@example.test", "stewardbot: recheck")
	byRequester := e.say(bug, "dev1@example.test", "stewardbot: recheck")
	escalate := e.say(bug, "steward1@example.test", "stewardbot: escalate legal")
	e.cycles(3)
	if a := e.acks(bug, refused.ID); len(a) != 1 || !strings.Contains(a[0].Text, "(and the requester)") {
		t.Errorf("recheck by a stranger: %v", a)
	}
	if a := e.acks(bug, byRequester.ID); len(a) != 1 || !strings.Contains(a[0].Text, "Rechecked") {
		t.Errorf("recheck by the requester: %v", a)
	}
	analyses := e.botCommentsOfKind(bug, kindAnalysis)
	if len(analyses) != 2 {
		t.Fatalf("%d analyses, want the first and one recheck", len(analyses))
	}
	m, _ := parseFooter(e.cfg.Comments.Tag, analyses[1].Text)
	if !strings.HasSuffix(m.Rev, "-recheck"+strconv.Itoa(byRequester.ID)) {
		t.Errorf("recheck marker rev %q", m.Rev)
	}
	if a := e.acks(bug, escalate.ID); len(a) != 1 || !strings.Contains(a[0].Text, "Escalated to Legal") {
		t.Errorf("escalate answer: %v", a)
	}
	legal := e.botCommentsOfKind(bug, kindEscalationLegal)
	if len(legal) != 1 || !strings.Contains(legal[0].Text, "Escalated as asked in comment") {
		t.Fatalf("forced legal notices: %v", legal)
	}
	if ni := e.needinfos(bug); len(ni) != 1 || ni[0] != "legal@example.test" {
		t.Errorf("needinfo on %v, want legal", ni)
	}
	e.dropStore()
	e.cycles(3)
	if n := len(e.botCommentsOfKind(bug, kindAnalysis)); n != 2 {
		t.Errorf("after losing the store: %d analyses, want 2", n)
	}
	if n := len(e.botCommentsOfKind(bug, kindEscalationLegal)); n != 1 {
		t.Errorf("after losing the store: %d legal notices, want 1", n)
	}
	if n := len(e.botCommentsOfKind(bug, kindCommandAck)); n != 3 {
		t.Errorf("after losing the store: %d answers, want 3", n)
	}
}
