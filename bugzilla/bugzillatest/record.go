package bugzillatest

import (
	"maps"
	"net/url"
)

// Writes lists the writes applied through the REST API, oldest first
// (seeding methods are not recorded). Refused writes are not listed; they
// are in Requests with their error status.
func (s *Server) Writes() []Write {
	s.recMu.Lock()
	defer s.recMu.Unlock()
	out := make([]Write, len(s.writes))
	for i, w := range s.writes {
		w.Body = cloneAnyMap(w.Body)
		out[i] = w
	}
	return out
}

// Requests lists every request the fake received, in order of arrival.
// A request still being handled shows Status 0.
func (s *Server) Requests() []Request {
	s.recMu.Lock()
	defer s.recMu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		cp := *r
		cp.Query = url.Values(maps.Clone(map[string][]string(r.Query)))
		out[i] = cp
	}
	return out
}

// RequestCount is how many requests hit endpoint, a route template such as
// "GET /rest/bug" or "POST /rest/bug/{id}/comment" ("unknown" for requests
// no route matched), since the start or the last ResetRecords.
func (s *Server) RequestCount(endpoint string) int {
	s.recMu.Lock()
	defer s.recMu.Unlock()
	return s.counts[endpoint]
}

// RequestCounts is RequestCount for every endpoint that was hit.
func (s *Server) RequestCounts() map[string]int {
	s.recMu.Lock()
	defer s.recMu.Unlock()
	return maps.Clone(s.counts)
}

// ResetRecords forgets the recorded requests, writes and counters (for
// example between benchmark cycles). The database is untouched.
func (s *Server) ResetRecords() {
	s.recMu.Lock()
	defer s.recMu.Unlock()
	s.writes = nil
	s.requests = nil
	s.counts = map[string]int{}
	s.maxInFlight = s.inFlight
}

// MaxInFlight is the most requests the fake was answering at once since
// the start or the last ResetRecords: what a client's concurrency bound
// must keep under (with latency set, so that requests overlap).
func (s *Server) MaxInFlight() int {
	s.recMu.Lock()
	defer s.recMu.Unlock()
	return s.maxInFlight
}

func cloneAnyMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = cloneAny(v)
	}
	return out
}

func cloneAny(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return cloneAnyMap(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = cloneAny(e)
		}
		return out
	}
	return v
}

// setUser names the acting user on a request's record.
func (s *Server) setUser(rec *Request, login string) {
	s.recMu.Lock()
	defer s.recMu.Unlock()
	rec.User = login
}
