package bugzilla

import (
	"encoding/json"
	"html"
	"net/http"
	"regexp"
	"strings"
	"unicode/utf8"
)

// maxErrorMessage bounds the text kept from an error body, so that a proxy's
// long HTML page does not flood logs and error strings.
const maxErrorMessage = 300

// bugzillaErrorBody is the shape of every Bugzilla REST error (upstream and BMO):
// {"error":true,"code":N,"message":"...","documentation":"..."}.
type bugzillaErrorBody struct {
	Error   bool    `json:"error"`
	Code    flexInt `json:"code"`
	Message string  `json:"message"`
}

// parseErrorBody returns Bugzilla's code and message when body is a Bugzilla
// error object; ok is false for anything else (HTML, plain text, other JSON).
func parseErrorBody(body []byte) (code int, msg string, ok bool) {
	var e bugzillaErrorBody
	if err := json.Unmarshal(body, &e); err != nil || !e.Error {
		return 0, "", false
	}
	return int(e.Code), e.Message, true
}

// newAPIError turns an error answer into an *APIError. Bugzilla JSON keeps
// its code and message; any other body (BMO's HTML 429 page, a proxy's
// plain-text 414) is summarised in a line. redact removes the API key from
// whatever the server echoed.
func newAPIError(method, endpoint string, status int, header http.Header, body []byte, redact func(string) string) *APIError {
	e := &APIError{Status: status, Method: method, Endpoint: endpoint}
	if code, msg, ok := parseErrorBody(body); ok {
		e.Code = code
		e.Message = redact(truncate(msg, 4*maxErrorMessage))
		return e
	}
	e.Message = redact(describeBody(status, header.Get("Content-Type"), body))
	return e
}

// describeBody says in one line what a non-Bugzilla body holds: the status
// text, then the readable text of the page.
func describeBody(status int, contentType string, body []byte) string {
	desc := http.StatusText(status)
	if desc == "" {
		desc = "unexpected status"
	}
	if status == http.StatusRequestURITooLong {
		desc += " (the request URL is longer than the server accepts)"
	}
	text := bodyText(contentType, body)
	switch {
	case text == "":
		return desc + " (empty body)"
	case strings.HasPrefix(text, desc):
		return text
	}
	return desc + ": " + text
}

var (
	htmlComment = regexp.MustCompile(`(?s)<!--.*?-->`)
	htmlTitle   = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)
	htmlDrop    = regexp.MustCompile(`(?is)<(head|script|style)\b[^>]*>.*?</(head|script|style)>`)
	htmlHeadEnd = regexp.MustCompile(`(?i)</h[1-6]\s*>`)
	htmlTag     = regexp.MustCompile(`(?s)<[^>]*>`)
	spaces      = regexp.MustCompile(`\s+`)
)

// bodyText extracts readable text from an error body: the title and visible
// text of an HTML page, or the body itself, whitespace collapsed and cut to
// maxErrorMessage.
func bodyText(contentType string, body []byte) string {
	if !utf8.Valid(body) {
		body = []byte(strings.ToValidUTF8(string(body), "\uFFFD"))
	}
	s := string(body)
	trimmed := strings.TrimSpace(s)
	isHTML := strings.Contains(strings.ToLower(contentType), "html") || strings.HasPrefix(trimmed, "<")
	if !isHTML {
		return truncate(strings.TrimSpace(spaces.ReplaceAllString(s, " ")), maxErrorMessage)
	}
	s = htmlComment.ReplaceAllString(s, " ")
	var title string
	if m := htmlTitle.FindStringSubmatch(s); m != nil {
		title = clean(m[1])
	}
	s = htmlDrop.ReplaceAllString(s, " ")
	text := clean(s)
	switch {
	case title == "":
	case text == "":
		text = title
	case !strings.HasPrefix(text, title):
		text = title + ": " + text
	}
	return truncate(text, maxErrorMessage)
}

// clean strips tags (a heading ends with a colon), decodes entities and
// collapses whitespace.
func clean(s string) string {
	s = htmlHeadEnd.ReplaceAllString(s, ": ")
	s = htmlTag.ReplaceAllString(s, " ")
	s = html.UnescapeString(s)
	s = strings.TrimSpace(spaces.ReplaceAllString(s, " "))
	return strings.TrimSuffix(strings.ReplaceAll(s, " :", ":"), ":")
}

// truncate cuts s to at most n bytes on a rune boundary, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
