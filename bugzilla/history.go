package bugzilla

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// History returns a bug's change sets, oldest first, only those after
// newSince when it is not zero (GET /rest/bug/{id}/history?new_since=<ISO>;
// strictly after, to the second: the activity query keeps bug_when > the
// time).
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

// maxBugsPerHistoryBatch bounds the bugs of one HistoryOfBugs request, as
// maxBugsPerCommentBatch does for comments: a long-lived bug's history can
// run to hundreds of change sets, and the answer is held while decoded.
const maxBugsPerHistoryBatch = 100

// HistoryOfBugs lists the change sets of several bugs, oldest first, keyed
// by bug id, in one request per batch (GET /rest/bug/{id}/history?ids=...:
// Bug.history takes a list of ids, and the REST path's id joins them). The
// batches fit the client's URL budget and hold at most
// maxBugsPerHistoryBatch bugs.
//
// As for comments, Bugzilla fails the whole request when one bug is hidden
// from the caller or does not exist (ErrAccessDenied, ErrNotFound): the
// caller may then read that batch's bugs one at a time.
//
// https://bugzilla.readthedocs.io/en/latest/api/core/v1/bug.html#bug-history
func (c *Client) HistoryOfBugs(ctx context.Context, bugIDs []int) (map[int][]HistoryEntry, error) {
	for _, id := range bugIDs {
		if id <= 0 {
			return nil, fmt.Errorf("bugzilla: history: bad bug id %d", id)
		}
	}
	parts := c.bugBatches(bugIDs, "history", url.Values{}, maxBugsPerHistoryBatch)
	answers := make([]historyAnswer, len(parts))
	err := c.eachBatch(ctx, len(parts), func(ctx context.Context, i int) error {
		part := parts[i]
		v := url.Values{}
		if len(part) > 1 {
			v["ids"] = idStrings(part[1:])
		}
		_, err := c.do(ctx, call{
			method: http.MethodGet, endpoint: "/rest/bug/{id}/history",
			path: fmt.Sprintf("/rest/bug/%d/history", part[0]), query: v,
		}, &answers[i])
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make(map[int][]HistoryEntry, len(bugIDs))
	for i, part := range parts {
		got := make(map[int][]HistoryEntry, len(answers[i].Bugs))
		for _, b := range answers[i].Bugs {
			got[b.ID] = b.History
		}
		for _, id := range part {
			h, ok := got[id]
			if !ok {
				return nil, fmt.Errorf("bugzilla: GET /rest/bug/{id}/history: answer has no bug %d", id)
			}
			out[id] = h
		}
	}
	return out, nil
}
