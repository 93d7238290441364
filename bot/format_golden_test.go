package bot

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
	"github.com/stewardbot/stewardbot/policy"
)

// goldenComments renders every kind of comment the bot writes, each with
// requester text that markdown would escape (underscores, dots, at signs),
// in the format of the bot.
func goldenComments(t *testing.T, b *Bot) map[string]bugzilla.NewComment {
	t.Helper()
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	form := func(name string, att int, rev string) (*foundForm, *policy.Analysis) {
		req := policy.ParseRequest(demoForm(t, name))
		f := &foundForm{Attachment: &bugzilla.Attachment{ID: att}, Rev: rev, Request: req}
		return f, evaluateForm(b.rules, req, "", now)
	}
	ft := b.marks.commentFormat()
	rd := newRemindDuty(b.deps(), b.deps().lent()) // the reminders' comments
	f4, a4 := form("category4.md", 11, "0123456789ab")
	f3, a3 := form("category3-release.md", 11, "0123456789ab") // Trust and Legal, for one reason
	oldF, oldA := form("replaced-old.md", 12, "aaaaaaaaaaaa")
	newF, newA := form("replaced-new.md", 13, "bbbbbbbbbbbb")
	r := store.Request{FlagID: 5, BugID: 7, AttachmentID: 11, Requestee: "steward1@example.test",
		Setter: "dev_one@example.test", RequestedAt: now.Add(-72 * time.Hour)}
	m := func(kind string) Marker { return Marker{Kind: kind, Bug: 7, Attachment: 11, Flag: 5} }

	v := newBugView(7, []bugzilla.Attachment{{ID: 11, FileName: "data_review.docx", ContentType: "application/msword"}}, 1<<20)
	v.reads[11] = attachmentRead{NotText: true}
	v.formless = []int{11}

	// The one notice names both teams, each with its contacts.
	contacts := []teamContacts{
		{team: policy.EscalateTrust, cc: &contactCheck{ask: []string{"trust_team@example.test"}}},
		{team: policy.EscalateLegal, cc: &contactCheck{ask: []string{"legal_team@example.test"},
			blocked: []string{"legal2@example.test: cannot see the bug"}}},
	}
	force := &forcedEscalation{team: policy.EscalateLegal, by: "steward_one@example.test", comment: 4}
	exp := &expiringCollection{bug: 7, date: "2027-06-30", rows: []store.ReviewedCollection{
		{Collection: store.Collection{AttachmentID: 11, Measurement: "reader_view.site_domain", Owner: "Jane Doe <jane_doe@example.test>"}},
		{Collection: store.Collection{AttachmentID: 11, Measurement: "reader_view.opened"}},
	}}
	rv := &foundReview{Attachment: &bugzilla.Attachment{ID: 14}}
	contradictions := []policy.Contradiction{{Topic: "default-on", Question: 5, Review: "default-off",
		Request: "describes an opt-out, so it is default-on"}}
	return map[string]bugzilla.NewComment{
		"analysis":     b.marks.analysisComment(Marker{Kind: kindAnalysis, Bug: 7, Attachment: 11, Rev: f4.Rev}, f4, a4, "", about{}),
		"what-changed": b.marks.analysisComment(Marker{Kind: kindAnalysis, Bug: 7, Attachment: 13, Rev: newF.Rev}, newF, newA, whatChanged(oldF, oldA, newF, newA, ft), about{}),
		"needs-form":   b.marks.needsFormComment(Marker{Kind: kindNeedsForm, Bug: 7}, v, about{}),
		"reminder":     rd.reminderComment(m(remindKind(2)), r, 2, true, about{}),
		"lead-notice":  rd.leadNoticeComment(m(kindLeadNotice), r, 3, noticeSpent, time.Time{}, "steward2@example.test", about{}),
		"blocked":      rd.blockedComment(m(kindBlocked), r, about{}),
		"assign":       rd.assignComment(m(kindAssign), r, "steward2@example.test", about{}),
		"unassigned":   rd.unassignedComment(m(kindUnassigned), r, about{}),
		"escalation": b.marks.marked(Marker{Kind: kindEscalation, Bug: 7, Attachment: 11, Rev: f4.Rev},
			escalationNotice(a4.Escalations, f4, a4, nil, contacts, true, ft, 3), about{}),
		"escalation-one-reason": b.marks.marked(Marker{Kind: kindEscalation, Bug: 7, Attachment: 11, Rev: f3.Rev},
			escalationNotice(a3.Escalations, f3, a3, nil, contacts, true, ft, 3), about{}),
		"escalation-cmd": b.marks.marked(Marker{Kind: kindEscalationLegal, Bug: 7, Attachment: 11, Rev: f4.Rev},
			escalationNotice([]policy.Escalation{{To: policy.EscalateLegal}}, f4, nil, force, contacts[1:], false, ft, 0), about{}),
		"command-ack": b.marks.marked(Marker{Kind: kindCommandAck, Bug: 7, Comment: 40}, commandAnswer(4, []string{
			commandHelpShort, "Escalated to Legal: see the notice.", "I could not read that `snooze` command: no duration."}, ft), about{}),
		"review-check": b.marks.marked(Marker{Kind: kindReviewCheck, Bug: 7, Attachment: 14, Flag: 5}, reviewCheckText(rv, f4, contradictions, ft), about{}),
		"expiry":       b.marks.marked(Marker{Kind: expiryKind(exp.date), Bug: 7}, expiryNotice(exp, 30, "https://example.test/renewal_request.md", ft), about{}),
	}
}

// TestCommentGoldens pins every kind of comment in both formats
// (testdata/comments/KIND.md and .txt; refresh with -update). The plain-text
// forms, for servers that show comments preformatted, hold no markdown:
// no escapes, no emphasis, no code spans, so what is read is what is copied.
func TestCommentGoldens(t *testing.T) {
	for _, format := range []string{FormatMarkdown, FormatText} {
		cfg := DefaultConfig()
		cfg.Comments.Format = format
		b := &Bot{cfg: cfg, rules: policy.DefaultRules()}
		b.marks = newMarks(cfg, nil) // a bot that has not started: the format is the configured one
		ext := map[string]string{FormatMarkdown: ".md", FormatText: ".txt"}[format]
		for kind, nc := range goldenComments(t, b) {
			t.Run(kind+ext, func(t *testing.T) {
				if nc.IsMarkdown != (format == FormatMarkdown) {
					t.Errorf("is_markdown %v in format %s", nc.IsMarkdown, format)
				}
				if format == FormatText {
					if found := markdownEscape.FindAllString(nc.Text, -1); len(found) > 0 {
						t.Errorf("escapes %q in plain text", found)
					}
					for _, markup := range []string{"**", "`", "### ", "_This", "<https"} {
						if strings.Contains(nc.Text, markup) {
							t.Errorf("markdown %q in plain text", markup)
						}
					}
				}
				path := filepath.Join("testdata", "comments", kind+ext)
				if updating() {
					if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(path, []byte(nc.Text+"\n"), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run with -update to create it)", err)
				}
				if d := cmp.Diff(nc.Text+"\n", string(want)); d != "" {
					t.Errorf("%s (-got +want):\n%s", path, d)
				}
			})
		}
	}
}
