package bugzilla

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Sentinels for errors.Is. *APIError matches them by Bugzilla code and HTTP
// status (see APIError.Is); the client's other error types match the rest.
var (
	ErrNotFound            = errors.New("bugzilla: not found")                 // 404 codes 101, 51, 32614 (unknown resource)
	ErrAccessDenied        = errors.New("bugzilla: access denied")             // 401 codes 102, 304, 113, 109
	ErrLoginRequired       = errors.New("bugzilla: login required")            // 401 code 410
	ErrInvalidAPIKey       = errors.New("bugzilla: invalid API key")           // 400 code 306: stop, never retry
	ErrRequestsBlocked     = errors.New("bugzilla: requestee blocks requests") // BMO 400/32000 "is not currently accepting"
	ErrNotSupported        = errors.New("bugzilla: not supported by this server")
	ErrWrongLogin          = errors.New("bugzilla: authenticated as a different login")
	ErrWriteOutcomeUnknown = errors.New("bugzilla: write outcome unknown")
	ErrTooLarge            = errors.New("bugzilla: attachment larger than the cap")
	ErrCommentTooLong      = errors.New("bugzilla: comment too long") // 400 code 114: the same text never passes
	// ErrRateLimited matches every *RateLimitError.
	ErrRateLimited = errors.New("bugzilla: rate limited")
)

// Bugzilla error codes the client gives a meaning to. Upstream's table is in
// Bugzilla/WebService/Constants.pm; the statuses are those the recordings show.
const (
	codeMissingParam     = 50    // 400: a required argument was not set
	codeNoSuchObject     = 51    // 404: unknown flag type name, flag id or user
	codeBadBugID         = 100   // 400: not a bug number nor an alias
	codeBugNotFound      = 101   // 404
	codeBugAccessDenied  = 102   // 401
	codeBugEditDenied    = 109   // 401
	codePrivateDenied    = 113   // 401: may not set is_private
	codeCommentTooLong   = 114   // 400: over MAX_COMMENT_LENGTH
	codeAttachmentDenied = 304   // 401
	codeInvalidAPIKey    = 306   // 400
	codeLoginRequired    = 410   // 401
	codeTransient        = 32000 // 400: Bugzilla's catch-all; only the message tells the cases apart
	codeUnknownResource  = 32614 // 404: no such REST resource, and also a wrong HTTP method
)

// APIError is Bugzilla's {"error":true,"code":N,"message":...} or a non-JSON
// error page (an HTML 429 page, a plain-text 414 from a proxy). The message
// never holds the API key: the client redacts it before building the error.
type APIError struct {
	Status  int    // HTTP status
	Code    int    // Bugzilla error code; 0 when the body was not Bugzilla JSON
	Message string // Bugzilla's message, or a short description of a non-JSON body

	// Method and Endpoint name the call that failed. Endpoint is a path
	// template such as "/rest/bug/{id}", never a URL.
	Method, Endpoint string
}

func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("bugzilla: ")
	if e.Method != "" {
		b.WriteString(e.Method + " " + e.Endpoint + ": ")
	}
	fmt.Fprintf(&b, "HTTP %d", e.Status)
	if e.Code != 0 {
		fmt.Fprintf(&b, ", code %d", e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	return b.String()
}

// Is maps Bugzilla's codes to the package sentinels, so that callers write
// errors.Is(err, bugzilla.ErrNotFound) rather than compare codes. A body
// that was not Bugzilla JSON (Code 0) is judged by its HTTP status alone.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrNotFound:
		switch e.Code {
		case codeBugNotFound, codeNoSuchObject, codeUnknownResource:
			return true
		}
		return e.Code == 0 && e.Status == http.StatusNotFound
	case ErrAccessDenied:
		switch e.Code {
		case codeBugAccessDenied, codeAttachmentDenied, codePrivateDenied, codeBugEditDenied:
			return true
		}
		return e.Code == 0 && e.Status == http.StatusForbidden
	case ErrLoginRequired:
		return e.Code == codeLoginRequired
	case ErrInvalidAPIKey:
		return e.Code == codeInvalidAPIKey
	case ErrRequestsBlocked:
		return isRequestsBlocked(e.Code, e.Message)
	case ErrCommentTooLong:
		return e.Code == codeCommentTooLong
	}
	return false
}

// isRequestsBlocked recognises BMO's Needinfo and Review extensions refusing
// a request: 400, code 32000, `<who> is not currently accepting "needinfo"
// requests.` or `... 'data-review' requests.`.
func isRequestsBlocked(code int, msg string) bool {
	return code == codeTransient && strings.Contains(msg, "is not currently accepting")
}

// isRateLimitMessage recognises BMO's answer to the request that crosses a
// rate limit: 400, code 32000, "You have exceeded the rate limit.". BMO
// blocks the address for an hour at the same moment.
func isRateLimitMessage(code int, msg string) bool {
	return code == codeTransient && strings.Contains(strings.ToLower(msg), "exceeded the rate limit")
}

// RateLimitError is returned on HTTP 429 (and BMO's 400/32000 "exceeded the rate limit").
// The client sends nothing more until Until; calls made before then fail fast with it,
// RetryAfter then being the time that is left. errors.Is(err, ErrRateLimited) is true.
type RateLimitError struct {
	RetryAfter time.Duration
	Until      time.Time

	Status  int    // HTTP status of the answer that set the park: 429, or 400 on BMO
	Message string // what the server said, shortened; never holds the API key
}

func (e *RateLimitError) Error() string {
	s := "bugzilla: rate limited"
	if e.Status != 0 {
		s += fmt.Sprintf(" (HTTP %d", e.Status)
		if e.Message != "" {
			s += ": " + e.Message
		}
		s += ")"
	}
	return s + fmt.Sprintf("; sending nothing until %s (%s)",
		e.Until.UTC().Format(time.RFC3339), e.RetryAfter.Round(time.Second))
}

// Is reports whether target is ErrRateLimited.
func (e *RateLimitError) Is(target error) bool { return target == ErrRateLimited }

// WriteUnknownError wraps a POST/PUT whose outcome is unknown (timeout, reset after sending).
// errors.Is(err, ErrWriteOutcomeUnknown) is true. The caller must re-read Bugzilla before retrying.
type WriteUnknownError struct {
	Method, Endpoint string // Endpoint is a path template such as "/rest/bug/{id}/comment", never a URL with a key
	Err              error
}

func (e *WriteUnknownError) Error() string {
	s := "bugzilla: " + e.Method + " " + e.Endpoint + ": write outcome unknown, re-read Bugzilla before trying again"
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause: a transport error or an *APIError from a gateway.
func (e *WriteUnknownError) Unwrap() error { return e.Err }

// Is reports whether target is ErrWriteOutcomeUnknown.
func (e *WriteUnknownError) Is(target error) bool { return target == ErrWriteOutcomeUnknown }

// TooLargeError says which attachments were returned without Data because
// their content exceeds the client's cap (WithMaxAttachmentBytes), either by
// their metadata size or because the server sent more than it announced.
// The other attachments of the same call are complete; errors.Is(err,
// ErrTooLarge) is true.
type TooLargeError struct {
	IDs []int // attachment ids, ascending
	Cap int64 // the cap in bytes
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("bugzilla: attachment(s) %v larger than the cap of %d bytes; their data was not read", e.IDs, e.Cap)
}

// Is reports whether target is ErrTooLarge.
func (e *TooLargeError) Is(target error) bool { return target == ErrTooLarge }

// transportError is a request that got no HTTP answer. net/http's *url.Error
// carries the full URL, which may hold the API key, so the client keeps only
// its cause and a redacted message.
type transportError struct {
	msg string
	err error
}

func (e *transportError) Error() string { return e.msg }
func (e *transportError) Unwrap() error { return e.err }
