package policy

// Exported forms of the quoting helpers in render_quote.go, for the bot's
// own comments (escalation notices, command answers): requester text goes
// into a Bugzilla comment only through these or through the renderers.

// InlineText returns s as one line of inert markdown: cut to max runes,
// control and invisible characters removed, every character that could
// start a link, a mention, emphasis or HTML escaped.
func InlineText(s string, max int) string { return escapeInline(cleanText(s, max)) }

// PlainText returns s as one line of printable text, for output that is
// not markdown (a CSV cell, a terminal): cut to max runes with "…",
// control and invisible (bidirectional, zero-width) characters removed,
// runs of white space made one space.
func PlainText(s string, max int) string { return cleanText(s, max) }

// CodeText returns s as one line in a markdown code span, where nothing is
// interpreted; "(empty)" for nothing. Not for table cells.
func CodeText(s string, max int) string { return codeSpan(cleanText(s, max)) }
