package bugzillatest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"
)

// maxBody bounds a request body; Bugzilla's default maxattachmentsize is
// 1 MB, and base64 plus JSON add a third.
const maxBody = 8 << 20

// maxTarget is the longest request target BMO's front end accepts (8 KiB);
// Apache's LimitRequestLine (8190) is close enough for Upstream.
const maxTarget = 8 << 10

// reqCtx is what a route handler sees of one request.
type reqCtx struct {
	s      *Server
	d      *db
	method string
	path   string   // after /rest
	m      []string // route regexp submatches
	query  url.Values
	body   map[string]any // the JSON body of a POST or PUT; nil otherwise
	user   *userRec
	now    time.Time
}

// ServeHTTP answers one request. The Server is an http.Handler, so it can
// also be mounted in another mux or called with httptest.NewRecorder.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	now := s.clock.now()
	path, isREST := restPath(r.URL.Path)
	var rt *route
	var match []string
	if isREST {
		rt, match = s.findRoute(r.Method, path)
	}
	rec := &Request{
		Method:   r.Method,
		Path:     r.URL.Path,
		Endpoint: "unknown",
		Query:    redactQuery(r.URL.Query()),
		Time:     now,
	}
	if rt != nil {
		rec.Endpoint = rt.endpoint
	} else if !isREST && r.URL.Path == "/show_bug.cgi" {
		rec.Endpoint = "GET /show_bug.cgi"
	}
	// The record is listed on arrival, so Requests keeps arrival order, and
	// completed before any byte of the answer leaves, so a client never
	// sees an answer whose record is not yet there.
	s.recMu.Lock()
	s.requests = append(s.requests, rec)
	s.counts[rec.Endpoint]++
	s.inFlight++
	s.maxInFlight = max(s.maxInFlight, s.inFlight)
	s.recMu.Unlock()
	// A request stops being in flight when its answer starts (before the
	// client can read it and send the next) or, without one, when it ends.
	answered := sync.OnceFunc(func() {
		s.recMu.Lock()
		s.inFlight--
		s.recMu.Unlock()
	})
	defer answered()
	if s.cfg.onRequest != nil {
		defer func() {
			s.recMu.Lock()
			cp := *rec
			s.recMu.Unlock()
			s.cfg.onRequest(cp)
		}()
	}
	sw := &statusWriter{ResponseWriter: w, onStatus: func(code int) {
		s.recMu.Lock()
		rec.Status = code
		s.recMu.Unlock()
		answered()
	}}

	if d := s.faults.latencyFor(); d > 0 {
		s.wait(r, d)
	}

	f := s.faults.take(r.Method, r.URL.Path)
	switch {
	case f == nil:
		s.serve(sw, r, rt, match, path, isREST, now, rec, false)
	case f.AfterApply:
		// Apply the request for real, throw the answer away, then fail:
		// the write landed but the client never learns it.
		s.serve(httptest.NewRecorder(), r, rt, match, path, isREST, now, rec, true)
		s.markFault(rec, f, "")
		s.applyFault(sw, r, f)
	default:
		s.markFault(rec, f, s.peekUser(r))
		s.applyFault(sw, r, f)
	}
}

// markFault notes on a request's record which fault answers it.
func (s *Server) markFault(rec *Request, f *Fault, user string) {
	s.recMu.Lock()
	defer s.recMu.Unlock()
	rec.Fault = f.describe()
	rec.Status = f.Status // 0 for a reset or a hang: no answer
	if user != "" {
		rec.User = user
	}
}

// statusWriter reports the status of an answer before it is sent.
type statusWriter struct {
	http.ResponseWriter
	onStatus func(int)
	wrote    bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.wrote = true
		w.onStatus(code)
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write sends the implicit 200 through WriteHeader, so that it is seen.
func (w *statusWriter) Write(p []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(p)
}

// Hijack lets a reset fault take over the connection.
func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, http.ErrNotSupported
	}
	return hj.Hijack()
}

// restPath strips the /rest (or /rest.cgi) prefix Bugzilla's REST API lives under.
func restPath(p string) (string, bool) {
	for _, prefix := range []string{"/rest.cgi/", "/rest/"} {
		if strings.HasPrefix(p, prefix) {
			return "/" + strings.TrimPrefix(p, prefix), true
		}
	}
	return "", false
}

// serve runs the request through Bugzilla's checks and the route handler,
// writes the answer and returns its status. lost marks a write whose answer
// a fault will drop.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, rt *route, match []string, path string, isREST bool, now time.Time, rec *Request, lost bool) int {
	if !isREST {
		if r.URL.Path == "/show_bug.cgi" {
			return s.serveShowBug(w, r)
		}
		return s.writeHTML(w, http.StatusNotFound, notFoundPage)
	}
	if len(r.URL.RequestURI()) > maxTarget {
		if s.cfg.dialect == BMO {
			return s.writeText(w, http.StatusRequestURITooLong, "URI Too Long\n")
		}
		return s.writeHTML(w, http.StatusRequestURITooLong, uriTooLongPage)
	}

	s.mu.Lock()
	if s.limiter.blocked(s, now) {
		s.mu.Unlock()
		return s.writeHTML(w, http.StatusTooManyRequests, bmoBlockPage)
	}
	s.mu.Unlock()

	var raw []byte
	if r.Body != nil && r.Method != http.MethodGet {
		var err error
		raw, err = io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		if err != nil {
			return s.writeError(w, bzErr(codeTransient, "could not read the request body: %v", err))
		}
		if len(raw) > maxBody {
			return s.writeError(w, bzErr(600, "The file you are trying to attach is %d kilobytes (KB) in size. Attachments cannot be more than %d KB.", len(raw)/1024, maxBody/1024))
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()

	c := &reqCtx{s: s, d: s.db, method: r.Method, path: path, m: match, query: r.URL.Query(), now: now}
	if rt == nil {
		s.setUser(rec, s.peekUserLocked(r))
		return s.writeError(w, errUnknownResource(r.Method, path))
	}
	if len(bytes.TrimSpace(raw)) > 0 {
		body, perr := parseBody(raw)
		if perr != nil {
			s.setUser(rec, s.peekUserLocked(r))
			return s.writeError(w, perr)
		}
		c.body = body
	}
	u, aerr := s.authenticate(r, c)
	if aerr != nil {
		return s.writeError(w, aerr)
	}
	c.user = u
	if u != nil {
		s.setUser(rec, u.login)
	}
	if u == nil && rt.rateRule != "" && s.limiter.hit(s, rt.rateRule, now) {
		return s.writeError(w, errRateLimited())
	}

	status, out, herr := rt.handle(c)
	if herr != nil {
		return s.writeError(w, herr)
	}
	if rt.isWrite() && status < 300 {
		s.recMu.Lock()
		s.writes = append(s.writes, Write{
			Method:   r.Method,
			Path:     r.URL.Path,
			Endpoint: rt.endpoint,
			Body:     redactBody(raw),
			User:     rec.User,
			Time:     now,
			Status:   status,
			Lost:     lost,
		})
		s.recMu.Unlock()
	}
	return s.writeJSON(w, status, out)
}

// parseBody decodes a JSON object body, keeping numbers exact.
func parseBody(raw []byte) (map[string]any, *Error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, errBadJSON(err.Error(), string(raw))
	}
	if dec.More() {
		return nil, errBadJSON("garbage after JSON object", string(raw))
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errBadJSON("the parameters must be a JSON object", string(raw))
	}
	return m, nil
}

// secretParams never reach a record.
var secretParams = []string{"api_key", "Bugzilla_api_key", "token", "Bugzilla_token", "password", "Bugzilla_password"}

func redactQuery(q url.Values) url.Values {
	for _, k := range secretParams {
		q.Del(k)
	}
	return q
}

func redactBody(raw []byte) map[string]any {
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	for _, k := range secretParams {
		delete(m, k)
	}
	return m
}

func (s *Server) setCommonHeaders(w http.ResponseWriter, contentType string) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Date", s.clock.now().Format(http.TimeFormat))
}

func (s *Server) writeJSON(w http.ResponseWriter, status int, v any) int {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Every value the handlers build is encodable; this is a bug in the fake.
		panic("bugzillatest: encoding an answer: " + err.Error())
	}
	s.setCommonHeaders(w, "application/json; charset=UTF-8")
	w.WriteHeader(status)
	w.Write(bytes.TrimRight(buf.Bytes(), "\n"))
	return status
}

func (s *Server) writeError(w http.ResponseWriter, e *Error) int {
	return s.writeJSON(w, e.Status, map[string]any{
		"error":         true,
		"code":          e.Code,
		"message":       e.Message,
		"documentation": s.docURL(),
	})
}

func (s *Server) writeHTML(w http.ResponseWriter, status int, page string) int {
	s.setCommonHeaders(w, "text/html")
	w.WriteHeader(status)
	io.WriteString(w, page)
	return status
}

func (s *Server) writeText(w http.ResponseWriter, status int, text string) int {
	s.setCommonHeaders(w, "text/plain")
	w.WriteHeader(status)
	io.WriteString(w, text)
	return status
}

// wait blocks for d of real time, or until the client gives up or the
// server closes.
func (s *Server) wait(r *http.Request, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
	case <-s.done:
	}
}

const notFoundPage = `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">
<html><head>
<title>404 Not Found</title>
</head><body>
<h1>Not Found</h1>
<p>The requested URL was not found on this server.</p>
</body></html>
`

const uriTooLongPage = `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">
<html><head>
<title>414 Request-URI Too Long</title>
</head><body>
<h1>Request-URI Too Long</h1>
<p>The requested URL's length exceeds the capacity
limit for this server.<br />
</p>
</body></html>
`
