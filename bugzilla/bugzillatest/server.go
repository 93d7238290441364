package bugzillatest

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// Server is an in-memory Bugzilla speaking the REST API over HTTP.
// It is safe for concurrent use: requests, seeding, clock changes and fault
// injection may happen from any goroutine.
type Server struct {
	cfg   config
	tb    testing.TB
	clock *clock

	mu      sync.Mutex // guards db and the rate limiter
	db      *db
	limiter rateLimiter

	// recMu guards the records; it is taken inside mu, never around it.
	recMu    sync.Mutex
	writes   []Write
	requests []*Request
	counts   map[string]int
	// inFlight is how many requests are being answered now, maxInFlight
	// the most at once since the start or the last ResetRecords.
	inFlight, maxInFlight int

	faults   faultSet
	hangHook func() // tests: called when a request starts hanging

	srvMu     sync.Mutex
	ts        *httptest.Server
	done      chan struct{} // closed by Close: hanging requests return
	closeOnce sync.Once
}

type config struct {
	dialect          Dialect
	start            time.Time
	live             func() time.Time
	defaults         bool
	rateLimits       *bool
	timeResource     *bool
	maxSearchResults int
	insiderGroup     string
	taggersGroup     string
	onRequest        func(Request)
}

// Option configures a Server.
type Option func(*config)

// WithDialect chooses Upstream (the default) or BMO behaviour.
func WithDialect(d Dialect) Option { return func(c *config) { c.dialect = d } }

// WithStartTime starts the manual clock at t instead of DefaultStart.
func WithStartTime(t time.Time) Option { return func(c *config) { c.start = t } }

// WithClock makes the clock follow now (for example time.Now, for the demo)
// instead of standing still until SetNow or Advance.
func WithClock(now func() time.Time) Option { return func(c *config) { c.live = now } }

// WithoutDefaults starts with an empty database: no users, groups, products
// or flag types. By default the server holds the recordings' world (see
// DefaultUsers), without any bug.
func WithoutDefaults() Option { return func(c *config) { c.defaults = false } }

// WithRateLimits turns BMO's rate limits on or off. They are on by default
// for BMO (anonymous bug, comment and attachment reads: 75 per 60 s; bad API
// keys: 5 per 60 s; crossing a limit blocks the client for an hour) and
// always off for Upstream, which has none.
func WithRateLimits(on bool) Option { return func(c *config) { c.rateLimits = &on } }

// WithTimeResource serves GET /rest/time (or not). It is on by default for
// both dialects, as on the real servers: upstream 5.2 routes /time too
// (Bugzilla/WebService/Server/REST/Resources/Bugzilla.pm, Bugzilla.time).
// Off, it answers 404 (code 32614), as a proxy that forwards only some
// resources might: a client should cope with both.
func WithTimeResource(on bool) Option { return func(c *config) { c.timeResource = &on } }

// WithMaxSearchResults sets the max_search_results parameter (default
// 10000): the limit a search uses when none or a larger one is asked for.
func WithMaxSearchResults(n int) Option { return func(c *config) { c.maxSearchResults = n } }

// SetMaxSearchResults changes the max_search_results parameter of a running
// server, as an administrator may: searches asking for more get the first n.
func (s *Server) SetMaxSearchResults(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cfg.maxSearchResults = n
}

// WithRequestHook calls fn after every request, for logging (the demo).
// It runs on the request's goroutine, outside the server's lock.
func WithRequestHook(fn func(Request)) Option { return func(c *config) { c.onRequest = fn } }

// NewServer starts a fake Bugzilla on a loopback port and closes it when the
// test ends. Seeding errors fail the test through tb.
func NewServer(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s := NewUnstartedServer(tb, opts...)
	s.Start()
	return s
}

// NewUnstartedServer is NewServer without Start, for tests that seed
// before any client can connect. It is still closed when the test ends.
func NewUnstartedServer(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s := newServer(opts)
	s.tb = tb
	tb.Cleanup(s.Close)
	return s
}

// New makes a fake Bugzilla for use outside tests (the demo): call Start or
// Listen to serve it, or use it directly as an http.Handler, and Close when
// done. Seeding methods panic on invalid input, since that is a programming
// error; LoadSeed returns errors for input read from files.
func New(opts ...Option) *Server { return newServer(opts) }

func newServer(opts []Option) *Server {
	cfg := config{
		defaults:         true,
		start:            DefaultStart,
		maxSearchResults: 10000,
		insiderGroup:     "insiders",
		taggersGroup:     "editbugs",
	}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.rateLimits == nil {
		on := cfg.dialect == BMO
		cfg.rateLimits = &on
	}
	if cfg.timeResource == nil {
		on := true
		cfg.timeResource = &on
	}
	s := &Server{
		cfg:    cfg,
		clock:  &clock{t: cfg.start.UTC(), live: cfg.live},
		db:     newDB(),
		counts: map[string]int{},
		done:   make(chan struct{}),
	}
	s.limiter.init()
	if cfg.defaults {
		s.seedDefaults()
	}
	return s
}

// Start serves the fake on a random loopback port (127.0.0.1:0).
func (s *Server) Start() {
	s.srvMu.Lock()
	defer s.srvMu.Unlock()
	if s.ts != nil {
		panic("bugzillatest: Server already started")
	}
	s.ts = httptest.NewServer(s)
}

// Listen serves the fake on addr, for example "127.0.0.1:8081" for the demo.
func (s *Server) Listen(addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("bugzillatest: listen: %w", err)
	}
	s.srvMu.Lock()
	defer s.srvMu.Unlock()
	if s.ts != nil {
		l.Close()
		return fmt.Errorf("bugzillatest: server already started")
	}
	ts := httptest.NewUnstartedServer(s)
	ts.Listener.Close()
	ts.Listener = l
	ts.Start()
	s.ts = ts
	return nil
}

// URL is the base URL of the running fake, such as "http://127.0.0.1:41234".
// Clients append /rest/... to it, as they do for a real Bugzilla.
func (s *Server) URL() string {
	s.srvMu.Lock()
	defer s.srvMu.Unlock()
	if s.ts == nil {
		return ""
	}
	return s.ts.URL
}

// Client returns an *http.Client for the fake (nil before Start).
func (s *Server) Client() *http.Client {
	s.srvMu.Lock()
	defer s.srvMu.Unlock()
	if s.ts == nil {
		return nil
	}
	return s.ts.Client()
}

// Close stops the fake. Requests held by a hang fault are released first.
// It is safe to call more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.done) })
	s.srvMu.Lock()
	ts := s.ts
	s.srvMu.Unlock()
	if ts != nil {
		ts.CloseClientConnections()
		ts.Close()
	}
}

// Dialect reports which Bugzilla the fake imitates.
func (s *Server) Dialect() Dialect { return s.cfg.dialect }

// docURL is where Bugzilla's error answers point.
func (s *Server) docURL() string {
	if s.cfg.dialect == BMO {
		return "https://bmo.readthedocs.io/en/latest/api/"
	}
	return "https://bugzilla.readthedocs.org/en/5.0/api/"
}

// fail reports a seeding error: through the test when there is one,
// otherwise as a panic (a programming error in the caller).
func (s *Server) fail(err error) {
	if s.tb != nil {
		s.tb.Helper()
		s.tb.Fatalf("%v", err)
		return
	}
	panic(err)
}
