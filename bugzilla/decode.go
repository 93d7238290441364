package bugzilla

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// flexBool decodes the booleans Bugzilla sends in several spellings:
// JSON true/false, the integers 0 and 1 (attachments) and the strings "0"
// and "1" (attachment update changes).
type flexBool bool

func (b *flexBool) UnmarshalJSON(data []byte) error {
	switch string(bytes.TrimSpace(data)) {
	case "true", "1", `"1"`, `"true"`:
		*b = true
	case "false", "0", `"0"`, `"false"`, "null", `""`:
		*b = false
	default:
		return fmt.Errorf("bugzilla: cannot decode %.40q as a boolean", data)
	}
	return nil
}

// flexInt decodes an integer sent as a JSON number or as a numeric string
// (BMO's whoami documentation shows "id":"1234"; its code sends a number).
// null decodes to 0.
type flexInt int

func (n *flexInt) UnmarshalJSON(data []byte) error {
	s := string(bytes.TrimSpace(data))
	if s == "null" {
		*n = 0
		return nil
	}
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("bugzilla: cannot decode %.40q as an integer", data)
	}
	*n = flexInt(v)
	return nil
}

// Time layouts Bugzilla uses. The REST API sends ISO 8601 in UTC with a Z;
// BMO's flag activity feed sends the raw database value with a space; BMO's
// webhooks drop the Z.
const (
	layoutISO     = "2006-01-02T15:04:05Z07:00"
	layoutDB      = "2006-01-02 15:04:05"
	layoutISONoTZ = "2006-01-02T15:04:05"
)

// parseTime reads a Bugzilla timestamp. Values without a zone are UTC, the
// zone Bugzilla's servers (BMO included) keep their clocks in.
func parseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{layoutDB, layoutISONoTZ} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("bugzilla: cannot parse time %.40q", s)
}

// flexTime is a time.Time that accepts every layout parseTime knows, and null.
type flexTime time.Time

func (t *flexTime) UnmarshalJSON(data []byte) error {
	if string(bytes.TrimSpace(data)) == "null" {
		*t = flexTime{}
		return nil
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("bugzilla: cannot decode %.40q as a time", data)
	}
	if s == "" {
		*t = flexTime{}
		return nil
	}
	v, err := parseTime(s)
	if err != nil {
		return err
	}
	*t = flexTime(v)
	return nil
}

// formatTime writes a time the way Bugzilla's REST API reads it in
// last_change_time and new_since: ISO 8601, UTC, to the second.
func formatTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// UnmarshalJSON decodes an attachment as Bugzilla sends it: is_private,
// is_obsolete and is_patch as 0 or 1, and data as base64. encoding/json
// decodes the base64 into Data from the answer's bytes (when the JSON
// escapes some of it, "\/" or a wrapped line, from one unescaped copy):
// decoded through a string first, each attachment's text was held once
// more as base64, a third larger than the data, and made more garbage.
func (a *Attachment) UnmarshalJSON(data []byte) error {
	type plain Attachment
	var w struct {
		*plain
		IsPrivate  flexBool `json:"is_private"`
		IsObsolete flexBool `json:"is_obsolete"`
		IsPatch    flexBool `json:"is_patch"`
		Data       []byte   `json:"data"` // null or absent: nil; "": empty, not nil
	}
	w.plain = (*plain)(a)
	if err := json.Unmarshal(data, &w); err != nil {
		var bad base64.CorruptInputError
		if errors.As(err, &bad) {
			return fmt.Errorf("bugzilla: attachment %d: data is not valid base64: %w", a.ID, err)
		}
		return err
	}
	a.IsPrivate, a.IsObsolete, a.IsPatch = bool(w.IsPrivate), bool(w.IsObsolete), bool(w.IsPatch)
	a.Data = w.Data
	return nil
}

// UnmarshalJSON decodes a comment; attachment_id null decodes to 0 and
// is_private accepts 0/1 as well as booleans.
func (c *Comment) UnmarshalJSON(data []byte) error {
	type plain Comment
	var w struct {
		*plain
		AttachmentID flexInt  `json:"attachment_id"`
		IsPrivate    flexBool `json:"is_private"`
	}
	w.plain = (*plain)(c)
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	c.AttachmentID, c.IsPrivate = int(w.AttachmentID), bool(w.IsPrivate)
	return nil
}

// UnmarshalJSON decodes a user from /rest/user (groups as objects) or BMO's
// /rest/whoami (groups as names, id possibly a string), with BMO's
// last_activity_time when it is there.
func (u *User) UnmarshalJSON(data []byte) error {
	type plain User
	var w struct {
		*plain
		ID           flexInt           `json:"id"`
		CanLogin     flexBool          `json:"can_login"`
		Groups       []json.RawMessage `json:"groups"`
		LastActivity flexTime          `json:"last_activity_time"`
	}
	w.plain = (*plain)(u)
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	u.ID, u.CanLogin = int(w.ID), bool(w.CanLogin)
	u.LastActivity = time.Time(w.LastActivity).UTC()
	u.Groups = nil
	for _, g := range w.Groups {
		var name string
		if err := json.Unmarshal(g, &name); err != nil {
			var obj struct {
				Name string `json:"name"`
			}
			if err := json.Unmarshal(g, &obj); err != nil {
				return fmt.Errorf("bugzilla: user %q: cannot decode group %.60q", u.Name, g)
			}
			name = obj.Name
		}
		u.Groups = append(u.Groups, name)
	}
	return nil
}

// flatUser is a user field that BMO sends as an object {id, name, ...} and
// other places send as a bare login.
type flatUser string

func (f *flatUser) UnmarshalJSON(data []byte) error {
	if string(bytes.TrimSpace(data)) == "null" {
		*f = ""
		return nil
	}
	var s string
	if err := json.Unmarshal(data, &s); err == nil {
		*f = flatUser(s)
		return nil
	}
	var obj struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal(data, &obj); err != nil {
		return fmt.Errorf("bugzilla: cannot decode %.60q as a user", data)
	}
	*f = flatUser(obj.Name)
	return nil
}

// UnmarshalJSON decodes one row of BMO's flag activity feed, flattening the
// setter and requestee objects and the nested flag type.
func (fa *FlagActivity) UnmarshalJSON(data []byte) error {
	var w struct {
		ID           flexInt  `json:"id"`
		FlagID       flexInt  `json:"flag_id"`
		BugID        flexInt  `json:"bug_id"`
		AttachmentID flexInt  `json:"attachment_id"`
		CreationTime flexTime `json:"creation_time"`
		Status       string   `json:"status"`
		Setter       flatUser `json:"setter"`
		Requestee    flatUser `json:"requestee"`
		Type         *struct {
			ID   flexInt `json:"id"`
			Name string  `json:"name"`
		} `json:"type"`
		TypeID   flexInt `json:"type_id"`
		TypeName string  `json:"type_name"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*fa = FlagActivity{
		ID:           int(w.ID),
		FlagID:       int(w.FlagID),
		CreationTime: time.Time(w.CreationTime),
		TypeID:       int(w.TypeID),
		TypeName:     w.TypeName,
		Status:       w.Status,
		Setter:       string(w.Setter),
		Requestee:    string(w.Requestee),
		BugID:        int(w.BugID),
		AttachmentID: int(w.AttachmentID),
	}
	if w.Type != nil {
		if fa.TypeID == 0 {
			fa.TypeID = int(w.Type.ID)
		}
		if fa.TypeName == "" {
			fa.TypeName = w.Type.Name
		}
	}
	return nil
}
