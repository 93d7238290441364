package bot

import (
	"fmt"
	"strings"

	"github.com/stewardbot/stewardbot/bugzilla"
)

// marked adds the marker twice: the footer line and the comment tag. Every
// comment the bot writes is built here: its privacy is ab.private(), its
// format the bot's commentFormat (the body must be written in it).
func (b *Bot) marked(m Marker, body string, ab about) bugzilla.NewComment {
	prefix := b.cfg.Comments.Tag
	return bugzilla.NewComment{
		Text:       strings.TrimSpace(body) + footerRule + m.Footer(prefix),
		IsPrivate:  ab.private(),
		IsMarkdown: b.commentFormat().markdown,
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
