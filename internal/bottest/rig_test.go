package bottest

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// commenter is a bot that comments once on every bug it is given, through
// the rig's client, and logs what it is told to.
type commenter struct {
	r    *Rig
	bugs []int
	log  string
}

func (c *commenter) RunOnce(ctx context.Context, _ string) error {
	if c.log != "" {
		c.r.Log.Info().Msg(c.log)
	}
	if _, err := c.r.Client.Authenticate(ctx); err != nil {
		return err
	}
	for _, id := range c.bugs {
		if _, err := c.r.Client.AddComment(ctx, id, bugzilla.NewComment{Text: "seen", Tags: []string{"m", "z", "a"}}); err != nil {
			return err
		}
	}
	return nil
}

func TestRigRunsTheBuiltBot(t *testing.T) {
	var built []*commenter
	var before []string
	r := New(t, bugzillatest.Upstream, func(r *Rig) (Runner, error) {
		c := &commenter{r: r}
		built = append(built, c)
		return c, nil
	})
	r.ClientOptions = append(r.ClientOptions, r.WithTransport(func(q *http.Request) { before = append(before, q.Method+" "+q.URL.Path) }))
	r.NewProcess()
	bug, att := r.Request("A request", "the form", false, "steward1@example.test")
	if f := r.FlagOf(att); f.Name != "data-review" || f.Status != "?" || f.Requestee != "steward1@example.test" {
		t.Errorf("flag %+v, want data-review? on steward1", f)
	}
	start := r.Clock.Now()
	built[len(built)-1].bugs = []int{bug}
	r.MustCycle()
	if got := r.Clock.Now().Sub(start); got != 5*time.Minute || !r.Clock.Now().Equal(r.Fake.Now()) {
		t.Errorf("a cycle moved the clock by %v (fake at %v, bot at %v), want 5m together", got, r.Fake.Now(), r.Clock.Now())
	}
	want := []bugzilla.Comment{{Text: "seen", Tags: []string{"a", "m", "z"}}}
	if d := cmp.Diff(r.BotComments(bug), want); d != "" {
		t.Errorf("bot comments (-got +want):\n%s", d)
	}
	if !slices.Contains(before, "POST /rest/bug/"+strconv.Itoa(bug)+"/comment") {
		t.Errorf("the transport hook saw %v, want the comment's POST", before)
	}
	if n := r.Requests(); n == 0 {
		t.Error("Requests() = 0 after a write")
	}
	if len(built) != 2 {
		t.Errorf("%d bots built, want 2 (New, NewProcess)", len(built))
	}
}

func TestDropStoreStartsEmpty(t *testing.T) {
	r := New(t, bugzillatest.BMO, func(r *Rig) (Runner, error) { return &commenter{r: r}, nil })
	if err := r.Store.MarkDirty(r.Ctx, []store.BugMark{{BugID: 7, MarkedAt: r.Clock.Now()}}); err != nil {
		t.Fatal(err)
	}
	old := r.Store
	r.DropStore()
	if r.Store == old {
		t.Fatal("DropStore kept the store")
	}
	if dirty, err := r.Store.DirtyBugs(r.Ctx, 0, 10); err != nil || len(dirty) != 0 {
		t.Errorf("after DropStore: dirty bugs %v, %v; want none", dirty, err)
	}
}

// TestCheckNoKeyInLogs: the check that runs when every rig's test ends
// catches the bot's key in a log line, and only then.
func TestCheckNoKeyInLogs(t *testing.T) {
	r := New(t, bugzillatest.Upstream, func(r *Rig) (Runner, error) { return &commenter{r: r}, nil }, WithAPIKey("distinctive-key-42"))
	rec := &recorder{TB: t}
	r.T = rec
	r.Log.Info().Msg("nothing secret")
	r.CheckNoKeyInLogs()
	if len(rec.errs) != 0 {
		t.Fatalf("clean logs reported: %v", rec.errs)
	}
	r.Log.Info().Str("oops", "distinctive-key-42").Msg("a leak")
	r.CheckNoKeyInLogs()
	if len(rec.errs) != 1 || !strings.Contains(rec.errs[0], "API key") {
		t.Errorf("a leaked key reported as %v, want one error", rec.errs)
	}
	r.T = t
	r.Logs.Reset() // the cleanup check runs on t
}

// recorder is a testing.TB that keeps Errorf's messages.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
