package bot

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode/utf8"

	"github.com/stewardbot/stewardbot/internal/textdecode"
	"github.com/stewardbot/stewardbot/policy"
)

// revLen is how many hex digits of SHA-256 name a form revision: enough to
// tell apart the revisions of one attachment or comment, short enough to read.
const revLen = 12

// contentRev names a form revision by its content.
func contentRev(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])[:revLen]
}

// reviewText reads a review form's bytes as textdecode.Decode reads a request
// form's (UTF-16 with a BOM, Latin-1, Windows-1252), and bytes no encoding
// reads as attachmentText does: a review form in another encoding is still
// checked.
func reviewText(data []byte) string {
	if d := textdecode.Decode(data); !d.Binary {
		return d.Text
	}
	return attachmentText(data)
}

// attachmentText turns attachment bytes into text for the parser: invalid
// UTF-8 is replaced, never a reason to fail.
func attachmentText(data []byte) string {
	if utf8.Valid(data) {
		return string(data)
	}
	return strings.ToValidUTF8(string(data), "\uFFFD")
}

// codeSpan shows requester text (a measurement name) as an inline code span,
// where markdown, links and mentions are inert: one line of policy.PlainText
// (no control or invisible characters), no backticks, at most 100
// characters.
func codeSpan(s string) string {
	t := strings.ReplaceAll(policy.PlainText(s, 100), "`", "'")
	if t == "" {
		return "(unnamed)"
	}
	return "`" + t + "`"
}
