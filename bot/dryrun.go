package bot

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/rs/zerolog"

	"github.com/stewardbot/stewardbot/bugzilla"
)

// logDryRun logs the comment a dry run would post. A public comment is
// logged word for word, so an operator can read exactly what the bot would
// say. A private one may quote a private form, and logs are read by more
// people than can see the bug (never leak: private text goes only into
// private comments), so it is logged by its identity alone: kind, bug,
// attachment, length and a short sha256 that tells two versions apart.
// log carries the action's ids (bug_id, attachment_id, flag_id, action).
func logDryRun(log zerolog.Logger, kind string, nc bugzilla.NewComment) {
	ev := log.Info().Str("kind", kind).Bool("private", nc.IsPrivate).Strs("tags", nc.Tags)
	if nc.IsPrivate {
		sum := sha256.Sum256([]byte(nc.Text))
		ev.Int("length", len(nc.Text)).Str("sha256", hex.EncodeToString(sum[:6])).
			Msg("dry run: would post this private comment (its text stays out of the log)")
		return
	}
	ev.Str("comment", nc.Text).Msg("dry run: would post this comment")
}
