package bot

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// e2e runs the real bot, with the real client and policy, against the fake
// Bugzilla. The bot's clock and the fake's move together.
type e2e struct {
	t      *testing.T
	ctx    context.Context
	srv    *bugzillatest.Server
	clock  *FakeClock
	cfg    Config
	dbPath string
	st     store.Store
	bot    *Bot
	logs   *syncBuffer
	posted []Posted
}

func newE2E(t *testing.T, dialect bugzillatest.Dialect, mutate func(*Config)) *e2e {
	t.Helper()
	srv := bugzillatest.NewServer(t, bugzillatest.WithDialect(dialect))
	cfg := DefaultConfig()
	cfg.DryRun = false
	cfg.Bugzilla.URL = srv.URL()
	cfg.Bugzilla.Login = "bot@example.test"
	cfg.Bugzilla.APIKey = NewSecret("bot-api-key")
	cfg.Bugzilla.Timeout = 5 * time.Second
	if mutate != nil {
		mutate(&cfg)
	}
	e := &e2e{t: t, ctx: context.Background(), srv: srv, clock: NewFakeClock(srv.Now()), cfg: cfg,
		dbPath: filepath.Join(t.TempDir(), "stewardbot.db"), logs: &syncBuffer{}}
	e.openStore()
	e.newProcess()
	return e
}

func (e *e2e) openStore() {
	e.t.Helper()
	st, err := store.OpenSQLite(e.ctx, e.dbPath)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { st.Close() })
	e.st = st
}

// newProcess starts a new bot (and client) over the current store.
func (e *e2e) newProcess() {
	e.t.Helper()
	log := zerolog.New(e.logs)
	client, err := bugzilla.NewClient(e.cfg.Bugzilla.URL,
		bugzilla.WithAPIKey(e.cfg.Bugzilla.APIKey.Reveal()),
		bugzilla.WithLogin(e.cfg.Bugzilla.Login),
		bugzilla.WithHTTPClient(e.srv.Client()),
		bugzilla.WithLogger(log),
		bugzilla.WithClock(e.clock.Now),
		bugzilla.WithTimeout(e.cfg.Bugzilla.Timeout),
		bugzilla.WithRetries(2, time.Millisecond, 2*time.Millisecond),
		bugzilla.WithRateLimitPark(e.cfg.Bugzilla.RateLimitPark),
	)
	if err != nil {
		e.t.Fatal(err)
	}
	b, err := New(e.cfg, client, e.st, WithClock(e.clock), WithLogger(log),
		WithPostHook(func(p Posted) { e.posted = append(e.posted, p) }))
	if err != nil {
		e.t.Fatal(err)
	}
	e.bot = b
}

func (e *e2e) dropStore() {
	e.t.Helper()
	e.st.Close()
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(e.dbPath + suffix); err != nil && !os.IsNotExist(err) {
			e.t.Fatal(err)
		}
	}
	e.openStore()
	e.newProcess()
}

func (e *e2e) advance(d time.Duration) {
	e.srv.Advance(d)
	e.clock.Set(e.srv.Now())
}

func (e *e2e) cycle() error {
	e.advance(5 * time.Minute)
	return e.bot.RunOnce(e.ctx, "")
}

func (e *e2e) mustCycle() {
	e.t.Helper()
	if err := e.cycle(); err != nil {
		e.t.Fatalf("cycle: %v\nlogs:\n%s", err, e.logs.String())
	}
}

// request files a bug by dev1 with a form attached and data-review? on it.
func (e *e2e) request(summary, form string, private bool, requestee string) (bugID, attID int) {
	bugID = e.srv.AddBug(bugzillatest.Bug{Summary: summary, Creator: "dev1@example.test", Description: "See the attachment."})
	attID = e.srv.AddAttachment(bugzillatest.Attachment{BugID: bugID, Summary: "Data review request",
		FileName: "request.md", ContentType: "text/plain", Data: []byte(form), IsPrivate: private,
		Flags: []bugzillatest.Flag{bugzillatest.DataReview(requestee)}})
	return bugID, attID
}

// botComments lists the comments the bot wrote on a bug, read as the bot.
func (e *e2e) botComments(bugID int) []bugzilla.Comment {
	e.t.Helper()
	var out []bugzilla.Comment
	for _, w := range e.srv.Writes() {
		if w.User == "bot@example.test" && w.Path == "/rest/bug/"+strconv.Itoa(bugID)+"/comment" {
			out = append(out, bugzilla.Comment{Text: bodyString(w.Body, "comment"), IsPrivate: bodyBool(w.Body, "is_private"),
				Tags: bodyStrings(w.Body, "comment_tags")})
		}
	}
	return out
}

func bodyString(m map[string]any, k string) string { s, _ := m[k].(string); return s }

func bodyBool(m map[string]any, k string) bool {
	switch v := m[k].(type) {
	case bool:
		return v
	case float64:
		return v != 0
	}
	return false
}

func bodyStrings(m map[string]any, k string) []string {
	var out []string
	if vs, ok := m[k].([]any); ok {
		for _, v := range vs {
			if s, ok := v.(string); ok {
				out = append(out, s)
			}
		}
	}
	slices.Sort(out)
	return out
}
