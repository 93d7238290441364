package bottest

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/stewardbot/stewardbot/bot/clock"
	"github.com/stewardbot/stewardbot/bot/config"
	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// Login and APIKey are the bot's account on the fake Bugzilla (its seeded
// key); WithAPIKey gives the bot a distinctive key instead.
const (
	Login  = "bot@example.test"
	APIKey = "bot-api-key"
)

// Runner is what the rig needs of a bot: one cycle.
type Runner interface {
	RunOnce(ctx context.Context, only string) error
}

// Builder makes a bot over the rig's Config, Client, Store, Clock and Log.
// The rig calls it for every process it starts (New, NewProcess).
type Builder func(r *Rig) (Runner, error)

// Rig runs a bot against the fake Bugzilla. The bot's clock and the fake's
// move together (Advance). A test may change Config, Store or Quiet between
// processes: the next NewProcess builds the bot over them.
type Rig struct {
	T      testing.TB
	Ctx    context.Context
	Fake   *bugzillatest.Server
	Clock  *clock.Fake
	Config config.Config
	DBPath string      // the SQLite file OpenStore opens
	Store  store.Store // a test may wrap it before NewProcess
	Client *bugzilla.Client
	Logs   *SyncBuffer    // every log line of bot and client
	Log    zerolog.Logger // the current process's, writing to Logs (nothing when Quiet)
	Quiet  bool           // log nothing (memory benchmarks); no key scan then
	Bot    Runner

	// ClientOptions are added to the client of every process, after the
	// rig's own (WithClientOptions; or set, then NewProcess).
	ClientOptions []bugzilla.Option

	build Builder
}

// Option changes the rig (its fake, its configuration) before the first
// process starts.
type Option func(*Rig)

// WithConfig edits the configuration the bot is built with.
func WithConfig(edit func(*config.Config)) Option { return func(r *Rig) { edit(&r.Config) } }

// WithClientOptions adds options to the client of every process, after the
// rig's own.
func WithClientOptions(opts ...bugzilla.Option) Option {
	return func(r *Rig) { r.ClientOptions = append(r.ClientOptions, opts...) }
}

// WithAPIKey gives the bot's account a key of its own, on the fake and in
// the configuration: distinctive, so that a scan of the logs cannot miss it.
func WithAPIKey(key string) Option {
	return func(r *Rig) {
		r.Fake.SetAPIKey(r.Config.Bugzilla.Login, key)
		r.Config.Bugzilla.APIKey = config.NewSecret(key)
	}
}

// New starts a fake Bugzilla of the dialect, opens a SQLite store and starts
// a first process. The bot writes (DryRun off) as Login. When the test ends,
// it fails if the bot's API key appears in the logs.
func New(t testing.TB, dialect bugzillatest.Dialect, build Builder, opts ...Option) *Rig {
	t.Helper()
	fake := bugzillatest.NewServer(t, bugzillatest.WithDialect(dialect))
	cfg := config.DefaultConfig()
	cfg.DryRun = false
	cfg.Bugzilla.URL = fake.URL()
	cfg.Bugzilla.Login = Login
	cfg.Bugzilla.APIKey = config.NewSecret(APIKey)
	cfg.Bugzilla.Timeout = 5 * time.Second
	r := &Rig{T: t, Ctx: context.Background(), Fake: fake, Clock: clock.NewFake(fake.Now()), Config: cfg,
		DBPath: filepath.Join(t.TempDir(), "stewardbot.db"), Logs: &SyncBuffer{}, build: build}
	for _, o := range opts {
		o(r)
	}
	r.OpenStore()
	r.NewProcess()
	t.Cleanup(r.CheckNoKeyInLogs)
	return r
}

// OpenStore opens the SQLite store at DBPath (closed when the test ends).
func (r *Rig) OpenStore() {
	r.T.Helper()
	st, err := store.OpenSQLite(r.Ctx, r.DBPath)
	if err != nil {
		r.T.Fatal(err)
	}
	r.T.Cleanup(func() { st.Close() })
	r.Store = st
}

// NewProcess starts a new client and bot over the current store, as a
// restart.
func (r *Rig) NewProcess() {
	r.T.Helper()
	r.Log = zerolog.New(r.Logs)
	if r.Quiet {
		r.Log = zerolog.Nop()
	}
	client, err := r.NewClient()
	if err != nil {
		r.T.Fatal(err)
	}
	r.Client = client
	b, err := r.build(r)
	if err != nil {
		r.T.Fatal(err)
	}
	r.Bot = b
}

// NewClient is a client as NewProcess makes it, over the fake's HTTP client
// (or the given one), with fast retries; a second bot of the same rig (a
// replica) uses it.
func (r *Rig) NewClient(extra ...bugzilla.Option) (*bugzilla.Client, error) {
	opts := append([]bugzilla.Option{
		bugzilla.WithAPIKey(r.Config.Bugzilla.APIKey.Reveal()),
		bugzilla.WithLogin(r.Config.Bugzilla.Login),
		bugzilla.WithHTTPClient(r.Fake.Client()),
		bugzilla.WithLogger(r.Log),
		bugzilla.WithClock(r.Clock.Now),
		bugzilla.WithTimeout(r.Config.Bugzilla.Timeout),
		bugzilla.WithRetries(2, time.Millisecond, 2*time.Millisecond),
		bugzilla.WithRateLimitPark(r.Config.Bugzilla.RateLimitPark),
		bugzilla.WithMaxAttachmentBytes(r.Config.Bugzilla.MaxAttachmentBytes),
		bugzilla.WithReadConcurrency(r.Config.Bugzilla.ReadConcurrency),
	}, r.ClientOptions...)
	return bugzilla.NewClient(r.Config.Bugzilla.URL, append(opts, extra...)...)
}

// WithTransport is a client option that calls before ahead of each request
// the client sends to the fake (a hook: a fault, a signal, a pause).
func (r *Rig) WithTransport(before func(*http.Request)) bugzilla.Option {
	return r.WithRoundTrip(func(q *http.Request, next http.RoundTripper) (*http.Response, error) {
		before(q)
		return next.RoundTrip(q)
	})
}

// WithRoundTrip is a client option that sends each request through rt,
// which passes it on to the fake with next (and may change the answer).
func (r *Rig) WithRoundTrip(rt func(q *http.Request, next http.RoundTripper) (*http.Response, error)) bugzilla.Option {
	next := r.Fake.Client().Transport
	return bugzilla.WithHTTPClient(&http.Client{Transport: roundTrip(func(q *http.Request) (*http.Response, error) {
		return rt(q, next)
	})})
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(q *http.Request) (*http.Response, error) { return f(q) }

// DropStore deletes the store's files and starts a new process over an
// empty store: a bot that lost its state.
func (r *Rig) DropStore() {
	r.T.Helper()
	r.Store.Close()
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(r.DBPath + suffix); err != nil && !os.IsNotExist(err) {
			r.T.Fatal(err)
		}
	}
	r.OpenStore()
	r.NewProcess()
}

// Advance moves the fake's clock and the bot's on by d.
func (r *Rig) Advance(d time.Duration) {
	r.Fake.Advance(d)
	r.Clock.Set(r.Fake.Now())
}

// Cycle moves both clocks on by a poll interval and runs one cycle.
func (r *Rig) Cycle() error {
	r.Advance(5 * time.Minute)
	return r.Bot.RunOnce(r.Ctx, "")
}

// MustCycle is Cycle, failing the test (with the logs) on an error.
func (r *Rig) MustCycle() {
	r.T.Helper()
	if err := r.Cycle(); err != nil {
		r.T.Fatalf("cycle: %v\nlogs:\n%s", err, r.Logs.String())
	}
}

// RunFor advances both clocks by step and runs a cycle, until d has passed.
func (r *Rig) RunFor(d, step time.Duration) {
	r.T.Helper()
	end := r.Clock.Now().Add(d)
	for r.Clock.Now().Before(end) {
		r.Advance(step)
		if err := r.Bot.RunOnce(r.Ctx, ""); err != nil {
			r.T.Fatalf("cycle at %s: %v\nlogs:\n%s", r.Clock.Now(), err, r.Logs.String())
		}
	}
}

// Settle runs clean cycles until one writes nothing (at most max).
func (r *Rig) Settle(max int) {
	r.T.Helper()
	for range max {
		before := len(r.Fake.Writes())
		if err := r.Cycle(); err != nil {
			r.T.Fatalf("cycle after the faults stopped: %v\nlogs:\n%s", err, r.Logs.Tail(4000))
		}
		if len(r.Fake.Writes()) == before {
			return
		}
	}
	r.T.Fatalf("still writing after %d cycles", max)
}

// Requests counts the requests the fake answered since its records were
// last reset.
func (r *Rig) Requests() int {
	n := 0
	for _, c := range r.Fake.RequestCounts() {
		n += c
	}
	return n
}

// CheckNoKeyInLogs fails the test if the bot's API key is in a log line,
// whatever went wrong.
func (r *Rig) CheckNoKeyInLogs() {
	if key := r.Config.Bugzilla.APIKey.Reveal(); key != "" && strings.Contains(r.Logs.String(), key) {
		r.T.Errorf("the API key appears in the logs")
	}
}
