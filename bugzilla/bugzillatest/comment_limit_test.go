package bugzillatest

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestCommentLengthLimit checks the fake against Bugzilla's
// MAX_COMMENT_LENGTH: 65,535 characters (not bytes), counted after
// trailing whitespace is removed and "\r\n" became "\n"; a longer comment
// is refused with 400, code 114, on both ways of adding a comment.
func TestCommentLengthLimit(t *testing.T) {
	atLimit := strings.Repeat("é", maxCommentLength) // 131,070 bytes
	for name, tc := range map[string]struct {
		text    string
		refused bool
		stored  string
	}{
		"at the limit, in characters":   {text: atLimit, stored: atLimit},
		"one over":                      {text: atLimit + "x", refused: true},
		"trailing whitespace not count": {text: atLimit + " \n\t\r\n", stored: atLimit},
		"CRLF counts as one":            {text: strings.Repeat("a\r\n", maxCommentLength/2) + "a", stored: strings.Repeat("a\n", maxCommentLength/2) + "a"},
		"CRLF over once normalised":     {text: strings.Repeat("ab\r\n", maxCommentLength/3+1), refused: true},
	} {
		for _, way := range []string{"POST comment", "PUT bug", "POST attachment", "PUT attachment", "POST bug"} {
			t.Run(name+"/"+way, func(t *testing.T) {
				srv := NewServer(t)
				seedWorld(t, srv)
				before := len(srv.Comments(1))
				var a answer
				switch way {
				case "POST comment":
					a = do(t, srv, request{method: "POST", path: "/rest/bug/1/comment", key: botKey,
						body: map[string]any{"comment": tc.text}})
				case "PUT bug":
					a = do(t, srv, request{method: "PUT", path: "/rest/bug/1", key: botKey,
						body: map[string]any{"comment": map[string]any{"body": tc.text}}})
				case "POST attachment", "PUT attachment", "POST bug":
					// Refusals only: these store the text with more around it.
					if !tc.refused {
						t.Skip("stored text checked on the comment endpoints")
					}
					switch way {
					case "POST attachment":
						a = do(t, srv, request{method: "POST", path: "/rest/bug/1/attachment", key: botKey, body: map[string]any{
							"data": "aA==", "file_name": "a.txt", "summary": "s", "content_type": "text/plain", "comment": tc.text}})
					case "PUT attachment":
						a = do(t, srv, request{method: "PUT", path: "/rest/bug/attachment/1", key: botKey,
							body: map[string]any{"comment": tc.text}})
					default:
						a = do(t, srv, request{method: "POST", path: "/rest/bug", key: botKey, body: map[string]any{
							"product": "Firefox", "component": "General", "summary": "s", "version": "unspecified",
							"description": tc.text}})
					}
					wantError(t, a, 400, 114)
					return
				}
				cs := srv.Comments(1)
				if tc.refused {
					wantError(t, a, 400, 114)
					var e struct{ Message string }
					_ = json.Unmarshal(a.body, &e)
					if want := "Comments cannot be longer than 65535 characters."; e.Message != want {
						t.Errorf("message %q, want %q", e.Message, want)
					}
					if len(cs) != before {
						t.Errorf("a refused comment was stored")
					}
					return
				}
				if a.status >= 300 {
					t.Fatalf("refused: %d %s", a.status, a.body)
				}
				if len(cs) != before+1 {
					t.Fatalf("comments %d, want %d", len(cs), before+1)
				}
				if got := cs[len(cs)-1].Text; got != tc.stored {
					t.Errorf("stored %d characters, want %d (trimmed, LF only)",
						utf8.RuneCountInString(got), utf8.RuneCountInString(tc.stored))
				}
			})
		}
	}
}
