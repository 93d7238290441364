package bot

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
)

// commentsFunc is a commentsOfBugs made of a function.
type commentsFunc func(ids []int, since time.Time) (map[int][]bugzilla.Comment, error)

func (f commentsFunc) CommentsOfBugs(_ context.Context, ids []int, since time.Time) (map[int][]bugzilla.Comment, error) {
	return f(ids, since)
}

// The numbers of analyses posted in an earlier cycle that no read has
// shown since are read in one request for all their bugs, from the oldest
// form's time, and recorded; those of this cycle wait for a read (seen). A
// failed read records nothing and fails nothing (the dashboard links the
// bug), and a halted cycle (rate limit) does not read at all.
func TestReadOldNumbers(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	form := func(att int, created time.Time) *foundForm {
		return &foundForm{Attachment: &bugzilla.Attachment{ID: att}, Rev: "r1", Created: created}
	}
	f1, f2, f3 := form(11, t0.Add(time.Hour)), form(22, t0), form(33, t0.Add(-time.Hour))
	answer := map[int][]bugzilla.Comment{
		1: {{ID: 100, Count: 3}, {ID: 101, Count: 4}},
		2: {{ID: 202, Count: 7}},
	}
	tests := []struct {
		name   string
		halted bool
		err    error
		reads  int
		want   map[int]int // bug → number recorded
		halts  bool        // the read halts the cycle (a rate limit: the bot parks)
		left   int         // analyses still pending after
	}{
		{"recorded", false, nil, 1, map[int]int{1: 4, 2: 7}, false, 1},
		{"the read fails", false, errors.New("bugzilla: HTTP 500"), 1, map[int]int{}, false, 1},
		{"rate limited", false, &bugzilla.RateLimitError{}, 1, map[int]int{}, true, 1},
		{"halted", true, nil, 0, map[int]int{}, true, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := store.OpenSQLite(ctx, filepath.Join(t.TempDir(), "s.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			for bug, f := range map[int]*foundForm{1: f1, 2: f2, 3: f3} {
				key := formKey(f)
				if err := st.SaveRequest(ctx, store.Request{FlagID: bug, BugID: bug, Status: "?", FirstSeen: t0, UpdatedAt: t0,
					FormKey: key, FormRev: f.Rev}); err != nil {
					t.Fatal(err)
				}
				if err := st.SaveFormAnalysis(ctx, store.FormAnalysis{FormKey: key, FormRev: f.Rev, AnalysedAt: t0}); err != nil {
					t.Fatal(err)
				}
			}
			ns := &analysisNumbers{st: st, log: zerolog.Nop()}
			pend := func(bug, comment int, f *foundForm) {
				ns.posted(bug, pendingNumber{commentID: comment, formKey: formKey(f), formRev: f.Rev, since: f.Created.Add(-time.Second)})
			}
			pend(1, 101, f1)
			pend(2, 202, f2)
			ns.newCycle()
			pend(3, 303, f3) // this cycle's: not read, though its form is the oldest
			reads := 0
			an := &analyzeDuty{st: st, log: zerolog.Nop(), numbers: ns,
				bz: commentsFunc(func(ids []int, since time.Time) (map[int][]bugzilla.Comment, error) {
					reads++
					if !slices.Equal(ids, []int{1, 2}) || !since.Equal(f2.Created.Add(-time.Second)) {
						t.Errorf("read bugs %v since %v, want bugs 1 and 2 since the older of their forms", ids, since)
					}
					return answer, tt.err
				})}
			c := &Cycle{}
			if tt.halted {
				c.halt = HaltRateLimited
			}
			an.readOldNumbers(ctx, c)
			left := 0
			for _, ps := range ns.byBug {
				left += len(ps)
			}
			if reads != tt.reads || left != tt.left {
				t.Errorf("%d reads, %d left pending; want %d, %d", reads, left, tt.reads, tt.left)
			}
			if c.Halted() != tt.halts {
				t.Errorf("cycle halted = %v, want %v (a rate limit parks the bot)", c.Halted(), tt.halts)
			}
			q, err := st.Queue(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(q) != 3 {
				t.Fatalf("queue of %d requests, want 3", len(q))
			}
			for _, r := range q {
				if r.AnalysisComment != tt.want[r.BugID] {
					t.Errorf("bug %d: number %d, want %d", r.BugID, r.AnalysisComment, tt.want[r.BugID])
				}
			}
		})
	}
}

// Any read of a bug's comments through the read cache records the numbers
// of the bug's pending analyses it holds, and only those: the others stay
// pending, and another bug's read records nothing.
func TestReadCacheShowsReadsToPendingNumbers(t *testing.T) {
	ctx := context.Background()
	saved := map[string]int{}
	ns := &analysisNumbers{st: saveFunc(func(key string, n int) { saved[key] = n }), log: zerolog.Nop()}
	ns.posted(1, pendingNumber{commentID: 101, formKey: "attachment:11", formRev: "r1"})
	ns.posted(1, pendingNumber{commentID: 102, formKey: "attachment:12", formRev: "r1"})
	ns.posted(2, pendingNumber{commentID: 202, formKey: "attachment:22", formRev: "r1"})
	rc := &readCache{numbers: ns, bugzillaClient: &commentsClient{byBug: map[int][]bugzilla.Comment{
		1: {{ID: 100, Count: 0}, {ID: 101, Count: 1}},
		3: {{ID: 202, Count: 5}}, // the id of bug 2's analysis, on another bug
	}}}
	if _, err := rc.CommentsOfBugs(ctx, []int{1, 3}, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(saved, map[string]int{"attachment:11": 1}); diff != "" {
		t.Errorf("numbers recorded (-got +want):\n%s", diff)
	}
	if got := len(ns.byBug[1]) + len(ns.byBug[2]); got != 2 {
		t.Errorf("%d analyses pending, want 2", got)
	}
	rc.bugzillaClient.(*commentsClient).byBug[1] = append(rc.bugzillaClient.(*commentsClient).byBug[1], bugzilla.Comment{ID: 102, Count: 2})
	if _, err := rc.Comments(ctx, 1, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if saved["attachment:12"] != 2 || len(ns.byBug[1]) != 0 {
		t.Errorf("after a read of bug 1 alone: recorded %v, pending %v", saved, ns.byBug)
	}
}

// saveFunc is a numberStore made of a function.
type saveFunc func(formKey string, n int)

func (f saveFunc) SaveAnalysisComment(_ context.Context, formKey, _ string, n int) error {
	f(formKey, n)
	return nil
}

// commentsClient is a bugzillaClient that answers comment reads from a map.
type commentsClient struct {
	bugzillaClient
	byBug map[int][]bugzilla.Comment
}

func (c *commentsClient) Comments(_ context.Context, bugID int, _ time.Time) ([]bugzilla.Comment, error) {
	return c.byBug[bugID], nil
}

func (c *commentsClient) CommentsOfBugs(_ context.Context, ids []int, _ time.Time) (map[int][]bugzilla.Comment, error) {
	out := map[int][]bugzilla.Comment{}
	for _, id := range ids {
		out[id] = c.byBug[id]
	}
	return out, nil
}
