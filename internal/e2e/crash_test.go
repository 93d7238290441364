package e2e

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

var (
	crashKills    = flag.Int("crash.kills", 110, "crash test: how many times to SIGKILL the bot")
	crashSeed     = flag.Uint64("crash.seed", 0, "crash test: RNG seed (0: from the clock; the seed is logged)")
	crashRequests = flag.Int("crash.requests", 200, "crash test: how many data-review requests to seed")
)

const (
	botLogin  = "bot@example.test"
	tagPrefix = "stewardbot"
)

// killMode is when a child is killed.
type killMode int

const (
	killTimer       killMode = iota // at a random moment
	killBeforeDrop                  // when a comment POST arrives; the write never lands
	killBeforeApply                 // when a comment POST arrives; it lands once the bot is dead
	killAfterLost                   // right after a comment POST is applied; the answer is never sent
	killAfterReply                  // right after the answer to a comment POST is sent
	numKillModes
)

func (m killMode) String() string {
	return [...]string{"timer", "before-write (dropped)", "before-write (applied)", "after-write (answer lost)", "after-write (answered)"}[m]
}

var commentPOST = regexp.MustCompile(`^/rest/bug/\d+/comment$`)

// child is one run of the stewardbot binary.
type child struct {
	cmd    *exec.Cmd
	exited chan struct{}
	err    error // cmd.Wait's, once exited is closed
}

func (c *child) kill() {
	_ = c.cmd.Process.Signal(syscall.SIGKILL)
	<-c.exited
}

// killer sits in front of the fake Bugzilla and kills the current child
// when the plan says so: at the target-th comment POST, before or after it
// is applied.
type killer struct {
	srv *bugzillatest.Server

	mu      sync.Mutex
	cur     *child
	mode    killMode
	target  int // kill at this comment POST of the current child; 0: not armed
	posts   int
	fired   bool
	started time.Time
	// landedAfterDeath counts the writes applied after their sender died.
	landedAfterDeath int
	firstPOST        time.Duration // after start, of the current child; 0 before any

	// inflight counts requests being handled. Not a WaitGroup: a dead
	// child's last requests may still arrive while the test waits.
	inflightMu sync.Mutex
	inflightCV *sync.Cond
	inflight   int
}

func (k *killer) enter() {
	k.inflightMu.Lock()
	k.inflight++
	k.inflightMu.Unlock()
}

func (k *killer) leave() {
	k.inflightMu.Lock()
	k.inflight--
	k.inflightCV.Broadcast()
	k.inflightMu.Unlock()
}

// quiet waits until no request is being handled.
func (k *killer) quiet() {
	k.inflightMu.Lock()
	for k.inflight > 0 {
		k.inflightCV.Wait()
	}
	k.inflightMu.Unlock()
}

func (k *killer) arm(c *child, mode killMode, target int) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.cur, k.mode, k.target, k.posts, k.fired = c, mode, target, 0, false
	k.started, k.firstPOST = time.Now(), 0
}

// due reports whether this request is the one to kill at, and for whom.
func (k *killer) due(r *http.Request) (*child, killMode) {
	if r.Method != http.MethodPost || !commentPOST.MatchString(r.URL.Path) {
		return nil, killTimer
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.cur != nil && k.firstPOST == 0 {
		k.firstPOST = time.Since(k.started)
	}
	if k.cur == nil || k.mode == killTimer || k.fired {
		return nil, killTimer
	}
	k.posts++
	if k.posts < k.target {
		return nil, killTimer
	}
	k.fired = true
	return k.cur, k.mode
}

func (k *killer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	k.enter()
	defer k.leave()
	c, mode := k.due(r)
	if c == nil {
		k.srv.ServeHTTP(w, r)
		return
	}
	// Read the body while the bot is alive to send it.
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	switch mode {
	case killBeforeDrop:
		c.kill()
	case killBeforeApply:
		c.kill()
		before := len(k.srv.Writes())
		k.srv.ServeHTTP(httptest.NewRecorder(), r)
		if len(k.srv.Writes()) > before {
			k.mu.Lock()
			k.landedAfterDeath++
			k.mu.Unlock()
		}
	case killAfterLost:
		k.srv.ServeHTTP(httptest.NewRecorder(), r)
		c.kill()
	case killAfterReply:
		k.srv.ServeHTTP(w, r)
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		c.kill()
	}
}

// TestCrashSafety runs the real binary (`stewardbot run`) against the fake
// Bugzilla and SIGKILLs it at many random moments, among them right before
// and right after its writes, sometimes deleting its store, restarting it
// each time. Once it has run to quiescence, every request must have exactly
// the comments it is owed: one analysis per form, one needs-form where there
// is no form, nothing where the request was answered before the bot saw it.
//
// The owed comments are data (Expect.Want, see corpus.go): when reminders
// and escalations land, their kinds go there and this test checks them too.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test: skipped with -short")
	}
	seed := *crashSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("crash test seed %d (rerun: go test ./internal/e2e -run TestCrashSafety -crash.seed=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))

	bin := buildStewardbot(t)
	srv := bugzillatest.NewUnstartedServer(t, bugzillatest.WithClock(time.Now))
	apiKey := fmt.Sprintf("crash-key-%016x", rng.Uint64())
	srv.SetAPIKey(botLogin, apiKey)
	exps, err := SeedCorpus(srv, 0, *crashRequests, false)
	if err != nil {
		t.Fatal(err)
	}
	k := &killer{srv: srv}
	k.inflightCV = sync.NewCond(&k.inflightMu)
	ts := httptest.NewServer(k)
	defer ts.Close()

	dir := t.TempDir()
	dbPath := filepath.Join(dir, "stewardbot.db")
	cfgPath := filepath.Join(dir, "config.yaml")
	config := fmt.Sprintf(`dry_run: false
bugzilla:
  url: %s
  login: %s
  timeout: 10s
poll:
  schedule: "@every 1s"
  max_writes_per_cycle: 50
store:
  dsn: %s
log:
  level: info
  format: json
http:
  listen: 127.0.0.1:0 # never the default 8080: other tests may hold it
`, ts.URL, botLogin, dbPath)
	if err := os.WriteFile(cfgPath, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(dir, "children.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	env := append(envWithout(os.Environ(), "STEWARDBOT_", "CREDENTIALS_DIRECTORY="),
		"STEWARDBOT_BUGZILLA_API_KEY="+apiKey)

	start := func() *child {
		t.Helper()
		cmd := exec.Command(bin, "run", "--config", cfgPath)
		cmd.Env = env
		cmd.Stdout, cmd.Stderr = logFile, logFile
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		c := &child{cmd: cmd, exited: make(chan struct{})}
		go func() { c.err = cmd.Wait(); close(c.exited) }()
		return c
	}
	dropStore := func() {
		for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
			if err := os.Remove(dbPath + suffix); err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
		}
	}
	commentPosts := func() int { return srv.RequestCount("POST /rest/bug/{id}/comment") }

	began := time.Now()
	byMode := map[killMode]int{}
	drops, arrived, fallbacks := 0, 0, 0
	var firstPOSTs []time.Duration
	for i := range *crashKills {
		if i > 0 && rng.IntN(10) == 0 {
			dropStore()
			drops++
		}
		// New requests keep arriving, so that there are writes to die at.
		if i > 0 && rng.IntN(2) == 0 {
			more, err := SeedCorpus(srv, len(exps), 1+rng.IntN(4), true)
			if err != nil {
				t.Fatal(err)
			}
			exps = append(exps, more...)
			arrived += len(more)
		}
		// Comment POSTs are worth waiting for only while work remains.
		// Aim at one of the writes still owed (about one per audit problem).
		mode, target := killTimer, 0
		if owed := len(Audit(srv, botLogin, tagPrefix, exps).Problems); rng.IntN(5) != 0 && owed > 0 {
			mode = killMode(1 + rng.IntN(int(numKillModes)-1))
			target = 1 + rng.IntN(min(4, owed))
		}
		var delay time.Duration
		switch rng.IntN(4) {
		case 0:
			delay = time.Duration(rng.IntN(50)) * time.Millisecond // during start-up
		default:
			delay = time.Duration(50+rng.IntN(1200)) * time.Millisecond
		}
		if mode != killTimer {
			delay = 5 * time.Second // a fallback: the POST should come first
		}
		c := start()
		k.arm(c, mode, target)
		timer := time.AfterFunc(delay, func() { _ = c.cmd.Process.Signal(syscall.SIGKILL) })
		<-c.exited
		timer.Stop()
		k.mu.Lock()
		fired := k.fired
		k.cur = nil
		k.mu.Unlock()
		if mode != killTimer && !fired {
			mode = killTimer // the fallback timer did it
			fallbacks++
		}
		if k.firstPOST > 0 {
			firstPOSTs = append(firstPOSTs, k.firstPOST)
		}
		byMode[mode]++
		// Requests the dead child left in flight finish before the next starts.
		k.quiet()
		if ws, ok := c.cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
			t.Fatalf("kill %d: the bot exited by itself (%v) before it was killed; log: %s\n%s", i, c.err, logPath, tail(logPath))
		}
	}
	killPhase := time.Since(began)

	// Run to quiescence: all work done, then three polls without a write.
	c := start()
	deadline := time.Now().Add(90 * time.Second)
	lastPosts, polls := commentPosts(), srv.RequestCount("GET /rest/bug")
	for {
		if time.Now().After(deadline) {
			c.kill()
			t.Fatalf("the bot did not become quiescent in 90s: %s\nlog tail:\n%s", Audit(srv, botLogin, tagPrefix, exps).Summary(), tail(logPath))
		}
		select {
		case <-c.exited:
			t.Fatalf("the bot exited during the final run: %v\n%s", c.err, tail(logPath))
		case <-time.After(100 * time.Millisecond):
		}
		if n := commentPosts(); n != lastPosts {
			lastPosts, polls = n, srv.RequestCount("GET /rest/bug")
			continue
		}
		if srv.RequestCount("GET /rest/bug")-polls >= 3 && len(Audit(srv, botLogin, tagPrefix, exps).Problems) == 0 {
			break
		}
	}
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	<-c.exited
	if c.err != nil {
		t.Errorf("the bot did not stop cleanly on SIGTERM: %v", c.err)
	}
	k.quiet()

	r := Audit(srv, botLogin, tagPrefix, exps)
	for _, p := range r.Problems {
		t.Error(p)
	}
	logs, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(logs, []byte(apiKey)) {
		t.Errorf("the API key appears in the bot's logs")
	}
	rebuilt := bytes.Count(logs, []byte("already on the bug"))
	slices.Sort(firstPOSTs)
	if len(firstPOSTs) > 0 {
		t.Logf("first comment POST after a start: median %v, max %v over %d runs; %d armed kills fell back to the timer",
			firstPOSTs[len(firstPOSTs)/2].Round(time.Millisecond), firstPOSTs[len(firstPOSTs)-1].Round(time.Millisecond), len(firstPOSTs), fallbacks)
	}
	var modes []string
	for m := range numKillModes {
		modes = append(modes, fmt.Sprintf("%s %d", m, byMode[m]))
	}
	t.Logf("writes that landed after their sender was killed: %d", k.landedAfterDeath)
	t.Logf("kills %d in %v (%s); store deleted %d times; %d requests seeded, %d more arrived during the kills; comment POSTs %d; journal entries rebuilt from markers on the bug %d",
		*crashKills, killPhase.Round(time.Millisecond), strings.Join(modes, ", "), drops, *crashRequests, arrived, commentPosts(), rebuilt)
	t.Logf("crash summary: seed %d, %d kills, %d store deletions: %s", seed, *crashKills, drops, r.Summary())
}

// tail is the end of a log file, for failure messages.
func tail(path string) string {
	data, _ := os.ReadFile(path)
	if len(data) > 4000 {
		data = data[len(data)-4000:]
	}
	return string(data)
}
