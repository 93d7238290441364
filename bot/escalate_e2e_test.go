package bot

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// demoForm reads one of the demo's request forms.
func demoForm(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile("demo/forms/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// botCommentsOfKind lists the bot's comments on a bug whose marker kind is
// kind, read from the fake's own state (whatever call wrote them).
func (e *e2e) botCommentsOfKind(bugID int, kind string) []bugzillatest.Comment {
	var out []bugzillatest.Comment
	for _, c := range e.srv.Comments(bugID) {
		if c.Creator != "bot@example.test" {
			continue
		}
		if m, ok := parseFooter(e.cfg.Comments.Tag, c.Text); ok && m.Kind == kind {
			out = append(out, c)
		}
	}
	return out
}

// needinfos lists the requestees of the open needinfo flags on a bug.
func (e *e2e) needinfos(bugID int) []string {
	bug, _ := e.srv.Bug(bugID)
	var out []string
	for _, f := range bug.Flags {
		if f.Name == "needinfo" && f.Status == "?" {
			out = append(out, f.Requestee)
		}
	}
	return out
}

func withContacts(trust, legal []string) func(*Config) {
	return func(c *Config) { c.Escalation.Trust, c.Escalation.Legal = trust, legal }
}

func TestE2EEscalationOncePerRevision(t *testing.T) {
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			e := newE2E(t, d, withContacts([]string{"trust@example.test"}, []string{"legal@example.test"}))
			bug, _ := e.request("Collect visited URLs", demoForm(t, "category3-release.md"), false, "steward1@example.test")
			for range 3 {
				e.mustCycle()
			}
			check := func(when string) {
				t.Helper()
				got := e.botCommentsOfKind(bug, kindEscalation)
				if len(got) != 1 {
					t.Fatalf("%s: %d notices, want 1\n%s", when, len(got), e.logs.String())
				}
				if got[0].IsPrivate {
					t.Errorf("%s: the notice on a public bug is private", when)
				}
				if !strings.Contains(got[0].Text, "category-3-default-on-release") || !strings.Contains(got[0].Text, "needs Trust and Legal") {
					t.Errorf("%s: the notice does not name both teams and the reason:\n%s", when, got[0].Text)
				}
				for _, kind := range []string{kindEscalationTrust, kindEscalationLegal} {
					if n := len(e.botCommentsOfKind(bug, kind)); n != 0 {
						t.Errorf("%s: %d %s notices, want none: one notice names both teams", when, n, kind)
					}
				}
				ni := e.needinfos(bug)
				if len(ni) != 2 || !hasLogin(ni, "trust@example.test") || !hasLogin(ni, "legal@example.test") {
					t.Errorf("%s: needinfo on %v, want trust and legal once each", when, ni)
				}
			}
			check("first cycles")
			notice := e.botCommentsOfKind(bug, kindEscalation)[0].Text
			// Inert in markdown (escaped, no autolink or mention); in plain
			// text, as it is, so that it can be copied.
			legal, trust := "Legal: asking legal@example.test", "Trust: asking trust@example.test"
			if d == bugzillatest.BMO {
				legal, trust = "Legal: asking legal\\@example\\.test", "Trust: asking trust\\@example\\.test"
			}
			if !strings.Contains(notice, legal) || !strings.Contains(notice, trust) {
				t.Errorf("the notice should name each team's contact, inertly:\n%s", notice)
			}
			analysis := e.botCommentsOfKind(bug, kindAnalysis)
			if len(analysis) != 1 || !strings.Contains(analysis[0].Text, "stewardbot follows this analysis with one notice to") {
				t.Fatalf("the analysis does not say the bot escalates:\n%v", analysis)
			}
			// The notice links the analysis ("comment N" is a link on BMO
			// and upstream alike) and does not repeat it.
			if link := fmt.Sprintf("in comment %d,", analysis[0].Count); !strings.Contains(notice, link) {
				t.Errorf("the notice does not link the analysis (%q):\n%s", link, notice)
			}
			for _, line := range strings.Split(analysis[0].Text, "\n") {
				if len(line) > 60 && strings.Contains(notice, line) {
					t.Errorf("the notice repeats the analysis line %q", line)
				}
			}
			recs, err := e.st.EscalationsOnBug(e.ctx, bug)
			if err != nil || len(recs) != 2 {
				t.Fatalf("store: %d escalations, %v", len(recs), err)
			}
			// The notice's id, which its PUT does not answer, is read after
			// the chunk's notices and recorded in the escalations and the
			// journal (escalate_ids.go).
			noticeComment := e.botCommentsOfKind(bug, kindEscalation)[0]
			for _, r := range recs {
				if r.Status != store.EscalationMade || len(r.Asked) != 1 || r.CommentID != noticeComment.ID {
					t.Errorf("store record %+v, want made, one asked, comment id %d", r, noticeComment.ID)
				}
			}
			nm, _ := parseFooter(e.cfg.Comments.Tag, noticeComment.Text)
			if j, err := e.st.Action(e.ctx, nm.Key()); err != nil || j.CommentID != noticeComment.ID {
				t.Errorf("journal of the notice: %+v, %v; want comment id %d", j, err, noticeComment.ID)
			}

			// A human clears a needinfo; the store is lost; nothing is redone.
			flags, _ := e.srv.Bug(bug)
			for _, f := range flags.Flags {
				if f.Requestee == "trust@example.test" {
					if err := e.srv.SetBugFlags("trust@example.test", bug, bugzillatest.FlagChange{ID: f.ID, Status: "X"}); err != nil {
						t.Fatal(err)
					}
				}
			}
			e.dropStore()
			for range 3 {
				e.mustCycle()
			}
			if n := len(e.botCommentsOfKind(bug, kindEscalation)); n != 1 {
				t.Errorf("after losing the store: %d notices, want 1", n)
			}
			if ni := e.needinfos(bug); len(ni) != 1 || ni[0] != "legal@example.test" {
				t.Errorf("after losing the store: needinfo on %v, want only legal (trust cleared it)", ni)
			}
		})
	}
}

func TestE2EEscalationHiddenContactBlocked(t *testing.T) {
	e := newE2E(t, bugzillatest.Upstream, withContacts([]string{"trust@example.test", "counsel@example.test"},
		[]string{"counsel@example.test"}))
	e.srv.AddUser(bugzillatest.User{Login: "counsel@example.test", RealName: "Outside Counsel",
		Groups: []string{"editbugs"}, APIKey: "counsel-api-key"})
	bug := e.srv.AddBug(bugzillatest.Bug{Summary: "Collect visited URLs", Creator: "dev1@example.test",
		Description: "See the attachment.", Groups: []string{"insiders"}})
	e.srv.AddAttachment(bugzillatest.Attachment{BugID: bug, Summary: "Data review request", FileName: "request.md",
		ContentType: "text/plain", Data: []byte(demoForm(t, "category3-release.md")),
		Flags: []bugzillatest.Flag{bugzillatest.DataReview("steward1@example.test")}})
	for range 3 {
		e.mustCycle()
	}
	ni := e.needinfos(bug)
	if len(ni) != 1 || ni[0] != "trust@example.test" {
		t.Errorf("needinfo on %v, want only trust (counsel cannot see the bug)", ni)
	}
	got := e.botCommentsOfKind(bug, kindEscalation)
	if len(got) != 1 {
		t.Fatalf("%d notices, want 1\n%s", len(got), e.logs.String())
	}
	if !got[0].IsPrivate {
		t.Errorf("the notice on a bug in a group is public")
	}
	if strings.Contains(strings.ReplaceAll(got[0].Text, "\\", ""), "counsel") {
		t.Errorf("the notice names the hidden contact:\n%s", got[0].Text)
	}
	for _, team := range []string{"Trust", "Legal"} {
		if !strings.Contains(got[0].Text, "1 configured "+team+" contact(s) could not be asked") {
			t.Errorf("the notice does not say a %s contact was not asked:\n%s", team, got[0].Text)
		}
	}
	blocked, err := e.st.BlockedEscalations(e.ctx)
	if err != nil || len(blocked) != 2 {
		t.Fatalf("blocked escalations: %v, %v; want trust and legal", blocked, err)
	}
	for _, b := range blocked {
		if len(b.Blocked) != 1 || !strings.HasPrefix(b.Blocked[0], "counsel@example.test: cannot see the bug") {
			t.Errorf("%s: blocked %q", b.Target, b.Blocked)
		}
	}
	if !strings.Contains(e.logs.String(), "escalation contact not asked") && !strings.Contains(e.logs.String(), "refused a needinfo") {
		t.Errorf("the blocked contact is not logged")
	}
}

func TestE2EEscalationPrivateForm(t *testing.T) {
	e := newE2E(t, bugzillatest.BMO, withContacts([]string{"trust@example.test"}, nil))
	bug, _ := e.request("Collect visited URLs", demoForm(t, "category3-release.md"), true, "steward1@example.test")
	for range 3 {
		e.mustCycle()
	}
	notices := e.botCommentsOfKind(bug, kindEscalation)
	if len(notices) != 1 || !notices[0].IsPrivate || !strings.Contains(notices[0].Text, "No Legal contact is configured") {
		t.Fatalf("notices %+v, want one, private, saying no Legal contact is configured", notices)
	}
	recs, _ := e.st.EscalationsOnBug(e.ctx, bug)
	for _, r := range recs {
		want := store.EscalationMade
		if r.Target == "legal" {
			want = store.EscalationBlocked // nobody to ask
		}
		if r.Status != want {
			t.Errorf("%s: status %s, want %s", r.Target, r.Status, want)
		}
	}
}

func hasLogin(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func TestE2EEscalationDryRunThenLive(t *testing.T) {
	e := newE2E(t, bugzillatest.Upstream, func(c *Config) {
		c.DryRun = true
		c.Escalation.Legal = []string{"legal@example.test"}
	})
	bug, _ := e.request("Collect visited URLs", demoForm(t, "category3-release.md"), false, "steward1@example.test")
	e.cycles(3)
	if n := len(e.srv.Comments(bug)); n != 2 || len(e.needinfos(bug)) != 0 {
		t.Fatalf("dry run wrote: %d comments, needinfo %v", n, e.needinfos(bug))
	}
	recs, _ := e.st.EscalationsOnBug(e.ctx, bug)
	if len(recs) != 2 || recs[0].Status != store.EscalationDryRun {
		t.Errorf("dry-run records: %+v", recs)
	}
	e.cfg.DryRun = false
	e.newProcess()
	e.cycles(3)
	if n := len(e.botCommentsOfKind(bug, kindEscalation)); n != 1 {
		t.Errorf("live after a dry run: %d notices, want 1\n%s", n, e.logs.String())
	}
	if ni := e.needinfos(bug); len(ni) != 1 {
		t.Errorf("live after a dry run: needinfo %v", ni)
	}
}

func TestE2EEscalationContactsNotAskable(t *testing.T) {
	e := newE2E(t, bugzillatest.BMO, withContacts(nil,
		[]string{"legal@example.test", "gone@example.test", "trust@example.test"}))
	e.srv.SetUserBlocks("legal@example.test", true, false)
	bug, _ := e.request("Collect visited URLs", demoForm(t, "category3-release.md"), false, "steward1@example.test")
	e.cycles(3)
	if ni := e.needinfos(bug); len(ni) != 1 || ni[0] != "trust@example.test" {
		t.Errorf("needinfo on %v, want only trust", ni)
	}
	recs, err := e.st.EscalationsOnBug(e.ctx, bug)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if r.Target != "legal" {
			continue
		}
		want := []string{"legal@example.test: does not accept needinfo requests", "gone@example.test: no Bugzilla account with this login"}
		if r.Status != store.EscalationBlocked || !slicesEqualSorted(r.Blocked, want) {
			t.Errorf("legal: %s %q, want blocked %q", r.Status, r.Blocked, want)
		}
	}
	notices := e.botCommentsOfKind(bug, kindEscalation)
	if len(notices) != 1 || !strings.Contains(notices[0].Text, "2 configured Legal contact(s) could not be asked") {
		t.Errorf("notices: %v", notices)
	}
}

func slicesEqualSorted(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
