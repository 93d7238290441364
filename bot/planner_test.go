package bot

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
)

func TestAnalysisPostedOncePerRevision(t *testing.T) {
	h := newHarness(t, nil)
	att, _ := h.request(1, fakeForm("a.b 2", "c.d 1"), false)
	h.mustCycle()
	got := h.bz.botComments(1)
	if len(got) != 1 {
		t.Fatalf("bot comments = %d, want 1", len(got))
	}
	c := got[0]
	wantFooter := Marker{Kind: kindAnalysis, Bug: 1, Attachment: att, Rev: contentRev(fakeForm("a.b 2", "c.d 1"))}.Footer("stewardbot")
	if !strings.HasSuffix(c.Text, wantFooter) {
		t.Errorf("comment does not end with %q:\n%s", wantFooter, c.Text)
	}
	if diff := cmp.Diff(c.Tags, []string{"stewardbot-analysis"}); diff != "" {
		t.Errorf("tags (-got +want):\n%s", diff)
	}
	if c.IsPrivate {
		t.Errorf("comment on a public form is private")
	}
	if !strings.Contains(c.Text, "Highest category 2") {
		t.Errorf("comment lacks the analysis:\n%s", c.Text)
	}
	// Later cycles and a comment from someone else write nothing more.
	h.bz.comment(1, "dev1@example.test", "thanks", false)
	for range 3 {
		h.mustCycle()
	}
	if n := len(h.bz.botComments(1)); n != 1 {
		t.Errorf("after more cycles: %d bot comments, want 1", n)
	}
}

func TestIdleCycleCost(t *testing.T) {
	h := newHarness(t, nil)
	h.request(1, fakeForm("a 1"), false)
	h.mustCycle() // the sweep and the analysis
	h.mustCycle() // the overlap window still shows bug 1 once
	h.clock.Advance(10 * time.Minute)
	h.bz.resetCalls()
	h.mustCycle()
	if n := h.bz.total(); n > 2 {
		t.Errorf("idle cycle made %d requests (%v), want at most 2", n, h.bz.calls)
	}
}

func TestIdleCycleCostWithFeed(t *testing.T) {
	h := newHarness(t, nil)
	h.bz.bmo = true
	h.request(1, fakeForm("a 1"), false)
	h.mustCycle() // first poll: a sweep by search
	h.request(2, fakeForm("b 1"), false)
	h.mustCycle() // then the feed
	if h.bz.calls["FlagActivity"] == 0 {
		t.Fatalf("the feed was not used: %v", h.bz.calls)
	}
	if n := len(h.bz.botComments(2)); n != 1 {
		t.Fatalf("request found through the feed: %d comments, want 1", n)
	}
	h.mustCycle() // the bot's own comment changed bug 2: it looks once more
	h.bz.resetCalls()
	h.mustCycle()
	if n := h.bz.total(); n > 2 {
		t.Errorf("idle cycle with the feed made %d requests (%v), want at most 2", n, h.bz.calls)
	}
	// A form replaced without touching any flag is still seen.
	h.clock.Advance(time.Hour)
	h.bz.attach(2, bugzilla.Attachment{ContentType: "text/plain", Data: fakeForm("b 1", "c 2")}, "", "")
	h.bz.obsolete(2, h.bz.bugs[2].atts[0].ID)
	h.mustCycle()
	if n := len(h.bz.botComments(2)); n != 2 {
		t.Errorf("a replaced form seen through the feed: %d comments, want 2", n)
	}
}

func TestDecidedWhenFirstSeenGetsNothing(t *testing.T) {
	h := newHarness(t, nil)
	h.bz.addBug(1)
	h.bz.attach(1, bugzilla.Attachment{ContentType: "text/plain", Data: fakeForm("a 1")}, "+", "")
	// Another flag on the same bug is still open, so the search finds it.
	h.bz.attach(1, bugzilla.Attachment{ContentType: "text/plain", Data: fakeForm("b 3")}, "?", "")
	h.mustCycle()
	got := h.bz.botComments(1)
	if len(got) != 1 || !strings.Contains(got[0].Text, "b") || strings.Contains(got[0].Text, "Measurements: a.") {
		t.Fatalf("want one analysis, of the open request only; got %+v", got)
	}
}

func TestNeedsFormThenForm(t *testing.T) {
	h := newHarness(t, nil)
	h.bz.addBug(1)
	h.bz.attach(1, bugzilla.Attachment{FileName: "fix.patch", ContentType: "text/plain", IsPatch: true,
		Data: []byte("diff --git a/x b/x\n")}, "?", "steward1@example.test")
	h.mustCycle()
	h.mustCycle()
	got := h.bz.botComments(1)
	if len(got) != 1 {
		t.Fatalf("bot comments = %d, want 1", len(got))
	}
	if !strings.Contains(got[0].Text, DefaultTemplateURL) || got[0].IsPrivate ||
		!strings.HasSuffix(got[0].Text, "stewardbot:needs-form bug=1") {
		t.Errorf("needs-form comment:\n%s", got[0].Text)
	}
	// The requester attaches the form without a flag: the bug changed, so
	// the bot looks again and analyses it.
	h.clock.Advance(time.Hour)
	h.bz.attach(1, bugzilla.Attachment{FileName: "form.txt", ContentType: "text/plain", Data: fakeForm("x.y 1")}, "", "")
	h.mustCycle()
	h.mustCycle()
	got = h.bz.botComments(1)
	if len(got) != 2 || !strings.Contains(got[1].Text, "stewardbot:analysis bug=1") {
		t.Fatalf("after the form: %d comments, last %q", len(got), got[len(got)-1].Text)
	}
}

func TestFormInComment(t *testing.T) {
	h := newHarness(t, nil)
	h.bz.addBug(1)
	h.bz.attach(1, bugzilla.Attachment{ContentType: "text/x-phabricator-request", Data: []byte("https://phabricator.example/D1")}, "?", "")
	cid := h.bz.comment(1, "dev1@example.test", string(fakeForm("in.comment 2")), false)
	h.mustCycle()
	got := h.bz.botComments(1)
	if len(got) != 1 {
		t.Fatalf("bot comments = %d, want 1", len(got))
	}
	want := Marker{Kind: kindAnalysis, Bug: 1, Comment: cid, Rev: contentRev(fakeForm("in.comment 2"))}.Footer("stewardbot")
	if !strings.HasSuffix(got[0].Text, want) {
		t.Errorf("comment does not end with %q:\n%s", want, got[0].Text)
	}
}

func TestPrivateFormPrivateComment(t *testing.T) {
	h := newHarness(t, nil)
	h.request(1, fakeForm("secret.metric 4"), true)
	h.mustCycle()
	got := h.bz.botComments(1)
	if len(got) != 1 || !got[0].IsPrivate {
		t.Fatalf("want one private comment, got %+v", got)
	}
	// A private form pasted in a private comment: private too.
	h.bz.addBug(2)
	h.bz.attach(2, bugzilla.Attachment{ContentType: "text/plain", IsPatch: true, Data: []byte("diff")}, "?", "")
	h.bz.comment(2, "dev1@example.test", string(fakeForm("hidden 3")), true)
	h.mustCycle()
	got = h.bz.botComments(2)
	if len(got) != 1 || !got[0].IsPrivate {
		t.Fatalf("form in a private comment: want one private comment, got %+v", got)
	}
}

func TestReplacedFormSaysWhatChanged(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Comments.Format = FormatMarkdown })
	old, _ := h.request(1, fakeForm("keep 1", "drop 2", "move 2"), false)
	h.mustCycle()
	h.clock.Advance(time.Hour)
	h.bz.obsolete(1, old)
	h.bz.attach(1, bugzilla.Attachment{ContentType: "text/plain", Data: fakeForm("keep 1", "move 3", "fresh 1")}, "?", "steward1@example.test")
	h.mustCycle()
	got := h.bz.botComments(1)
	if len(got) != 2 {
		t.Fatalf("bot comments = %d, want 2", len(got))
	}
	text := got[1].Text
	for _, want := range []string{"What changed since the form in attachment", "Highest category: 2 → 3",
		"Added measurement `fresh` (category 1)", "Measurement `move`: category 2 → 3", "Removed measurement `drop`"} {
		if !strings.Contains(text, want) {
			t.Errorf("second analysis lacks %q:\n%s", want, text)
		}
	}
}

func TestReplacedPrivateFormLeaksNothing(t *testing.T) {
	h := newHarness(t, nil)
	old, _ := h.request(1, fakeForm("private.secret 4"), true)
	h.mustCycle()
	h.clock.Advance(time.Hour)
	h.bz.obsolete(1, old)
	h.bz.attach(1, bugzilla.Attachment{ContentType: "text/plain", Data: fakeForm("public.metric 1")}, "?", "")
	h.mustCycle()
	got := h.bz.botComments(1)
	if len(got) != 2 {
		t.Fatalf("bot comments = %d, want 2", len(got))
	}
	if got[1].IsPrivate || strings.Contains(got[1].Text, "private.secret") || strings.Contains(got[1].Text, "private\\.secret") {
		t.Errorf("public comment leaks the private form:\n%s", got[1].Text)
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.DryRun = true })
	h.request(1, fakeForm("a 1"), false)
	h.mustCycle()
	h.mustCycle()
	if n := h.bz.calls["AddComment"]; n != 0 {
		t.Fatalf("dry run sent %d comments", n)
	}
	if len(h.posted) != 1 || !h.posted[0].DryRun {
		t.Fatalf("dry run reported %+v, want one dry-run comment", h.posted)
	}
	if !strings.Contains(h.logs.String(), "would post") || !strings.Contains(h.logs.String(), "stewardbot:analysis bug=1") {
		t.Errorf("dry run did not log the exact comment:\n%s", h.logs.String())
	}
	// Told to write, the bot posts what it only logged before.
	h.cfg.DryRun = false
	h.newProcess()
	h.mustCycle()
	if n := len(h.bz.botComments(1)); n != 1 {
		t.Errorf("after leaving dry run: %d comments, want 1", n)
	}
}

func TestStoreDeletedNoDuplicate(t *testing.T) {
	h := newHarness(t, nil)
	h.request(1, fakeForm("a 1"), false)
	h.bz.addBug(2)
	h.bz.attach(2, bugzilla.Attachment{ContentType: "text/plain", IsPatch: true, Data: []byte("diff")}, "?", "")
	h.mustCycle()
	h.dropStore()
	h.mustCycle()
	h.mustCycle()
	for _, bug := range []int{1, 2} {
		if n := len(h.bz.botComments(bug)); n != 1 {
			t.Errorf("bug %d: %d bot comments after the store was lost, want 1", bug, n)
		}
	}
}

// crashAfterPost is a store that dies (refuses every write) once an action
// is journaled as intent: the comment goes out, the journal never hears.
type crashAfterPost struct {
	store.Store
	crashed bool
}

func (s *crashAfterPost) RecordAction(ctx context.Context, a store.Action) error {
	if s.crashed {
		return errors.New("process killed")
	}
	if a.Status == store.ActionIntent {
		s.crashed = true
	}
	return s.Store.RecordAction(ctx, a)
}

func TestCrashBetweenPostAndJournal(t *testing.T) {
	h := newHarness(t, nil)
	h.request(1, fakeForm("a 1"), false)
	real := h.st
	h.st = &crashAfterPost{Store: real}
	h.newProcess()
	_ = h.cycle() // fails after the POST
	if n := len(h.bz.botComments(1)); n != 1 {
		t.Fatalf("the first process posted %d comments, want 1", n)
	}
	m, ok := parseFooter("stewardbot", h.bz.botComments(1)[0].Text)
	if !ok {
		t.Fatal("posted comment has no marker")
	}
	if j, err := real.Action(h.ctx, m.Key()); err != nil || j.Status != store.ActionIntent {
		t.Fatalf("journal after the crash = %+v, %v; want an intent", j, err)
	}
	h.st = real
	h.newProcess()
	h.mustCycle()
	h.mustCycle()
	if n := len(h.bz.botComments(1)); n != 1 {
		t.Errorf("after the restart: %d comments, want 1", n)
	}
}

func TestUnknownOutcomeNoDuplicate(t *testing.T) {
	h := newHarness(t, nil)
	h.request(1, fakeForm("a 1"), false)
	h.bz.unknownWrites = 1 // the POST lands, the answer is lost
	h.mustCycle()
	h.mustCycle()
	if n := len(h.bz.botComments(1)); n != 1 {
		t.Errorf("after a timed-out POST that landed: %d comments, want 1", n)
	}
	if n := h.bz.calls["AddComment"]; n != 1 {
		t.Errorf("AddComment called %d times, want 1", n)
	}
}

func TestRefusedWriteRetriedThenGivenUp(t *testing.T) {
	h := newHarness(t, nil)
	h.request(1, fakeForm("a 1"), false)
	h.bz.refuseWrites = 100
	for range 5 {
		_ = h.cycle()
	}
	if n := h.bz.calls["AddComment"]; n != maxWriteAttempts {
		t.Errorf("refused write tried %d times, want %d", n, maxWriteAttempts)
	}
}

func TestRateLimitParks(t *testing.T) {
	h := newHarness(t, nil)
	h.mustCycle() // started, nothing to do
	h.request(1, fakeForm("a 1"), false)
	h.bz.rateLimitNext = true
	err := h.cycle()
	var park *ParkedError
	if !errors.As(err, &park) {
		t.Fatalf("cycle under a 429: err = %v, want a ParkedError", err)
	}
	h.bz.resetCalls()
	for range 6 { // 30 minutes of cycles inside the hour's park
		if err := h.cycle(); !errors.As(err, &park) {
			t.Fatalf("parked cycle: err = %v", err)
		}
	}
	// A restart during the park sends nothing either.
	h.newProcess()
	if err := h.cycle(); !errors.As(err, &park) {
		t.Fatalf("parked restart: err = %v", err)
	}
	if n := h.bz.total(); n != 0 {
		t.Fatalf("%d requests sent while parked (%v)", n, h.bz.calls)
	}
	h.clock.Advance(time.Hour)
	h.mustCycle()
	if n := len(h.bz.botComments(1)); n != 1 {
		t.Errorf("after the park: %d comments, want 1", n)
	}
}

func TestWriteCap(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Poll.MaxWritesPerCycle = 2 })
	for bug := 1; bug <= 3; bug++ {
		h.request(bug, fakeForm("m 1"), false)
	}
	h.mustCycle()
	if n := h.bz.calls["AddComment"]; n != 2 {
		t.Fatalf("first cycle wrote %d comments, want 2 (the cap)", n)
	}
	h.mustCycle()
	for bug := 1; bug <= 3; bug++ {
		if n := len(h.bz.botComments(bug)); n != 1 {
			t.Errorf("bug %d: %d comments, want 1", bug, n)
		}
	}
}

func TestInvalidAPIKeyStopsAfterOneRequest(t *testing.T) {
	h := newHarness(t, nil)
	h.bz.authErr = &bugzilla.APIError{Status: 400, Code: 306, Message: "The API key you specified is invalid."}
	err := h.cycle()
	if err == nil || !strings.Contains(err.Error(), "API key") {
		t.Fatalf("err = %v, want a clear message about the API key", err)
	}
	if n := h.bz.total(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestOnlyTask(t *testing.T) {
	h := newHarness(t, nil)
	h.request(1, fakeForm("a 1"), false)
	if err := h.bot.RunOnce(h.ctx, "nope"); err == nil || !strings.Contains(err.Error(), "poll, analyze") {
		t.Fatalf("unknown task: err = %v", err)
	}
	if err := h.bot.RunOnce(h.ctx, "poll"); err != nil {
		t.Fatal(err)
	}
	if n := h.bz.calls["AddComment"]; n != 0 {
		t.Fatalf("--only poll wrote %d comments", n)
	}
	if err := h.bot.RunOnce(h.ctx, "analyse"); err != nil {
		t.Fatal(err)
	}
	if n := len(h.bz.botComments(1)); n != 1 {
		t.Errorf("--only analyse after --only poll: %d comments, want 1", n)
	}
}

func TestTwoFlagsOneForm(t *testing.T) {
	h := newHarness(t, nil)
	att, _ := h.request(1, fakeForm("a 1"), false)
	h.mustCycle()
	// A second steward is asked on the same form later: no second analysis.
	h.bz.mu.Lock()
	bug := h.bz.bugs[1]
	bug.atts[0].Flags = append(bug.atts[0].Flags, bugzilla.Flag{ID: 9999, Name: "data-review", Status: "?",
		Requestee: "steward2@example.test", CreationDate: h.clock.Now()})
	bug.lastChange = h.clock.Now()
	h.bz.mu.Unlock()
	h.mustCycle()
	if n := len(h.bz.botComments(1)); n != 1 {
		t.Errorf("two requests on attachment %d: %d analyses, want 1", att, n)
	}
}

func TestDecisionStopsAndReRequestIsNew(t *testing.T) {
	h := newHarness(t, nil)
	_, flag := h.request(1, fakeForm("a 1"), false)
	h.mustCycle()
	h.bz.setFlag(1, flag, "-")
	h.mustCycle()
	h.mustCycle()
	if n := len(h.bz.botComments(1)); n != 1 {
		t.Fatalf("after data-review-: %d comments, want 1", n)
	}
	r, err := h.st.Request(h.ctx, flag)
	if err != nil || r.Status != "-" {
		t.Fatalf("stored request = %+v, %v; want status -", r, err)
	}
	// Asked again on the same form: a new request, but its form revision is
	// already analysed, so nothing is posted twice.
	h.bz.setFlag(1, flag, "?")
	h.mustCycle()
	if n := len(h.bz.botComments(1)); n != 1 {
		t.Errorf("re-request on the same form: %d comments, want 1", n)
	}
	if r, _ := h.st.Request(h.ctx, flag); r.FirstStatus != "?" || r.Status != "?" {
		t.Errorf("re-request not recorded as open: %+v", r)
	}
}

func TestLastGoodCycleRecorded(t *testing.T) {
	h := newHarness(t, nil)
	h.mustCycle()
	v, err := h.st.Get(h.ctx, KVLastGoodCycle)
	if err != nil {
		t.Fatal(err)
	}
	if want := h.clock.Now().Format(time.RFC3339Nano); v != want {
		t.Errorf("last good cycle = %q, want %q", v, want)
	}
}
