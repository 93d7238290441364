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
	crashLog      = flag.String("crash.log", "", "crash test: write the children's logs to this file, kept after the test (default: in the test's temporary directory)")
)

const (
	botLogin  = "bot@example.test"
	tagPrefix = "stewardbot"
)

// killMode is when a child is killed.
type killMode int

const (
	killTimer       killMode = iota // at a random moment
	killBeforeDrop                  // when a write arrives; it never lands
	killBeforeApply                 // when a write arrives; it lands once the bot is dead
	killAfterLost                   // right after a write is applied; the answer is never sent
	killAfterReply                  // right after the answer to a write is sent
	numKillModes
)

func (m killMode) String() string {
	return [...]string{"timer", "before-write (dropped)", "before-write (applied)", "after-write (answer lost)", "after-write (answered)"}[m]
}

// writeEndpoints are the bot's writes, each a marked comment: a comment
// POST (analyses, escalations), a bug PUT (a comment with flag changes:
// reminders with a needinfo, notices) and an attachment PUT (an assignment:
// the flag's new requestee with a comment), as the fake counts them.
var writeEndpoints = []string{"POST /rest/bug/{id}/comment", "PUT /rest/bug/{id}", "PUT /rest/bug/attachment/{id}"}

// isWrite reports whether a request is one of the bot's writes.
func isWrite(r *http.Request) bool { return writeEndpoint(r) != "" }

// writeEndpoint names the endpoint of one of the bot's writes as in
// writeEndpoints; "" for any other request.
func writeEndpoint(r *http.Request) string {
	switch {
	case r.Method == http.MethodPost && commentPath.MatchString(r.URL.Path):
		return writeEndpoints[0]
	case r.Method == http.MethodPut && bugPath.MatchString(r.URL.Path):
		return writeEndpoints[1]
	case r.Method == http.MethodPut && attachmentPath.MatchString(r.URL.Path):
		return writeEndpoints[2]
	}
	return ""
}

// commentPOST matches the paths of comment POSTs and bug PUTs, the method
// checked apart (replicas_test.go's killer); isWrite also knows assignments.
var commentPOST = regexp.MustCompile(`^/rest/bug/\d+(/comment)?$`)

var (
	commentPath    = regexp.MustCompile(`^/rest/bug/\d+/comment$`)
	bugPath        = regexp.MustCompile(`^/rest/bug/\d+$`)
	attachmentPath = regexp.MustCompile(`^/rest/bug/attachment/\d+$`)
)

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
// when the plan says so: at the target-th write, before or after it
// is applied.
type killer struct {
	srv *bugzillatest.Server

	mu      sync.Mutex
	cur     *child
	mode    killMode
	target  int    // kill at this write of the current child; 0: not armed
	only    string // count only writes to this endpoint; "": any write
	writes  int
	fired   bool
	started time.Time
	// landedAfterDeath counts the writes applied after their sender died.
	landedAfterDeath int
	firstWrite       time.Duration  // after start, of the current child; 0 before any
	killedAt         map[string]int // armed kills that fired, by write endpoint

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

func (k *killer) arm(c *child, mode killMode, target int, only string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.cur, k.mode, k.target, k.only, k.writes, k.fired = c, mode, target, only, 0, false
	k.started, k.firstWrite = time.Now(), 0
}

// due reports whether this request is the one to kill at, and for whom.
func (k *killer) due(r *http.Request) (*child, killMode) {
	if !isWrite(r) {
		return nil, killTimer
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.cur != nil && k.firstWrite == 0 {
		k.firstWrite = time.Since(k.started)
	}
	if k.cur == nil || k.mode == killTimer || k.fired || (k.only != "" && k.only != writeEndpoint(r)) {
		return nil, killTimer
	}
	k.writes++
	if k.writes < k.target {
		return nil, killTimer
	}
	k.fired = true
	k.killedAt[writeEndpoint(r)]++
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
// the comments it is owed (Expect.Want, see corpus.go and crashDuties): one
// analysis per form, one needs-form where there is no form, nothing where
// the request was answered before the bot saw it; where there is a form,
// one assignment if the request had no requestee, the first reminder to its
// steward, one notice per team its form escalates to and one answer to the
// "stewardbot: help" command on it; no second reminder and no notice to
// the lead, which are not due yet. Then stewards grant the requests whose
// form has a dated expiry within the reminder window, with a review that
// contradicts the form, and the kills go on (without deleting the store,
// see below): each owes one review check and one expiry reminder. Every
// kind of comment the bot wrote is counted exactly, and the counts are
// logged (-v).
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
	exps, err := SeedCorpusFor(srv, 0, *crashRequests, false, crashDuties)
	if err != nil {
		t.Fatal(err)
	}
	k := &killer{srv: srv, killedAt: map[string]int{}}
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
%s`, ts.URL, botLogin, dbPath, crashDutiesConfig())
	if err := os.WriteFile(cfgPath, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(dir, "children.log")
	if *crashLog != "" {
		logPath = *crashLog
	}
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
	botWrites := func() int {
		n := 0
		for _, e := range writeEndpoints {
			n += srv.RequestCount(e)
		}
		return n
	}

	began := time.Now()
	byMode := map[killMode]int{}
	drops, arrived, fallbacks := 0, 0, 0
	var firstWrites []time.Duration
	// kill runs kills children, deleting the store now and then if drop.
	kill := func(kills int, drop bool) {
		for i := range kills {
			if drop && i > 0 && rng.IntN(10) == 0 {
				dropStore()
				drops++
			}
			// New requests keep arriving, so that there are writes to die at.
			if i > 0 && rng.IntN(2) == 0 {
				more, err := SeedCorpusFor(srv, len(exps), 1+rng.IntN(4), true, crashDuties)
				if err != nil {
					t.Fatal(err)
				}
				exps = append(exps, more...)
				arrived += len(more)
			}
			// Writes are worth waiting for only while work remains.
			// Aim at one of the writes still owed (about one per audit problem).
			// Assignments are few (one request in twelve has no requestee):
			// while one is owed, a quarter of the armed kills wait for it.
			mode, target, only := killTimer, 0, ""
			if r := Audit(srv, botLogin, tagPrefix, exps); rng.IntN(5) != 0 && len(r.Problems) > 0 {
				mode = killMode(1 + rng.IntN(int(numKillModes)-1))
				target = 1 + rng.IntN(min(4, len(r.Problems)))
				if r.Totals[KindAssign] < r.Wanted[KindAssign] && rng.IntN(4) == 0 {
					target, only = 1, writeEndpoints[2]
				}
			}
			var delay time.Duration
			switch rng.IntN(4) {
			case 0:
				delay = time.Duration(rng.IntN(50)) * time.Millisecond // during start-up
			default:
				delay = time.Duration(50+rng.IntN(1200)) * time.Millisecond
			}
			if mode != killTimer {
				delay = 5 * time.Second // a fallback: the write should come first
			}
			c := start()
			k.arm(c, mode, target, only)
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
			if k.firstWrite > 0 {
				firstWrites = append(firstWrites, k.firstWrite)
			}
			byMode[mode]++
			// Requests the dead child left in flight finish before the next starts.
			k.quiet()
			if ws, ok := c.cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
				t.Fatalf("kill %d: the bot exited by itself (%v) before it was killed; log: %s\n%s", i, c.err, logPath, tail(logPath))
			}
		}
	}

	// quiesce runs the bot until all work is done and three polls pass
	// without a write, then stops it with SIGTERM.
	quiesce := func() {
		c := start()
		deadline := time.Now().Add(90 * time.Second)
		lastWrites, polls := botWrites(), srv.RequestCount("GET /rest/bug")
		for {
			if time.Now().After(deadline) {
				c.kill()
				r := Audit(srv, botLogin, tagPrefix, exps)
				t.Fatalf("the bot did not become quiescent in 90s: %s\n%s\nlog tail:\n%s", r.Summary(), strings.Join(r.Problems, "\n"), tail(logPath))
			}
			select {
			case <-c.exited:
				t.Fatalf("the bot exited during the final run: %v\n%s", c.err, tail(logPath))
			case <-time.After(100 * time.Millisecond):
			}
			if n := botWrites(); n != lastWrites {
				lastWrites, polls = n, srv.RequestCount("GET /rest/bug")
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
	}

	// The open requests: kills and store deletions, then quiescence.
	kill(*crashKills, true)
	quiesce()
	// Stewards grant the requests with a dated expiry, each with a review
	// that contradicts its form: each now owes a review check and an
	// expiry reminder. The bot learns a decision only from a request its
	// store knows open: today a store lost between a grant and the bot's
	// next look forgets the decision, and with it both duties (the open
	// requests are read again, the decided ones are not), which DESIGN.md's
	// "never lost" forbids. Until the bot finds recent decisions on
	// Bugzilla, these kills keep the store, which quiescence left knowing
	// every open request.
	granted, err := GrantReviewed(srv, exps)
	if err != nil {
		t.Fatal(err)
	}
	grantKills := max(*crashKills/5, 1)
	kill(grantKills, false)
	quiesce()
	killPhase := time.Since(began)

	r := Audit(srv, botLogin, tagPrefix, exps)
	for _, p := range r.Problems {
		t.Error(p)
	}
	// Every kind the bot wrote is owed somewhere (a zero counts): none
	// escapes the exact check, such as a "blocked" or "unassigned" notice.
	for kind, n := range r.Totals {
		if _, ok := r.Wanted[kind]; !ok {
			t.Errorf("%d bot comments of kind %s, which no request owes", n, kind)
		}
	}
	for _, kind := range []string{KindAnalysis, KindNeedsForm, KindAssign, KindRemind1, KindEscalation,
		KindCommandAck, KindReviewCheck} {
		if r.Wanted[kind] == 0 {
			t.Errorf("no request owes a %s comment: the test checks nothing of that duty", kind)
		}
	}
	expiries := 0
	for kind, n := range r.Wanted {
		if strings.HasPrefix(kind, KindExpiryPrefix) {
			expiries += n
		}
	}
	if expiries != granted || r.Wanted[KindReviewCheck] != granted {
		t.Errorf("%d requests granted, but %d expiry reminders and %d review checks owed", granted, expiries, r.Wanted[KindReviewCheck])
	}
	logs, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(logs, []byte(apiKey)) {
		t.Errorf("the API key appears in the bot's logs")
	}
	rebuilt := bytes.Count(logs, []byte("already on the bug"))
	slices.Sort(firstWrites)
	if len(firstWrites) > 0 {
		t.Logf("first write after a start: median %v, max %v over %d runs; %d armed kills fell back to the timer",
			firstWrites[len(firstWrites)/2].Round(time.Millisecond), firstWrites[len(firstWrites)-1].Round(time.Millisecond), len(firstWrites), fallbacks)
	}
	var modes, at []string
	for m := range numKillModes {
		modes = append(modes, fmt.Sprintf("%s %d", m, byMode[m]))
	}
	for _, e := range writeEndpoints {
		at = append(at, fmt.Sprintf("%s %d", e, k.killedAt[e]))
	}
	t.Logf("kills at a write, by endpoint: %s; writes that landed after their sender was killed: %d", strings.Join(at, ", "), k.landedAfterDeath)
	t.Logf("kills %d (the last %d after %d grants) in %v (%s); store deleted %d times; %d requests seeded, %d more arrived during the kills; writes %d; journal entries rebuilt from markers on the bug %d",
		*crashKills+grantKills, grantKills, granted, killPhase.Round(time.Millisecond), strings.Join(modes, ", "), drops, *crashRequests, arrived, botWrites(), rebuilt)
	t.Logf("crash summary: seed %d, %d kills, %d store deletions: %s", seed, *crashKills+grantKills, drops, r.Summary())
}

// crashDuties are the duties beyond analysis the crash test's bot is
// configured for (crashDutiesConfig; commands and expiry reminders are on
// by default): reminders, assignments, escalations, command answers, and
// review checks and expiry reminders once GrantReviewed grants, so that
// the audit knows what is due.
var crashDuties = Duties{
	Stewards: []string{"roster1@example.test", "roster2@example.test", "roster3@example.test",
		"roster4@example.test", "roster5@example.test", "roster6@example.test"},
	Remind:   true,
	Escalate: true,
	Commands: true,
	Expiry:   true,
}

// crashDutiesConfig is the bot's configuration for crashDuties: the roster
// and lead, reminders whose first is due at once and whose second (and the
// lead's notice) is 60 business days away, and contacts for both teams.
func crashDutiesConfig() string {
	var b strings.Builder
	b.WriteString("stewards:\n  lead: lead@example.test\n  assign_unassigned: true\n  roster:\n")
	for _, s := range crashDuties.Stewards {
		fmt.Fprintf(&b, "    - login: %s\n", s)
	}
	b.WriteString(`reminders:
  after: 0
  every: 60
  max: 3
  mode: needinfo
  max_per_cycle: 50
  max_per_person: 100
escalation:
  trust: [trust@example.test]
  legal: [legal@example.test]
  needinfo: true
`)
	return b.String()
}

// tail is the end of a log file, for failure messages.
func tail(path string) string {
	data, _ := os.ReadFile(path)
	if len(data) > 4000 {
		data = data[len(data)-4000:]
	}
	return string(data)
}
