package bugzilla_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stewardbot/stewardbot/bugzilla"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

const concurrencyKey = "ConcurrencyKey0123456789abcdefghijKLMNOP"

// concurrencyRig is a fake Bugzilla with bugs, each with a comment and an
// attachment, and a latency so that requests sent together overlap.
func concurrencyRig(t *testing.T, bugs int) (*bugzillatest.Server, []int) {
	t.Helper()
	srv := bugzillatest.NewServer(t, bugzillatest.WithDialect(bugzillatest.Upstream))
	srv.SetAPIKey("bot@example.test", concurrencyKey)
	ids := make([]int, bugs)
	for i := range ids {
		ids[i] = srv.AddBug(bugzillatest.Bug{Summary: "bug", Creator: "dev1@example.test", Description: "text of the bug"})
		srv.AddAttachment(bugzillatest.Attachment{BugID: ids[i], Summary: "form", Data: []byte("form text")})
	}
	return srv, ids
}

func concurrencyClient(t *testing.T, srv *bugzillatest.Server, n int) *bugzilla.Client {
	t.Helper()
	c, err := bugzilla.NewClient(srv.URL(), bugzilla.WithAPIKey(concurrencyKey), bugzilla.WithHTTPClient(srv.Client()),
		bugzilla.WithKeyPlacement(bugzilla.KeyQuery), bugzilla.WithRetries(0, 0, 0), bugzilla.WithReadConcurrency(n))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestReadConcurrencyBounded: the batches of one call are sent up to the
// configured number at a time, never more, and the result is the same
// whatever the number (1 included).
func TestReadConcurrencyBounded(t *testing.T) {
	srv, ids := concurrencyRig(t, 400) // comments: 8 requests of 50 bugs; attachments: 2 of 250 and 150
	srv.SetLatency(30 * time.Millisecond)
	ctx := context.Background()
	var wantComments map[int][]bugzilla.Comment
	var wantAtts map[int][]bugzilla.Attachment
	var wantBugs []bugzilla.Bug
	for _, n := range []int{1, 2, 4} {
		c := concurrencyClient(t, srv, n)
		srv.ResetRecords()
		comments, err := c.CommentsOfBugs(ctx, ids, time.Time{})
		if err != nil {
			t.Fatalf("concurrency %d: comments: %v", n, err)
		}
		if got := srv.MaxInFlight(); got != n {
			t.Errorf("concurrency %d: comments: %d requests in flight at most, want %d", n, got, n)
		}
		if got := srv.RequestCount("GET /rest/bug/{id}/comment"); got != 8 {
			t.Errorf("concurrency %d: %d comment requests, want 8", n, got)
		}
		srv.ResetRecords()
		atts, err := c.Attachments(ctx, ids, bugzilla.AttachmentOptions{})
		if err != nil {
			t.Fatalf("concurrency %d: attachments: %v", n, err)
		}
		if got := srv.MaxInFlight(); got != min(n, 2) {
			t.Errorf("concurrency %d: attachments: %d requests in flight at most, want %d", n, got, min(n, 2))
		}
		bugs, err := c.Bugs(ctx, ids, "id", "summary")
		if err != nil {
			t.Fatalf("concurrency %d: bugs: %v", n, err)
		}
		if n == 1 {
			wantComments, wantAtts, wantBugs = comments, atts, bugs
			if len(comments) != len(ids) || len(atts) != len(ids) || len(bugs) != len(ids) {
				t.Fatalf("read %d bugs' comments, %d bugs' attachments, %d bugs; want %d of each", len(comments), len(atts), len(bugs), len(ids))
			}
			continue
		}
		if diff := cmp.Diff(comments, wantComments); diff != "" {
			t.Errorf("concurrency %d: comments differ from one at a time (-got +want):\n%s", n, diff)
		}
		if diff := cmp.Diff(atts, wantAtts); diff != "" {
			t.Errorf("concurrency %d: attachments differ from one at a time (-got +want):\n%s", n, diff)
		}
		if diff := cmp.Diff(bugs, wantBugs); diff != "" {
			t.Errorf("concurrency %d: bugs differ (order included) from one at a time (-got +want):\n%s", n, diff)
		}
	}
}

// TestReadConcurrencyRateLimitParksAll: a 429 on one batch fails the call
// with the rate limit, the batches not yet sent are never sent, and the
// next call sends nothing.
func TestReadConcurrencyRateLimitParksAll(t *testing.T) {
	srv, ids := concurrencyRig(t, 400)
	srv.SetLatency(30 * time.Millisecond)
	c := concurrencyClient(t, srv, 4)
	srv.InjectFault(bugzillatest.Fault{Method: "GET", Path: "/rest/bug/*/comment", Times: 1, Status: 429, RetryAfter: time.Hour})
	ctx := context.Background()
	srv.ResetRecords()
	_, err := c.CommentsOfBugs(ctx, ids, time.Time{})
	var rl *bugzilla.RateLimitError
	if !errors.As(err, &rl) {
		t.Fatalf("err = %v, want a *RateLimitError", err)
	}
	// The first four were in flight together; the other four never left.
	if got := srv.RequestCount("GET /rest/bug/{id}/comment"); got != 4 {
		t.Errorf("%d comment requests sent, want the 4 in flight when the 429 came", got)
	}
	before := len(srv.Requests())
	if _, err := c.Attachments(ctx, ids, bugzilla.AttachmentOptions{}); !errors.As(err, &rl) {
		t.Errorf("next call: err = %v, want the park's *RateLimitError", err)
	}
	if got := len(srv.Requests()); got != before {
		t.Errorf("the parked client sent %d requests", got-before)
	}
}

func TestWithReadConcurrencyValidated(t *testing.T) {
	for _, n := range []int{0, -1, bugzilla.MaxReadConcurrency + 1} {
		if _, err := bugzilla.NewClient("https://bugzilla.example.test", bugzilla.WithReadConcurrency(n)); err == nil {
			t.Errorf("WithReadConcurrency(%d) accepted", n)
		}
	}
	for _, n := range []int{1, bugzilla.MaxReadConcurrency} {
		if _, err := bugzilla.NewClient("https://bugzilla.example.test", bugzilla.WithReadConcurrency(n)); err != nil {
			t.Errorf("WithReadConcurrency(%d): %v", n, err)
		}
	}
}
