package bot

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bugzilla"
)

// TestAnalyzeRereadsInOneBatch: analyze re-reads the bugs of a batch in
// one request, after its reads and just before the batch's first write,
// instead of one request per write; a bug with two writes in the batch is
// re-read alone between them, so every write follows a read of the live
// bug taken after the bot's previous write to it.
func TestAnalyzeRereadsInOneBatch(t *testing.T) {
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			e := newE2E(t, d, nil)
			form := demoForm(t, "clean-12q.md")
			var bugs []int
			for i := range 4 {
				bug, _ := e.request(fmt.Sprintf("Request %d", i), form, false, steward1)
				bugs = append(bugs, bug)
			}
			twice := bugs[2]
			e.addForm(twice, form, false, true) // a second request with its own form: two analyses
			e.advance(5 * time.Minute)
			if err := e.bot.RunOnce(e.ctx, "poll"); err != nil {
				t.Fatal(err)
			}
			e.srv.ResetRecords()
			if err := e.bot.RunOnce(e.ctx, "analyze"); err != nil {
				t.Fatalf("analyze: %v\n%s", err, e.logs.String())
			}
			var seq []string // the comment reads and writes, in order
			for _, q := range e.srv.Requests() {
				switch {
				case q.Endpoint == "GET /rest/bug/{id}/comment" && q.Query.Has("ids"):
					seq = append(seq, "batch")
				case q.Endpoint == "GET /rest/bug/{id}/comment":
					seq = append(seq, "read "+q.Path)
				case q.Method == "POST":
					seq = append(seq, "write "+q.Path)
				}
			}
			path := func(bug int) string { return fmt.Sprintf("/rest/bug/%d/comment", bug) }
			var want []string
			want = append(want, "batch")
			for _, bug := range bugs {
				want = append(want, "write "+path(bug))
				if bug == twice {
					want = append(want, "read "+path(bug), "write "+path(bug))
				}
			}
			// After the writes, one batched read of the analyses just posted,
			// for their numbers on the bugs (the dashboard's links).
			want = append(want, "batch")
			if !slices.Equal(seq, want) {
				t.Errorf("comment reads and writes:\n got %q\nwant %q", seq, want)
			}
			for _, bug := range bugs {
				want := 1
				if bug == twice {
					want = 2
				}
				if n := len(e.botComments(bug)); n != want {
					t.Errorf("bug %d: %d bot comments, want %d", bug, n, want)
				}
			}
		})
	}
}

// TestCommentsSince: the batched re-read, read from an earlier time, gives
// each bug what Bugzilla's new_since would: comments created strictly
// after the time, to the second.
func TestCommentsSince(t *testing.T) {
	at := time.Date(2026, 12, 7, 14, 0, 0, 0, time.UTC)
	cs := []bugzilla.Comment{{ID: 1, Time: at.Add(-time.Second)}, {ID: 2, Time: at}, {ID: 3, Time: at.Add(time.Second)}}
	for _, tc := range []struct {
		since time.Time
		want  []int
	}{
		{time.Time{}, []int{1, 2, 3}},
		{at.Add(-2 * time.Second), []int{1, 2, 3}},
		{at, []int{3}},
		{at.Add(500 * time.Millisecond), []int{3}}, // sent to the second
		{at.Add(time.Second), nil},
	} {
		var got []int
		for _, c := range commentsSince(cs, tc.since) {
			got = append(got, c.ID)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("commentsSince(%s) = %v, want %v", tc.since, got, tc.want)
		}
	}
}
