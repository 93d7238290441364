package bot

import (
	"fmt"
	"strings"

	"github.com/stewardbot/stewardbot/bugzilla"
	"github.com/stewardbot/stewardbot/policy"
)

// analysisComment is the marked comment for one form revision: an opening
// that says what it is, policy's rendering of the analysis, what changed
// since the form it replaced, and the footer marker. It is private when the
// form is.
func (b *Bot) analysisComment(m Marker, f *foundForm, a *policy.Analysis, changes string) bugzilla.NewComment {
	var s strings.Builder
	s.WriteString(strings.TrimSpace(b.analyzer.Render(a)))
	fmt.Fprintf(&s, "\n\n_Analysed: %s, revision `%s`. This is not a review: only a data steward sets "+
		"data-review+ or data-review-._", formPlace(f), f.Rev)
	if changes != "" {
		s.WriteString("\n\n")
		s.WriteString(changes)
	}
	return b.marked(m, s.String(), f.Private)
}

// needsFormComment is the one polite request to attach the form. It quotes
// nothing from the bug, so it is public, and it names no one.
func (b *Bot) needsFormComment(m Marker) bugzilla.NewComment {
	var s strings.Builder
	s.WriteString("Thanks for asking for a data review. I could not find a Data Review Request form on this bug, " +
		"so there is nothing for me to check yet.\n\n")
	s.WriteString("Please attach the completed form as a text attachment")
	if u := b.cfg.Comments.TemplateURL; u != "" {
		fmt.Fprintf(&s, " (the template is at <%s>)", u)
	}
	s.WriteString(", or paste it into a comment. I will look again when the bug changes.")
	return b.marked(m, s.String(), false)
}

// marked adds the marker twice: the footer line and the comment tag.
func (b *Bot) marked(m Marker, body string, private bool) bugzilla.NewComment {
	prefix := b.cfg.Comments.Tag
	return bugzilla.NewComment{
		Text:       strings.TrimSpace(body) + "\n\n---\n\n" + m.Footer(prefix),
		IsPrivate:  private,
		IsMarkdown: true,
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
