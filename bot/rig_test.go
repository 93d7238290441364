package bot

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
	"github.com/stewardbot/stewardbot/internal/bottest"
)

// e2e runs the real bot, with the real client and policy, against the fake
// Bugzilla: the shared rig (internal/bottest) under the names this package's
// tests use. The bot's clock and the fake's move together.
type e2e struct {
	rig    *bottest.Rig
	t      *testing.T
	ctx    context.Context
	srv    *bugzillatest.Server
	clock  *FakeClock
	cfg    Config      // the next process's configuration: a test may change it, then newProcess
	dbPath string      // the SQLite file of the store
	st     store.Store // the next process's store: a test may wrap it, then newProcess
	bot    *Bot        // the current process's
	logs   *bottest.SyncBuffer
	posted []Posted // what every process of the run posted (WithPostHook)
}

func newE2E(t *testing.T, dialect bugzillatest.Dialect, mutate func(*Config)) *e2e {
	t.Helper()
	e := &e2e{t: t}
	e.rig = bottest.New(t, dialect, e.build, bottest.WithConfig(func(c *Config) {
		if mutate != nil {
			mutate(c)
		}
	}))
	e.ctx, e.srv, e.clock, e.cfg, e.dbPath, e.st, e.logs =
		e.rig.Ctx, e.rig.Fake, e.rig.Clock, e.rig.Config, e.rig.DBPath, e.rig.Store, e.rig.Logs
	return e
}

// build is the rig's Builder: this package's New, posting into e.posted.
func (e *e2e) build(r *bottest.Rig) (bottest.Runner, error) {
	b, err := New(r.Config, r.Client, r.Store, WithClock(r.Clock), WithLogger(r.Log),
		WithPostHook(func(p Posted) { e.posted = append(e.posted, p) }))
	if err != nil {
		return nil, err
	}
	e.bot = b
	return b, nil
}

// newProcess starts a new bot (and client) over e.st with e.cfg.
func (e *e2e) newProcess() {
	e.t.Helper()
	e.rig.Config, e.rig.Store = e.cfg, e.st
	e.rig.NewProcess()
}

// dropStore deletes the store and starts a new process over an empty one.
func (e *e2e) dropStore() {
	e.t.Helper()
	e.rig.Config, e.rig.Store = e.cfg, e.st
	e.rig.DropStore()
	e.st = e.rig.Store
}

func (e *e2e) advance(d time.Duration) { e.rig.Advance(d) }

func (e *e2e) cycle() error { return e.rig.Cycle() }

func (e *e2e) mustCycle() {
	e.t.Helper()
	e.rig.MustCycle()
}

// runFor advances both clocks by step and runs a cycle, until d has passed.
func (e *e2e) runFor(d, step time.Duration) {
	e.t.Helper()
	e.rig.RunFor(d, step)
}

// request files a bug by dev1 with a form attached and data-review? on it.
func (e *e2e) request(summary, form string, private bool, requestee string) (bugID, attID int) {
	return e.rig.Request(summary, form, private, requestee)
}

// cleanRequest files a request with a complete form, data-review? on requestee.
func (e *e2e) cleanRequest(summary, requestee string) (bugID, attID, flagID int) {
	e.t.Helper()
	bugID, attID = e.request(summary, string(mustReadDemoForm(e.t, "clean-12q.md")), false, requestee)
	return bugID, attID, e.flagOf(attID).ID
}

// flagOf is the one flag on an attachment.
func (e *e2e) flagOf(attID int) bugzillatest.Flag {
	e.t.Helper()
	return e.rig.FlagOf(attID)
}

// botComments lists the comments the bot wrote on a bug, read as the bot.
func (e *e2e) botComments(bugID int) []bugzilla.Comment { return e.rig.BotComments(bugID) }

// openNeedinfos lists a bug's open needinfo flags as "setter→requestee".
func (e *e2e) openNeedinfos(bugID int) []string {
	e.t.Helper()
	return e.rig.OpenNeedinfos(bugID)
}

var bodyString, bodyBool = bottest.BodyString, bottest.BodyBool

// epoch is a fixed instant for tests that need a time and no scenario.
var epoch = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)

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

// marked is one of the bot's marked comments on a bug, as the fake holds it.
type marked struct {
	Kind string
	At   time.Time
	Text string
}

// markedComments lists the bot's comments on a bug whose footer names one
// of kinds (a trailing * matches a prefix), oldest first.
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

// kindsAt summarises marked comments as "kind@Mon Jan 2 15:04".
func kindsAt(ms []marked) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Kind+"@"+m.At.Format("Mon Jan 2 15:04"))
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }
