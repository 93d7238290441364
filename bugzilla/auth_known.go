package bugzilla

import (
	"context"
	"errors"
	"strings"
)

// AuthenticateKnown is Authenticate for a server whose ways an earlier
// Authenticate learned (known is the Identity it returned, kept by the
// caller between runs): one request, GET /rest/valid_login with the key
// where that server reads it, instead of also probing /rest/whoami (which
// upstream Bugzilla answers 404 on every start). A rejected key is as final
// as in Authenticate. When the server no longer answers as known says (it
// judges the key another login's), the full Authenticate decides.
//
// It is Authenticate when the client's placement is not KeyAuto, when no
// login is configured, or when known is for another login or undecided.
func (c *Client) AuthenticateKnown(ctx context.Context, known Identity) (*Identity, error) {
	if c.key == "" || c.placement != KeyAuto || c.login == "" || !strings.EqualFold(known.Login, c.login) ||
		(known.Placement != KeyHeader && known.Placement != KeyQuery) {
		return c.Authenticate(ctx)
	}
	ok, err := c.validLogin(ctx, c.login, known.Placement)
	switch {
	case err != nil && !errors.Is(err, ErrLoginRequired):
		return nil, authError(err)
	case err != nil || !ok:
		// The key was not read where it used to be: the server changed.
		c.log.Info().Str("key_placement", known.Placement.String()).
			Msg("bugzilla: the server no longer answers as remembered; probing it again")
		return c.Authenticate(ctx)
	}
	id := &Identity{Login: c.login, Placement: known.Placement, BMO: known.BMO}
	c.resolved.Store(int32(id.Placement))
	c.log.Info().Str("login", id.Login).Str("key_placement", id.Placement.String()).
		Bool("bmo", id.BMO).Msg("bugzilla: authenticated (server as remembered)")
	return id, nil
}
