package bugzilla

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// History returns a bug's change sets, oldest first, only those at or after
// newSince when it is not zero (GET /rest/bug/{id}/history?new_since=<ISO>).
// Attachment flag changes appear with Change.AttachmentID set, as
// FieldName "flagtypes.name" and values such as "data-review?(steward1@example.test)".
//
// https://bugzilla.readthedocs.io/en/latest/api/core/v1/bug.html#bug-history
func (c *Client) History(ctx context.Context, bugID int, newSince time.Time) ([]HistoryEntry, error) {
	if bugID <= 0 {
		return nil, fmt.Errorf("bugzilla: history: bad bug id %d", bugID)
	}
	q := url.Values{}
	if !newSince.IsZero() {
		q.Set("new_since", formatTime(newSince))
	}
	var r historyAnswer
	if _, err := c.do(ctx, call{
		method: http.MethodGet, endpoint: "/rest/bug/{id}/history",
		path: fmt.Sprintf("/rest/bug/%d/history", bugID), query: q,
	}, &r); err != nil {
		return nil, err
	}
	for _, b := range r.Bugs {
		if b.ID == bugID || (b.ID == 0 && len(r.Bugs) == 1) {
			return b.History, nil
		}
	}
	return nil, fmt.Errorf("bugzilla: GET /rest/bug/{id}/history: answer has no bug %d", bugID)
}
