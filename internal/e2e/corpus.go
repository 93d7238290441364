package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/stewardbot/stewardbot/bot/demo"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// Marker kinds the audit knows. Reminders and escalations add theirs here
// and in the Want of the requests that owe them.
const (
	KindAnalysis  = "analysis"
	KindNeedsForm = "needs-form"
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
	}
	for i := start; i < start+n; i++ {
		b := tmpl.Bugs[i%len(tmpl.Bugs)]
		b.ID = 0 // the fake numbers them
		b.Summary = fmt.Sprintf("%s (#%d)", b.Summary, i)
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
		exps[i] = Expect{Bug: id, Shows: c.Shows, Want: w, Private: private}
	}
	return exps, nil
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
