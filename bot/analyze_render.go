package bot

import (
	"fmt"
	"slices"
	"strings"

	"github.com/stewardbot/stewardbot/bugzilla"
	"github.com/stewardbot/stewardbot/policy"
)

// analysisComment is the marked comment for one form revision: policy's
// rendering of the analysis with, before its draft review (the long part,
// last), the bot's note on the form read and what changed since the form it
// replaced; then the footer marker. Its privacy follows ab (the bug, the
// form, the command that asked for it).
func (mk *marks) analysisComment(m Marker, f *foundForm, a *policy.Analysis, changes string, ab about) bugzilla.NewComment {
	ft := mk.commentFormat()
	var s strings.Builder
	if f.Attachment != nil && f.Encoding != "" {
		fmt.Fprintf(&s, "%s\n\n- %s (attachment %d): the attachment is not UTF-8, "+
			"so I read it as %s. If any answer quoted in this comment looks garbled, please attach the form again as plain text in UTF-8.",
			ft.strong("Attachment (1)"), ft.name(findingNotUTF8), f.Attachment.ID, f.Encoding)
	}
	s.WriteString("\n\n" + ft.em(fmt.Sprintf("Analysed: %s, revision %s. This is not a review: only a data steward sets "+
		"data-review+ or data-review-.", formPlace(f), ft.name(f.Rev))))
	if changes != "" {
		s.WriteString("\n\n")
		s.WriteString(changes)
	}
	return mk.marked(m, strings.TrimSpace(renderAnalysis(a, ft.markdown, strings.TrimSpace(s.String()))), ab)
}

// needsFormComment is the one polite request to attach the form. It quotes
// nothing from the bug's text and names no one; it is private when the bug
// is in a group.
//
// When a flagged attachment could not be used because it is binary or not
// text in an encoding the bot reads, it says so and why, naming the
// attachment by number, file name and content type. Those two are the
// requester's words: they are quoted inertly (policy.CodeText), and
// because they tell something about the attachment, the comment is private
// when any attachment it explains is.
func (mk *marks) needsFormComment(m Marker, v *bugView, ab about) bugzilla.NewComment {
	ft := mk.commentFormat()
	var s strings.Builder
	s.WriteString("Thanks for asking for a data review. I could not find a Data Review Request form on this bug, " +
		"so there is nothing for me to check yet.\n\n")
	notes, named := readNotes(v, ft)
	ab.attachments = append(ab.attachments, named...)
	if len(notes) > 0 {
		s.WriteString(ft.strong(fmt.Sprintf("Attachments (%d)", len(notes))) + "\n\n")
		for _, n := range notes {
			s.WriteString("- " + n + "\n")
		}
		s.WriteString("\n")
	}
	s.WriteString("Please attach the completed form as a plain-text (UTF-8) attachment")
	if u := mk.comments.TemplateURL; u != "" {
		fmt.Fprintf(&s, " (the template is at %s)", ft.link(u))
	}
	s.WriteString(", or paste it into a comment. I will look again when the bug changes.")
	return mk.marked(m, s.String(), ab)
}

// The findings of readNotes, as they appear in the comment and in the logs
// (field "finding").
const (
	findingNotText         = "attachment-not-text"         // content type not text/*: not downloaded
	findingBinary          = "attachment-binary"           // labelled text, but binary bytes
	findingUnknownEncoding = "attachment-unknown-encoding" // no encoding the bot reads fits
	findingNotUTF8         = "attachment-not-utf8"         // read in another encoding; no form in it
)

// finding names what the bot found of an attachment it could not use.
func (rd attachmentRead) finding() string {
	switch {
	case rd.NotText:
		return findingNotText
	case rd.Binary && rd.Undecodable:
		return findingUnknownEncoding
	case rd.Binary:
		return findingBinary
	}
	return findingNotUTF8
}

// maxQuotedName bounds a quoted file name or content type, in runes.
const maxQuotedName = 80

// readNotes explains, for each flagged attachment without a form that the
// bot could not read as UTF-8 text, what it found and why it is no use, in
// attachment order; and which attachments the notes name (for privacy).
func readNotes(v *bugView, ft textFormat) ([]string, []bugzilla.Attachment) {
	ids := slices.Clone(v.formless)
	slices.Sort(ids)
	var notes []string
	var named []bugzilla.Attachment
	for _, id := range slices.Compact(ids) {
		rd, ok := v.reads[id]
		if !ok {
			continue
		}
		what := fmt.Sprintf("attachment %d", id)
		if a := v.attachment(id); a != nil {
			named = append(named, *a)
			what = fmt.Sprintf("attachment %d, %s, %s", id,
				ft.code(a.FileName, maxQuotedName), ft.code(a.ContentType, maxQuotedName))
		}
		var why string
		switch rd.finding() {
		case findingNotText:
			why = "this is a binary file, and I read forms as plain text, markdown or HTML only, so I did not open it."
		case findingBinary:
			why = "it is labelled as text, but its bytes are binary"
			if rd.LooksLike != "" {
				why += fmt.Sprintf(" (they look like %s)", ft.code(rd.LooksLike, maxQuotedName))
			}
			why += ": I read forms as plain text, markdown or HTML only."
		case findingUnknownEncoding:
			why = "its bytes are not valid text in any encoding I know (UTF-8, UTF-16 with a byte order mark, " +
				"Windows-1252 or Latin-1)."
		default:
			why = fmt.Sprintf("it is not UTF-8; I read it as %s text, but found no Data Review Request form in it.", rd.Encoding)
		}
		notes = append(notes, fmt.Sprintf("%s (%s): %s", ft.name(rd.finding()), what, why))
	}
	return notes, named
}
