package bot

import (
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// expiringForm is the demo's category-3 form (which expires on 06-30-2027)
// with an owner written in the duration answer, markup and all.
func expiringForm(t *testing.T, owner string) string {
	t.Helper()
	form := demoForm(t, "category3-release.md")
	const answer = "This is scoped to a time-limited experiment/project until date 06-30-2027."
	if !strings.Contains(form, answer) {
		t.Fatal("the demo form changed: update expiringForm")
	}
	if owner != "" {
		form = strings.Replace(form, answer, answer+"\n\nOwner: "+owner, 1)
	}
	return form
}

// at moves both clocks to a moment (which must be ahead of them).
func (e *e2e) at(when time.Time) {
	e.t.Helper()
	d := when.Sub(e.srv.Now())
	if d < 0 {
		e.t.Fatalf("cannot go back to %s from %s", when, e.srv.Now())
	}
	e.advance(d)
}

// expiryReminders lists the bot's expiry reminders on a bug, for any date.
func (e *e2e) expiryReminders(bugID int) []bugzillatest.Comment {
	var out []bugzillatest.Comment
	for _, c := range e.srv.Comments(bugID) {
		if m, ok := parseFooter(e.cfg.Comments.Tag, c.Text); ok && c.Creator == "bot@example.test" &&
			strings.HasPrefix(m.Kind, kindExpiry+"-") {
			out = append(out, c)
		}
	}
	return out
}

// forgetJournal deletes the action journal's expiry entries, as a store
// restored from an older backup would lack them; the collections stay.
func (e *e2e) forgetJournal() {
	e.t.Helper()
	db, err := sql.Open("sqlite", e.dbPath)
	if err != nil {
		e.t.Fatal(err)
	}
	defer db.Close()
	res, err := db.Exec(`DELETE FROM actions WHERE kind LIKE 'expiry-%'`)
	if err != nil {
		e.t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		e.t.Fatal("no expiry entry in the journal to forget")
	}
}

var (
	june30 = time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC)
	oneDay = 24 * time.Hour
)

// One reminder per bug and date, in the window only, never twice (not after
// the journal is lost, not after the whole store is), and none for
// expiries by duration or version.
func TestE2EExpiryReminderOnce(t *testing.T) {
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			e := newE2E(t, d, nil)
			dated, datedAtt := e.request("Collect visited URLs", expiringForm(t, "Jane Doe <jane@example.test> @everyone [x](https://evil.example)"),
				false, "steward1@example.test")
			months, monthsAtt := e.request("Count widget clicks", demoForm(t, "clean-12q.md"), false, "steward1@example.test")
			version, versionAtt := e.request("Glean metrics", demoForm(t, "glean-parser.txt"), false, "steward1@example.test")
			e.cycles(2)
			for _, att := range []int{datedAtt, monthsAtt, versionAtt} {
				e.grant(att, "steward1@example.test")
			}
			e.cycles(2)
			rows, err := e.st.ReviewedCollections(e.ctx, store.CollectionFilter{Status: "+", Dated: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) == 0 || rows[0].BugID != dated || strings.Join(rows[0].ExpiryDates, " ") != "2027-06-30" {
				t.Fatalf("dated reviewed collections: %+v", rows)
			}

			e.at(june30.Add(-31*oneDay + 23*time.Hour)) // 23:00 on 30 May: 31 days before
			e.cycles(1)
			if n := len(e.expiryReminders(dated)); n != 0 {
				t.Fatalf("%d reminders 31 days before the expiry, want none", n)
			}
			e.at(june30.Add(-30*oneDay + 10*time.Minute))
			e.cycles(3)
			got := e.expiryReminders(dated)
			if len(got) != 1 {
				t.Fatalf("%d reminders 30 days before, want 1\n%s", len(got), e.logs.String())
			}
			text := got[0].Text
			expires := "expires on 2027-06-30 (in 30 days)"
			if d == bugzillatest.BMO {
				expires = "expires on **2027-06-30** (in 30 days)"
			}
			for _, want := range []string{expires, "Owner named in the form: Jane Doe",
				"attachment " + itoa(datedAtt), "renewal_request.md", "stewardbot:expiry-2027-06-30 bug=" + itoa(dated)} {
				if !strings.Contains(text, want) {
					t.Errorf("reminder lacks %q:\n%s", want, text)
				}
			}
			// The owner is the form's words: in markdown quoted, never a
			// mention or a link; in plain text (upstream renders no
			// markdown) as written.
			if body := outsideCode(text); d == bugzillatest.BMO && (strings.Contains(body, " @everyone") ||
				strings.Contains(body, "](https://") || strings.Contains(body, "jane@example.test")) {
				t.Errorf("the owner is not quoted inertly:\n%s", text)
			}
			if d == bugzillatest.Upstream && (!strings.Contains(text, "Owner named in the form: Jane Doe <jane@example.test> @everyone") ||
				strings.Contains(text, `\`)) {
				t.Errorf("the owner is not quoted as written:\n%s", text)
			}
			if got[0].IsPrivate {
				t.Error("a public form's reminder is private")
			}
			if len(e.needinfos(dated)) != 0 {
				t.Errorf("needinfo set: %v", e.needinfos(dated))
			}
			for _, bug := range []int{months, version} {
				if n := len(e.expiryReminders(bug)); n != 0 {
					t.Errorf("bug %d (expiry by duration or version): %d reminders", bug, n)
				}
			}

			e.forgetJournal()
			e.cycles(2)
			if n := len(e.expiryReminders(dated)); n != 1 {
				t.Errorf("after losing the journal: %d reminders, want 1", n)
			}
			e.dropStore()
			e.cycles(2)
			e.at(june30.Add(12 * time.Hour)) // the expiry day itself
			e.cycles(2)
			if n := len(e.expiryReminders(dated)); n != 1 {
				t.Errorf("after losing the store: %d reminders, want 1", n)
			}
		})
	}
}

// A store that keeps its collections but lost the journal, on the day
// itself: the reminder found on the bug counts, whatever the window.
func TestE2EExpiryJournalLostOnTheDay(t *testing.T) {
	e := newE2E(t, bugzillatest.BMO, nil)
	bug, att := e.request("Collect visited URLs", expiringForm(t, ""), false, "steward1@example.test")
	e.cycles(2)
	e.grant(att, "steward1@example.test")
	e.cycles(1)
	e.at(june30.Add(-2 * oneDay))
	e.cycles(1)
	got := e.expiryReminders(bug)
	if len(got) != 1 || !strings.Contains(got[0].Text, "The form names no owner") || !strings.Contains(got[0].Text, "(in 2 days)") {
		t.Fatalf("reminders: %+v", got)
	}
	e.forgetJournal()
	e.at(june30.Add(time.Hour))
	e.cycles(2)
	if n := len(e.expiryReminders(bug)); n != 1 {
		t.Errorf("%d reminders, want 1", n)
	}
}

// None when the window has passed unseen, when the request was denied or
// is still open, when reminders are off, or while "stewardbot: stop" holds.
func TestE2EExpiryNoReminder(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Config)
		setup  func(e *e2e, bug, att int)
	}{
		{"expired before the bot looked", nil, func(e *e2e, _, att int) {
			e.grant(att, "steward1@example.test")
			e.cycles(1)
			e.at(june30.Add(oneDay + time.Minute))
		}},
		{"denied", nil, func(e *e2e, _, att int) {
			att2, _ := e.srv.Attachment(att)
			for _, f := range att2.Flags {
				if err := e.srv.SetAttachmentFlags("steward1@example.test", att, bugzillatest.FlagChange{ID: f.ID, Status: "-"}); err != nil {
					e.t.Fatal(err)
				}
			}
			e.cycles(1)
			e.at(june30.Add(-oneDay))
		}},
		{"still open", nil, func(e *e2e, _, _ int) { e.at(june30.Add(-oneDay)) }},
		{"reminders off", func(c *Config) { c.Expiry.RemindDays = 0 }, func(e *e2e, _, att int) {
			e.grant(att, "steward1@example.test")
			e.cycles(1)
			e.at(june30.Add(-oneDay))
		}},
		{"stopped", nil, func(e *e2e, bug, att int) {
			e.say(bug, "steward1@example.test", "stewardbot: stop")
			e.cycles(1)
			e.grant(att, "steward1@example.test")
			e.cycles(2)
			e.at(june30.Add(-oneDay))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newE2E(t, bugzillatest.BMO, tt.mutate)
			bug, att := e.request("Collect visited URLs", expiringForm(t, "Jane Doe"), false, "steward1@example.test")
			e.cycles(2)
			tt.setup(e, bug, att)
			e.cycles(2)
			if n := len(e.expiryReminders(bug)); n != 0 {
				t.Errorf("%d reminders, want none", n)
			}
		})
	}
}

// A private form's reminder is private; a dry run logs it and writes
// nothing, and the bot posts it once it may write.
func TestE2EExpiryPrivateDryRunThenLive(t *testing.T) {
	e := newE2E(t, bugzillatest.BMO, func(c *Config) { c.DryRun = true })
	bug, att := e.request("Collect visited URLs", expiringForm(t, "Jane Doe"), true, "steward1@example.test")
	e.cycles(2)
	e.grant(att, "steward1@example.test")
	e.at(june30.Add(-10 * oneDay))
	e.cycles(2)
	if n := len(e.expiryReminders(bug)); n != 0 {
		t.Fatalf("dry run posted %d reminders", n)
	}
	if !strings.Contains(e.logs.String(), expiryKind("2027-06-30")) {
		t.Errorf("dry run did not log the reminder:\n%s", e.logs.String())
	}
	e.cfg.DryRun = false
	e.newProcess()
	e.cycles(2)
	got := e.expiryReminders(bug)
	if len(got) != 1 || !got[0].IsPrivate {
		t.Fatalf("live after a dry run: %+v, want one private reminder", got)
	}
}

// A form made private after it was analysed (a new privacy is no new
// revision, so the store still says public) gets a private reminder: the
// reminder quotes the form, and its privacy is asked of Bugzilla at post time.
func TestE2EExpiryFormMadePrivateLater(t *testing.T) {
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			e := newE2E(t, d, nil)
			bug, att := e.request("Collect visited URLs", expiringForm(t, "Jane Secret-Project Doe"), false, "steward1@example.test")
			e.cycles(2)
			e.srv.SetAttachmentPrivate(att, true)
			e.grant(att, "steward1@example.test")
			e.cycles(2)
			e.at(june30.Add(-10 * oneDay))
			e.cycles(2)
			got := e.expiryReminders(bug)
			if len(got) != 1 {
				t.Fatalf("%d reminders, want 1\n%s", len(got), e.logs.String())
			}
			if !got[0].IsPrivate {
				t.Errorf("the reminder quoting a form made private is public:\n%s", got[0].Text)
			}
			// The survey report reads the store: it learns the new privacy too.
			rows, err := e.st.ReviewedCollections(e.ctx, store.CollectionFilter{Status: "+"})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				if r.BugID == bug && !r.Collection.Private {
					t.Errorf("the store still records the form as public: %+v", r.Collection)
				}
			}
		})
	}
}
