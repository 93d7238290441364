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
func concurrencyRig(t *testing.T, bugs int) (srv *bugzillatest.Server, bugIDs, attIDs []int) {
	t.Helper()
	srv = bugzillatest.NewServer(t, bugzillatest.WithDialect(bugzillatest.Upstream))
	srv.SetAPIKey("bot@example.test", concurrencyKey)
	bugIDs, attIDs = make([]int, bugs), make([]int, bugs)
	for i := range bugIDs {
		bugIDs[i] = srv.AddBug(bugzillatest.Bug{Summary: "bug", Creator: "dev1@example.test", Description: "text of the bug"})
		attIDs[i] = srv.AddAttachment(bugzillatest.Attachment{BugID: bugIDs[i], Summary: "form", Data: []byte("form text")})
	}
	return srv, bugIDs, attIDs
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

// inFlightOK says whether got requests at most in flight at once fit a
// bound of n: never more, and for n above one more than one (the batches
// really went out together). Exactly n depends on the scheduler: on a
// loaded machine a goroutine may start its request after another ended.
func inFlightOK(got, n int) bool { return got <= n && (n == 1 || got >= 2) }

// TestReadConcurrencyBounded: the batches of one call are sent up to the
// configured number at a time, never more, and the result is the same
// whatever the number (1 included).
func TestReadConcurrencyBounded(t *testing.T) {
	// comments: 5 requests (100 bugs a request, one more for the URL limit); attachments: 2 of 250 and 150;
	// attachments by id with their data: 7 (at most 63 at the 1 MiB cap)
	srv, ids, attIDs := concurrencyRig(t, 400)
	srv.SetLatency(30 * time.Millisecond)
	ctx := context.Background()
	var wantComments map[int][]bugzilla.Comment
	var wantAtts map[int][]bugzilla.Attachment
	var wantBugs []bugzilla.Bug
	var wantData map[int]bugzilla.Attachment
	for _, n := range []int{1, 2, 4} {
		c := concurrencyClient(t, srv, n)
		srv.ResetRecords()
		comments, err := c.CommentsOfBugs(ctx, ids, time.Time{})
		if err != nil {
			t.Fatalf("concurrency %d: comments: %v", n, err)
		}
		if got := srv.MaxInFlight(); !inFlightOK(got, n) {
			t.Errorf("concurrency %d: comments: %d requests in flight at most, want %d", n, got, n)
		}
		if got := srv.RequestCount("GET /rest/bug/{id}/comment"); got != 5 {
			t.Errorf("concurrency %d: %d comment requests, want 5", n, got)
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
		srv.ResetRecords()
		data, err := c.AttachmentsByID(ctx, attIDs, bugzilla.AttachmentOptions{WithData: true, CheckedSizes: map[int]int64{}})
		if err != nil {
			t.Fatalf("concurrency %d: attachments by id: %v", n, err)
		}
		if got := srv.MaxInFlight(); !inFlightOK(got, n) {
			t.Errorf("concurrency %d: attachments by id: %d requests in flight at most, want %d", n, got, n)
		}
		if n == 1 {
			wantComments, wantAtts, wantBugs, wantData = comments, atts, bugs, data
			if len(data) != len(attIDs) || string(data[attIDs[0]].Data) != "form text" {
				t.Fatalf("read %d attachments by id (the first: %q), want %d", len(data), data[attIDs[0]].Data, len(attIDs))
			}
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
		if diff := cmp.Diff(data, wantData); diff != "" {
			t.Errorf("concurrency %d: attachments by id differ from one at a time (-got +want):\n%s", n, diff)
		}
		if diff := cmp.Diff(bugs, wantBugs); diff != "" {
			t.Errorf("concurrency %d: bugs differ (order included) from one at a time (-got +want):\n%s", n, diff)
		}
	}
}

// TestReadConcurrencyRateLimitParksAll: a 429 on one batch fails the call
// with the rate limit, the batches still queued are not all sent, and the
// next call sends nothing.
func TestReadConcurrencyRateLimitParksAll(t *testing.T) {
	srv, ids, _ := concurrencyRig(t, 400)
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
	// The first four were in flight together; of the four queued, those
	// that passed the client's gate before the 429 was read go too (each
	// fails the same way at its answer), the rest never leave.
	if got := srv.RequestCount("GET /rest/bug/{id}/comment"); got < 4 || got >= 8 {
		t.Errorf("%d comment requests sent, want the 4 in flight when the 429 came and fewer than all 8", got)
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
