// Package textdecode reads form bytes as text the way requesters save
// them: UTF-8, UTF-16 with a byte order mark, Latin-1 or Windows-1252. The
// bot decodes attachments with it and "stewardbot analyze" decodes files
// with it, so that both read the same inputs.
package textdecode

import (
	"bytes"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"
)

// Encodings, as the bot names them to requesters, that bytes which are not
// UTF-8 may be read as.
const (
	UTF16LE = "UTF-16LE"
	UTF16BE = "UTF-16BE"
	Latin1  = "ISO-8859-1 (Latin-1)"
	Win1252 = "Windows-1252"
)

// DefaultMaxBytes is the largest form the bot reads by default (its
// bugzilla.max_attachment_bytes) and the largest "stewardbot analyze"
// reads: a form is a few kilobytes.
const DefaultMaxBytes = 1 << 20

// Decoded is bytes read as text.
type Decoded struct {
	Text string
	// Encoding is "" when the bytes were UTF-8; otherwise the encoding they
	// were read as (UTF16LE, UTF16BE, Latin1 or Win1252).
	Encoding string
	// Binary means the bytes are not text in any encoding the bot reads:
	// they hold NUL bytes, control bytes or sequences invalid in each.
	// Text is then "".
	Binary bool
}

// BinaryKind says, for bytes that Decode found not to be text, whether
// they are binary data rather than text in an encoding the bot does not
// know, so that the request for a form can say which: a file format with a
// known signature (looksLike is its media type, such as "image/png" or
// "application/zip"), or NUL bytes. Text in an unknown encoding has
// neither.
func BinaryKind(data []byte) (looksLike string, binary bool) {
	ct, _, _ := strings.Cut(http.DetectContentType(data), ";")
	switch {
	case ct != "application/octet-stream" && !strings.HasPrefix(ct, "text/"):
		return ct, true
	case bytes.IndexByte(data, 0) >= 0:
		return "", true
	}
	return "", false
}

// Decode reads bytes as text. Valid UTF-8 is taken as it is,
// exactly as before this decoder existed. Otherwise, in order: UTF-16 with a
// byte order mark; then, when there is no NUL byte, ISO-8859-1 (when no byte
// is in 0x80–0x9F, where the two differ) or Windows-1252. A decoding that
// needs the replacement character, or yields control characters other than
// whitespace, is not text; bytes no encoding reads are Binary. It never
// fails and never panics: requesters attach anything.
func Decode(data []byte) Decoded {
	if utf8.Valid(data) {
		return Decoded{Text: string(data)}
	}
	if bom, name, ok := utf16BOM(data); ok {
		if s, ok := decodeWith(xunicode.UTF16(bom, xunicode.ExpectBOM), data); ok {
			return Decoded{Text: s, Encoding: name}
		}
		return Decoded{Binary: true}
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return Decoded{Binary: true}
	}
	enc, name := encoding.Encoding(charmap.ISO8859_1), Latin1
	for _, c := range data {
		if c >= 0x80 && c <= 0x9F {
			enc, name = charmap.Windows1252, Win1252
			break
		}
	}
	if s, ok := decodeWith(enc, data); ok {
		return Decoded{Text: s, Encoding: name}
	}
	return Decoded{Binary: true}
}

// utf16BOM reports whether data starts with a UTF-16 byte order mark, and
// which.
func utf16BOM(data []byte) (xunicode.Endianness, string, bool) {
	switch {
	case len(data) < 2:
	case data[0] == 0xFF && data[1] == 0xFE:
		return xunicode.LittleEndian, UTF16LE, true
	case data[0] == 0xFE && data[1] == 0xFF:
		return xunicode.BigEndian, UTF16BE, true
	}
	return xunicode.BigEndian, "", false
}

// decodeWith decodes data and reports whether the result is text: no
// replacement characters and no control characters but whitespace.
func decodeWith(enc encoding.Encoding, data []byte) (string, bool) {
	out, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return "", false
	}
	s := string(out)
	for _, r := range s {
		switch {
		case r == utf8.RuneError:
			return "", false
		case r == '\t' || r == '\n' || r == '\v' || r == '\f' || r == '\r':
		case unicode.IsControl(r):
			return "", false
		}
	}
	return s, true
}
