package bugzilla

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// KeyPlacement says where the API key travels.
//
// BMO reads the X-BUGZILLA-API-KEY header and is deprecating keys in URLs.
// Upstream Bugzilla 5.x ignores that header and silently answers as if the
// caller were anonymous (recordings 33 and 98), so there the key must go in
// the query of a GET (Bugzilla_api_key) and the JSON body of a write (api_key).
type KeyPlacement int

const (
	KeyAuto   KeyPlacement = iota // decided by Authenticate: header on servers that honour it, else query/body
	KeyHeader                     // X-BUGZILLA-API-KEY (BMO)
	KeyQuery                      // Bugzilla_api_key in the query for GET, api_key in the JSON body for writes
)

func (p KeyPlacement) String() string {
	switch p {
	case KeyAuto:
		return "auto"
	case KeyHeader:
		return "header"
	case KeyQuery:
		return "query"
	case keyBoth:
		return "header+query"
	}
	return fmt.Sprintf("KeyPlacement(%d)", int(p))
}

// keyPlacement is where the key travels now. Under KeyAuto, before
// Authenticate has decided, that is the header: it never puts the key in a
// URL, and a write then fails loudly upstream (401, code 410) rather than
// leaking anything.
func (c *Client) keyPlacement() KeyPlacement {
	if p := KeyPlacement(c.resolved.Load()); p != KeyAuto {
		return p
	}
	return KeyHeader
}

// Identity is who the server says the key belongs to, and how the key travels.
type Identity struct {
	Login     string
	Placement KeyPlacement
	BMO       bool // server has BMO extensions (whoami, flag activity, header auth)
}

// keyBoth sends the key in the X-BUGZILLA-API-KEY header and in the
// Bugzilla_api_key query parameter at once, for Authenticate's first probe
// only: BMO reads the header (which wins there), upstream the query, so one
// request judges the key on either. GETs only; never a configured placement.
const keyBoth KeyPlacement = -1

// Authenticate picks the key placement (when KeyAuto) and checks the key
// belongs to the configured login. ErrInvalidAPIKey and ErrWrongLogin are final.
//
// Under KeyAuto, with a login configured, the first request is GET
// /rest/valid_login?login=LOGIN carrying the key both in the header and in
// the query: whichever the server reads, a rejected key (400, code 306) ends
// it after that one request on BMO and upstream alike, and the client then
// sends nothing more, since BMO blocks an address after five bad keys a
// minute. A false result is ErrWrongLogin. Only then, the key known good,
// GET /rest/whoami with the key in the header alone tells the dialects
// apart: BMO answers with the login, and the header is used from then on;
// upstream has no whoami (404, code 32614), and a server that answers as to
// an anonymous caller did not read the header: the query (and the JSON body
// of writes) is used there. Without a login, whoami in the header is the
// only check possible, and only BMO has it.
//
// With an explicit placement the key goes only where told: KeyHeader asks
// whoami (one request), KeyQuery asks valid_login first (one request
// decides a bad key), then whoami to learn whether the server is BMO.
//
// Until Authenticate has decided, a KeyAuto client sends the key in the
// header: that never puts it in a URL, and upstream then answers as to an
// anonymous caller (a write fails with ErrLoginRequired). Call it first.
//
// https://bmo.readthedocs.io/en/latest/api/core/v1/user.html#who-am-i
// https://bugzilla.readthedocs.io/en/latest/api/core/v1/user.html#valid-login
func (c *Client) Authenticate(ctx context.Context) (*Identity, error) {
	if c.key == "" {
		return nil, authFailure(ErrLoginRequired, "no API key configured")
	}
	var id *Identity
	var err error
	switch c.placement {
	case KeyHeader:
		id, err = c.authHeader(ctx)
	case KeyQuery:
		id, err = c.authQuery(ctx)
	default:
		id, err = c.authAuto(ctx)
	}
	if err != nil {
		return nil, err
	}
	c.resolved.Store(int32(id.Placement))
	c.log.Info().Str("login", id.Login).Str("key_placement", id.Placement.String()).
		Bool("bmo", id.BMO).Msg("bugzilla: authenticated")
	return id, nil
}

func (c *Client) authAuto(ctx context.Context) (*Identity, error) {
	if c.login == "" {
		u, err := c.whoAmI(ctx, KeyHeader)
		switch {
		case err == nil:
			return c.checkLogin(u.Name, KeyHeader, true)
		case isUnknownResource(err), errors.Is(err, ErrLoginRequired):
			return nil, authFailure(ErrNotSupported, "this server has no /rest/whoami that reads the key header; "+
				"configure the bot's login (WithLogin) so the key can be checked with /rest/valid_login")
		}
		return nil, authError(err)
	}
	if err := c.checkValidLogin(ctx, keyBoth); err != nil {
		return nil, err
	}
	// The key is good. Does the server read it from the header?
	u, err := c.whoAmI(ctx, KeyHeader)
	switch {
	case err == nil:
		return c.checkLogin(u.Name, KeyHeader, true)
	case isUnknownResource(err):
		// Upstream Bugzilla: no whoami, and it never reads the header.
		return &Identity{Login: c.login, Placement: KeyQuery}, nil
	case errors.Is(err, ErrLoginRequired):
		// A server with whoami that did not read the header.
		return &Identity{Login: c.login, Placement: KeyQuery, BMO: true}, nil
	}
	return nil, authError(err)
}

func (c *Client) authHeader(ctx context.Context) (*Identity, error) {
	u, err := c.whoAmI(ctx, KeyHeader)
	switch {
	case err == nil:
		return c.checkLogin(u.Name, KeyHeader, true)
	case isUnknownResource(err):
		return nil, authFailure(ErrNotSupported, "the server has no /rest/whoami, so the key cannot be checked "+
			"in the header (upstream Bugzilla ignores X-BUGZILLA-API-KEY); use KeyQuery or KeyAuto")
	}
	return nil, authError(err)
}

// authQuery checks the key in the query: valid_login when a login is
// configured (one request decides a bad key), then whoami to learn whether
// the server is BMO.
func (c *Client) authQuery(ctx context.Context) (*Identity, error) {
	if c.login == "" {
		u, err := c.whoAmI(ctx, KeyQuery)
		if err == nil {
			return c.checkLogin(u.Name, KeyQuery, true)
		}
		if isUnknownResource(err) {
			return nil, authFailure(ErrNotSupported, "this server has no /rest/whoami; "+
				"configure the bot's login (WithLogin) so the key can be checked with /rest/valid_login")
		}
		return nil, authError(err)
	}
	if err := c.checkValidLogin(ctx, KeyQuery); err != nil {
		return nil, err
	}
	bmo := false
	switch _, err := c.whoAmI(ctx, KeyQuery); {
	case err == nil:
		bmo = true
	case isUnknownResource(err):
	default:
		return nil, authError(err)
	}
	return &Identity{Login: c.login, Placement: KeyQuery, BMO: bmo}, nil
}

// checkValidLogin asks valid_login whether the key, placed as p, belongs to
// the configured login.
func (c *Client) checkValidLogin(ctx context.Context, p KeyPlacement) error {
	ok, err := c.validLogin(ctx, c.login, p)
	if err != nil {
		return authError(err)
	}
	if !ok {
		// User.valid_login compares with Perl's eq (WebService/User.pm).
		return authFailure(ErrWrongLogin, fmt.Sprintf("the API key does not belong to %q "+
			"(Bugzilla compares logins exactly, case included)", c.login))
	}
	return nil
}

func (c *Client) checkLogin(got string, p KeyPlacement, bmo bool) (*Identity, error) {
	if c.login != "" && !strings.EqualFold(got, c.login) {
		return nil, authFailure(ErrWrongLogin, fmt.Sprintf("the API key belongs to %q, not %q", got, c.login))
	}
	return &Identity{Login: got, Placement: p, BMO: bmo}, nil
}

func isUnknownResource(err error) bool {
	var e *APIError
	return errors.As(err, &e) && (e.Code == codeUnknownResource || (e.Code == 0 && e.Status == http.StatusNotFound))
}

// WhoAmI returns the user the key belongs to (BMO only: upstream Bugzilla
// answers 404, code 32614, and WhoAmI returns an error matching ErrNotFound).
//
// https://bmo.readthedocs.io/en/latest/api/core/v1/user.html#who-am-i
func (c *Client) WhoAmI(ctx context.Context) (*User, error) { return c.whoAmI(ctx, KeyAuto) }

func (c *Client) whoAmI(ctx context.Context, p KeyPlacement) (*User, error) {
	var u User
	_, err := c.do(ctx, call{method: http.MethodGet, endpoint: "/rest/whoami", path: "/rest/whoami", keyIn: p}, &u)
	if err != nil {
		return nil, err
	}
	if u.Name == "" {
		return nil, errors.New("bugzilla: GET /rest/whoami: answer has no login")
	}
	return &u, nil
}

// ValidLogin reports whether the client's key belongs to login. Upstream
// Bugzilla answers false, not an error, when it ignored a key sent in the
// header (recording 116): Authenticate first.
//
// https://bugzilla.readthedocs.io/en/latest/api/core/v1/user.html#valid-login
func (c *Client) ValidLogin(ctx context.Context, login string) (bool, error) {
	return c.validLogin(ctx, login, KeyAuto)
}

func (c *Client) validLogin(ctx context.Context, login string, p KeyPlacement) (bool, error) {
	if login == "" {
		return false, errors.New("bugzilla: valid login: empty login")
	}
	var r validLoginAnswer
	_, err := c.do(ctx, call{
		method: http.MethodGet, endpoint: "/rest/valid_login", path: "/rest/valid_login",
		query: url.Values{"login": {login}}, keyIn: p,
	}, &r)
	return bool(r.Result), err
}

// authError says that authentication failed because of err, with one
// "bugzilla:" prefix: err is usually this package's own, and already
// starts with it.
func authError(err error) error {
	return &authErr{msg: strings.TrimPrefix(err.Error(), "bugzilla: "), err: err}
}

// authFailure is an authentication failure that matches the sentinel and
// says msg, without repeating the sentinel's own "bugzilla: ..." text.
func authFailure(sentinel error, msg string) error {
	return &authErr{msg: msg, err: sentinel}
}

// authErr is "bugzilla: authenticate: " and what went wrong; it unwraps to
// the cause.
type authErr struct {
	msg string
	err error
}

func (e *authErr) Error() string { return "bugzilla: authenticate: " + e.msg }

func (e *authErr) Unwrap() error { return e.err }
