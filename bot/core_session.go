package bot

import (
	"context"
	"encoding/json"
	"errors"
	"sync"

	"github.com/rs/zerolog"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
)

// session is who the bot is on the server: the identity Start confirmed,
// whether the server has a flag activity feed, and why starting failed
// while Run waits to try again. It is safe for concurrent use: the web
// server asks while cycles run.
type session struct {
	url   string // the server, which a remembered identity is tied to
	login string // the configured login, until the server confirms one
	kv    kvStore
	log   zerolog.Logger

	mu       sync.Mutex
	ident    *bugzilla.Identity // set by Start
	startErr error              // why the last try to start failed, while Run waits to retry
	noFeed   bool               // the server answered that it has no flag activity feed
}

// kvStore is the store's named values: watermarks, the park, what the last
// start learned of the server.
type kvStore interface {
	Get(ctx context.Context, key string) (string, error)
	Set(ctx context.Context, key, value string) error
}

var _ kvStore = store.Store(nil)

// authenticator checks the bot's key (the Bugzilla client).
type authenticator interface {
	Authenticate(ctx context.Context) (*bugzilla.Identity, error)
	AuthenticateKnown(ctx context.Context, known bugzilla.Identity) (*bugzilla.Identity, error)
}

// botLogin is the account the bot recognises its own comments by: the one
// the server confirmed at Start, else the configured one.
func (s *session) botLogin() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ident != nil && s.ident.Login != "" {
		return s.ident.Login
	}
	return s.login
}

// useFeed reports whether to poll BMO's flag activity feed.
func (s *session) useFeed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ident != nil && s.ident.BMO && !s.noFeed
}

// dropFeed stops polling the feed: the server said it has none.
func (s *session) dropFeed() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.noFeed = true
}

// bmo reports whether the server is BMO, as Start learned (false before,
// and for a Bot built without New, as tests that render comments do).
func (s *session) bmo() bool {
	if s == nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ident != nil && s.ident.BMO
}

// started reports whether Start has succeeded.
func (s *session) started() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ident != nil
}

// startedAs records a successful Start.
func (s *session) startedAs(id *bugzilla.Identity) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ident, s.startErr = id, nil
}

// startFailed records why a try to start failed.
func (s *session) startFailed(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.startErr = err
}

// startError says why the bot has not started yet; nil once started.
func (s *session) startError() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ident != nil {
		return nil
	}
	return s.startErr
}

// kvIdentity keeps what the last Start learned of the server (where it
// reads the key, whether it is BMO), so that the next start checks the key
// in one request instead of probing the server again (AuthenticateKnown).
const kvIdentity = "bugzilla.identity"

// rememberedIdentity is kvIdentity's value. URL ties it to one server.
type rememberedIdentity struct {
	URL       string `json:"url"`
	Login     string `json:"login"`
	Placement string `json:"placement"` // "header" or "query"
	BMO       bool   `json:"bmo"`
}

var placementByName = map[string]bugzilla.KeyPlacement{"header": bugzilla.KeyHeader, "query": bugzilla.KeyQuery}

// authenticate checks the key, the way the store remembers the server
// from the last start when it does, and remembers what it learned.
func (s *session) authenticate(ctx context.Context, bz authenticator) (*bugzilla.Identity, error) {
	known, ok := s.knownIdentity(ctx)
	var id *bugzilla.Identity
	var err error
	if ok {
		id, err = bz.AuthenticateKnown(ctx, known)
	} else {
		id, err = bz.Authenticate(ctx)
	}
	if err != nil {
		return nil, err
	}
	if !ok || known != *id {
		s.rememberIdentity(ctx, id)
	}
	return id, nil
}

// knownIdentity reads what the last start learned of this server; a
// missing or unreadable record means nothing is known.
func (s *session) knownIdentity(ctx context.Context) (bugzilla.Identity, bool) {
	raw, err := s.kv.Get(ctx, kvIdentity)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			s.log.Warn().Err(err).Msg("cannot read what the last start learned of the server; probing it")
		}
		return bugzilla.Identity{}, false
	}
	var r rememberedIdentity
	if json.Unmarshal([]byte(raw), &r) != nil {
		return bugzilla.Identity{}, false
	}
	p, known := placementByName[r.Placement]
	if !known || r.URL != s.url {
		return bugzilla.Identity{}, false
	}
	return bugzilla.Identity{Login: r.Login, Placement: p, BMO: r.BMO}, true
}

// rememberIdentity records what Start learned; a failure costs only a probe
// at the next start.
func (s *session) rememberIdentity(ctx context.Context, id *bugzilla.Identity) {
	name := id.Placement.String()
	if _, ok := placementByName[name]; !ok {
		return
	}
	raw, err := json.Marshal(rememberedIdentity{URL: s.url, Login: id.Login, Placement: name, BMO: id.BMO})
	if err == nil {
		err = s.kv.Set(ctx, kvIdentity, string(raw))
	}
	if err != nil {
		s.log.Warn().Err(err).Msg("cannot remember what was learned of the server")
	}
}
