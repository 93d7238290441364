package main

import (
	"strings"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bot"
	"github.com/stewardbot/stewardbot/bugzilla"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// TestDemoIdleLine: the wall-clock demo says when the bot is idle and when
// it polls next: once when it goes idle, then at most once a minute while
// it stays idle, and again after it has posted.
func TestDemoIdleLine(t *testing.T) {
	srv := bugzillatest.NewServer(t)
	wall := &manualReal{t: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)}
	var out strings.Builder
	w := &demoWatch{out: &out, srv: srv, now: wall.now,
		nextPoll: func() time.Time { return wall.now().Add(5 * time.Second) }}
	cycle := func() { w.cycleDone(); wall.add(5 * time.Second) }

	w.posted(bot.Posted{BugID: 1, Kind: "analysis", Comment: bugzilla.NewComment{Text: "hello\n\nstewardbot:analysis bug=1"}})
	cycle() // it posted: not idle
	if strings.Contains(out.String(), "idle") {
		t.Fatalf("idle after a cycle that posted:\n%s", out.String())
	}
	for range 6 { // 30 seconds idle: one line
		cycle()
	}
	if n := strings.Count(out.String(), "idle at "); n != 1 {
		t.Fatalf("%d idle lines in 30 idle seconds, want 1:\n%s", n, out.String())
	}
	if !strings.Contains(out.String(), "idle at 09:00:05: nothing due; next poll at 09:00:10\n") {
		t.Errorf("the idle line does not say when the next poll is:\n%s", out.String())
	}
	for range 12 { // a minute more: one more line
		cycle()
	}
	if n := strings.Count(out.String(), "idle at "); n != 2 {
		t.Errorf("%d idle lines after 90 idle seconds, want 2:\n%s", n, out.String())
	}
	w.posted(bot.Posted{BugID: 1, Kind: "needs-form", Comment: bugzilla.NewComment{Text: "x\n\nstewardbot:needs-form bug=1"}})
	cycle()
	cycle()
	if n := strings.Count(out.String(), "idle at "); n != 3 {
		t.Errorf("%d idle lines, want 3 (idle again after a post):\n%s", n, out.String())
	}
}

// TestPrintPostedNumbers: a comment written with a flag change comes back
// with no id (CommentID 0); the printout finds it on the bug by its marker
// line and gives its number and id, never "comment 0".
func TestPrintPostedNumbers(t *testing.T) {
	srv := bugzillatest.NewServer(t)
	bug := srv.AddBug(bugzillatest.Bug{Summary: "s", Product: "Firefox", Component: "General", Creator: "dev1@example.test"})
	srv.AddComment(bugzillatest.Comment{BugID: bug, Creator: "dev1@example.test", Text: "first"})
	text := "a reminder\n\nstewardbot:remind-1 bug=1 attachment=1 flag=1 rev=ab"
	id := srv.AddComment(bugzillatest.Comment{BugID: bug, Creator: "bot@example.test", Text: text})
	var out strings.Builder
	printPosted(&out, srv, bot.Posted{BugID: bug, Kind: "remind-1", Comment: bugzilla.NewComment{Text: text}})
	want := "comment #2 (id " + itoa(id) + ") · remind-1 · public · no tag"
	if !strings.Contains(out.String(), want) || strings.Contains(out.String(), "comment 0") {
		t.Errorf("printout lacks %q:\n%s", want, out.String())
	}
	if !strings.Contains(out.String(), srv.URL()+"/show_bug.cgi?id="+itoa(bug)) {
		t.Errorf("printout lacks the bug page:\n%s", out.String())
	}
}
