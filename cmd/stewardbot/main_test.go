package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
)

func noEnv(string) string { return "" }

func TestRunDispatch(t *testing.T) {
	tests := []struct {
		args     []string
		wantCode int // 0: no error
		wantOut  string
	}{
		{nil, 2, "usage: stewardbot"},
		{[]string{"help"}, 0, "demo"},
		{[]string{"frobnicate"}, 2, "unknown command"},
		{[]string{"version"}, 0, "stewardbot "},
		{[]string{"once", "--bogus"}, 2, "flag provided but not defined"},
		{[]string{"run", "extra"}, 2, "unexpected arguments"},
		{[]string{"once"}, 1, "bugzilla.url"}, // no configuration at all: Validate says what is missing
		{[]string{"demo", "--for", "banana"}, 2, "invalid value"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out bytes.Buffer
			err := run(context.Background(), tt.args, &out, &out, noEnv)
			var code exitCode
			switch {
			case tt.wantCode == 0 && err != nil:
				t.Fatalf("run = %v, want success", err)
			case tt.wantCode != 0 && (!errors.As(err, &code) || int(code) != tt.wantCode):
				t.Fatalf("run = %v, want exit status %d\n%s", err, tt.wantCode, out.String())
			}
			if !strings.Contains(out.String(), tt.wantOut) {
				t.Errorf("output lacks %q:\n%s", tt.wantOut, out.String())
			}
		})
	}
}

// signalWriter collects output and closes done once it contains want.
type signalWriter struct {
	mu   sync.Mutex
	b    bytes.Buffer
	want string
	done chan struct{}
	once sync.Once
}

func (w *signalWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.b.Write(p)
	if strings.Contains(w.b.String(), w.want) {
		w.once.Do(func() { close(w.done) })
	}
	return n, err
}

func (w *signalWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// TestDemoPostsComments runs the demo in process until the last demo bug's
// comment is printed, then interrupts it as Ctrl-C would.
func TestDemoPostsComments(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &signalWriter{want: "stewardbot:needs-form bug=1011", done: make(chan struct{})}
	var errOut bytes.Buffer
	result := make(chan int, 1)
	go func() { result <- runDemo(ctx, nil, out, &errOut, noEnv) }()
	select {
	case <-out.done:
	case code := <-result:
		t.Fatalf("demo exited early with %d:\n%s\n%s", code, out.String(), errOut.String())
	}
	cancel()
	if code := <-result; code != 0 {
		t.Fatalf("demo exit status %d:\n%s", code, errOut.String())
	}
	got := out.String()
	if n := strings.Count(got, "stewardbot:analysis bug=") + strings.Count(got, "stewardbot:needs-form bug="); n != 10 {
		t.Errorf("demo printed %d marked comments, want 10 (every demo bug but the answered one):\n%s", n, got)
	}
	if strings.Contains(got, "bug 1010 comment") {
		t.Errorf("demo commented on the request answered before the bot saw it")
	}
	for _, want := range []string{"show_bug.cgi?id=1001", "══ Summary ══", "Comments:    10 by the bot: analysis 9, needs-form 1.", "demo stopped."} {
		if !strings.Contains(got, want) {
			t.Errorf("demo printed no %q:\n%s", want, got)
		}
	}
	if strings.Contains(errOut.String(), "bot-api-key") {
		t.Errorf("the API key appears in the logs")
	}
}
