package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/stewardbot/stewardbot/bot/demo"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
	"github.com/stewardbot/stewardbot/policy"
)

// Marker kinds the audit knows (see bot's marker kinds).
const (
	KindAnalysis   = "analysis"
	KindNeedsForm  = "needs-form"
	KindRemind1    = "remind-1"
	KindRemind2    = "remind-2"
	KindLeadNotice = "lead-notice"
	KindAssign     = "assign"
	// KindEscalation is the one notice per form revision that names every
	// team its analysis needs; KindEscalationTrust and KindEscalationLegal
	// are a notice to one team (a command's, or an earlier version's).
	KindEscalation      = "escalation"
	KindEscalationTrust = "escalation-trust"
	KindEscalationLegal = "escalation-legal"
	KindCommandAck      = "command-ack"
	KindReviewCheck     = "review-check"
	KindExpiryPrefix    = "expiry-" // + the expiry date, YYYY-MM-DD
)

// Want is what the bot owes one bug once it is quiescent: how many of its
// marked comments of each kind. A kind missing from Want is owed zero times.
type Want map[string]int

// Expect is one seeded bug and what the bot owes it.
type Expect struct {
	Bug     int
	Shows   string // what kind of request it is, for messages
	Want    Want
	Private bool // its analysis must be a private comment
	// Expires is the dated expiry (YYYY-MM-DD) Duties.Expiry wrote in its
	// form: GrantReviewed grants such a request and owes the reminder.
	Expires string
}

// wantOf turns a demo outcome into the comments it owes.
func wantOf(o demo.Outcome) (Want, bool) {
	switch o {
	case demo.Analysis:
		return Want{KindAnalysis: 1}, false
	case demo.Private:
		return Want{KindAnalysis: 1}, true
	case demo.NeedsForm:
		return Want{KindNeedsForm: 1}, false
	case demo.Nothing:
		return Want{}, false
	}
	panic(fmt.Sprintf("e2e: unknown demo outcome %q", o))
}

// SeedCorpus files n requests in srv, cycling through the demo's kinds
// from the start-th
// (a clean form, glean_parser output, category 3 default-on, category 4,
// missing answers, no requestee, a private attachment, a patch with the form
// in a comment, a form replaced by a newer one, a request already answered,
// a review-tool link and no form), and returns what the bot owes each bug.
// Calls with start = the number filed so far continue the cycle.
//
// The demo's bugs are back-dated (filed days ago). With fresh, everything
// happens now instead: a request that arrives while the bot runs, which
// only an incremental poll finds.
func SeedCorpus(srv *bugzillatest.Server, start, n int, fresh bool) ([]Expect, error) {
	return SeedCorpusFor(srv, start, n, fresh, Duties{})
}

// Duties is the part of the bot's configuration beyond analysis that a
// corpus models, so that the reminders and escalations owed are known.
// The zero Duties owes none and checks none (the bot's reminders and
// escalations are then not configured to be predictable).
type Duties struct {
	// Stewards replace the seed's requestees, in turn, and are seeded as
	// users (at start 0). The bot's roster must be exactly these, so that
	// a request without a requestee is assigned to one of them; spreading
	// the requests keeps every steward under reminders.max_per_person.
	Stewards []string
	// Remind: the bot runs with reminders after 0, every 60, max 3 (and
	// assign_unassigned with the roster above): the first reminder is due
	// the moment a request with a form is known, on any day of the week
	// (AddBusinessDays(t, 0) is t), and the second and the lead's notice
	// are 60 business days away. So every open request with a form owes
	// remind-1 once, one without a requestee owes assign once (and then
	// remind-1 to its new steward, the assignment restarting the clock at
	// now), and none owes remind-2 or lead-notice.
	Remind bool
	// Escalate: the bot has trust and legal contacts who can see every
	// seeded bug; a request owes one notice per team the policy's default
	// rules escalate its form to.
	Escalate bool
	// Commands: every request with a form gets a "stewardbot: help" from
	// dev2 (anyone may ask for help) and owes one command-ack.
	Commands bool
	// Expiry: the category 3 form's dated expiry is moved to ExpiryIn
	// after the seed (within the bot's default expiry.remind_days of 30);
	// nothing is owed for it until GrantReviewed grants the request (see
	// Expect.Expires).
	Expiry bool
}

// ExpiryIn is how far after the seed Duties.Expiry puts a form's dated
// expiry: inside the default reminder window, far enough that the window
// stays open for the whole test.
const ExpiryIn = 20 * 24 * time.Hour

// expiringAnswer is the dated expiry in the demo's category 3 form.
const expiringAnswer = "until date 06-30-2027."

// SeedCorpusFor is SeedCorpus for a bot configured as d says.
func SeedCorpusFor(srv *bugzillatest.Server, start, n int, fresh bool, d Duties) ([]Expect, error) {
	data, err := demo.SeedJSON()
	if err != nil {
		return nil, err
	}
	var tmpl bugzillatest.SeedFile
	if err := json.Unmarshal(data, &tmpl); err != nil {
		return nil, fmt.Errorf("e2e: demo seed: %w", err)
	}
	cases := demo.Cases()
	if len(cases) != len(tmpl.Bugs) {
		return nil, fmt.Errorf("e2e: demo has %d cases for %d seeded bugs", len(cases), len(tmpl.Bugs))
	}
	out := bugzillatest.SeedFile{Now: tmpl.Now}
	expires := srv.Now().Add(ExpiryIn)
	if start == 0 { // the demo's world: its extra users, products and flag types, once
		out.Users, out.Products, out.FlagTypes = tmpl.Users, tmpl.Products, tmpl.FlagTypes
		for _, login := range d.Stewards {
			out.Users = append(out.Users, bugzillatest.SeedUser{Login: login, RealName: "Steward " + login,
				Groups: []string{"editbugs", "canconfirm", "data-stewards", "insiders"}})
		}
	}
	var wants []Expect
	for i := start; i < start+n; i++ {
		b := tmpl.Bugs[i%len(tmpl.Bugs)]
		c := cases[i%len(cases)]
		b.ID = 0 // the fake numbers them
		b.Summary = fmt.Sprintf("%s (#%d)", b.Summary, i)
		if len(d.Stewards) > 0 {
			b = withRequestee(b, d.Stewards[i%len(d.Stewards)])
		}
		var expiry string
		if d.Expiry && c.Want == demo.Analysis {
			b, expiry = withExpiry(b, expires)
		}
		if fresh {
			b = freshen(b)
		}
		w, private := wantOf(c.Want)
		if err := d.owed(w, c.Want, b); err != nil {
			return nil, fmt.Errorf("e2e: case %d (%s): %w", c.Bug, c.Shows, err)
		}
		if d.Commands && c.Want == demo.Analysis {
			b.Comments = append(slices.Clone(b.Comments), bugzillatest.SeedComment{
				Creator: "dev2@example.test", Text: "stewardbot: help", At: "0s"})
		}
		wants = append(wants, Expect{Shows: c.Shows, Want: w, Private: private, Expires: expiry})
		out.Bugs = append(out.Bugs, b)
	}
	raw, err := json.Marshal(&out)
	if err != nil {
		return nil, err
	}
	ids, err := srv.LoadSeed(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	for i, id := range ids {
		wants[i].Bug = id
	}
	return wants, nil
}

// owed adds to w the reminders and escalations d makes due for a seeded
// bug with outcome o, and an explicit zero for each kind it does not owe,
// so that Audit checks those kinds exactly (none where not due).
func (d Duties) owed(w Want, o demo.Outcome, b bugzillatest.SeedBug) error {
	analysed := o == demo.Analysis || o == demo.Private
	if d.Remind {
		w[KindRemind1], w[KindRemind2], w[KindLeadNotice], w[KindAssign] = 0, 0, 0, 0
		if analysed {
			w[KindRemind1] = 1
			if requestee(b) == "" {
				w[KindAssign] = 1
			}
		}
	}
	if d.Commands {
		w[KindCommandAck] = 0
		if o == demo.Analysis {
			w[KindCommandAck] = 1
		}
	}
	if d.Expiry {
		w[KindReviewCheck] = 0 // until GrantReviewed
	}
	if d.Escalate {
		w[KindEscalation], w[KindEscalationTrust], w[KindEscalationLegal] = 0, 0, 0
		if analysed {
			text, ok := formText(b)
			if !ok {
				return fmt.Errorf("no form text in the seed")
			}
			a := policy.Evaluate(policy.ParseRequest(text), nil, time.Now())
			// One notice, whichever teams it names.
			for _, team := range []string{policy.EscalateTrust, policy.EscalateLegal} {
				if a.NeedsEscalation(team) {
					w[KindEscalation] = 1
				}
			}
		}
	}
	return nil
}

// withExpiry moves the dated expiry of a bug's category 3 form to the day
// of at and returns that day (YYYY-MM-DD); other bugs are returned as they
// are, with "".
func withExpiry(b bugzillatest.SeedBug, at time.Time) (bugzillatest.SeedBug, string) {
	i := slices.IndexFunc(b.Attachments, func(a bugzillatest.SeedAttachment) bool { return strings.Contains(a.Text, expiringAnswer) })
	if i < 0 {
		return b, ""
	}
	b.Attachments = slices.Clone(b.Attachments)
	b.Attachments[i].Text = strings.Replace(b.Attachments[i].Text, expiringAnswer, "until date "+at.UTC().Format("01-02-2006")+".", 1)
	return b, at.UTC().Format(time.DateOnly)
}

// reviewContradicting is a steward's review form that contradicts the
// category 3 form on two answers (category 2, default-off), so that the
// bot owes one review-check comment.
const reviewContradicting = "data-review+\n\n1) Yes.\n2) Yes.\n3) Not permanent.\n4) Category 2.\n" +
	"5) Default-off.\n6) No.\n7) Yes.\n8) No.\n"

// GrantReviewed grants (data-review+, as its requestee) every request of
// exps whose form has a dated expiry (Expect.Expires), with a review form
// that contradicts it, and updates what they are owed: one review-check
// and one expiry reminder. It returns how many it granted. The bot must
// have seen the requests open: it learns a decision from a request it
// knows.
func GrantReviewed(srv *bugzillatest.Server, exps []Expect) (int, error) {
	n := 0
	for i := range exps {
		e := &exps[i]
		if e.Expires == "" {
			continue
		}
		granted := false
		for _, a := range srv.Attachments(e.Bug) {
			for _, f := range a.Flags {
				if f.Name != "data-review" || f.Status != "?" || f.Requestee == "" {
					continue
				}
				if err := srv.SetAttachmentFlags(f.Requestee, a.ID, bugzillatest.FlagChange{ID: f.ID, Status: "+"}); err != nil {
					return n, fmt.Errorf("e2e: grant bug %d: %w", e.Bug, err)
				}
				srv.AddComment(bugzillatest.Comment{BugID: e.Bug, Creator: f.Requestee, Text: reviewContradicting})
				granted = true
			}
		}
		if !granted {
			return n, fmt.Errorf("e2e: bug %d (%s) has no open request to grant", e.Bug, e.Shows)
		}
		e.Want[KindReviewCheck] = 1
		e.Want[KindExpiryPrefix+e.Expires] = 1
		n++
	}
	return n, nil
}

// requestee is the data-review requestee of a seeded bug's current
// (last non-obsolete) attachment.
func requestee(b bugzillatest.SeedBug) string {
	for i := len(b.Attachments) - 1; i >= 0; i-- {
		a := b.Attachments[i]
		if a.IsObsolete {
			continue
		}
		for _, f := range a.Flags {
			if f.Name == "data-review" {
				return f.Requestee
			}
		}
	}
	return ""
}

// formText is where a seeded bug's form is: its last non-obsolete
// attachment that is not a patch, else its last comment that reads as a
// form (a patch's request pasted in a comment).
func formText(b bugzillatest.SeedBug) (string, bool) {
	for i := len(b.Attachments) - 1; i >= 0; i-- {
		if a := b.Attachments[i]; !a.IsObsolete && !a.IsPatch && strings.TrimSpace(a.Text) != "" {
			return a.Text, true
		}
	}
	for i := len(b.Comments) - 1; i >= 0; i-- {
		if c := b.Comments[i]; strings.TrimSpace(c.Text) != "" {
			return c.Text, true
		}
	}
	return "", false
}

// withRequestee asks login instead of the seed's requestee on a bug's
// data-review requests; requests without a requestee, and bugs whose flags
// someone answers in the seed, are left as they are.
func withRequestee(b bugzillatest.SeedBug, login string) bugzillatest.SeedBug {
	if len(b.FlagUpdates) > 0 {
		return b
	}
	b.Attachments = append([]bugzillatest.SeedAttachment(nil), b.Attachments...)
	for i := range b.Attachments {
		a := &b.Attachments[i]
		a.Flags = append([]bugzillatest.SeedFlag(nil), a.Flags...)
		for j := range a.Flags {
			if a.Flags[j].Name == "data-review" && a.Flags[j].Requestee != "" {
				a.Flags[j].Requestee = login
			}
		}
	}
	return b
}

// freshen moves every event of a seeded bug to now, keeping their order
// (the seed applies events with equal times in file order).
func freshen(b bugzillatest.SeedBug) bugzillatest.SeedBug {
	b.At = ""
	b.Attachments = append([]bugzillatest.SeedAttachment(nil), b.Attachments...)
	for i := range b.Attachments {
		b.Attachments[i].At = ""
	}
	b.Comments = append([]bugzillatest.SeedComment(nil), b.Comments...)
	for i := range b.Comments {
		b.Comments[i].At = ""
	}
	b.FlagUpdates = append([]bugzillatest.SeedFlagUpdate(nil), b.FlagUpdates...)
	for i := range b.FlagUpdates {
		b.FlagUpdates[i].At = ""
	}
	return b
}

func jsonUnmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }
