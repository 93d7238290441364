package bot

import (
	"fmt"
	"strings"

	"github.com/stewardbot/stewardbot/bugzilla"
)

// footerRule separates a comment's body from its marker footer.
const footerRule = "\n\n---\n\n"

// commentMargin keeps every comment this many characters below Bugzilla's
// limit, so that a server counting a little differently still takes it.
const commentMargin = 64

// fitComment makes a marked comment fit Bugzilla's 65,535-character limit
// (bugzilla.CommentLength counts as Bugzilla does, or more). Every comment
// goes through it on the way to Bugzilla (perform), whatever built it, so
// no renderer can produce a comment Bugzilla refuses. What does not fit is
// cut at a line boundary from the end of the body, and a last line says how
// many lines were left out and why. The footer (footerRule and the marker
// line) is kept whole: it is how the bot knows the comment is there.
//
// It returns the comment and the number of lines cut (0 when it fitted).
func fitComment(nc bugzilla.NewComment, footer string, markdown bool) (bugzilla.NewComment, int) {
	limit := bugzilla.MaxCommentLength - commentMargin
	if bugzilla.CommentLength(nc.Text) <= limit {
		return nc, 0
	}
	tail := footerRule + footer
	body, ok := strings.CutSuffix(strings.TrimRight(nc.Text, " \t\r\n"), tail)
	if !ok {
		tail = ""
	}
	lines := strings.Split(body, "\n")
	// The note is at most this long, whatever the count it names.
	budget := limit - bugzilla.CommentLength(tail) - bugzilla.CommentLength(cutNote(len(lines), markdown)) - 2
	kept, used := 0, 0
	for _, l := range lines {
		// The line and its newline. Bugzilla trims only the end of the
		// whole comment, so the spaces ending a line count: the "."
		// keeps CommentLength from trimming them and stands for the "\n".
		n := bugzilla.CommentLength(l + ".")
		if used+n > budget {
			break
		}
		used += n
		kept++
	}
	head := strings.Join(lines[:kept], "\n")
	if kept == 0 {
		// One line longer than the whole budget: keep what fits of it.
		head = truncateRunes(lines[0], budget/11)
	}
	cut := len(lines) - kept
	nc.Text = strings.TrimRight(head, " \t\r\n") + "\n\n" + cutNote(cut, markdown) + tail
	return nc, cut
}

// cutNote says what fitComment left out.
func cutNote(lines int, markdown bool) string {
	s := fmt.Sprintf("(%d more line(s) of this comment are left out: Bugzilla takes at most %s characters in a comment.)",
		lines, "65,535")
	if markdown {
		return "_" + s + "_"
	}
	return s
}

// truncateRunes keeps the first n runes of s.
func truncateRunes(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}
