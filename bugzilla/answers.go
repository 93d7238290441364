package bugzilla

// The envelopes Bugzilla wraps its answers in. Keys the client does not use
// (faults, alias, documentation, ...) are left out.

type versionAnswer struct {
	Version string `json:"version"`
}

type validLoginAnswer struct {
	Result flexBool `json:"result"`
}

type usersAnswer struct {
	Users []User `json:"users"`
}

// bugsAnswer is the answer to a search or a read by id; a read adds
// "faults":[] and, when logged in, update_token.
type bugsAnswer struct {
	Bugs []Bug `json:"bugs"`
}

// attachmentsAnswer is the shape of every attachment read: both maps are
// present, keyed by id strings, the one not asked for empty (recordings 37, 39).
type attachmentsAnswer struct {
	Bugs        map[string][]Attachment `json:"bugs"`
	Attachments map[string]Attachment   `json:"attachments"`
}

// commentsAnswer is the shape of every comment read: comments by bug, or by
// comment id (recordings 50, 57).
type commentsAnswer struct {
	Bugs map[string]struct {
		Comments []Comment `json:"comments"`
	} `json:"bugs"`
	Comments map[string]Comment `json:"comments"`
}

// newIDAnswer is the answer to POST /rest/bug/{id}/comment: 201 {"id":N}.
type newIDAnswer struct {
	ID int `json:"id"`
}

type bugUpdateAnswer struct {
	Bugs []UpdateResult `json:"bugs"`
}

type attachmentUpdateAnswer struct {
	Attachments []UpdateResult `json:"attachments"`
}

type historyAnswer struct {
	Bugs []struct {
		ID      int            `json:"id"`
		History []HistoryEntry `json:"history"`
	} `json:"bugs"`
}
