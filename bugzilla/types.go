package bugzilla

import "time"

// Bug is the subset of a Bugzilla bug that stewardbot reads.
// Fields a search did not include (see SearchQuery.IncludeFields) are zero.
// https://bugzilla.readthedocs.io/en/latest/api/core/v1/bug.html#get-bug
type Bug struct {
	ID             int       `json:"id"`
	Summary        string    `json:"summary,omitempty"`
	Product        string    `json:"product,omitempty"`
	Component      string    `json:"component,omitempty"`
	Status         string    `json:"status,omitempty"`
	Resolution     string    `json:"resolution,omitempty"`
	Creator        string    `json:"creator,omitempty"`
	AssignedTo     string    `json:"assigned_to,omitempty"`
	Groups         []string  `json:"groups,omitempty"`
	CC             []string  `json:"cc,omitempty"`
	Flags          []Flag    `json:"flags,omitempty"` // bug flags only (needinfo); attachment flags live on Attachment
	CreationTime   time.Time `json:"creation_time"`
	LastChangeTime time.Time `json:"last_change_time"`
}

// Flag is a bug or attachment flag such as needinfo? or data-review?.
// Requestee is empty when the flag has none (Bugzilla omits the key rather
// than sending null, for "?" without a requestee and for "+" and "-").
// Setter is the user who last set the status: changing only the requestee
// of a "?" flag keeps the original setter.
type Flag struct {
	ID               int       `json:"id"`
	Name             string    `json:"name"`
	TypeID           int       `json:"type_id"`
	Status           string    `json:"status"` // "?", "+", "-"
	Setter           string    `json:"setter"`
	Requestee        string    `json:"requestee,omitempty"`
	CreationDate     time.Time `json:"creation_date"`
	ModificationDate time.Time `json:"modification_date"`
}

// Attachment is an attachment's metadata and, when requested, its content.
// Bugzilla sends is_private, is_obsolete and is_patch as 0 or 1; they decode
// to bool (see Attachment.UnmarshalJSON). Size is the content length in
// bytes as the server reports it.
// https://bugzilla.readthedocs.io/en/latest/api/core/v1/attachment.html#get-attachment
type Attachment struct {
	ID             int       `json:"id"`
	BugID          int       `json:"bug_id"`
	FileName       string    `json:"file_name"`
	Summary        string    `json:"summary"`
	ContentType    string    `json:"content_type"`
	Size           int64     `json:"size"`
	Creator        string    `json:"creator"`
	IsPrivate      bool      `json:"is_private"`
	IsObsolete     bool      `json:"is_obsolete"`
	IsPatch        bool      `json:"is_patch"`
	CreationTime   time.Time `json:"creation_time"`
	LastChangeTime time.Time `json:"last_change_time"`
	Flags          []Flag    `json:"flags"`
	// Data is the base64-decoded content; nil when data was not fetched
	// (metadata only, or over the size cap: see TooLargeError).
	Data []byte `json:"-"`
}

// Comment is one comment on a bug. Time and CreationTime are equal on every
// server seen; both are kept so that nothing the server says is lost.
// https://bugzilla.readthedocs.io/en/latest/api/core/v1/comment.html#get-comments
type Comment struct {
	ID           int       `json:"id"`
	BugID        int       `json:"bug_id"`
	AttachmentID int       `json:"attachment_id,omitempty"` // 0 when none
	Count        int       `json:"count"`
	Text         string    `json:"text"`
	Creator      string    `json:"creator"`
	Time         time.Time `json:"time"`
	CreationTime time.Time `json:"creation_time"`
	IsPrivate    bool      `json:"is_private"`
	Tags         []string  `json:"tags,omitempty"`
}

// User is a Bugzilla account as /rest/user or BMO's /rest/whoami describe it.
// Groups holds group names: /rest/whoami sends names, /rest/user sends
// objects (and only the caller's own groups); both decode to names.
// https://bugzilla.readthedocs.io/en/latest/api/core/v1/user.html#get-user
type User struct {
	ID       int      `json:"id"`
	Name     string   `json:"name"` // the login (an email address)
	Email    string   `json:"email,omitempty"`
	RealName string   `json:"real_name,omitempty"`
	Nick     string   `json:"nick,omitempty"`
	CanLogin bool     `json:"can_login,omitempty"`
	Groups   []string `json:"-"`
	// Requests is BMO's requests.{needinfo,review,feedback}; nil on upstream Bugzilla.
	Requests *UserRequests `json:"requests,omitempty"`
	// LastActivity is BMO's last_activity_time: when the account last
	// changed a bug (BMO bug 1787966). Zero when the server did not say:
	// upstream Bugzilla 5.2 has no such field, BMO sends it only to a
	// logged-in caller and sends null for an account that never acted.
	// Zero means unknown, never inactive.
	LastActivity time.Time `json:"-"`
}

// UserRequests says whether a BMO user accepts needinfo and review requests.
type UserRequests struct {
	Needinfo RequestState `json:"needinfo"`
	Review   RequestState `json:"review"`
	Feedback RequestState `json:"feedback"`
}

// RequestState is one kind of request a user may block.
type RequestState struct {
	Blocked bool `json:"blocked"`
	Pending int  `json:"pending"`
}

// HistoryEntry is one change set from /rest/bug/{id}/history.
// https://bugzilla.readthedocs.io/en/latest/api/core/v1/bug.html#bug-history
type HistoryEntry struct {
	When    time.Time `json:"when"`
	Who     string    `json:"who"`
	Changes []Change  `json:"changes"`
}

// Change is one field change; AttachmentID is set for attachment fields and flags.
type Change struct {
	FieldName    string `json:"field_name"`
	Removed      string `json:"removed"`
	Added        string `json:"added"`
	AttachmentID int    `json:"attachment_id,omitempty"`
}

// FlagActivity is one row of BMO's flag activity feed (/rest/review/flag_activity).
// BMO sends setter and requestee as user objects, the flag type as a nested
// "type" object and creation_time as "YYYY-MM-DD HH:MM:SS" (taken as UTC);
// FlagActivity.UnmarshalJSON flattens them into the fields below.
// AttachmentID is 0 for a bug flag.
// https://bmo.readthedocs.io/en/latest/api/core/v1/flag-activity.html
type FlagActivity struct {
	ID           int       `json:"id"`
	FlagID       int       `json:"flag_id"`
	CreationTime time.Time `json:"creation_time"`
	TypeID       int       `json:"type_id"`
	TypeName     string    `json:"type_name"`
	Status       string    `json:"status"` // "?", "+", "-", or "X" when the flag was removed
	Setter       string    `json:"setter"`
	Requestee    string    `json:"requestee,omitempty"`
	BugID        int       `json:"bug_id"`
	AttachmentID int       `json:"attachment_id,omitempty"`
}

// UpdateResult is what PUT /rest/bug/{id} and PUT /rest/bug/attachment/{id} answer.
// Flag changes appear under Changes["flagtypes.name"], for example
// {Added: "needinfo?(dev1@example.test)"}; several flags are joined by ", ".
// Changes is empty (not nil) when the update changed nothing.
type UpdateResult struct {
	ID             int                    `json:"id"`
	LastChangeTime time.Time              `json:"last_change_time"`
	Changes        map[string]FieldChange `json:"changes"`
}

// FieldChange is one entry of UpdateResult.Changes.
type FieldChange struct {
	Added   string `json:"added"`
	Removed string `json:"removed"`
}
