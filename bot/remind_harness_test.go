package bot

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// Reminder scenarios start on a Monday at 10:00 UTC, so that business days
// are easy to read: the first reminder (after 2) is Wednesday 10:00, the
// next ones (every 3) Monday and Thursday 10:00.
var remindStart = time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)

const (
	lead     = "admin@example.test"
	steward1 = "steward1@example.test"
	steward2 = "steward2@example.test"
)

// newRemindE2E is an e2e run with a roster and a lead, its clocks at
// remindStart.
func newRemindE2E(t *testing.T, dialect bugzillatest.Dialect, mutate func(*Config)) *e2e {
	t.Helper()
	e := newE2E(t, dialect, func(c *Config) {
		c.Stewards.Lead = lead
		c.Stewards.Roster = []Steward{{Login: steward1}, {Login: steward2}}
		if mutate != nil {
			mutate(c)
		}
	})
	e.srv.SetNow(remindStart)
	e.clock.Set(remindStart)
	return e
}

// cleanRequest files a request with a complete form, data-review? on requestee.
func (e *e2e) cleanRequest(summary, requestee string) (bugID, attID, flagID int) {
	e.t.Helper()
	bugID, attID = e.request(summary, string(mustReadDemoForm(e.t, "clean-12q.md")), false, requestee)
	a, ok := e.srv.Attachment(attID)
	if !ok || len(a.Flags) != 1 {
		e.t.Fatalf("attachment %d: no single flag", attID)
	}
	return bugID, attID, a.Flags[0].ID
}

// runFor advances both clocks by step and runs a cycle, until d has passed.
func (e *e2e) runFor(d, step time.Duration) {
	e.t.Helper()
	end := e.clock.Now().Add(d)
	for e.clock.Now().Before(end) {
		e.advance(step)
		if err := e.bot.RunOnce(e.ctx, ""); err != nil {
			e.t.Fatalf("cycle at %s: %v\nlogs:\n%s", e.clock.Now(), err, e.logs.String())
		}
	}
}

// marked is one of the bot's marked comments on a bug, as the fake holds it.
type marked struct {
	Kind string
	At   time.Time
	Text string
}

// markedComments lists the bot's comments on a bug whose footer names kind
// (all kinds when kind is ""), oldest first.
func (e *e2e) markedComments(bugID int, kinds ...string) []marked {
	e.t.Helper()
	var out []marked
	for _, c := range e.srv.Comments(bugID) {
		if c.Creator != e.cfg.Bugzilla.Login {
			continue
		}
		m, ok := parseFooter(e.cfg.Comments.Tag, c.Text)
		if !ok {
			continue
		}
		for _, k := range kinds {
			if m.Kind == k || (strings.HasSuffix(k, "*") && strings.HasPrefix(m.Kind, strings.TrimSuffix(k, "*"))) {
				out = append(out, marked{Kind: m.Kind, At: c.Time.UTC(), Text: c.Text})
				break
			}
		}
	}
	return out
}

// openNeedinfos lists a bug's open needinfo flags as "setter→requestee".
func (e *e2e) openNeedinfos(bugID int) []string {
	e.t.Helper()
	b, ok := e.srv.Bug(bugID)
	if !ok {
		e.t.Fatalf("no bug %d", bugID)
	}
	var out []string
	for _, f := range b.Flags {
		if f.Name == "needinfo" && f.Status == "?" {
			out = append(out, f.Setter+"→"+f.Requestee)
		}
	}
	return out
}

// kindsAt summarises marked comments as "kind@Mon Jan 2 15:04".
func kindsAt(ms []marked) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Kind+"@"+m.At.Format("Mon Jan 2 15:04"))
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }
