package bugzillatest

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// maxCommentLength is Bugzilla's MAX_COMMENT_LENGTH (Bugzilla/Constants.pm).
const maxCommentLength = 65535

var (
	trailingSpace = regexp.MustCompile(`\s+$`)
	crlf          = strings.NewReplacer("\r\n", "\n", "\r", "\n")
)

// checkCommentText is Bugzilla::Comment::_check_thetext: trailing
// whitespace is removed (leading whitespace may matter), "\r\n" and "\r"
// become "\n", and what is left may be at most MAX_COMMENT_LENGTH
// characters (Perl's length on a character string: code points, not
// bytes). Bugzilla stores the checked text, so the fake does too.
func checkCommentText(text string) (string, *Error) {
	text = trailingSpace.ReplaceAllString(text, "")
	text = crlf.Replace(text)
	if utf8.RuneCountInString(text) > maxCommentLength {
		return "", errCommentTooLong()
	}
	return text, nil
}

// errCommentTooLong is user-error.html.tmpl's comment_too_long, which
// WS_ERROR_CODE maps to 114; REST_STATUS_CODE_MAP does not list it, so 400.
func errCommentTooLong() *Error {
	return bzErr(codeCommentTooLong, "Comments cannot be longer than %d characters.", maxCommentLength)
}
