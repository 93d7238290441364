package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// What a comment is about, in the privacy tests: a public request, one
// whose form is a private attachment, or one on a bug in a group.
type privacyVariant string

const (
	publicRequest privacyVariant = "public"
	privateForm   privacyVariant = "private form"
	bugInGroup    privacyVariant = "bug in a group"
)

var privacyVariants = []privacyVariant{publicRequest, privateForm, bugInGroup}

// privateWanted says whether the bot's comments about a request of the
// variant must be private.
func (v privacyVariant) privateWanted() bool { return v != publicRequest }

// requestAs files a request by dev1 as the variant says. The group is one
// the bot and the stewards are in.
func (e *e2e) requestAs(v privacyVariant, form, requestee string) (bugID, attID int) {
	e.t.Helper()
	var groups []string
	if v == bugInGroup {
		groups = []string{"insiders"}
	}
	bugID = e.srv.AddBug(bugzillatest.Bug{Summary: "Count widget clicks", Creator: "dev1@example.test",
		Description: "See the attachment.", Groups: groups})
	attID = e.srv.AddAttachment(bugzillatest.Attachment{BugID: bugID, Summary: "Data review request",
		FileName: "request.md", ContentType: "text/plain", Data: []byte(form), IsPrivate: v == privateForm,
		Flags: []bugzillatest.Flag{bugzillatest.DataReview(requestee)}})
	return bugID, attID
}

// checkPrivacy checks that the bot wrote at least one comment of each kind
// on the bug, each private exactly when want says.
func (e *e2e) checkPrivacy(bugID int, want bool, kinds ...string) {
	e.t.Helper()
	for _, kind := range kinds {
		n := 0
		for _, c := range e.srv.Comments(bugID) {
			m, ok := parseFooter(e.cfg.Comments.Tag, c.Text)
			if !ok || c.Creator != e.cfg.Bugzilla.Login || (m.Kind != kind && !(kind == "remind-*" && strings.HasPrefix(m.Kind, kindRemindPrefix))) {
				continue
			}
			n++
			if c.IsPrivate != want {
				e.t.Errorf("%s comment %d: private %v, want %v\n%s", kind, c.ID, c.IsPrivate, want, c.Text)
			}
		}
		if n == 0 {
			e.t.Errorf("no %s comment on bug %d\nlogs:\n%s", kind, bugID, e.logs.String())
		}
	}
}

// TestPrivacyOfEveryKind: every comment the bot writes about a private
// form or a bug in a group is private, whatever its kind; about a public
// request on a public bug, public.
func TestPrivacyOfEveryKind(t *testing.T) {
	type scenario struct {
		dialect bugzillatest.Dialect
		config  func(*Config)
		run     func(e *e2e, v privacyVariant) int // the bug
		kinds   []string
	}
	for name, sc := range map[string]scenario{
		"analysis and escalation from policy": {
			config: withContacts([]string{"trust@example.test"}, []string{"legal@example.test"}),
			run: func(e *e2e, v privacyVariant) int {
				bug, _ := e.requestAs(v, demoForm(t, "category4.md"), steward1)
				e.cycles(3)
				return bug
			},
			kinds: []string{kindAnalysis, kindEscalation},
		},
		"what changed": {
			run: func(e *e2e, v privacyVariant) int {
				bug, old := e.requestAs(v, demoForm(t, "replaced-old.md"), steward1)
				e.cycles(2)
				e.srv.ObsoleteAttachment(old)
				e.advance(time.Hour)
				e.srv.AddAttachment(bugzillatest.Attachment{BugID: bug, Summary: "v2", FileName: "v2.md",
					ContentType: "text/plain", Data: []byte(demoForm(t, "replaced-new.md")), IsPrivate: v == privateForm,
					Flags: []bugzillatest.Flag{bugzillatest.DataReview(steward1)}})
				e.cycles(2)
				if cs := e.botCommentsOfKind(bug, kindAnalysis); len(cs) != 2 || !strings.Contains(cs[1].Text, "What changed") {
					e.t.Errorf("want a second analysis saying what changed, got %d analyses", len(cs))
				}
				return bug
			},
			kinds: []string{kindAnalysis},
		},
		"needs form": {
			run: func(e *e2e, v privacyVariant) int {
				bug, att := e.requestAs(v, "\x89PNG\r\n\x1a\n\x00\x00binary", steward1)
				_ = att
				e.cycles(2)
				return bug
			},
			kinds: []string{kindNeedsForm},
		},
		"reminders and lead notice": {
			run: func(e *e2e, v privacyVariant) int {
				bug, _ := e.requestAs(v, demoForm(t, "clean-12q.md"), steward1)
				e.runFor(3*week, 6*hour)
				return bug
			},
			kinds: []string{"remind-*", kindLeadNotice},
		},
		"blocked notice": {
			dialect: bugzillatest.BMO,
			run: func(e *e2e, v privacyVariant) int {
				e.srv.SetUserBlocks(steward1, true, false)
				bug, _ := e.requestAs(v, demoForm(t, "clean-12q.md"), steward1)
				e.runFor(week, 6*hour)
				return bug
			},
			kinds: []string{kindBlocked},
		},
		"unassigned notice": {
			config: func(c *Config) { c.Stewards.AssignUnassigned = false },
			run: func(e *e2e, v privacyVariant) int {
				bug, _ := e.requestAs(v, demoForm(t, "clean-12q.md"), "")
				e.runFor(week, 6*hour)
				return bug
			},
			kinds: []string{kindUnassigned},
		},
		"assignment": {
			config: func(c *Config) { c.Stewards.AssignUnassigned = true },
			run: func(e *e2e, v privacyVariant) int {
				bug, att := e.requestAs(v, demoForm(t, "clean-12q.md"), "")
				e.runFor(time.Hour, 6*time.Minute)
				if f := e.flagOf(att); f.Requestee == "" {
					e.t.Errorf("request not assigned")
				}
				return bug
			},
			kinds: []string{kindAssign},
		},
		"review check": {
			run: func(e *e2e, v privacyVariant) int {
				bug, att := e.requestAs(v, demoForm(t, "clean-12q.md"), steward1)
				e.cycles(2)
				e.grant(att, steward1)
				e.say(bug, steward1, "data-review+\n\n1) Yes.\n2) Yes.\n3) Not permanent.\n4) Category 2.\n"+
					"5) Default-off.\n6) No.\n7) Yes.\n8) No.\n")
				e.cycles(3)
				return bug
			},
			kinds: []string{kindReviewCheck},
		},
		"expiry": {
			run: func(e *e2e, v privacyVariant) int {
				bug, att := e.requestAs(v, expiringForm(t, "Jane Doe"), steward1)
				e.cycles(2)
				e.grant(att, steward1)
				e.at(june30.Add(-10 * oneDay))
				e.cycles(2)
				return bug
			},
			kinds: []string{expiryKind("2027-06-30")},
		},
	} {
		for _, v := range privacyVariants {
			t.Run(name+"/"+string(v), func(t *testing.T) {
				var e *e2e
				if name == "expiry" || name == "review check" {
					e = newE2E(t, sc.dialect, sc.config)
				} else {
					e = newRemindE2E(t, sc.dialect, sc.config) // a Monday, a roster and a lead
				}
				bug := sc.run(e, v)
				e.checkPrivacy(bug, v.privateWanted(), sc.kinds...)
			})
		}
	}
}

// TestPrivacyOfCommands: what a command makes the bot write (its answer,
// the recheck's analysis, the forced escalation's notice) is private when
// the command is; the answer follows the command, not the form, as it
// quotes nothing of the form.
func TestPrivacyOfCommands(t *testing.T) {
	for _, tc := range []struct {
		name           string
		form           privacyVariant
		privateCommand bool
		ack, others    bool // private wanted
	}{
		{"public command, public request", publicRequest, false, false, false},
		{"private command, public request", publicRequest, true, true, true},
		{"public command, private form", privateForm, false, false, true},
		{"public command, bug in a group", bugInGroup, false, true, true},
	} {
		for _, d := range dialects {
			t.Run(tc.name+"/"+d.String(), func(t *testing.T) {
				e := newE2E(t, d, withContacts(nil, []string{"legal@example.test"}))
				bug, _ := e.requestAs(tc.form, demoForm(t, "clean-12q.md"), steward1)
				e.cycles(2)
				e.advance(time.Minute)
				id := e.srv.AddComment(bugzillatest.Comment{BugID: bug, Creator: steward1,
					Text: "stewardbot: recheck\nstewardbot: escalate trust", IsPrivate: tc.privateCommand})
				e.cycles(3)
				if a := e.acks(bug, id); len(a) != 1 || a[0].IsPrivate != tc.ack {
					t.Errorf("answers %+v, want one, private %v", a, tc.ack)
				}
				analyses := e.botCommentsOfKind(bug, kindAnalysis)
				if len(analyses) != 2 || analyses[1].IsPrivate != tc.others {
					t.Errorf("analyses %+v, want a recheck, private %v", analyses, tc.others)
				}
				trust := e.botCommentsOfKind(bug, kindEscalationTrust)
				if len(trust) != 1 || trust[0].IsPrivate != tc.others {
					t.Errorf("trust notices %+v, want one, private %v", trust, tc.others)
				}
			})
		}
	}
}
