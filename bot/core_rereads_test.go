package bot

import (
	"context"
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
			// analyze alone (no commands task to read the bugs later in the
			// cycle): one batched read after the writes, for the analyses'
			// numbers on the bugs (the dashboard's links, analyze_number.go).
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

// A bug whose view the cycle holds with all its comments is not re-read
// before a write: those comments were read after the bot's last write on
// it. Once the bot writes on the bug, its view is dropped and the next
// write's re-read goes to Bugzilla; a bug without comments in its view is
// read with the plan.
func TestRereadsTakeViewsReadSinceTheLastWrite(t *testing.T) {
	ctx := t.Context()
	bz := &countingComments{commentsClient: commentsClient{byBug: map[int][]bugzilla.Comment{
		1: {{ID: 10}}, 2: {{ID: 20}}, 3: {{ID: 30}},
	}}}
	rc := &readCache{bugzillaClient: bz}
	c := &Cycle{b: &Bot{reads: rc}}
	for _, id := range []int{1, 2} {
		v := newBugView(id, nil, 1<<20)
		v.setComments(bz.byBug[id])
		rc.views.put(id, &cachedView{view: v})
	}
	rc.views.put(3, &cachedView{view: newBugView(3, nil, 1<<20)}) // its comments not read
	end := c.planRereads(map[int]time.Time{1: {}, 2: {}, 3: {}})
	defer end()
	for _, id := range []int{1, 2} {
		if _, err := rc.liveComments(ctx, c, id, time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	if bz.reads != 0 {
		t.Errorf("%d reads for bugs whose views hold their comments, want 0", bz.reads)
	}
	if _, err := rc.AddComment(ctx, 1, bugzilla.NewComment{Text: "x"}); err != nil {
		t.Fatal(err)
	}
	if _, err := rc.liveComments(ctx, c, 1, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if _, err := rc.liveComments(ctx, c, 3, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if want := []string{"write 1", "bug 1", "bug 3"}; !slices.Equal(bz.log, want) {
		t.Errorf("reads and writes %q, want %q (bug 1 re-read after the write, bug 3 read: its view had no comments)", bz.log, want)
	}
}

// countingComments is a commentsClient that counts its reads and takes
// comments.
type countingComments struct {
	commentsClient
	reads int
	log   []string
}

func (c *countingComments) Comments(ctx context.Context, bugID int, since time.Time) ([]bugzilla.Comment, error) {
	c.reads++
	c.log = append(c.log, fmt.Sprintf("bug %d", bugID))
	return c.commentsClient.Comments(ctx, bugID, since)
}

func (c *countingComments) AddComment(_ context.Context, bugID int, _ bugzilla.NewComment) (int, error) {
	c.log = append(c.log, fmt.Sprintf("write %d", bugID))
	return 1, nil
}

func (c *countingComments) CommentsOfBugs(ctx context.Context, ids []int, since time.Time) (map[int][]bugzilla.Comment, error) {
	c.reads++
	c.log = append(c.log, fmt.Sprintf("bugs %v", ids))
	return c.commentsClient.CommentsOfBugs(ctx, ids, since)
}

// remind's looks (planLooks) decide from the bug's latest state: a view the
// cycle read earlier does not stand in for them, so a steward's comment
// made since is seen; the planned bugs are read in one request.
func TestLooksReadTheLiveBugNotTheViews(t *testing.T) {
	ctx := t.Context()
	bz := &countingComments{commentsClient: commentsClient{byBug: map[int][]bugzilla.Comment{
		1: {{ID: 10}, {ID: 11, Creator: steward1}}, // the steward answered after the view was read
		2: {{ID: 20}},
	}}}
	rc := &readCache{bugzillaClient: bz}
	c := &Cycle{b: &Bot{reads: rc}}
	v := newBugView(1, nil, 1<<20)
	v.setComments([]bugzilla.Comment{{ID: 10}})
	rc.views.put(1, &cachedView{view: v})
	end := c.planLooks(map[int]time.Time{1: {}, 2: {}})
	defer end()
	cs, err := rc.liveComments(ctx, c, 1, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 {
		t.Errorf("look at bug 1: %d comments, want 2 (the steward's answer since the view)", len(cs))
	}
	if _, err := rc.liveComments(ctx, c, 2, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if want := []string{"bugs [1 2]"}; !slices.Equal(bz.log, want) {
		t.Errorf("reads %q, want %q", bz.log, want)
	}
}
