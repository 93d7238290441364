package bot

import (
	"fmt"
	"slices"
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
	if f.Attachment != nil && f.Encoding != "" {
		fmt.Fprintf(&s, "\n\n**Attachment (1)**\n\n- `attachment-not-utf8` (attachment %d): the attachment is not UTF-8, "+
			"so I read it as %s. If any answer quoted above looks garbled, please attach the form again as plain text in UTF-8.",
			f.Attachment.ID, f.Encoding)
	}
	fmt.Fprintf(&s, "\n\n_Analysed: %s, revision `%s`. This is not a review: only a data steward sets "+
		"data-review+ or data-review-._", formPlace(f), f.Rev)
	if changes != "" {
		s.WriteString("\n\n")
		s.WriteString(changes)
	}
	return b.marked(m, s.String(), f.Private)
}

// needsFormComment is the one polite request to attach the form. It quotes
// nothing from the bug and names no one, so it is public.
//
// When a flagged attachment could not be used because of how its bytes are
// encoded, it says so, in fixed words with the attachment's number only;
// because even that tells something about the attachment, the comment is
// private when any attachment it explains is.
func (b *Bot) needsFormComment(m Marker, v *bugView) bugzilla.NewComment {
	var s strings.Builder
	s.WriteString("Thanks for asking for a data review. I could not find a Data Review Request form on this bug, " +
		"so there is nothing for me to check yet.\n\n")
	notes, private := readNotes(v)
	for _, n := range notes {
		s.WriteString(n + "\n\n")
	}
	s.WriteString("Please attach the completed form as a plain-text (UTF-8) attachment")
	if u := b.cfg.Comments.TemplateURL; u != "" {
		fmt.Fprintf(&s, " (the template is at <%s>)", u)
	}
	s.WriteString(", or paste it into a comment. I will look again when the bug changes.")
	return b.marked(m, s.String(), private)
}

// readNotes explains, for each flagged attachment without a form that the
// bot could not read as UTF-8 text, what it found, in attachment order; and
// whether any of them is private.
func readNotes(v *bugView) ([]string, bool) {
	ids := slices.Clone(v.formless)
	slices.Sort(ids)
	var notes []string
	private := false
	for _, id := range slices.Compact(ids) {
		rd, ok := v.reads[id]
		if !ok {
			continue
		}
		if a := v.attachment(id); a != nil && a.IsPrivate {
			private = true
		}
		switch {
		case rd.NotText:
			notes = append(notes, fmt.Sprintf("Attachment %d could not be read as text (binary or unknown encoding): "+
				"it is not a text attachment. I can only read a form attached as plain text (UTF-8).", id))
		case rd.Binary:
			notes = append(notes, fmt.Sprintf("Attachment %d could not be read as text (binary or unknown encoding): "+
				"its bytes are not text in UTF-8, UTF-16 or Latin-1. I can only read a form attached as plain text (UTF-8).", id))
		default:
			notes = append(notes, fmt.Sprintf("Attachment %d is not UTF-8; I read it as %s text, "+
				"but found no Data Review Request form in it.", id, rd.Encoding))
		}
	}
	return notes, private
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
