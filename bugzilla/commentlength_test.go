package bugzilla

import (
	"errors"
	"strings"
	"testing"
)

func TestCommentLength(t *testing.T) {
	for name, tc := range map[string]struct {
		text string
		want int
	}{
		"empty":                           {"", 0},
		"characters":                      {"héllo", 5},
		"trailing whitespace":             {"a b \n\t\r\n ", 3},
		"leading kept":                    {"  a", 3},
		"CRLF is one":                     {"a\r\nb", 3},
		"lone CR is one":                  {"a\rb", 3},
		"above U+FFFF as MySQL stores it": {"a😀", 12},
	} {
		t.Run(name, func(t *testing.T) {
			if got := CommentLength(tc.text); got != tc.want {
				t.Errorf("CommentLength(%q) = %d, want %d", tc.text, got, tc.want)
			}
		})
	}
	if n := CommentLength(strings.Repeat("é", MaxCommentLength)); n != MaxCommentLength {
		t.Errorf("characters, not bytes: %d", n)
	}
}

func TestCommentTooLongError(t *testing.T) {
	err := error(&APIError{Status: 400, Code: 114, Message: "Comments cannot be longer than 65535 characters."})
	if !errors.Is(err, ErrCommentTooLong) {
		t.Error("code 114 is not ErrCommentTooLong")
	}
	if errors.Is(&APIError{Status: 400, Code: 32000}, ErrCommentTooLong) {
		t.Error("code 32000 is ErrCommentTooLong")
	}
}
