package bugzillatest

import (
	"fmt"
	"math"
	"net"
	"net/http"
	"path"
	"strconv"
	"sync"
	"time"
)

// Fault is a failure injected into the requests it matches. Exactly one of
// Status, Reset and Hang says what happens.
type Fault struct {
	Method string // "" matches every method
	// Path is matched against the request path (without the query): exactly,
	// or as a path.Match pattern such as "/rest/bug/*/comment". "" matches all.
	Path  string
	Times int // how many matching requests it affects; 0 means all until removed

	// Status answers with this HTTP status instead of handling the request:
	// 502, 503 and 504 get a proxy's HTML error page; 429 gets BMO's HTML
	// "Too Many Requests" page, with a Retry-After header (whole seconds,
	// rounded up) when RetryAfter is set.
	Status     int
	RetryAfter time.Duration
	// Reset closes the connection without answering (a TCP reset).
	// Go's HTTP transport may transparently retry an idempotent request
	// once when a reused connection is reset before any answer arrives.
	Reset bool
	// Hang holds the request until the client gives up or the server closes,
	// to exercise client timeouts without sleeping.
	Hang bool
	// AfterApply handles the request for real first, so a write lands, and
	// only then fails as above: "the POST landed but the answer was lost".
	AfterApply bool
}

func (f *Fault) describe() string {
	var what string
	switch {
	case f.Reset:
		what = "reset"
	case f.Hang:
		what = "hang"
	default:
		what = "status " + strconv.Itoa(f.Status)
	}
	if f.AfterApply {
		return "after-apply " + what
	}
	return what
}

func (f *Fault) validate() error {
	n := 0
	if f.Status != 0 {
		n++
		if f.Status < 400 || f.Status > 599 {
			return fmt.Errorf("bugzillatest: fault status %d is not an error status", f.Status)
		}
	}
	if f.Reset {
		n++
	}
	if f.Hang {
		n++
	}
	if n != 1 {
		return fmt.Errorf("bugzillatest: a fault needs exactly one of Status, Reset and Hang")
	}
	if f.Times < 0 {
		return fmt.Errorf("bugzillatest: fault Times %d is negative", f.Times)
	}
	if f.Path != "" {
		if _, err := path.Match(f.Path, "/"); err != nil {
			return fmt.Errorf("bugzillatest: fault path pattern %q: %w", f.Path, err)
		}
	}
	return nil
}

func (f *Fault) matches(method, p string) bool {
	if f.Method != "" && f.Method != method {
		return false
	}
	if f.Path == "" || f.Path == p {
		return true
	}
	ok, _ := path.Match(f.Path, p)
	return ok
}

type faultRule struct {
	Fault
	id        int
	remaining int // 0: unlimited
}

// faultSet has its own lock so that faults can change while requests hang.
type faultSet struct {
	mu      sync.Mutex
	latency time.Duration
	rules   []*faultRule
	nextID  int
}

func (fs *faultSet) latencyFor() time.Duration {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.latency
}

// take returns the first fault matching the request and uses up one of its times.
func (fs *faultSet) take(method, p string) *Fault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i, r := range fs.rules {
		if !r.matches(method, p) {
			continue
		}
		f := r.Fault
		if r.remaining > 0 {
			r.remaining--
			if r.remaining == 0 {
				fs.rules = append(fs.rules[:i:i], fs.rules[i+1:]...)
			}
		}
		return &f
	}
	return nil
}

// InjectFault adds a fault; faults are tried in the order they were added.
// The returned function removes it (if it is still there).
func (s *Server) InjectFault(f Fault) (remove func()) {
	if err := f.validate(); err != nil {
		s.fail(err)
		return func() {}
	}
	fs := &s.faults
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.nextID++
	id := fs.nextID
	fs.rules = append(fs.rules, &faultRule{Fault: f, id: id, remaining: f.Times})
	return func() {
		fs.mu.Lock()
		defer fs.mu.Unlock()
		for i, r := range fs.rules {
			if r.id == id {
				fs.rules = append(fs.rules[:i:i], fs.rules[i+1:]...)
				return
			}
		}
	}
}

// ClearFaults removes every injected fault and the latency.
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.rules = nil
	s.faults.latency = 0
}

// SetLatency delays every request by d of real time before it is handled
// (for the demo and benchmarks; tests should prefer Hang to sleeping).
func (s *Server) SetLatency(d time.Duration) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.latency = d
}

// FailNext answers the next n requests with status (502, 503 or 504 for a
// burst of server errors).
func (s *Server) FailNext(n, status int) {
	s.InjectFault(Fault{Times: n, Status: status})
}

// ResetNext closes the connection of the next n requests without an answer.
func (s *Server) ResetNext(n int) { s.InjectFault(Fault{Times: n, Reset: true}) }

// HangNext holds the next n requests until their clients give up.
func (s *Server) HangNext(n int) { s.InjectFault(Fault{Times: n, Hang: true}) }

// RateLimitNext answers the next n requests with 429. With retryAfter > 0
// the answer carries Retry-After; without it, it is BMO's HTML page alone.
func (s *Server) RateLimitNext(n int, retryAfter time.Duration) {
	s.InjectFault(Fault{Times: n, Status: http.StatusTooManyRequests, RetryAfter: retryAfter})
}

// LoseNextWrite applies the next request matching method and path pattern
// and then resets the connection: the write lands, the answer never arrives.
// Writes() lists it with Lost set.
func (s *Server) LoseNextWrite(method, pathPattern string) {
	s.InjectFault(Fault{Method: method, Path: pathPattern, Times: 1, Reset: true, AfterApply: true})
}

// applyFault answers (or refuses to answer) a request as f says and returns
// the status sent, 0 when none was.
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, f *Fault) int {
	switch {
	case f.Reset:
		resetConnection(w)
		return 0
	case f.Hang:
		if s.hangHook != nil {
			s.hangHook()
		}
		select {
		case <-r.Context().Done():
		case <-s.done:
		}
		// Whoever gave up, the request never gets an answer.
		resetConnection(w)
		return 0
	case f.Status == http.StatusTooManyRequests:
		if f.RetryAfter > 0 {
			secs := int(math.Ceil(f.RetryAfter.Seconds()))
			w.Header().Set("Retry-After", strconv.Itoa(secs))
		}
		return s.writeHTML(w, f.Status, bmoBlockPage)
	default:
		text := http.StatusText(f.Status)
		page := fmt.Sprintf("<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>%d %s</title>\n</head><body>\n<h1>%s</h1>\n<p>The server encountered a temporary error and could not complete your request.</p>\n</body></html>\n", f.Status, text, text)
		return s.writeHTML(w, f.Status, page)
	}
}

// resetConnection drops the client's connection with a TCP reset. When the
// ResponseWriter cannot be hijacked (HTTP/2, a recorder) it aborts the
// handler, which also closes the connection without an answer.
func resetConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.Close()
}
