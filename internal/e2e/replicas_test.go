package e2e

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bot/store/storetest"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// replicaKills are the comment writes (counted from 1) at which the test
// kills the replica that sends them, and how: before the write lands, or
// after it lands with the answer lost.
var replicaKills = map[int]killMode{4: killBeforeDrop, 12: killAfterLost, 22: killBeforeDrop}

// replicaSet is the replicas of the test: two `stewardbot run` processes
// at any time, each with its own log.
type replicaSet struct {
	t      *testing.T
	bin    string
	cfg    string
	env    []string
	dir    string
	mu     sync.Mutex
	live   []*replicaProc
	n      int // processes started
	killed int
}

type replicaProc struct {
	child
	name string
	log  string
}

func (rs *replicaSet) start() *replicaProc {
	rs.t.Helper()
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.n++
	p := &replicaProc{name: fmt.Sprintf("replica-%d", rs.n), log: filepath.Join(rs.dir, fmt.Sprintf("replica-%d.log", rs.n))}
	f, err := os.Create(p.log)
	if err != nil {
		rs.t.Fatal(err)
	}
	cmd := exec.Command(rs.bin, "run", "--config", rs.cfg)
	cmd.Env = rs.env
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		rs.t.Fatal(err)
	}
	p.child = child{cmd: cmd, exited: make(chan struct{})}
	go func() { p.err = cmd.Wait(); f.Close(); close(p.exited) }()
	rs.live = append(rs.live, p)
	return p
}

// leader is the live replica whose log says it took the lead (nil when
// none has). Only the leader writes, so the sender of a write is it.
func (rs *replicaSet) leader() *replicaProc {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	var found *replicaProc
	for _, p := range rs.live {
		data, _ := os.ReadFile(p.log)
		if bytes.Contains(data, []byte("took the lead")) {
			if found != nil {
				rs.t.Errorf("%s and %s both took the lead", found.name, p.name)
			}
			found = p
		}
	}
	return found
}

// reap drops the replicas that exited and starts others in their place.
func (rs *replicaSet) reap() {
	rs.mu.Lock()
	var dead int
	live := rs.live[:0]
	for _, p := range rs.live {
		select {
		case <-p.exited:
			if ws, ok := p.cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
				rs.t.Errorf("%s exited by itself: %v\n%s", p.name, p.err, tail(p.log))
			}
			dead++
		default:
			live = append(live, p)
		}
	}
	rs.live = live
	rs.mu.Unlock()
	for range dead {
		rs.start()
	}
}

// replicaKiller kills the sender of the comment writes replicaKills names.
type replicaKiller struct {
	srv   *bugzillatest.Server
	rs    *replicaSet
	mu    sync.Mutex
	posts int
}

func (k *replicaKiller) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if (r.Method != http.MethodPost && r.Method != http.MethodPut) || !commentPOST.MatchString(r.URL.Path) {
		k.srv.ServeHTTP(w, r)
		return
	}
	k.mu.Lock()
	k.posts++
	mode, due := replicaKills[k.posts]
	k.mu.Unlock()
	if !due {
		k.srv.ServeHTTP(w, r)
		return
	}
	leader := k.rs.leader()
	if leader == nil {
		k.rs.t.Errorf("comment write #%d from no replica that took the lead", k.posts)
		k.srv.ServeHTTP(w, r)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	k.rs.mu.Lock()
	k.rs.killed++
	k.rs.mu.Unlock()
	switch mode {
	case killBeforeDrop:
		leader.kill()
	case killAfterLost:
		k.srv.ServeHTTP(httptest.NewRecorder(), r)
		leader.kill()
	}
}

// TestReplicasShareOnePostgres runs two `stewardbot run` processes on one
// PostgreSQL schema and one fake Bugzilla seeded with the corpus. Only the
// leader writes; the test SIGKILLs it in the middle of writes (before one
// lands, and after one lands with its answer lost), starts a new replica
// each time, and the follower takes over. At the end every request has
// exactly the comments it is owed: one analysis (or needs-form), none twice.
func TestReplicasShareOnePostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("replicas test: skipped with -short")
	}
	dsn := storetest.PostgresDSN(t)
	bin := buildStewardbot(t)
	srv := bugzillatest.NewUnstartedServer(t, bugzillatest.WithClock(time.Now))
	const apiKey = "replica-key-5be1d0"
	srv.SetAPIKey(botLogin, apiKey)
	exps, err := SeedCorpus(srv, 0, 36, false)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	rs := &replicaSet{t: t, bin: bin, dir: dir, cfg: filepath.Join(dir, "config.yaml"),
		env: append(envWithout(os.Environ(), "STEWARDBOT_", "CREDENTIALS_DIRECTORY="), "STEWARDBOT_BUGZILLA_API_KEY="+apiKey)}
	k := &replicaKiller{srv: srv, rs: rs}
	ts := httptest.NewServer(k)
	defer ts.Close()
	config := fmt.Sprintf(`dry_run: false
bugzilla:
  url: %s
  login: %s
  timeout: 10s
poll:
  schedule: "@every 1s"
  max_writes_per_cycle: 6
store:
  dsn: %q
log:
  level: info
  format: json
http:
  listen: 127.0.0.1:0
`, ts.URL, botLogin, dsn)
	if err := os.WriteFile(rs.cfg, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	rs.start()
	rs.start()
	defer func() {
		rs.mu.Lock()
		live := append([]*replicaProc(nil), rs.live...)
		rs.mu.Unlock()
		for _, p := range live {
			_ = p.cmd.Process.Signal(syscall.SIGTERM)
			<-p.exited
			if p.err != nil {
				t.Errorf("%s did not stop cleanly on SIGTERM: %v\n%s", p.name, p.err, tail(p.log))
			}
		}
	}()

	commentPosts := func() int {
		return srv.RequestCount("POST /rest/bug/{id}/comment") + srv.RequestCount("PUT /rest/bug/{id}")
	}
	deadline := time.Now().Add(30 * time.Second)
	lastPosts, polls := commentPosts(), srv.RequestCount("GET /rest/bug")
	for {
		if time.Now().After(deadline) {
			r := Audit(srv, botLogin, tagPrefix, exps)
			t.Fatalf("not done in 30s (%d kills): %s\n%s\nlogs:\n%s", rs.killed, r.Summary(), strings.Join(r.Problems, "\n"), rs.logs())
		}
		time.Sleep(100 * time.Millisecond) // polling the fake's records, not timing the bot
		rs.reap()
		if n := commentPosts(); n != lastPosts {
			lastPosts, polls = n, srv.RequestCount("GET /rest/bug")
			continue
		}
		// Done: every kill happened, all work is done, three polls since the last write.
		rs.mu.Lock()
		kills := rs.killed
		rs.mu.Unlock()
		if kills == len(replicaKills) && srv.RequestCount("GET /rest/bug")-polls >= 3 &&
			len(Audit(srv, botLogin, tagPrefix, exps).Problems) == 0 {
			break
		}
	}
	r := Audit(srv, botLogin, tagPrefix, exps)
	for _, p := range r.Problems {
		t.Error(p)
	}
	logs := rs.logs()
	if strings.Contains(logs, apiKey) {
		t.Error("the API key appears in the replicas' logs")
	}
	if n := strings.Count(logs, "took the lead"); n != len(replicaKills)+1 {
		t.Errorf("%d replicas took the lead, want %d (the first, then one per kill)", n, len(replicaKills)+1)
	}
	t.Logf("replicas: %d started, %d killed mid-write; %s", rs.n, rs.killed, r.Summary())
}

// logs is every replica's log, for failure messages.
func (rs *replicaSet) logs() string {
	var b strings.Builder
	for i := 1; i <= rs.n; i++ {
		data, _ := os.ReadFile(filepath.Join(rs.dir, fmt.Sprintf("replica-%d.log", i)))
		fmt.Fprintf(&b, "--- replica-%d\n%s", i, data)
	}
	return b.String()
}
