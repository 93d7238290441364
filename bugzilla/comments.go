package bugzilla

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Comments lists a bug's comments, only those after newSince when it is not zero.
//
// It sends GET /rest/bug/{id}/comment?new_since=<ISO>, which Bugzilla
// honours to the second (recording 62) and strictly: a comment made in the
// second of newSince is left out (Bugzilla::Bug::comments keeps
// creation_ts > new_since). Private comments are left out for users
// outside the insider group.
//
// https://bugzilla.readthedocs.io/en/latest/api/core/v1/comment.html#get-comments
func (c *Client) Comments(ctx context.Context, bugID int, newSince time.Time) ([]Comment, error) {
	if bugID <= 0 {
		return nil, fmt.Errorf("bugzilla: comments: bad bug id %d", bugID)
	}
	q := url.Values{}
	if !newSince.IsZero() {
		q.Set("new_since", formatTime(newSince))
	}
	var r commentsAnswer
	if _, err := c.do(ctx, call{
		method: http.MethodGet, endpoint: "/rest/bug/{id}/comment",
		path: fmt.Sprintf("/rest/bug/%d/comment", bugID), query: q,
	}, &r); err != nil {
		return nil, err
	}
	b, ok := r.Bugs[strconv.Itoa(bugID)]
	if !ok {
		return nil, fmt.Errorf("bugzilla: GET /rest/bug/{id}/comment: answer has no bug %d", bugID)
	}
	return b.Comments, nil
}

// maxBugsPerCommentBatch bounds the bugs of one CommentsOfBugs request: a
// bug's comments can be long (forms pasted in them), and the whole answer
// is held in memory while it is decoded.
const maxBugsPerCommentBatch = 100

// CommentsOfBugs lists the comments of several bugs, keyed by bug id, in
// one request per batch of bugs rather than one per bug: GET
// /rest/bug/{id}/comment?ids=..., which Bugzilla answers for every bug
// named (the path's and each ids'). Only comments after newSince (strictly,
// to the second, as Comments) when it is not zero, for every bug alike. Batches stay under the URL limit and
// maxBugsPerCommentBatch bugs.
//
// Bugzilla fails the whole request when one bug is hidden from the caller
// (401, code 102) or does not exist: the error is then ErrAccessDenied or
// ErrNotFound, and the caller may read the batch's bugs one at a time.
//
// https://bugzilla.readthedocs.io/en/latest/api/core/v1/comment.html#get-comments
func (c *Client) CommentsOfBugs(ctx context.Context, bugIDs []int, newSince time.Time) (map[int][]Comment, error) {
	q := url.Values{}
	if !newSince.IsZero() {
		q.Set("new_since", formatTime(newSince))
	}
	for _, id := range bugIDs {
		if id <= 0 {
			return nil, fmt.Errorf("bugzilla: comments: bad bug id %d", id)
		}
	}
	parts := c.bugBatches(bugIDs, "comment", q, maxBugsPerCommentBatch)
	answers := make([]commentsAnswer, len(parts))
	err := c.eachBatch(ctx, len(parts), func(ctx context.Context, i int) error {
		part := parts[i]
		v := cloneValues(q)
		if len(part) > 1 {
			v["ids"] = idStrings(part[1:])
		}
		_, err := c.do(ctx, call{
			method: http.MethodGet, endpoint: "/rest/bug/{id}/comment",
			path: fmt.Sprintf("/rest/bug/%d/comment", part[0]), query: v,
		}, &answers[i])
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make(map[int][]Comment, len(bugIDs))
	for i, part := range parts {
		for _, id := range part {
			b, ok := answers[i].Bugs[strconv.Itoa(id)]
			if !ok {
				return nil, fmt.Errorf("bugzilla: GET /rest/bug/{id}/comment: answer has no bug %d", id)
			}
			out[id] = b.Comments
		}
	}
	return out, nil
}

// NewComment is POST /rest/bug/{id}/comment. Tags go as comment_tags (BMO applies them atomically).
//
// Upstream Bugzilla 5.2 ignores IsMarkdown (recording 53) and does not read
// comment_tags on this call: tag there with AddCommentTags. Make a comment's
// identity part of its Text (a marker), not only of its tags.
type NewComment struct {
	Text       string
	IsPrivate  bool
	IsMarkdown bool
	Tags       []string
}

func (nc NewComment) validate() error {
	if strings.TrimSpace(nc.Text) == "" {
		return errors.New("bugzilla: empty comment")
	}
	for _, t := range nc.Tags {
		if strings.TrimSpace(t) == "" || strings.ContainsAny(t, " \t\r\n,") {
			return fmt.Errorf("bugzilla: bad comment tag %q: tags are single words", t)
		}
	}
	return nil
}

// AddComment adds a comment to a bug and returns the new comment's id.
//
// It is never retried: when the outcome is unknown (a timeout, a gateway
// error) it returns a *WriteUnknownError, and the caller must look for its
// comment (by its marker) before posting again.
//
// https://bugzilla.readthedocs.io/en/latest/api/core/v1/comment.html#create-comments
func (c *Client) AddComment(ctx context.Context, bugID int, nc NewComment) (int, error) {
	if bugID <= 0 {
		return 0, fmt.Errorf("bugzilla: add comment: bad bug id %d", bugID)
	}
	if err := nc.validate(); err != nil {
		return 0, err
	}
	body := struct {
		Comment     string   `json:"comment"`
		IsPrivate   bool     `json:"is_private"`
		IsMarkdown  bool     `json:"is_markdown,omitempty"`
		CommentTags []string `json:"comment_tags,omitempty"`
	}{nc.Text, nc.IsPrivate, nc.IsMarkdown, nc.Tags}
	var r newIDAnswer
	cl := call{
		method: http.MethodPost, endpoint: "/rest/bug/{id}/comment",
		path: fmt.Sprintf("/rest/bug/%d/comment", bugID), body: body,
	}
	if _, err := c.do(ctx, cl, &r); err != nil {
		return 0, err
	}
	if r.ID == 0 {
		return 0, &WriteUnknownError{Method: cl.method, Endpoint: cl.endpoint,
			Err: errors.New("the answer has no comment id")}
	}
	return r.ID, nil
}

// AddCommentTags is PUT /rest/bug/comment/{id}/tags (upstream's way to tag).
// It returns the comment's tags after the change. Tagging needs membership
// of the comment_taggers_group (editbugs by default).
//
// https://bugzilla.readthedocs.io/en/latest/api/core/v1/comment.html#update-comment-tags
func (c *Client) AddCommentTags(ctx context.Context, commentID int, add, remove []string) ([]string, error) {
	if commentID <= 0 {
		return nil, fmt.Errorf("bugzilla: comment tags: bad comment id %d", commentID)
	}
	if len(add) == 0 && len(remove) == 0 {
		return nil, errors.New("bugzilla: comment tags: nothing to add or remove")
	}
	if err := (NewComment{Text: "-", Tags: append(append([]string(nil), add...), remove...)}).validate(); err != nil {
		return nil, err
	}
	body := struct {
		Add    []string `json:"add,omitempty"`
		Remove []string `json:"remove,omitempty"`
	}{add, remove}
	var tags []string // a bare JSON array (recording 58)
	if _, err := c.do(ctx, call{
		method: http.MethodPut, endpoint: "/rest/bug/comment/{id}/tags",
		path: fmt.Sprintf("/rest/bug/comment/%d/tags", commentID), body: body,
	}, &tags); err != nil {
		return nil, err
	}
	if tags == nil {
		tags = []string{}
	}
	return tags, nil
}
