package bugzilla

import (
	"context"
	"errors"
	"fmt"
	"net/http"
)

// FlagChange sets, changes or clears one flag. Use ID for an existing flag;
// Name (or TypeID) plus New=true to add one. A "?" change carries its
// requestee every time (see Requestee): omitted, it is cleared.
//
// Beware: by Name without New, Bugzilla updates the existing flag of that
// type when there is exactly one, even for multiplicable types: it
// re-targets a needinfo to the new requestee (recording 69) and turns a
// denied data-review back into "?" (93). With two or more it fails with code
// 132 (72). Status "X" deletes the flag.
type FlagChange struct {
	ID     int    `json:"id,omitempty"`
	Name   string `json:"name,omitempty"`
	TypeID int    `json:"type_id,omitempty"`
	Status string `json:"status"`

	// Requestee is who a "?" flag asks. Real Bugzilla does not keep the
	// requestee of a "?" flag that a change omits: it clears it (Flag's
	// update takes the change as the whole new state; the fake does the
	// same), so a caller that changes anything about a "?" flag it wants to
	// stay addressed re-sends the requestee, even when it is not changing.
	// nil omits the key (clearing it on a "?"), "" clears it explicitly.
	// Only a "?" has a requestee: "+", "-" and "X" clear it either way.
	Requestee *string `json:"requestee,omitempty"`
	New       bool    `json:"new,omitempty"`
}

func (f FlagChange) validate() error {
	switch f.Status {
	case "?", "+", "-", "X":
	default:
		return fmt.Errorf("bugzilla: flag change: status must be ?, +, - or X, got %q", f.Status)
	}
	if f.ID == 0 && f.Name == "" && f.TypeID == 0 {
		return errors.New("bugzilla: flag change: name an existing flag by ID or a type by Name or TypeID")
	}
	if f.New && f.ID != 0 {
		return errors.New("bugzilla: flag change: New adds a flag; it cannot have an ID")
	}
	if f.Requestee != nil && *f.Requestee != "" && f.Status != "?" {
		return fmt.Errorf("bugzilla: flag change: only a ? flag has a requestee, status is %q", f.Status)
	}
	return nil
}

func validateFlags(flags []FlagChange) error {
	for _, f := range flags {
		if err := f.validate(); err != nil {
			return err
		}
	}
	return nil
}

// BugUpdate is PUT /rest/bug/{id}: an optional comment plus flag changes.
// The comment may be private or markdown; Tags are not accepted here (they
// would be dropped upstream): post a tagged comment with AddComment.
type BugUpdate struct {
	Comment *NewComment
	Flags   []FlagChange
}

// UpdateBug changes a bug's flags (needinfo) and adds a comment in one
// transaction, so that a needinfo never appears without its explanation.
// A requestee is added to the bug's CC by Bugzilla. BMO refuses a requestee
// who blocks needinfo requests: the error matches ErrRequestsBlocked and
// nothing is changed.
//
// Never retried: an unknown outcome gives a *WriteUnknownError.
//
// https://bugzilla.readthedocs.io/en/latest/api/core/v1/bug.html#update-bug
func (c *Client) UpdateBug(ctx context.Context, bugID int, u BugUpdate) (*UpdateResult, error) {
	if bugID <= 0 {
		return nil, fmt.Errorf("bugzilla: update bug: bad bug id %d", bugID)
	}
	if u.Comment == nil && len(u.Flags) == 0 {
		return nil, errors.New("bugzilla: update bug: nothing to update")
	}
	if err := validateFlags(u.Flags); err != nil {
		return nil, err
	}
	type commentBody struct {
		Body       string `json:"body"`
		IsPrivate  bool   `json:"is_private"`
		IsMarkdown bool   `json:"is_markdown,omitempty"`
	}
	body := struct {
		Comment *commentBody `json:"comment,omitempty"`
		Flags   []FlagChange `json:"flags,omitempty"`
	}{Flags: u.Flags}
	if nc := u.Comment; nc != nil {
		if err := nc.validate(); err != nil {
			return nil, err
		}
		if len(nc.Tags) > 0 {
			return nil, errors.New("bugzilla: update bug: comment tags are not supported here; use AddComment")
		}
		body.Comment = &commentBody{Body: nc.Text, IsPrivate: nc.IsPrivate, IsMarkdown: nc.IsMarkdown}
	}
	var r bugUpdateAnswer
	cl := call{method: http.MethodPut, endpoint: "/rest/bug/{id}", path: fmt.Sprintf("/rest/bug/%d", bugID), body: body}
	if _, err := c.do(ctx, cl, &r); err != nil {
		return nil, err
	}
	return pickResult(cl, r.Bugs, bugID)
}

// AttachmentUpdate is PUT /rest/bug/attachment/{id}.
// Bugzilla takes the comment of an attachment update as plain text whose
// privacy is the attachment's own (Bug.update_attachment adds it with
// isprivate => the attachment's isprivate): it cannot be asked to be
// private, markdown or tagged, and UpdateAttachment refuses a Comment that
// asks for any of these rather than post it differently.
type AttachmentUpdate struct {
	Comment *NewComment
	Flags   []FlagChange
}

// UpdateAttachment changes an attachment's flags (data-review status and
// requestee) with an optional comment, in one transaction; the comment is
// private when the attachment is. Changing
// only the requestee of a "?" flag keeps its id, creation date and setter.
// BMO refuses a requestee who blocks review requests (ErrRequestsBlocked).
//
// Never retried: an unknown outcome gives a *WriteUnknownError.
//
// https://bugzilla.readthedocs.io/en/latest/api/core/v1/attachment.html#update-attachment
func (c *Client) UpdateAttachment(ctx context.Context, attachmentID int, u AttachmentUpdate) (*UpdateResult, error) {
	if attachmentID <= 0 {
		return nil, fmt.Errorf("bugzilla: update attachment: bad attachment id %d", attachmentID)
	}
	if u.Comment == nil && len(u.Flags) == 0 {
		return nil, errors.New("bugzilla: update attachment: nothing to update")
	}
	if err := validateFlags(u.Flags); err != nil {
		return nil, err
	}
	body := struct {
		Comment string       `json:"comment,omitempty"`
		Flags   []FlagChange `json:"flags,omitempty"`
	}{Flags: u.Flags}
	if nc := u.Comment; nc != nil {
		if err := nc.validate(); err != nil {
			return nil, err
		}
		if nc.IsPrivate || nc.IsMarkdown || len(nc.Tags) > 0 {
			// Attachment.update's is_private is the attachment's own privacy;
			// sending it would change the attachment, not the comment.
			return nil, errors.New("bugzilla: update attachment: the comment of an attachment update is public plain text; " +
				"post a private, markdown or tagged comment with AddComment or UpdateBug")
		}
		body.Comment = nc.Text
	}
	var r attachmentUpdateAnswer
	cl := call{method: http.MethodPut, endpoint: "/rest/bug/attachment/{id}",
		path: fmt.Sprintf("/rest/bug/attachment/%d", attachmentID), body: body}
	if _, err := c.do(ctx, cl, &r); err != nil {
		return nil, err
	}
	return pickResult(cl, r.Attachments, attachmentID)
}

// pickResult finds id's entry in an update answer. An answer without it
// means the write happened but its effect is unknown.
func pickResult(cl call, results []UpdateResult, id int) (*UpdateResult, error) {
	for i := range results {
		if results[i].ID == id {
			r := results[i]
			if r.Changes == nil {
				r.Changes = map[string]FieldChange{}
			}
			return &r, nil
		}
	}
	return nil, &WriteUnknownError{Method: cl.method, Endpoint: cl.endpoint,
		Err: fmt.Errorf("the answer does not mention id %d", id)}
}
