package bot

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"

	"github.com/stewardbot/stewardbot/bot/demo"
	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// commentsFunc is a commentsOfBugs made of a function.
type commentsFunc func(ids []int, since time.Time) (map[int][]bugzilla.Comment, error)

func (f commentsFunc) CommentsOfBugs(_ context.Context, ids []int, since time.Time) (map[int][]bugzilla.Comment, error) {
	return f(ids, since)
}

// The numbers of the analyses posted in the cycle that no read of it
// showed are read at its end in one request for all their bugs, from the
// oldest form's time, and recorded. A failed read records nothing and fails
// nothing (the dashboard links the bug); a rate limit is returned (the bot
// parks); a halted cycle does not read at all. Nothing stays pending.
func TestReadNumbers(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	form := func(att int, created time.Time) *foundForm {
		return &foundForm{Attachment: &bugzilla.Attachment{ID: att}, Rev: "r1", Created: created}
	}
	f1, f2 := form(11, t0.Add(time.Hour)), form(22, t0)
	answer := map[int][]bugzilla.Comment{
		1: {{ID: 100, Count: 3}, {ID: 101, Count: 4}},
		2: {{ID: 202, Count: 7}},
	}
	tests := []struct {
		name    string
		halted  bool
		err     error
		reads   int
		want    map[int]int // bug → number recorded
		limited bool        // the rate limit is returned, for the bot to park
	}{
		{"recorded", false, nil, 1, map[int]int{1: 4, 2: 7}, false},
		{"the read fails", false, errors.New("bugzilla: HTTP 500"), 1, map[int]int{}, false},
		{"rate limited", false, &bugzilla.RateLimitError{}, 1, map[int]int{}, true},
		{"halted", true, nil, 0, map[int]int{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := store.OpenSQLite(ctx, filepath.Join(t.TempDir(), "s.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			for bug, f := range map[int]*foundForm{1: f1, 2: f2} {
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
			for bug, p := range map[int]struct {
				comment int
				f       *foundForm
			}{1: {101, f1}, 2: {202, f2}} {
				ns.posted(bug, pendingNumber{commentID: p.comment, formKey: formKey(p.f), formRev: p.f.Rev, since: p.f.Created.Add(-time.Second)})
			}
			reads := 0
			rn := readNumbers{numbers: ns, log: zerolog.Nop(),
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
			err = rn.Run(ctx, c)
			if got := rateLimited(err); got != tt.limited || (err != nil && !tt.limited) {
				t.Errorf("Run: %v, want a rate limit returned: %v", err, tt.limited)
			}
			if reads != tt.reads || len(ns.byBug) != 0 {
				t.Errorf("%d reads, %d bugs left pending; want %d, none", reads, len(ns.byBug), tt.reads)
			}
			q, err := st.Queue(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(q) != 2 {
				t.Fatalf("queue of %d requests, want 2", len(q))
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

// In a full cycle the analyses' numbers cost no request of their own:
// commands reads, after analyze, the comments of the bugs the poll saw
// change, and that read holds the analyses, so readNumbers finds nothing
// left to read; every analysed row of the dashboard links its analysis
// after the first cycle. With analyze alone, readNumbers reads them.
func TestE2EFullCycleLearnsNumbersFromCommands(t *testing.T) {
	e := newE2E(t, bugzillatest.Upstream, nil)
	if _, err := demo.Seed(e.srv); err != nil {
		t.Fatal(err)
	}
	e.advance(5 * time.Minute)
	e.mustCycle()
	if strings.Contains(e.logs.String(), msgReadingNumbers) {
		t.Errorf("a full cycle read the analyses' numbers on their own:\n%s", e.logs.Tail(2000))
	}
	q, err := e.bot.Status().Queue(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	analysed := 0
	for _, x := range q {
		analyses := e.botCommentsOfKind(x.BugID, kindAnalysis)
		if len(analyses) == 0 {
			continue
		}
		analysed++
		if want := x.BugURL + "#c" + strconv.Itoa(analyses[len(analyses)-1].Count); x.AnalysisURL != want {
			t.Errorf("bug %d links %s, want its analysis %s", x.BugID, x.AnalysisURL, want)
		}
	}
	if analysed == 0 {
		t.Fatal("no analysed request in the queue")
	}
}
