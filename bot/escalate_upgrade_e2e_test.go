package bot

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
	"github.com/stewardbot/stewardbot/policy"
)

// analysedRequest files a request whose form needs Trust and Legal and runs
// only its analysis, so that the test can put on the bug what an earlier
// version would have posted before the escalate task runs.
func analysedRequest(t *testing.T, e *e2e) (bug int, analysis Marker) {
	t.Helper()
	bug, _ = e.request("Collect visited URLs", demoForm(t, "category3-release.md"), false, "steward1@example.test")
	for _, task := range []string{"poll", "analyze"} {
		if err := e.bot.RunOnce(e.ctx, task); err != nil {
			t.Fatalf("%s: %v\n%s", task, err, e.logs.String())
		}
	}
	as := e.botCommentsOfKind(bug, kindAnalysis)
	if len(as) != 1 {
		t.Fatalf("%d analyses, want 1\n%s", len(as), e.logs.String())
	}
	m, _ := parseFooter(e.cfg.Comments.Tag, as[0].Text)
	return bug, m
}

// oldNotice posts, as the bot, a notice to one team the way versions before
// the one notice per revision did: its own marker kind per team.
func oldNotice(e *e2e, bug int, analysis Marker, kind string) {
	m := analysis
	m.Kind = kind
	e.advance(time.Minute)
	e.srv.AddComment(bugzillatest.Comment{BugID: bug, Creator: "bot@example.test",
		Text: "stewardbot: this data review request needs someone" + footerRule + m.Footer(e.cfg.Comments.Tag)})
}

// After an upgrade, the notices an earlier version posted (one per team)
// count: none is posted again, and a revision with one team's notice gets
// one notice naming only the other team.
func TestE2EEscalationOldNoticesCount(t *testing.T) {
	for _, tc := range []struct {
		name  string
		old   []string
		want  int    // new notices
		needs string // the team(s) the new notice names
	}{
		{"both teams notified", []string{kindEscalationTrust, kindEscalationLegal}, 0, ""},
		{"only trust notified", []string{kindEscalationTrust}, 1, "needs Legal*"},
		{"none notified", nil, 1, "needs Trust and Legal*"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newE2E(t, bugzillatest.Upstream, withContacts([]string{"trust@example.test"}, []string{"legal@example.test"}))
			bug, analysis := analysedRequest(t, e)
			for _, kind := range tc.old {
				oldNotice(e, bug, analysis, kind)
			}
			e.dropStore() // the upgrade may also come with a new store
			e.cycles(3)
			got := e.botCommentsOfKind(bug, kindEscalation)
			if len(got) != tc.want {
				t.Fatalf("%d new notices, want %d\n%s", len(got), tc.want, e.logs.String())
			}
			if tc.want == 0 {
				return
			}
			if want := strings.TrimSuffix(tc.needs, "*") + "\n"; !strings.Contains(got[0].Text, want) {
				t.Errorf("the notice should say %q:\n%s", want, got[0].Text)
			}
		})
	}
}

// A command asks for a notice to one team: after the revision's notice
// named only Trust, "escalate legal" posts a Legal notice; after a notice
// that named Legal already, it posts nothing more and says it is done.
func TestE2EEscalateCommandAfterOneNotice(t *testing.T) {
	trustOnly, err := policy.ParseRules([]byte("escalations:\n  category-3-default-on-release: [trust]\n" +
		"  third-party-tool: []\n  new-identifier: []\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		rules     *policy.Rules
		later     *policy.Rules // the rules by the time of the command; nil: unchanged
		wantLegal int
	}{
		{"notice named trust only", trustOnly, nil, 1},
		{"notice named legal already", nil, nil, 0},
		// The notice says whom it named: rules that send the revision to
		// Legal by the time of the command do not make it count as Legal's.
		{"rules gained legal after a trust-only notice", trustOnly, policy.DefaultRules(), 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newE2E(t, bugzillatest.BMO, withContacts([]string{"trust@example.test"}, []string{"legal@example.test"}))
			if tc.rules != nil {
				WithRules(tc.rules)(e.bot)
			}
			bug, _ := e.request("Collect visited URLs", demoForm(t, "category3-release.md"), false, "steward1@example.test")
			e.cycles(3)
			notices := e.botCommentsOfKind(bug, kindEscalation)
			if len(notices) != 1 {
				t.Fatalf("%d notices, want 1\n%s", len(notices), e.logs.String())
			}
			if tc.later != nil {
				WithRules(tc.later)(e.bot)
			}
			e.advance(time.Minute)
			cmd := e.say(bug, "steward1@example.test", "stewardbot: escalate legal")
			e.cycles(3)
			if a := e.acks(bug, cmd.ID); len(a) != 1 || !strings.Contains(a[0].Text, "Escalated to Legal") {
				t.Errorf("escalate answer: %v", a)
			}
			legal := e.botCommentsOfKind(bug, kindEscalationLegal)
			if len(legal) != tc.wantLegal {
				t.Fatalf("%d legal notices after the command, want %d\n%s", len(legal), tc.wantLegal, e.logs.String())
			}
			if n := len(e.botCommentsOfKind(bug, kindEscalation)); n != 1 {
				t.Errorf("%d notices of the revision, want still 1", n)
			}
			if tc.wantLegal == 1 && !strings.Contains(legal[0].Text, fmt.Sprintf("Escalated as asked in comment %d", cmd.Count)) {
				t.Errorf("the legal notice does not say who asked:\n%s", legal[0].Text)
			}
		})
	}
}
