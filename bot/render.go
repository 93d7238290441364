package bot

import (
	"fmt"
	"strings"

	"github.com/stewardbot/stewardbot/bugzilla"
)

// marks builds the bot's comments: the format they are written in, the
// marker every one carries, and the analysis and needs-form comments. It is
// the one place a comment's text is put together, shared by every duty.
type marks struct {
	comments CommentConfig // comments.tag, comments.format, comments.template_url
	sess     *session      // the server: BMO renders markdown (nil: not known)
}

func newMarks(cfg Config, sess *session) *marks {
	return &marks{comments: cfg.Comments, sess: sess}
}

// marked adds the marker twice: the footer line and the comment tag. Every
// comment the bot writes is built here: its privacy is ab.private(), its
// format commentFormat (the body must be written in it).
func (mk *marks) marked(m Marker, body string, ab about) bugzilla.NewComment {
	prefix := mk.comments.Tag
	return bugzilla.NewComment{
		Text:       strings.TrimSpace(body) + footerRule + m.Footer(prefix),
		IsPrivate:  ab.private(),
		IsMarkdown: mk.commentFormat().markdown,
		Tags:       []string{m.Tag(prefix)},
	}
}

// formPlace says where a form is, in words.
func formPlace(f *foundForm) string {
	if f.Attachment != nil {
		return fmt.Sprintf("the form in attachment %d", f.Attachment.ID)
	}
	return fmt.Sprintf("the form in comment %d", f.Comment.Count)
}
