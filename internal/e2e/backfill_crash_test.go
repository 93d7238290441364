package e2e

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bot/demo"
	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

var (
	backfillReviews = flag.Int("backfill.reviews", 2500, "backfill crash test: how many past reviews the fake holds (the issue's run: 10000)")
	backfillKills   = flag.Int("backfill.kills", 4, "backfill crash test: how many times to SIGKILL the backfill (the issue's run: 20)")
	backfillSeed    = flag.Uint64("backfill.seed", 0, "backfill crash test: RNG seed of the kills (0: from the clock; the seed is logged)")
)

// TestBackfillCrashResume kills the real binary's backfill at random
// requests, again and again, then lets it finish: every past review of the
// fake must then be recorded exactly once (one request row per flag, one
// collection row per measurement of its form), and the runs together may
// read little more than one run does, since each continues where the last
// stopped. -backfill.reviews=10000 -backfill.kills=20 is the run.
func TestBackfillCrashResume(t *testing.T) {
	n, kills := *backfillReviews, *backfillKills
	if testing.Short() {
		n, kills = min(n, 1000), min(kills, 2)
	}
	seed := *backfillSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("backfill crash test: %d reviews, %d kills, -backfill.seed=%d", n, kills, seed)
	rng := rand.New(rand.NewPCG(seed, 1))

	var mu sync.Mutex
	var cur *exec.Cmd
	// A killed run reads one chunk at a time (--concurrency 1) and is
	// killed extra requests after its killAtChunk-th attachment-metadata
	// read: the second chunk's first (a chunk of 500 bugs reads their
	// metadata in two requests), so that the chunk before is recorded and
	// the kill lands within the second chunk's reads (nine requests): each
	// run moves the cursor one chunk. When one chunk is left, the kill
	// lands in it, and cannot move the cursor. The last run reads with
	// the default concurrency.
	var count, target, chunks, killAtChunk, extra, histories, killAtHistory atomic.Int64
	var killed atomic.Bool
	firstAfter := "" // the lowest bug id the run's walk searched after
	srv := bugzillatest.NewServer(t, bugzillatest.WithRequestHook(func(r bugzillatest.Request) {
		if after := searchAfter(r); r.Endpoint == "GET /rest/bug" && after != "" && !flagChangeSearch(r) {
			// The lowest of the walk's searches: a killed process's last
			// search may still be answered after the next run started
			// (the hook runs when the answer is done), and it searched
			// after the cursor its chunks then moved, never before.
			mu.Lock()
			if firstAfter == "" || atoi(after) < atoi(firstAfter) {
				firstAfter = after
			}
			mu.Unlock()
		}
		c := count.Add(1)
		if r.Endpoint == "GET /rest/bug/{id}/attachment" && chunks.Add(1) == killAtChunk.Load() {
			target.Store(c + extra.Load())
		}
		if r.Endpoint == "GET /rest/bug/{id}/history" && histories.Add(1) == killAtHistory.Load() {
			target.Store(c) // as the batch's answer comes: the batches before are recorded
		}
		if c == target.Load() {
			mu.Lock()
			if cur != nil && cur.Process != nil {
				killed.Store(true)
				_ = cur.Process.Signal(syscall.SIGKILL)
			}
			mu.Unlock()
		}
	}))
	// A little latency, so that kills land with chunks in flight.
	srv.SetLatency(time.Millisecond)
	if _, err := demo.SeedPast(srv, demo.Past{N: n, Seed: seed, From: srv.Now().AddDate(-7, 0, 0), To: srv.Now()}); err != nil {
		t.Fatal(err)
	}
	bin := buildStewardbot(t)
	dir := t.TempDir()
	dsn := filepath.Join(dir, "stewardbot.db")
	env := append(envWithout(os.Environ(), "STEWARDBOT_", "CREDENTIALS_DIRECTORY="),
		"STEWARDBOT_BUGZILLA_URL="+srv.URL(), "STEWARDBOT_BUGZILLA_LOGIN="+botLogin,
		"STEWARDBOT_BUGZILLA_API_KEY=bot-api-key", "STEWARDBOT_STORE_DSN="+dsn,
		"STEWARDBOT_LOG_LEVEL=warn", "STEWARDBOT_LOG_FORMAT=json")
	// About the requests one run makes: search pages and the empty one,
	// and per chunk of 500 bugs (bot.backfillChunk) two attachment reads,
	// about two data reads and five comment reads; then the withdrawn
	// requests' search pages and the empty one, and histories by 100 bugs.
	const chunkBugs, perChunk = 500, 9
	perRun := int64((n+999)/1000+1) + int64((n+chunkBugs-1)/chunkBugs)*perChunk + 2 + int64((n+999)/1000+1) + int64((n+99)/100)
	var total int64
	progressed := 0 // killed runs that moved the cursor
	run := func(args ...string) (exited bool, out string) {
		cmd := exec.Command(bin, append([]string{"backfill"}, args...)...)
		var buf bytes.Buffer
		cmd.Env, cmd.Stdout, cmd.Stderr = env, &buf, &buf
		cursor := readCursor(t, dsn)
		mu.Lock()
		cur, firstAfter = cmd, ""
		killed.Store(false)
		count.Store(0)
		chunks.Store(0)
		histories.Store(0)
		target.Store(-1)
		err := cmd.Start()
		mu.Unlock()
		if err != nil {
			t.Fatal(err)
		}
		err = cmd.Wait()
		total += count.Load()
		mu.Lock()
		cur = nil
		// Each run starts after the last bug the runs before it recorded
		// with everything before it.
		if firstAfter != "" && firstAfter != cursor {
			t.Errorf("a run searched after bug %s; the store's cursor said %s", firstAfter, cursor)
		}
		mu.Unlock()
		after := readCursor(t, dsn)
		switch {
		case !killed.Load() && err == nil:
			// Finished: a window without end is read again from its
			// start next time.
			if after != "0" {
				t.Errorf("a finished run left the cursor at %s, want 0", after)
			}
		case atoi(after) < atoi(cursor):
			t.Errorf("the cursor went back from %s to %s", cursor, after)
		case after != cursor && killed.Load():
			progressed++
		}
		if killed.Load() {
			return false, buf.String()
		}
		if err != nil {
			t.Fatalf("backfill failed: %v\n%s", err, buf.String())
		}
		return true, buf.String()
	}
	fired, inLast := 0, 0
	for range kills {
		// Somewhere in what is left of a run, but never the very first
		// requests only: each run gets some work done before it dies.
		killAtChunk.Store(3)
		if left := bugsAfter(srv, atoi(readCursor(t, dsn))); left <= chunkBugs {
			killAtChunk.Store(1)
			inLast++
		}
		extra.Store(rng.Int64N(6))
		if done, _ := run("--concurrency", "1"); done {
			t.Logf("a run finished before its kill; %d kills fired", fired)
			break
		}
		fired++
	}
	killAtChunk.Store(-1)
	// One more kill in the withdrawn requests' pass, after the walk: the
	// next run resumes the pass after the histories recorded.
	killAtHistory.Store(3)
	withdrawnKilled := false
	if done, _ := run("--concurrency", "1"); !done {
		withdrawnKilled = true // its cursor is checked here, not the walk's below
		if c := readKey(t, dsn, backfillWithdrawnKey); c == "0" || c == "done" {
			t.Errorf("a run killed in the withdrawn pass left its cursor at %q", c)
		}
	}
	killAtHistory.Store(-1)
	if done, out := run(); !done {
		t.Fatalf("the last run did not finish:\n%s", out)
	}
	t.Logf("%d kills fired in the walk (%d in the last chunk left), one more in the withdrawn requests' pass: %v; %d runs moved the walk's cursor; %d requests over all runs, about %d for one run",
		fired, inLast, withdrawnKilled, progressed, total, perRun)
	if progressed < fired-inLast {
		t.Errorf("only %d of the %d killed runs moved the cursor (%d killed in the last chunk)", progressed, fired, inLast)
	}
	if fired < kills && !testing.Short() {
		t.Errorf("only %d of %d kills fired: the backfill finished too early for the plan", fired, kills)
	}
	if w := srv.Writes(); len(w) != 0 {
		t.Errorf("backfill wrote to Bugzilla: %s %s", w[0].Method, w[0].Path)
	}
	// Each run resumes: all runs together read at most a few chunks per
	// kill more than one run.
	allKills := fired
	if withdrawnKilled {
		allKills++
	}
	if limit := perRun + int64(allKills)*(4*perChunk+3); total > limit {
		t.Errorf("%d requests over all runs, more than %d: the runs do not resume", total, limit)
	}
	checkRecordedOnce(t, srv, dsn)
}

// checkRecordedOnce checks that the store holds every answered flag of the
// fake once, with one collection row per measurement of its form.
func checkRecordedOnce(t *testing.T, srv *bugzillatest.Server, dsn string) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rows, err := st.ReviewedCollections(ctx, store.CollectionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	perFlag := map[int]map[int]int{} // flag → position → rows
	for _, r := range rows {
		if perFlag[r.FlagID] == nil {
			perFlag[r.FlagID] = map[int]int{}
		}
		perFlag[r.FlagID][r.Position]++
	}
	want := 0
	for _, id := range srv.BugIDs() {
		for _, a := range srv.Attachments(id) {
			for _, f := range a.Flags {
				if f.Name != "data-review" || (f.Status != "+" && f.Status != "-") {
					continue
				}
				want++
				got := perFlag[f.ID]
				if len(got) == 0 {
					t.Errorf("flag %d (bug %d) not recorded", f.ID, id)
					continue
				}
				for pos, k := range got {
					if k != 1 {
						t.Errorf("flag %d position %d recorded %d times", f.ID, pos, k)
					}
				}
				r, err := st.Request(ctx, f.ID)
				if err != nil || r.Status != f.Status || !r.UpdatedAt.Equal(f.ModificationDate) {
					t.Errorf("flag %d: request %+v (%v), want status %s at %s", f.ID, r, err, f.Status, f.ModificationDate)
				}
			}
		}
	}
	if len(perFlag) != want {
		t.Errorf("%d flags recorded, the fake holds %d", len(perFlag), want)
	}
	// The withdrawn requests (cleared, nothing set in their place), once
	// each: as many "X" requests as the fake's histories hold.
	withdrawn, cleared := 0, 0
	for _, id := range srv.BugIDs() {
		reqs, err := st.RequestsOnBug(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range reqs {
			if r.Status == "X" {
				withdrawn++
			}
		}
		for _, h := range srv.History(id) {
			for _, ch := range h.Changes {
				if ch.FieldName == "flagtypes.name" && strings.HasPrefix(ch.Removed, "data-review?") && ch.Added == "" {
					cleared++
				}
			}
		}
	}
	if withdrawn != cleared {
		t.Errorf("%d withdrawn requests recorded, the fake's histories hold %d", withdrawn, cleared)
	}
	if t.Failed() {
		return
	}
	t.Logf("%d reviews recorded once each (%s), %d withdrawn requests", want, fmt.Sprint(len(rows), " collection rows"), withdrawn)
}

// backfillCursorKey is the store key of the cursor of a backfill over
// every date and product (bot.backfillKey).
const backfillCursorKey = "backfill.cursor:data-review:-:-:"

// backfillWithdrawnKey is the withdrawn pass's cursor of that backfill.
const backfillWithdrawnKey = "backfill.withdrawn:data-review:-:-:"

// readCursor reads the backfill's cursor from the store: "0" before any.
func readCursor(t *testing.T, dsn string) string { return readKey(t, dsn, backfillCursorKey) }

// readKey reads a cursor from the store: "0" before any.
func readKey(t *testing.T, dsn, key string) string {
	t.Helper()
	if _, err := os.Stat(dsn); err != nil {
		return "0"
	}
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	v, err := st.Get(context.Background(), key)
	if errors.Is(err, store.ErrNotFound) {
		return "0"
	}
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// searchAfter is the bug id a backfill's search starts after (its
// "bug_id greaterthan" criterion).
// flagChangeSearch reports whether r is the withdrawn requests' search of
// flag changes (changedafter), not the walk's search of current flags.
func flagChangeSearch(r bugzillatest.Request) bool {
	for k, v := range r.Query {
		if len(k) > 1 && k[0] == 'o' && len(v) == 1 && (v[0] == "changedafter" || v[0] == "changedbefore") {
			return true
		}
	}
	return false
}

func searchAfter(r bugzillatest.Request) string {
	for k, v := range r.Query {
		if len(k) > 1 && k[0] == 'f' && len(v) == 1 && v[0] == "bug_id" {
			return r.Query.Get("v" + k[1:])
		}
	}
	return ""
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// bugsAfter counts the fake's bugs after bug id after: what a run resuming
// there has left to read.
func bugsAfter(srv *bugzillatest.Server, after int) int {
	n := 0
	for _, id := range srv.BugIDs() {
		if id > after {
			n++
		}
	}
	return n
}
