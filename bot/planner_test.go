package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// The planner's scenarios: what the analysis duty posts, once, for each
// form revision, on the rig (the real client and policy against the fake
// Bugzilla). Rate limits and an invalid API key are TestE2ERateLimitParks
// and TestE2EInvalidAPIKey.

// Endpoints the planner's tests count.
const (
	postComment = "POST /rest/bug/{id}/comment"
	flagFeed    = "GET /rest/review/flag_activity"
)

// categoryNames are the Firefox data collection categories, as forms name
// them.
var categoryNames = map[int]string{1: "Technical data", 2: "Interaction data", 3: "Stable identifiers", 4: "Highly sensitive data"}

// formWith is the clean demo form with its measurements replaced by
// rows "name category", such as "tab_groups.opened 2".
func formWith(t *testing.T, rows ...string) string {
	t.Helper()
	var table strings.Builder
	table.WriteString("| Measurement Description | Data Collection Category | Tracking Bug # |\n| --- | --- | --- |\n")
	for _, r := range rows {
		name, cat, _ := strings.Cut(r, " ")
		n, err := strconv.Atoi(cat)
		if err != nil || categoryNames[n] == "" {
			t.Fatalf("row %q: want \"name category\"", r)
		}
		fmt.Fprintf(&table, "| `%s` (a counter) | Category %d: %s | 1001 |\n", name, n, categoryNames[n])
	}
	form := string(mustReadDemoForm(t, "clean-12q.md"))
	start := strings.Index(form, "| Measurement Description")
	end := strings.Index(form, "\n6)")
	if start < 0 || end < start {
		t.Fatal("clean-12q.md: no measurement table before question 6")
	}
	return form[:start] + table.String() + form[end:]
}

// addForm attaches a form to a bug, with a data-review? flag on steward1
// when flagged, and returns the attachment's id.
func (e *e2e) addForm(bug int, form string, private, flagged bool) int {
	a := bugzillatest.Attachment{BugID: bug, Summary: "Data review request", FileName: "request.md",
		ContentType: "text/plain", Data: []byte(form), IsPrivate: private}
	if flagged {
		a.Flags = []bugzillatest.Flag{bugzillatest.DataReview(steward1)}
	}
	return e.srv.AddAttachment(a)
}

// newBug files a bug by dev1 without attachments.
func (e *e2e) newBug(summary string) int {
	return e.srv.AddBug(bugzillatest.Bug{Summary: summary, Creator: "dev1@example.test", Description: "See below."})
}

func TestAnalysisPostedOncePerRevision(t *testing.T) {
	e := newE2E(t, bugzillatest.Upstream, nil)
	form := formWith(t, "tab_groups.opened 2", "tab_groups.render_ms 1")
	bug, att := e.request("Count widget clicks", form, false, steward1)
	e.mustCycle()
	got := e.botComments(bug)
	if len(got) != 1 {
		t.Fatalf("bot comments = %d, want 1", len(got))
	}
	c := got[0]
	wantFooter := Marker{Kind: kindAnalysis, Bug: bug, Attachment: att, Rev: contentRev([]byte(form))}.Footer("stewardbot")
	if !strings.HasSuffix(c.Text, wantFooter) {
		t.Errorf("comment does not end with %q:\n%s", wantFooter, c.Text)
	}
	if diff := cmp.Diff(c.Tags, []string{"stewardbot-analysis"}); diff != "" {
		t.Errorf("tags (-got +want):\n%s", diff)
	}
	if c.IsPrivate {
		t.Errorf("comment on a public form is private")
	}
	if !strings.Contains(c.Text, "tab_groups.opened") {
		t.Errorf("comment lacks the analysis:\n%s", c.Text)
	}
	// Later cycles and a comment from someone else write nothing more.
	e.srv.AddComment(bugzillatest.Comment{BugID: bug, Creator: "dev1@example.test", Text: "thanks"})
	for range 3 {
		e.mustCycle()
	}
	if n := len(e.botComments(bug)); n != 1 {
		t.Errorf("after more cycles: %d bot comments, want 1", n)
	}
}

func TestIdleCycleCost(t *testing.T) {
	e := newE2E(t, bugzillatest.Upstream, nil)
	e.cleanRequest("Count widget clicks", steward1)
	e.mustCycle() // the sweep and the analysis
	e.mustCycle() // the overlap window still shows the bug once
	e.advance(10 * time.Minute)
	e.srv.ResetRecords()
	e.mustCycle()
	if n := e.rig.Requests(); n > 2 {
		t.Errorf("idle cycle made %d requests (%v), want at most 2", n, e.srv.RequestCounts())
	}
}

func TestIdleCycleCostWithFeed(t *testing.T) {
	e := newE2E(t, bugzillatest.BMO, nil)
	e.cleanRequest("Count widget clicks", steward1)
	e.mustCycle() // first poll: a sweep by search
	form := formWith(t, "widget.taps 1")
	bug, old := e.request("Count widget taps", form, false, steward1)
	e.srv.ResetRecords()
	e.mustCycle() // then the feed
	if e.srv.RequestCount(flagFeed) == 0 {
		t.Fatalf("the feed was not used: %v", e.srv.RequestCounts())
	}
	if n := len(e.botComments(bug)); n != 1 {
		t.Fatalf("request found through the feed: %d comments, want 1", n)
	}
	e.mustCycle() // the bot's own comment changed the bug: it looks once more
	e.srv.ResetRecords()
	e.mustCycle()
	if n := e.rig.Requests(); n > 2 {
		t.Errorf("idle cycle with the feed made %d requests (%v), want at most 2", n, e.srv.RequestCounts())
	}
	// A form replaced without touching any flag is still seen.
	e.advance(time.Hour)
	e.addForm(bug, formWith(t, "widget.taps 1", "widget.clicks 2"), false, false)
	e.srv.ObsoleteAttachment(old)
	e.mustCycle()
	// (ResetRecords forgot the first analysis's write: read the bug.)
	if n := len(e.markedComments(bug, kindAnalysis)); n != 2 {
		t.Errorf("a replaced form seen through the feed: %d analyses, want 2", n)
	}
}

func TestDecidedWhenFirstSeenGetsNothing(t *testing.T) {
	e := newE2E(t, bugzillatest.Upstream, nil)
	bug := e.newBug("Count widget clicks")
	decided := e.srv.AddAttachment(bugzillatest.Attachment{BugID: bug, Summary: "Old form", FileName: "old.md",
		ContentType: "text/plain", Data: []byte(formWith(t, "decided.metric 1")),
		Flags: []bugzillatest.Flag{{Name: "data-review", Status: "+", Setter: steward1}}})
	// Another flag on the same bug is still open, so the search finds it.
	open := e.addForm(bug, formWith(t, "open.metric 3"), false, true)
	e.mustCycle()
	got := e.botComments(bug)
	if len(got) != 1 || !strings.Contains(got[0].Text, "attachment="+itoa(open)) ||
		strings.Contains(got[0].Text, "attachment="+itoa(decided)) || strings.Contains(got[0].Text, "decided.metric") {
		t.Fatalf("want one analysis, of the open request only; got %+v", got)
	}
}

func TestNeedsFormThenForm(t *testing.T) {
	e := newE2E(t, bugzillatest.Upstream, nil)
	bug, _ := e.patchRequest("Count widget clicks")
	e.mustCycle()
	e.mustCycle()
	got := e.botComments(bug)
	if len(got) != 1 {
		t.Fatalf("bot comments = %d, want 1", len(got))
	}
	if !strings.Contains(got[0].Text, DefaultTemplateURL) || got[0].IsPrivate ||
		!strings.HasSuffix(got[0].Text, "stewardbot:needs-form bug="+itoa(bug)) {
		t.Errorf("needs-form comment:\n%s", got[0].Text)
	}
	// The requester attaches the form without a flag: the bug changed, so
	// the bot looks again and analyzes it.
	e.advance(time.Hour)
	e.addForm(bug, formWith(t, "x.y 1"), false, false)
	e.mustCycle()
	e.mustCycle()
	got = e.botComments(bug)
	if len(got) != 2 || !strings.Contains(got[1].Text, "stewardbot:analysis bug="+itoa(bug)) {
		t.Fatalf("after the form: %d comments, last %q", len(got), got[len(got)-1].Text)
	}
}

func TestFormInComment(t *testing.T) {
	e := newE2E(t, bugzillatest.Upstream, nil)
	bug := e.newBug("Count widget clicks")
	e.srv.AddAttachment(bugzillatest.Attachment{BugID: bug, Summary: "Patch", FileName: "D1",
		ContentType: "text/x-phabricator-request", Data: []byte("https://phabricator.example.test/D1"),
		Flags: []bugzillatest.Flag{bugzillatest.DataReview(steward1)}})
	form := formWith(t, "in.comment 2")
	cid := e.srv.AddComment(bugzillatest.Comment{BugID: bug, Creator: "dev1@example.test", Text: form})
	e.mustCycle()
	got := e.botComments(bug)
	if len(got) != 1 {
		t.Fatalf("bot comments = %d, want 1", len(got))
	}
	want := Marker{Kind: kindAnalysis, Bug: bug, Comment: cid, Rev: contentRev([]byte(form))}.Footer("stewardbot")
	if !strings.HasSuffix(got[0].Text, want) {
		t.Errorf("comment does not end with %q:\n%s", want, got[0].Text)
	}
}

func TestPrivateFormPrivateComment(t *testing.T) {
	e := newE2E(t, bugzillatest.Upstream, nil)
	bug, _ := e.request("Count widget clicks", formWith(t, "secret.metric 4"), true, steward1)
	e.mustCycle()
	got := e.botComments(bug)
	if len(got) != 1 || !got[0].IsPrivate {
		t.Fatalf("want one private comment, got %+v", got)
	}
	// A form pasted in a private comment: private too.
	bug2, _ := e.patchRequest("Count widget taps")
	e.srv.AddComment(bugzillatest.Comment{BugID: bug2, Creator: "dev1@example.test", Text: formWith(t, "hidden 3"), IsPrivate: true})
	e.mustCycle()
	got = e.botComments(bug2)
	if len(got) != 1 || !got[0].IsPrivate {
		t.Fatalf("form in a private comment: want one private comment, got %+v", got)
	}
}

func TestReplacedFormSaysWhatChanged(t *testing.T) {
	e := newE2E(t, bugzillatest.Upstream, func(c *Config) { c.Comments.Format = FormatMarkdown })
	bug, old := e.request("Count widget clicks", formWith(t, "keep.m 1", "drop.m 2", "move.m 2"), false, steward1)
	e.mustCycle()
	e.advance(time.Hour)
	e.srv.ObsoleteAttachment(old)
	e.addForm(bug, formWith(t, "keep.m 1", "move.m 3", "fresh.m 1"), false, true)
	e.mustCycle()
	got := e.botComments(bug)
	if len(got) != 2 {
		t.Fatalf("bot comments = %d, want 2", len(got))
	}
	text := got[1].Text
	for _, want := range []string{"What changed since the form in attachment", "Highest category: 2 → 3",
		"Added measurement `fresh.m` (category 1)", "Measurement `move.m`: category 2 → 3", "Removed measurement `drop.m`"} {
		if !strings.Contains(text, want) {
			t.Errorf("second analysis lacks %q:\n%s", want, text)
		}
	}
}

func TestReplacedPrivateFormLeaksNothing(t *testing.T) {
	e := newE2E(t, bugzillatest.Upstream, nil)
	bug, old := e.request("Count widget clicks", formWith(t, "private.secret 4"), true, steward1)
	e.mustCycle()
	e.advance(time.Hour)
	e.srv.ObsoleteAttachment(old)
	e.addForm(bug, formWith(t, "public.metric 1"), false, true)
	e.mustCycle()
	got := e.botComments(bug)
	if len(got) != 2 {
		t.Fatalf("bot comments = %d, want 2", len(got))
	}
	if got[1].IsPrivate || strings.Contains(got[1].Text, "private.secret") || strings.Contains(got[1].Text, "private\\.secret") {
		t.Errorf("public comment leaks the private form:\n%s", got[1].Text)
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	e := newE2E(t, bugzillatest.Upstream, func(c *Config) { c.DryRun = true })
	bug, _, _ := e.cleanRequest("Count widget clicks", steward1)
	e.mustCycle()
	e.mustCycle()
	if n := e.srv.RequestCount(postComment); n != 0 {
		t.Fatalf("dry run sent %d comments", n)
	}
	if len(e.posted) != 1 || !e.posted[0].DryRun {
		t.Fatalf("dry run reported %+v, want one dry-run comment", e.posted)
	}
	if !strings.Contains(e.logs.String(), "would post") || !strings.Contains(e.logs.String(), "stewardbot:analysis bug="+itoa(bug)) {
		t.Errorf("dry run did not log the exact comment:\n%s", e.logs.String())
	}
	// Told to write, the bot posts what it only logged before.
	e.cfg.DryRun = false
	e.newProcess()
	e.mustCycle()
	if n := len(e.botComments(bug)); n != 1 {
		t.Errorf("after leaving dry run: %d comments, want 1", n)
	}
}

func TestStoreDeletedNoDuplicate(t *testing.T) {
	e := newE2E(t, bugzillatest.Upstream, nil)
	analyzed, _, _ := e.cleanRequest("Count widget clicks", steward1)
	needsForm, _ := e.patchRequest("Count widget taps")
	e.mustCycle()
	e.dropStore()
	e.mustCycle()
	e.mustCycle()
	for _, bug := range []int{analyzed, needsForm} {
		if n := len(e.botComments(bug)); n != 1 {
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
	e := newE2E(t, bugzillatest.Upstream, nil)
	bug, _, _ := e.cleanRequest("Count widget clicks", steward1)
	real := e.st
	e.st = &crashAfterPost{Store: real}
	e.newProcess()
	_ = e.cycle() // fails after the POST
	if n := len(e.botComments(bug)); n != 1 {
		t.Fatalf("the first process posted %d comments, want 1", n)
	}
	m, ok := parseFooter("stewardbot", e.botComments(bug)[0].Text)
	if !ok {
		t.Fatal("posted comment has no marker")
	}
	if j, err := real.Action(e.ctx, m.Key()); err != nil || j.Status != store.ActionIntent {
		t.Fatalf("journal after the crash = %+v, %v; want an intent", j, err)
	}
	e.st = real
	e.newProcess()
	e.mustCycle()
	e.mustCycle()
	if n := len(e.botComments(bug)); n != 1 {
		t.Errorf("after the restart: %d comments, want 1", n)
	}
}

func TestUnknownOutcomeNoDuplicate(t *testing.T) {
	e := newE2E(t, bugzillatest.Upstream, nil)
	bug, _, _ := e.cleanRequest("Count widget clicks", steward1)
	e.srv.LoseNextWrite("POST", "/rest/bug/*/comment") // the POST lands, the answer is lost
	_ = e.cycle()
	e.mustCycle()
	e.mustCycle()
	if n := len(e.botComments(bug)); n != 1 {
		t.Errorf("after a POST that landed and whose answer was lost: %d comments, want 1", n)
	}
	if n := e.srv.RequestCount(postComment); n != 1 {
		t.Errorf("%d comment POSTs, want 1", n)
	}
}

func TestRefusedWriteRetriedThenGivenUp(t *testing.T) {
	e := newE2E(t, bugzillatest.Upstream, nil)
	e.cleanRequest("Count widget clicks", steward1)
	e.srv.InjectFault(bugzillatest.Fault{Method: "POST", Path: "/rest/bug/*/comment", Status: 400})
	for range 5 {
		_ = e.cycle()
	}
	if n := e.srv.RequestCount(postComment); n != maxWriteAttempts {
		t.Errorf("refused write tried %d times, want %d", n, maxWriteAttempts)
	}
}

func TestWriteCap(t *testing.T) {
	e := newE2E(t, bugzillatest.Upstream, func(c *Config) { c.Poll.MaxWritesPerCycle = 2 })
	var bugs []int
	for i := range 3 {
		bug, _ := e.request("Count widget clicks "+itoa(i), formWith(t, "m.x 1"), false, steward1)
		bugs = append(bugs, bug)
	}
	e.mustCycle()
	if n := e.srv.RequestCount(postComment); n != 2 {
		t.Fatalf("first cycle wrote %d comments, want 2 (the cap)", n)
	}
	e.mustCycle()
	for _, bug := range bugs {
		if n := len(e.botComments(bug)); n != 1 {
			t.Errorf("bug %d: %d comments, want 1", bug, n)
		}
	}
}

func TestOnlyTask(t *testing.T) {
	e := newE2E(t, bugzillatest.Upstream, nil)
	bug, _, _ := e.cleanRequest("Count widget clicks", steward1)
	if err := e.bot.RunOnce(e.ctx, "nope"); err == nil || !strings.Contains(err.Error(), "poll, analyze") {
		t.Fatalf("unknown task: err = %v", err)
	}
	if err := e.bot.RunOnce(e.ctx, "poll"); err != nil {
		t.Fatal(err)
	}
	if n := e.srv.RequestCount(postComment); n != 0 {
		t.Fatalf("--only poll wrote %d comments", n)
	}
	if err := e.bot.RunOnce(e.ctx, "analyse"); err != nil {
		t.Fatal(err)
	}
	if n := len(e.botComments(bug)); n != 1 {
		t.Errorf("--only analyse after --only poll: %d comments, want 1", n)
	}
}

func TestTwoFlagsOneForm(t *testing.T) {
	e := newE2E(t, bugzillatest.Upstream, nil)
	bug, att, _ := e.cleanRequest("Count widget clicks", steward1)
	e.mustCycle()
	// A second steward is asked on the same form later: no second analysis.
	if err := e.srv.SetAttachmentFlags("dev1@example.test", att,
		bugzillatest.FlagChange{Name: "data-review", Status: "?", Requestee: steward2, New: true}); err != nil {
		t.Fatal(err)
	}
	if a, _ := e.srv.Attachment(att); len(a.Flags) != 2 {
		t.Fatalf("attachment %d has flags %+v, want two requests", att, a.Flags)
	}
	e.mustCycle()
	if n := len(e.botComments(bug)); n != 1 {
		t.Errorf("two requests on attachment %d: %d analyses, want 1", att, n)
	}
}

func TestDecisionStopsAndReRequestIsNew(t *testing.T) {
	e := newE2E(t, bugzillatest.Upstream, nil)
	bug, att, flag := e.cleanRequest("Count widget clicks", steward1)
	e.mustCycle()
	if err := e.srv.SetAttachmentFlags(steward1, att, bugzillatest.FlagChange{ID: flag, Status: "-"}); err != nil {
		t.Fatal(err)
	}
	e.mustCycle()
	e.mustCycle()
	if n := len(e.botComments(bug)); n != 1 {
		t.Fatalf("after data-review-: %d comments, want 1", n)
	}
	r, err := e.st.Request(e.ctx, flag)
	if err != nil || r.Status != "-" {
		t.Fatalf("stored request = %+v, %v; want status -", r, err)
	}
	// Asked again on the same form: a new request, but its form revision is
	// already analyzed, so nothing is posted twice.
	if err := e.srv.SetAttachmentFlags("dev1@example.test", att,
		bugzillatest.FlagChange{ID: flag, Status: "?", Requestee: steward1}); err != nil {
		t.Fatal(err)
	}
	e.mustCycle()
	if n := len(e.botComments(bug)); n != 1 {
		t.Errorf("re-request on the same form: %d comments, want 1", n)
	}
	if r, _ := e.st.Request(e.ctx, flag); r.FirstStatus != "?" || r.Status != "?" {
		t.Errorf("re-request not recorded as open: %+v", r)
	}
}

func TestLastGoodCycleRecorded(t *testing.T) {
	e := newE2E(t, bugzillatest.Upstream, nil)
	e.mustCycle()
	v, err := e.st.Get(e.ctx, KVLastGoodCycle)
	if err != nil {
		t.Fatal(err)
	}
	if want := e.clock.Now().Format(time.RFC3339Nano); v != want {
		t.Errorf("last good cycle = %q, want %q", v, want)
	}
}
