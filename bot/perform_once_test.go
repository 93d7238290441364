package bot

import (
	"bytes"
	"io"
	"net/http"
	"path"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// lateCommit stands between the client and the fake: it keeps the first
// comment POST back and answers it 504 (a proxy's timeout), as if Bugzilla
// had not committed it yet; commit sends it on, as Bugzilla commits it a
// few seconds later.
type lateCommit struct {
	mu   sync.Mutex
	held *http.Request
	body []byte
	next http.RoundTripper
}

func (l *lateCommit) roundTrip(q *http.Request, next http.RoundTripper) (*http.Response, error) {
	l.mu.Lock()
	hold := l.next == nil && q.Method == http.MethodPost && matchPath("/rest/bug/*/comment", q.URL.Path)
	if hold {
		l.next = next
		l.held = q.Clone(q.Context())
		l.body, _ = io.ReadAll(q.Body)
	}
	l.mu.Unlock()
	if !hold {
		return next.RoundTrip(q)
	}
	return &http.Response{StatusCode: http.StatusGatewayTimeout, Status: "504 Gateway Timeout", Proto: "HTTP/1.1",
		ProtoMajor: 1, ProtoMinor: 1, Header: http.Header{"Content-Type": {"text/html"}},
		Body: io.NopCloser(strings.NewReader("<html><body><h1>Gateway Timeout</h1></body></html>")), Request: q}, nil
}

// commit sends the held POST on to the fake.
func (l *lateCommit) commit(t *testing.T) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.held == nil {
		t.Fatal("no comment POST was held")
	}
	q := l.held.Clone(t.Context())
	q.Body = io.NopCloser(bytes.NewReader(l.body))
	q.ContentLength = int64(len(l.body))
	resp, err := l.next.RoundTrip(q)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated {
		t.Fatalf("the late commit: HTTP %d", resp.StatusCode)
	}
}

func matchPath(pattern, p string) bool { ok, _ := path.Match(pattern, p); return ok }

// TestNudgedCycleSendsAnUnknownWriteOnce: a nudged cycle analyzes the
// nudged bug before its poll and again in its analyze task. When the first
// analysis POST's answer is lost (504) and Bugzilla commits it only after
// the bot's re-read, the second analyze of the same cycle must not send it
// again: after the late commit there is one comment, and the next cycle,
// which re-reads the bug, adds none.
func TestNudgedCycleSendsAnUnknownWriteOnce(t *testing.T) {
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			e := newE2E(t, d, nil)
			late := &lateCommit{}
			e.rig.ClientOptions = append(e.rig.ClientOptions, e.rig.WithRoundTrip(late.roundTrip))
			e.newProcess()
			e.mustCycle() // start and sweep: nothing yet
			bug, _, _ := e.cleanRequest("Count widget clicks", steward1)
			e.advance(time.Minute)
			if err := e.bot.Nudge(e.ctx, bug, e.clock.Now()); err != nil {
				t.Fatal(err)
			}
			e.srv.ResetRecords()
			_ = e.bot.runOnce(e.ctx, "", []int{bug})
			if !strings.Contains(e.logs.String(), "write outcome unknown") {
				t.Fatalf("the 504 was not an unknown outcome\n%s", e.logs.String())
			}
			if n := e.srv.RequestCount(postComment); n != 0 {
				t.Errorf("the nudged cycle sent the analysis again %d times after its outcome was unknown", n)
			}
			late.commit(t)
			if n := len(e.botComments(bug)); n != 1 {
				t.Errorf("after the nudged cycle and the late commit: %d comments, want 1", n)
			}
			e.advance(time.Minute)
			e.mustCycle()
			e.mustCycle()
			if n := len(e.botComments(bug)); n != 1 {
				t.Errorf("after the next cycles: %d comments, want 1", n)
			}
		})
	}
}

// TestNudgedCycleTriesARefusedWriteOnce: a write Bugzilla refuses is tried
// again one cycle apart (maxWriteAttempts), never twice in one cycle, even
// in a nudged cycle that analyzes the bug twice.
func TestNudgedCycleTriesARefusedWriteOnce(t *testing.T) {
	e := newE2E(t, bugzillatest.Upstream, nil)
	e.mustCycle() // start and sweep: nothing yet
	bug, _, _ := e.cleanRequest("Count widget clicks", steward1)
	e.srv.InjectFault(bugzillatest.Fault{Method: "POST", Path: "/rest/bug/*/comment", Status: 400})
	e.advance(time.Minute)
	if err := e.bot.Nudge(e.ctx, bug, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	_ = e.bot.runOnce(e.ctx, "", []int{bug})
	if n := e.srv.RequestCount(postComment); n != 1 {
		t.Errorf("a refused write was tried %d times in one nudged cycle, want 1", n)
	}
}
