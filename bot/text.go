package bot

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"
	"unicode/utf8"
)

// revLen is how many hex digits of SHA-256 name a form revision: enough to
// tell apart the revisions of one attachment or comment, short enough to read.
const revLen = 12

// contentRev names a form revision by its content.
func contentRev(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])[:revLen]
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
// where markdown, links and mentions are inert: one line, no backticks,
// at most 100 characters.
func codeSpan(s string) string {
	t := strings.ReplaceAll(inlineTextRaw(s, 100), "`", "'")
	if t == "" {
		return "(unnamed)"
	}
	return "`" + t + "`"
}

// inlineTextRaw is s on one line, control characters and invalid UTF-8
// dropped, cut to max runes.
func inlineTextRaw(s string, max int) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n >= max {
			b.WriteString("…")
			break
		}
		switch {
		case r == utf8.RuneError:
			continue
		case unicode.IsSpace(r) || unicode.IsControl(r):
			r = ' '
		}
		b.WriteRune(r)
		n++
	}
	return strings.TrimSpace(b.String())
}
