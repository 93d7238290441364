package bugzilla

import "time"

// Bug is the subset of a Bugzilla bug that stewardbot reads.
// Fields a search did not include (see SearchQuery.IncludeFields) are zero.
// https://bugzilla.readthedocs.io/en/5.0/api/core/v1/bug.html#get-bug
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
// Requestee is empty when the flag has none (Bugzilla omits the key).
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
// Bugzilla sends is_private, is_obsolete and is_patch as 0 or 1; they decode to bool.
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
	// Data is the decoded content; nil when data was excluded.
	Data []byte `json:"-"`
}

// Comment is one comment on a bug.
type Comment struct {
	ID           int       `json:"id"`
	BugID        int       `json:"bug_id"`
	AttachmentID int       `json:"attachment_id,omitempty"` // 0 when none
	Count        int       `json:"count"`
	Text         string    `json:"text"`
	Creator      string    `json:"creator"`
	Time         time.Time `json:"time"`
	IsPrivate    bool      `json:"is_private"`
	Tags         []string  `json:"tags,omitempty"`
}

// User is a Bugzilla account as /rest/user, /rest/whoami or valid_login describe it.
type User struct {
	ID       int      `json:"id"`
	Name     string   `json:"name"` // the login (an email address)
	RealName string   `json:"real_name,omitempty"`
	Nick     string   `json:"nick,omitempty"`
	CanLogin bool     `json:"can_login,omitempty"`
	Groups   []string `json:"-"`
	// Requests is BMO's requests.{needinfo,review,feedback}; nil on upstream Bugzilla.
	Requests *UserRequests `json:"requests,omitempty"`
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
