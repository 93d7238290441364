package bot

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
)

// commentsFunc is a commentsOfBugs made of a function.
type commentsFunc func(ids []int, since time.Time) (map[int][]bugzilla.Comment, error)

func (f commentsFunc) CommentsOfBugs(_ context.Context, ids []int, since time.Time) (map[int][]bugzilla.Comment, error) {
	return f(ids, since)
}

// The numbers of the analyses posted in a cycle are read in one request
// for all their bugs, from the oldest form's time, and recorded; a failed
// read records nothing and fails nothing (the dashboard links the bug), and
// a halted cycle (rate limit) does not read at all.
func TestReadPostedNumbers(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	form := func(att int, created time.Time) *foundForm {
		return &foundForm{Attachment: &bugzilla.Attachment{ID: att}, Rev: "r1", Created: created}
	}
	f1, f2 := form(11, t0.Add(time.Hour)), form(22, t0)
	posted := []postedAnalysis{{bugID: 1, f: f1, commentID: 101, since: f1.Created.Add(-time.Second)},
		{bugID: 2, f: f2, commentID: 202, since: f2.Created.Add(-time.Second)}}
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
	}{
		{"recorded", false, nil, 1, map[int]int{1: 4, 2: 7}, false},
		{"the read fails", false, errors.New("bugzilla: HTTP 500"), 1, map[int]int{1: 0, 2: 0}, false},
		{"rate limited", false, &bugzilla.RateLimitError{}, 1, map[int]int{1: 0, 2: 0}, true},
		{"halted", true, nil, 0, map[int]int{1: 0, 2: 0}, true},
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
			reads := 0
			an := &analyzeDuty{st: st, log: zerolog.Nop(), posted: posted,
				bz: commentsFunc(func(ids []int, since time.Time) (map[int][]bugzilla.Comment, error) {
					reads++
					if len(ids) != 2 || !since.Equal(f2.Created.Add(-time.Second)) {
						t.Errorf("read bugs %v since %v, want both bugs since the oldest form", ids, since)
					}
					return answer, tt.err
				})}
			c := &Cycle{}
			if tt.halted {
				c.halt = HaltRateLimited
			}
			an.readPostedNumbers(ctx, c)
			if reads != tt.reads || an.posted != nil {
				t.Errorf("%d reads, %d left pending; want %d, none", reads, len(an.posted), tt.reads)
			}
			if c.Halted() != tt.halts {
				t.Errorf("cycle halted = %v, want %v (a rate limit parks the bot)", c.Halted(), tt.halts)
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
