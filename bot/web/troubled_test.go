package web

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bot"
	"github.com/stewardbot/stewardbot/bot/store"
)

// troubledSource is a fakeSource that lists troubled bugs too.
type troubledSource struct {
	fakeSource
	troubled []bot.TroubledBug
	err      error
}

func (s *troubledSource) TroubledBugs(context.Context) ([]bot.TroubledBug, error) {
	return s.troubled, s.err
}

func TestDashboardListsTroubledBugs(t *testing.T) {
	src := &troubledSource{fakeSource: fakeSource{queue: sampleQueue()}, troubled: []bot.TroubledBug{
		{BugID: 1234567890, BugURL: "https://bugzilla.example/show_bug.cgi?id=1234567890", Kind: store.TroubleRead,
			Reason: "attachments: HTTP 400, code 100: not a valid bug number", Failures: 3, Since: now0.Add(-time.Hour),
			RetryAt: now0.Add(20 * time.Minute)},
		{BugID: 1007, BugURL: "https://bugzilla.example/show_bug.cgi?id=1007", Kind: store.TroubleWrite,
			Reason: "post analysis: HTTP 400, code 114: Embargoed feature name", Failures: 3, Since: now0, Private: true},
		{BugID: 1001, BugURL: "https://bugzilla.example/show_bug.cgi?id=1001", Kind: store.TroubleWrite,
			Reason: "post reminder: HTTP 400", Failures: 1, Since: now0, RetryAt: now0},
	}}
	for _, showPrivate := range []bool{false, true} {
		s, _ := newTestServer(t, src, func(o *Options) { o.ShowPrivate = showPrivate })
		code, _, body := get(t, s, "/")
		if code != 200 {
			t.Fatalf("GET / = %d", code)
		}
		for _, want := range []string{
			`<section id="troubled"`,
			`<tr id="troubled-1234567890"`, `>Bug 1234567890</a>`, `reading the bug`,
			`after 2026-11-28 12:20:00`, `code 100: not a valid bug number`,
			`<tr id="troubled-1007"`, `writing a comment`, `<strong class="late">given up</strong>`,
			`<tr id="troubled-1001"`, `next cycle`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("show private %v: page lacks %s", showPrivate, want)
			}
		}
		if got := strings.Contains(body, "code 114: Embargoed feature name"); got != showPrivate {
			t.Errorf("show private %v: a private bug's error shown = %v", showPrivate, got)
		}
		if !showPrivate && !strings.Contains(body, `>private bug 1007</a>`) {
			t.Errorf("the private troubled bug is not masked")
		}
	}

	// The queue still shows when the list cannot be read.
	src.err = errors.New("store: closed")
	s, _ := newTestServer(t, src, nil)
	if code, _, body := get(t, s, "/"); code != 200 || strings.Contains(body, `id="troubled"`) || !strings.Contains(body, "bug-1001") {
		t.Errorf("with the list failing: %d, troubled section or no queue:\n%s", code, body)
	}
}
