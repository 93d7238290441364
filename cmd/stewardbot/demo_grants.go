package main

import (
	"fmt"
	"sync"
	"time"

	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// demoAnswer is a steward answering a demo request during `demo --days`,
// as a steward would on Bugzilla: the data-review flag set to + or -,
// with the review form as a comment when review is set.
type demoAnswer struct {
	bug     int
	after   time.Duration // demo-clock time from the start
	steward string
	status  string // "+" or "-"
	review  string // the comment posted with it; "" for none
}

// demoAnswers are the answers the --days demo's stewards give, chosen
// among the requests whose reminders the demo does not show: after them
// `stewardbot report` has rows to list. Bug 1002's review answers the
// review form's questions; bug 1007 is private, so the report shows it as
// "private bug 1007" unless asked with --show-private.
var demoAnswers = []demoAnswer{
	{bug: 1002, after: 3 * 24 * time.Hour, steward: "steward2@example.test", status: "+", review: demoReview1002},
	{bug: 1005, after: 4 * 24 * time.Hour, steward: "steward1@example.test", status: "-",
		review: "data-review-: questions 4 and 8 of the request are not answered; please answer them and ask again."},
	{bug: 1007, after: 5 * 24 * time.Hour, steward: "steward1@example.test", status: "+"},
}

const demoReview1002 = `# Data Review Form

1) Is there or will there be **documentation** that describes the schema for the ultimate data set in a public, complete, and accurate way?

Yes, in the Glean Dictionary.

2) Is there a control mechanism that allows the user to turn the data collection on and off?

Yes: the telemetry preference in the product's settings.

3) If the request is for permanent data collection, is there someone who will monitor the data over time?

The collection expires in version 150.

4) Using the **category system of data types** on the Mozilla wiki, what collection type of data do the requested measurements fall under?

Category 1, technical data, and category 2, interaction data.

5) Is the data collection request for default-on or default-off?

Default-on.

6) Does the instrumentation include the addition of **any *new* identifiers**?

No.

7) Is the data collection covered by the existing Firefox privacy notice?

Yes.

8) Does the data collection use a third-party collection tool?

No.

---
Result: datareview+
`

// demoStewards gives the demo's answers when the demo clock reaches them,
// each once. due is called after each cycle, so the bot sees an answer at
// its next poll.
type demoStewards struct {
	srv     *bugzillatest.Server
	start   time.Time
	answers []demoAnswer

	mu   sync.Mutex
	done int // answers given, in order
}

func newDemoStewards(srv *bugzillatest.Server, start time.Time) *demoStewards {
	return &demoStewards{srv: srv, start: start, answers: demoAnswers}
}

// due gives the answers whose time has come and describes each; an answer
// the fake refuses is described with the reason (the demo goes on).
func (d *demoStewards) due(now time.Time) []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var said []string
	for d.done < len(d.answers) && !now.Before(d.start.Add(d.answers[d.done].after)) {
		a := d.answers[d.done]
		d.done++
		said = append(said, d.give(a))
	}
	return said
}

func (d *demoStewards) give(a demoAnswer) string {
	what := fmt.Sprintf("bug %d data-review%s by %s", a.bug, a.status, a.steward)
	att, private, ok := d.requestOf(a.bug)
	if !ok {
		return what + ": no data-review? request on the bug (skipped)"
	}
	if a.review != "" {
		d.srv.AddComment(bugzillatest.Comment{BugID: a.bug, Creator: a.steward, Text: a.review, IsPrivate: private, IsMarkdown: true})
		what += ", with a review comment"
	}
	if err := d.srv.SetAttachmentFlags(a.steward, att, bugzillatest.FlagChange{Name: "data-review", Status: a.status}); err != nil {
		return fmt.Sprintf("%s: refused: %v", what, err)
	}
	return what
}

// requestOf finds the attachment holding the bug's data-review? flag.
func (d *demoStewards) requestOf(bug int) (att int, private, ok bool) {
	for _, a := range d.srv.Attachments(bug) {
		for _, f := range a.Flags {
			if f.Name == "data-review" && f.Status == "?" {
				return a.ID, a.IsPrivate, true
			}
		}
	}
	return 0, false, false
}
