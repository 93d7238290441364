package bugzilla

// CONTRACT STUB: the public surface of the client, agreed so that bot/ can be
// written in parallel. The client implementer replaces this file with the real
// implementation (split into files by idea) and may ADD to this surface, but
// must not rename or remove anything here without telling the team lead.

import (
	"context"
	"errors"
	"iter"
	"net/http"
	"time"

	"github.com/rs/zerolog"
)

var errUnimplemented = errors.New("bugzilla: unimplemented")

// Sentinels for errors.Is. *APIError matches them by Bugzilla code/HTTP status.
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
)

// APIError is Bugzilla's {"error":true,"code":N,"message":...} or a non-JSON error page.
type APIError struct {
	Status  int    // HTTP status
	Code    int    // Bugzilla error code; 0 when the body was not Bugzilla JSON
	Message string // Bugzilla's message, or a short description of a non-JSON body
}

func (e *APIError) Error() string { return "bugzilla: " + e.Message }

// RateLimitError is returned on HTTP 429 (and BMO's 400/32000 "exceeded the rate limit").
// The client sends nothing more until Until; calls made before then fail fast with it.
type RateLimitError struct {
	RetryAfter time.Duration
	Until      time.Time
}

func (e *RateLimitError) Error() string { return "bugzilla: rate limited" }

// WriteUnknownError wraps a POST/PUT whose outcome is unknown (timeout, reset after sending).
// errors.Is(err, ErrWriteOutcomeUnknown) is true. The caller must re-read Bugzilla before retrying.
type WriteUnknownError struct {
	Method, Endpoint string // Endpoint is a path template such as "/rest/bug/{id}/comment", never a URL with a key
	Err              error
}

func (e *WriteUnknownError) Error() string { return "bugzilla: write outcome unknown" }
func (e *WriteUnknownError) Unwrap() error { return e.Err }

// KeyPlacement says where the API key travels.
type KeyPlacement int

const (
	KeyAuto   KeyPlacement = iota // decided by Authenticate: header on servers that honour it, else query/body
	KeyHeader                     // X-BUGZILLA-API-KEY (BMO)
	KeyQuery                      // Bugzilla_api_key in the query for GET, api_key in the JSON body for writes
)

// Client talks to one Bugzilla server. Safe for concurrent use.
type Client struct{}

// Option configures a Client.
type Option func(*Client)

func WithAPIKey(key string) Option                               { return nil }
func WithLogin(login string) Option                              { return nil } // the login Authenticate must find
func WithUserAgent(version, contact string) Option               { return nil } // "stewardbot/VERSION (+contact)"
func WithLogger(l zerolog.Logger) Option                         { return nil }
func WithTimeout(d time.Duration) Option                         { return nil } // per request attempt
func WithHTTPClient(hc *http.Client) Option                      { return nil } // base transport (tests)
func WithKeyPlacement(p KeyPlacement) Option                     { return nil }
func WithRateLimitPark(d time.Duration) Option                   { return nil } // 429 without Retry-After; default 60m
func WithRetries(max int, minWait, maxWait time.Duration) Option { return nil }
func WithMaxAttachmentBytes(n int64) Option                      { return nil } // default 1 MiB
func WithClock(now func() time.Time) Option                      { return nil } // for the rate-limit park

func NewClient(baseURL string, opts ...Option) (*Client, error) { return nil, errUnimplemented }

// Identity is who the server says the key belongs to, and how the key travels.
type Identity struct {
	Login     string
	Placement KeyPlacement
	BMO       bool // server has BMO extensions (whoami, flag activity, header auth)
}

// Authenticate picks the key placement (when KeyAuto) and checks the key
// belongs to the configured login. ErrInvalidAPIKey and ErrWrongLogin are final.
func (c *Client) Authenticate(ctx context.Context) (*Identity, error) { return nil, errUnimplemented }

func (c *Client) Version(ctx context.Context) (string, error) { return "", errUnimplemented }
func (c *Client) Time(ctx context.Context) (time.Time, error) { return time.Time{}, errUnimplemented }
func (c *Client) WhoAmI(ctx context.Context) (*User, error)   { return nil, errUnimplemented }
func (c *Client) ValidLogin(ctx context.Context, login string) (bool, error) {
	return false, errUnimplemented
}
func (c *Client) Users(ctx context.Context, logins []string) ([]User, error) {
	return nil, errUnimplemented
}
func (c *Client) Bugs(ctx context.Context, ids []int, fields ...string) ([]Bug, error) {
	return nil, errUnimplemented
}

// Criterion is one fN/oN/vN triple of an advanced search.
type Criterion struct{ Field, Op, Value string }

// SearchQuery is GET /rest/bug. Limit 0 means the server default; the iterator pages by Limit.
type SearchQuery struct {
	Criteria       []Criterion
	LastChangeTime time.Time // last_change_time=<ISO>, zero to omit
	IncludeFields  []string
	Limit, Offset  int
	Order          string
}

func (c *Client) SearchBugsPage(ctx context.Context, q SearchQuery) ([]Bug, error) {
	return nil, errUnimplemented
}

// SearchBugs pages through all results, stopping on a short page.
func (c *Client) SearchBugs(ctx context.Context, q SearchQuery) iter.Seq2[Bug, error] { return nil }

// FlagActivityQuery is BMO's /rest/review/flag_activity?type_name=...; After is a date (inclusive).
type FlagActivityQuery struct {
	TypeName string
	After    time.Time
	Limit    int
}

// FlagActivity returns ErrNotSupported when the server lacks the feed.
func (c *Client) FlagActivity(ctx context.Context, q FlagActivityQuery) ([]FlagActivity, error) {
	return nil, errUnimplemented
}

// AttachmentOptions: WithData downloads content (size-capped; ErrTooLarge for an attachment over the cap).
type AttachmentOptions struct {
	WithData      bool
	IncludeFields []string
}

// Attachments lists the attachments of several bugs, batched under the URL limit.
func (c *Client) Attachments(ctx context.Context, bugIDs []int, o AttachmentOptions) (map[int][]Attachment, error) {
	return nil, errUnimplemented
}

// AttachmentsByID fetches attachments by id; unknown ids are simply absent.
func (c *Client) AttachmentsByID(ctx context.Context, ids []int, o AttachmentOptions) (map[int]Attachment, error) {
	return nil, errUnimplemented
}

// Comments lists a bug's comments, only those at or after newSince when it is not zero.
func (c *Client) Comments(ctx context.Context, bugID int, newSince time.Time) ([]Comment, error) {
	return nil, errUnimplemented
}

// NewComment is POST /rest/bug/{id}/comment. Tags go as comment_tags (BMO applies them atomically).
type NewComment struct {
	Text       string
	IsPrivate  bool
	IsMarkdown bool
	Tags       []string
}

func (c *Client) AddComment(ctx context.Context, bugID int, nc NewComment) (int, error) {
	return 0, errUnimplemented
}

// AddCommentTags is PUT /rest/bug/comment/{id}/tags (upstream's way to tag).
func (c *Client) AddCommentTags(ctx context.Context, commentID int, add, remove []string) ([]string, error) {
	return nil, errUnimplemented
}

// FlagChange sets, changes or clears one flag. Use ID for an existing flag;
// Name (or TypeID) plus New=true to add one. Requestee nil leaves it; "" removes it.
type FlagChange struct {
	ID        int     `json:"id,omitempty"`
	Name      string  `json:"name,omitempty"`
	TypeID    int     `json:"type_id,omitempty"`
	Status    string  `json:"status"`
	Requestee *string `json:"requestee,omitempty"`
	New       bool    `json:"new,omitempty"`
}

// BugUpdate is PUT /rest/bug/{id}: an optional comment plus flag changes.
type BugUpdate struct {
	Comment *NewComment
	Flags   []FlagChange
}

func (c *Client) UpdateBug(ctx context.Context, bugID int, u BugUpdate) (*UpdateResult, error) {
	return nil, errUnimplemented
}

// AttachmentUpdate is PUT /rest/bug/attachment/{id}.
type AttachmentUpdate struct {
	Comment *NewComment
	Flags   []FlagChange
}

func (c *Client) UpdateAttachment(ctx context.Context, attachmentID int, u AttachmentUpdate) (*UpdateResult, error) {
	return nil, errUnimplemented
}

func (c *Client) History(ctx context.Context, bugID int, newSince time.Time) ([]HistoryEntry, error) {
	return nil, errUnimplemented
}
