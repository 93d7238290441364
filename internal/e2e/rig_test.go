package e2e

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/stewardbot/stewardbot/bot"
	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// testAPIKey is the bot's key in the in-process tests: distinctive, so that
// a scan of the logs cannot miss it.
const testAPIKey = "rig-secret-key-7f3a9c"

// rig runs the real bot, client, policy and SQLite store in-process against
// the fake Bugzilla, the bot's clock moving with the fake's. Every log line
// of bot and client goes to logs, which is scanned for the API key when the
// test ends.
type rig struct {
	t     testing.TB
	ctx   context.Context
	srv   *bugzillatest.Server
	clock *bot.FakeClock
	cfg   bot.Config
	st    store.Store
	bot   *bot.Bot
	logs  *syncBuffer
	quiet bool // log nothing (memory benchmarks): no key scan then
	exps  []Expect
}

type rigOption func(*bot.Config, *[]bugzilla.Option)

func newRig(t testing.TB, dialect bugzillatest.Dialect, opts ...rigOption) *rig {
	t.Helper()
	srv := bugzillatest.NewServer(t, bugzillatest.WithDialect(dialect))
	srv.SetAPIKey(botLogin, testAPIKey)
	cfg := bot.DefaultConfig()
	cfg.DryRun = false
	cfg.Bugzilla.URL = srv.URL()
	cfg.Bugzilla.Login = botLogin
	cfg.Bugzilla.APIKey = bot.NewSecret(testAPIKey)
	cfg.Bugzilla.Timeout = 5 * time.Second
	r := &rig{t: t, ctx: context.Background(), srv: srv, clock: bot.NewFakeClock(srv.Now()), cfg: cfg, logs: &syncBuffer{}}
	var extra []bugzilla.Option
	for _, o := range opts {
		o(&r.cfg, &extra)
	}
	st, err := store.OpenSQLite(r.ctx, filepath.Join(t.TempDir(), "stewardbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	r.st = st
	r.newProcess(extra...)
	t.Cleanup(r.checkNoKeyInLogs)
	return r
}

// newProcess starts a new bot and client over the same store, as a restart.
func (r *rig) newProcess(extra ...bugzilla.Option) {
	r.t.Helper()
	log := zerolog.New(r.logs)
	if r.quiet {
		log = zerolog.Nop()
	}
	opts := append([]bugzilla.Option{
		bugzilla.WithAPIKey(r.cfg.Bugzilla.APIKey.Reveal()),
		bugzilla.WithLogin(r.cfg.Bugzilla.Login),
		bugzilla.WithHTTPClient(r.srv.Client()),
		bugzilla.WithLogger(log),
		bugzilla.WithClock(r.clock.Now),
		bugzilla.WithTimeout(r.cfg.Bugzilla.Timeout),
		bugzilla.WithRetries(2, time.Millisecond, 2*time.Millisecond),
		bugzilla.WithRateLimitPark(r.cfg.Bugzilla.RateLimitPark),
		bugzilla.WithMaxAttachmentBytes(r.cfg.Bugzilla.MaxAttachmentBytes),
	}, extra...)
	client, err := bugzilla.NewClient(r.cfg.Bugzilla.URL, opts...)
	if err != nil {
		r.t.Fatal(err)
	}
	b, err := bot.New(r.cfg, client, r.st, bot.WithClock(r.clock), bot.WithLogger(log))
	if err != nil {
		r.t.Fatal(err)
	}
	r.bot = b
}

func (r *rig) seed(n int) {
	r.t.Helper()
	exps, err := SeedCorpus(r.srv, len(r.exps), n, false)
	if err != nil {
		r.t.Fatal(err)
	}
	r.exps = append(r.exps, exps...)
}

func (r *rig) advance(d time.Duration) {
	r.srv.Advance(d)
	r.clock.Set(r.srv.Now())
}

// cycle moves both clocks on by a poll interval and runs one cycle.
func (r *rig) cycle() error {
	r.advance(5 * time.Minute)
	return r.bot.RunOnce(r.ctx, "")
}

// settle runs clean cycles until one writes nothing (at most max).
func (r *rig) settle(max int) {
	r.t.Helper()
	for range max {
		before := len(r.srv.Writes())
		if err := r.cycle(); err != nil {
			r.t.Fatalf("cycle after the faults stopped: %v\nlogs:\n%s", err, r.logs.tail(4000))
		}
		if len(r.srv.Writes()) == before {
			return
		}
	}
	r.t.Fatalf("still writing after %d cycles", max)
}

// audit checks every request got exactly what it is owed.
func (r *rig) audit() Report {
	r.t.Helper()
	rep := Audit(r.srv, botLogin, tagPrefix, r.exps)
	for _, p := range rep.Problems {
		r.t.Error(p)
	}
	return rep
}

func (r *rig) requests() int {
	n := 0
	for _, c := range r.srv.RequestCounts() {
		n += c
	}
	return n
}

// checkNoKeyInLogs: the API key is in no log line, whatever went wrong.
func (r *rig) checkNoKeyInLogs() {
	if strings.Contains(r.logs.String(), testAPIKey) {
		r.t.Errorf("the API key appears in the logs")
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (s *syncBuffer) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b = bytes.Buffer{} // drop the memory too, for heap measurements
}

func (s *syncBuffer) tail(n int) string {
	str := s.String()
	if len(str) > n {
		return str[len(str)-n:]
	}
	return str
}
