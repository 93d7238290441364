package bot

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
)

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
func (b *Bot) authenticate(ctx context.Context) (*bugzilla.Identity, error) {
	known, ok := b.knownIdentity(ctx)
	var id *bugzilla.Identity
	var err error
	if ok {
		id, err = b.bz.AuthenticateKnown(ctx, known)
	} else {
		id, err = b.bz.Authenticate(ctx)
	}
	if err != nil {
		return nil, err
	}
	if !ok || known != *id {
		b.rememberIdentity(ctx, id)
	}
	return id, nil
}

// knownIdentity reads what the last start learned of this server; a
// missing or unreadable record means nothing is known.
func (b *Bot) knownIdentity(ctx context.Context) (bugzilla.Identity, bool) {
	raw, err := b.store.Get(ctx, kvIdentity)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			b.log.Warn().Err(err).Msg("cannot read what the last start learned of the server; probing it")
		}
		return bugzilla.Identity{}, false
	}
	var r rememberedIdentity
	if json.Unmarshal([]byte(raw), &r) != nil {
		return bugzilla.Identity{}, false
	}
	p, known := placementByName[r.Placement]
	if !known || r.URL != b.cfg.Bugzilla.URL {
		return bugzilla.Identity{}, false
	}
	return bugzilla.Identity{Login: r.Login, Placement: p, BMO: r.BMO}, true
}

// rememberIdentity records what Start learned; a failure costs only a probe
// at the next start.
func (b *Bot) rememberIdentity(ctx context.Context, id *bugzilla.Identity) {
	name := id.Placement.String()
	if _, ok := placementByName[name]; !ok {
		return
	}
	raw, err := json.Marshal(rememberedIdentity{URL: b.cfg.Bugzilla.URL, Login: id.Login, Placement: name, BMO: id.BMO})
	if err == nil {
		err = b.store.Set(ctx, kvIdentity, string(raw))
	}
	if err != nil {
		b.log.Warn().Err(err).Msg("cannot remember what was learned of the server")
	}
}
