package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/stewardbot/stewardbot/bot/demo"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
	"github.com/stewardbot/stewardbot/policy"
)

// Marker kinds the audit knows (see bot's marker kinds).
const (
	KindAnalysis        = "analysis"
	KindNeedsForm       = "needs-form"
	KindRemind1         = "remind-1"
	KindRemind2         = "remind-2"
	KindLeadNotice      = "lead-notice"
	KindAssign          = "assign"
	KindEscalationTrust = "escalation-trust"
	KindEscalationLegal = "escalation-legal"
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
}

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
	if start == 0 { // the demo's world: its extra users, products and flag types, once
		out.Users, out.Products, out.FlagTypes = tmpl.Users, tmpl.Products, tmpl.FlagTypes
		for _, login := range d.Stewards {
			out.Users = append(out.Users, bugzillatest.SeedUser{Login: login, RealName: "Steward " + login,
				Groups: []string{"editbugs", "canconfirm", "data-stewards", "insiders"}})
		}
	}
	for i := start; i < start+n; i++ {
		b := tmpl.Bugs[i%len(tmpl.Bugs)]
		b.ID = 0 // the fake numbers them
		b.Summary = fmt.Sprintf("%s (#%d)", b.Summary, i)
		if len(d.Stewards) > 0 {
			b = withRequestee(b, d.Stewards[i%len(d.Stewards)])
		}
		if fresh {
			b = freshen(b)
		}
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
	exps := make([]Expect, len(ids))
	for i, id := range ids {
		c := cases[(start+i)%len(cases)]
		w, private := wantOf(c.Want)
		if err := d.owed(w, c.Want, tmpl.Bugs[(start+i)%len(tmpl.Bugs)]); err != nil {
			return nil, fmt.Errorf("e2e: case %d (%s): %w", c.Bug, c.Shows, err)
		}
		exps[i] = Expect{Bug: id, Shows: c.Shows, Want: w, Private: private}
	}
	return exps, nil
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
	if d.Escalate {
		w[KindEscalationTrust], w[KindEscalationLegal] = 0, 0
		if analysed {
			text, ok := formText(b)
			if !ok {
				return fmt.Errorf("no form text in the seed")
			}
			a := policy.Evaluate(policy.ParseRequest(text), nil, time.Now())
			for _, team := range []string{policy.EscalateTrust, policy.EscalateLegal} {
				if a.NeedsEscalation(team) {
					w["escalation-"+team] = 1
				}
			}
		}
	}
	return nil
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
