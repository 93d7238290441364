package bugzilla

import (
	"strings"
	"unicode"
)

// MaxCommentLength is Bugzilla's MAX_COMMENT_LENGTH: a longer comment is
// refused with code 114 (ErrCommentTooLong), on every write that carries one.
const MaxCommentLength = 65535

// CommentLength is the length Bugzilla checks against MaxCommentLength, or
// a little more, never less: Bugzilla removes trailing whitespace, turns
// "\r\n" and "\r" into "\n" and counts characters (not bytes). Upstream
// Bugzilla on MySQL then replaces each character above U+FFFF by an
// 11-character "\uFDD0[U+1F600]\uFDD1" before it counts, so such a
// character counts 11 here.
func CommentLength(text string) int {
	text = strings.TrimRightFunc(text, unicode.IsSpace)
	n := 0
	for i, r := range text {
		switch {
		case r == '\r' && i+1 < len(text) && text[i+1] == '\n':
			// "\r\n" is one "\n": the '\n' counts.
		case r > 0xFFFF:
			n += 11
		default:
			n++
		}
	}
	return n
}
