package bugzillatest

import (
	"net/url"
	"time"
)

// Dialect selects which Bugzilla the fake imitates.
type Dialect int

const (
	// Upstream is Bugzilla 5.2 as recorded in fixtures/bugzilla-5: the
	// X-BUGZILLA-API-KEY header is silently ignored, there is no
	// /rest/whoami (404, code 32614), no flag activity feed and no
	// count_only; /rest/time answers as on BMO.
	Upstream Dialect = iota
	// BMO is bugzilla.mozilla.org as described in fixtures/bmo: header
	// authentication (preferred over the query), /rest/whoami,
	// /rest/review/flag_activity, count_only, comment_tags on POST comment,
	// requests.* on /rest/user, blocked needinfo and review requests,
	// rate limits and the IP block.
	BMO
)

func (d Dialect) String() string {
	if d == BMO {
		return "bmo"
	}
	return "upstream"
}

// User is a Bugzilla account. AddUser takes one; User returns a snapshot.
type User struct {
	ID       int    // assigned by the server; AddUser ignores it
	Login    string // the email address, e.g. "bot@example.test"
	RealName string // "Data Review Bot"
	Nick     string // BMO nick; defaults to the login's local part
	APIKey   string // empty: the account cannot use an API key
	Password string // for GET /rest/login; empty: password login fails
	Groups   []string
	// BMO user settings; the Upstream dialect ignores them.
	BlockNeedinfo bool // block_needinfo: needinfo requests are refused
	BlockReviews  bool // block_reviews: review, data-review and feedback requests are refused
	// LastActivity is what BMO's User.get answers as last_activity_time
	// and last_seen_date (to a logged-in caller; null when zero). The fake
	// keeps the seeded value (SetUserActivity changes it) rather than
	// following the account's changes. Upstream 5.2 has no such field.
	LastActivity time.Time
}

// Bug is a bug to seed (AddBug) or a snapshot of one (Bug).
// Fields marked "snapshot" are ignored by AddBug.
type Bug struct {
	ID           int    // 0: the next free id
	Alias        string // optional; must not be numeric
	Summary      string // required
	Product      string // default "Firefox"
	Component    string // default "General"
	Version      string // default "unspecified"
	Status       string // default CONFIRMED (UNCONFIRMED when the creator is in neither editbugs nor canconfirm)
	Resolution   string
	Creator      string // login, required
	AssignedTo   string // default: the component's default assignee (nobody@example.test)
	CC           []string
	Groups       []string  // groups that restrict who may see the bug
	Description  string    // comment 0
	CreationTime time.Time // zero: the server clock

	LastChangeTime time.Time // snapshot
	Flags          []Flag    // snapshot: bug flags such as needinfo
	Attachments    []int     // snapshot: attachment ids, oldest first
}

// Attachment is an attachment to seed (AddAttachment) or a snapshot of one.
type Attachment struct {
	ID          int // assigned by the server
	BugID       int // required
	FileName    string
	Summary     string // required (Bugzilla calls it the description)
	ContentType string // default "text/plain"
	Data        []byte // the content, stored as bytes and served base64-encoded
	Creator     string // default: the bug's creator
	IsPrivate   bool
	IsObsolete  bool
	IsPatch     bool
	// Comment is the text Bugzilla appends to the "Created attachment N"
	// comment that every new attachment gets.
	Comment string
	// Flags to set when the attachment is created, typically
	// DataReview("steward1@example.test"). Setter defaults to Creator.
	// Snapshots list the attachment's current flags.
	Flags        []Flag
	CreationTime time.Time // zero: the server clock

	LastChangeTime time.Time // snapshot
}

// Flag is a bug or attachment flag. Seeding uses Name, Status, Requestee and
// Setter; snapshots fill in every field.
type Flag struct {
	ID               int
	Name             string // "data-review", "needinfo"
	TypeID           int
	Status           string // "?", "+" or "-"
	Setter           string
	Requestee        string // empty when the flag has none
	CreationDate     time.Time
	ModificationDate time.Time
	BugID            int
	AttachmentID     int // 0 for a bug flag
}

// DataReview is a data-review? request for requestee ("" for nobody in particular).
func DataReview(requestee string) Flag {
	return Flag{Name: "data-review", Status: "?", Requestee: requestee}
}

// Needinfo is a needinfo? request for requestee.
func Needinfo(requestee string) Flag {
	return Flag{Name: "needinfo", Status: "?", Requestee: requestee}
}

// FlagChange is one entry of the "flags" array of PUT /rest/bug/{id} and
// PUT /rest/bug/attachment/{id}, for SetBugFlags and SetAttachmentFlags.
//
// Bugzilla's rules apply, including the surprising ones: a change by Name
// (or TypeID) without New updates the single existing flag of that type
// instead of adding one, fails with code 132 when there are several, and a
// "?" without a requestee removes the current requestee.
type FlagChange struct {
	ID        int
	Name      string
	TypeID    int
	Status    string // "?", "+", "-" or "X" (delete)
	Requestee string
	New       bool

	setter string // seeding only: who set the flag
}

// Comment is a comment to seed (AddComment) or a snapshot of one.
type Comment struct {
	ID           int // assigned by the server
	BugID        int // required
	Count        int // snapshot: 0 for the description, then 1, 2, ...
	Text         string
	Creator      string    // login, required
	Time         time.Time // zero: the server clock
	IsPrivate    bool
	IsMarkdown   bool
	Tags         []string
	AttachmentID int // snapshot: set for "Created attachment N" comments
}

// FlagType describes a flag type (AddFlagType).
type FlagType struct {
	ID            int    // assigned by the server
	Name          string // "data-review"
	Description   string
	Target        string // "attachment" or "bug"
	GrantGroup    string // who may set + and -; empty: everyone
	RequestGroup  string // who may set ?; empty: everyone
	Multiplicable bool
	Requesteeble  bool     // a requestee may be named
	Products      []string // products it applies to; empty: all
}

// HistoryEntry is one change set of a bug's history, as /rest/bug/{id}/history shows it.
type HistoryEntry struct {
	When    time.Time
	Who     string
	Changes []Change
}

// Change is one field change in a HistoryEntry.
type Change struct {
	FieldName    string
	Removed      string
	Added        string
	AttachmentID int
}

// Write is a POST or PUT that the fake applied (it answered 2xx, or a fault
// dropped the answer after applying it). API keys are removed from Body.
type Write struct {
	Method   string
	Path     string         // without the query, e.g. "/rest/bug/1/comment"
	Endpoint string         // the route template, e.g. "POST /rest/bug/{id}/comment"
	Body     map[string]any // the parsed JSON body
	User     string         // the acting login
	Time     time.Time      // the fake clock when it was applied
	Status   int            // the status the handler produced
	Lost     bool           // a fault dropped the answer after the write was applied
}

// Request is one request the fake received. API keys are removed from Query.
type Request struct {
	Method   string
	Path     string
	Endpoint string // route template such as "GET /rest/bug/{id}"; "unknown" when no route matched
	Query    url.Values
	User     string // acting login, "" when anonymous
	Status   int    // the HTTP status answered; 0 when the connection was reset
	Fault    string // the injected fault that answered it, if any
	Time     time.Time
}
