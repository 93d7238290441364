package bot

import (
	"strings"

	"github.com/stewardbot/stewardbot/policy"
)

// textFormat writes the bot's comments in one of two forms. Markdown is
// for servers that render it (BMO): requester text is escaped or put in
// code spans there, so it cannot add links, headings or mentions. Plain
// text is for servers that show comments as preformatted text (upstream
// Bugzilla 5.x ignores is_markdown): there an escape would show as a
// backslash, and `weather\.location\_latlon` or `trust\@example\.test`
// would not survive copy and paste, so identifiers and addresses are
// written as they are, cleaned of control and invisible characters only.
type textFormat struct{ markdown bool }

// commentFormat is the format of the bot's comments: comments.format, or
// for auto, markdown on BMO (the server renders it) and plain text
// elsewhere, also before the bot knows which server it talks to.
func (mk *marks) commentFormat() textFormat {
	switch mk.comments.Format {
	case FormatMarkdown:
		return textFormat{markdown: true}
	case FormatText:
		return textFormat{}
	}
	return textFormat{markdown: mk.sess.bmo()}
}

// code quotes an identifier or other requester text inertly, at most max
// characters: a code span in markdown, the text itself in plain text.
func (f textFormat) code(s string, max int) string {
	if f.markdown {
		return policy.CodeText(s, max)
	}
	return policy.PlainText(s, max)
}

// name is a measurement or finding name, as code; "(unnamed)" when empty.
func (f textFormat) name(s string) string {
	if f.markdown {
		return codeSpan(s)
	}
	if t := policy.PlainText(s, 100); t != "" {
		return t
	}
	return "(unnamed)"
}

// inline quotes requester text (or a login) in running text: escaped in
// markdown, cleaned in plain text.
func (f textFormat) inline(s string, max int) string {
	if f.markdown {
		return policy.InlineText(s, max)
	}
	return policy.PlainText(s, max)
}

// strong marks a title or a date to be seen.
func (f textFormat) strong(s string) string {
	if f.markdown {
		return "**" + s + "**"
	}
	return s
}

// em marks the bot's closing remarks.
func (f textFormat) em(s string) string {
	if f.markdown {
		return "_" + s + "_"
	}
	return s
}

// heading heads a section.
func (f textFormat) heading(s string) string {
	if f.markdown {
		return "### " + s
	}
	return s
}

// link writes a URL of the configuration.
func (f textFormat) link(u string) string {
	if f.markdown {
		return "<" + u + ">"
	}
	return u
}

// own is a text of the bot's own that marks commands as `code`: as it is
// in markdown, without the backticks in plain text. Never requester text.
func (f textFormat) own(s string) string {
	if f.markdown {
		return s
	}
	return strings.ReplaceAll(s, "`", "")
}
