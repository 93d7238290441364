package bugzillatest

import (
	"encoding/json"
	"net/http"
)

// credential is an API key or login token found in a request.
type credential struct {
	value   string
	isToken bool
}

// credentialOf finds the caller's credential the way the dialect does.
// Upstream 5.2 reads api_key / Bugzilla_api_key (and token) from the query
// or the JSON body, the body winning, and ignores X-BUGZILLA-API-KEY
// entirely (recordings 33, 98, 116, 119). BMO also reads the header, and a
// header value takes precedence.
func (s *Server) credentialOf(r *http.Request, body map[string]any) (credential, bool) {
	if s.cfg.dialect == BMO {
		if v := r.Header.Get("X-BUGZILLA-API-KEY"); v != "" {
			return credential{value: v}, true
		}
		if v := r.Header.Get("X-BUGZILLA-TOKEN"); v != "" {
			return credential{value: v, isToken: true}, true
		}
	}
	q := r.URL.Query()
	for _, name := range []string{"api_key", "Bugzilla_api_key"} {
		if v, ok := bodyString(body, name); ok && v != "" {
			return credential{value: v}, true
		}
	}
	for _, name := range []string{"api_key", "Bugzilla_api_key"} {
		if v := q.Get(name); v != "" {
			return credential{value: v}, true
		}
	}
	for _, name := range []string{"token", "Bugzilla_token"} {
		if v, ok := bodyString(body, name); ok && v != "" {
			return credential{value: v, isToken: true}, true
		}
		if v := q.Get(name); v != "" {
			return credential{value: v, isToken: true}, true
		}
	}
	return credential{}, false
}

// authenticate resolves the caller. No credential means anonymous (nil, nil);
// an unknown key is code 306, which on BMO also counts toward the
// api_key_mismatch rate limit. Call with s.mu held.
func (s *Server) authenticate(r *http.Request, c *reqCtx) (*userRec, *Error) {
	cred, ok := s.credentialOf(r, c.body)
	if !ok {
		return nil, nil
	}
	var u *userRec
	if cred.isToken {
		u = s.db.tokens[cred.value]
		if u == nil {
			return nil, bzErr(307, "The token you specified is invalid. Please check that you typed it correctly.")
		}
		return u, nil
	}
	u = s.db.keys[cred.value]
	if u == nil {
		if s.limiter.hit(s, "api_key_mismatch", c.now) {
			return nil, errRateLimited()
		}
		return nil, errBadAPIKey()
	}
	return u, nil
}

// peekUser names the caller for the request log without side effects.
func (s *Server) peekUser(r *http.Request) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peekUserLocked(r)
}

// peekUserLocked looks only at the query and headers: the body may not
// have been read. Call with s.mu held.
func (s *Server) peekUserLocked(r *http.Request) string {
	cred, ok := s.credentialOf(r, nil)
	if !ok {
		return ""
	}
	var u *userRec
	if cred.isToken {
		u = s.db.tokens[cred.value]
	} else {
		u = s.db.keys[cred.value]
	}
	if u == nil {
		return ""
	}
	return u.login
}

func bodyString(body map[string]any, name string) (string, bool) {
	v, ok := body[name]
	if !ok {
		return "", false
	}
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	}
	return "", false
}
