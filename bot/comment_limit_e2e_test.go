package bot

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bugzilla"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// largeGleanForm is the demo glean_parser form with n measurements of its
// own, named after prefix, in every category in turn.
func largeGleanForm(t *testing.T, prefix string, n int) string {
	t.Helper()
	form := demoForm(t, "glean-parser.txt")
	const header = "---------------- | ----------------------- | ------------------------ | ------------\n"
	i := strings.Index(form, header)
	if i < 0 {
		t.Fatal("glean-parser.txt has no measurement table")
	}
	end := i + len(header) + strings.Index(form[i+len(header):], "\n\n")
	cats := []string{"technical", "interaction", "stored_content", "highly_sensitive"}
	var rows strings.Builder
	for k := range n {
		fmt.Fprintf(&rows, "`%s_component.metric_number_%05d_with_a_long_descriptive_name` | What the widget did, case %d. | %s | https://bugzilla.mozilla.org/show_bug.cgi?id=1002\n",
			prefix, k, k, cats[k%len(cats)])
	}
	return form[:i+len(header)] + strings.TrimRight(rows.String(), "\n") + form[end:]
}

// TestLargeReplacedFormAnalysisFits replaces a glean_parser form of
// thousands of measurements by another: the second analysis, with what
// changed since the first, would be hundreds of thousands of characters.
// It must be posted, within Bugzilla's limit (the fake refuses longer
// comments with code 114, as Bugzilla does), say what it left out, and
// keep its marker so that it is posted once.
func TestLargeReplacedFormAnalysisFits(t *testing.T) {
	for _, dialect := range dialects {
		t.Run(dialect.String(), func(t *testing.T) {
			e := newE2E(t, dialect, nil)
			bugID, old := e.request("Widget metrics", largeGleanForm(t, "old", 3000), false, "steward1@example.test")
			e.mustCycle()
			e.advance(time.Hour)
			e.srv.ObsoleteAttachment(old)
			e.srv.AddAttachment(bugzillatest.Attachment{BugID: bugID, Summary: "Data review request v2",
				FileName: "request.md", ContentType: "text/plain", Data: []byte(largeGleanForm(t, "new", 3000)),
				Flags: []bugzillatest.Flag{bugzillatest.DataReview("steward1@example.test")}})
			e.mustCycle()
			e.mustCycle()
			got := e.botCommentsOfKind(bugID, kindAnalysis)
			if len(got) != 2 {
				t.Fatalf("analyses posted: %d, want 2\nlogs:\n%s", len(got), e.logs.String())
			}
			for i, c := range got {
				if n := bugzilla.CommentLength(c.Text); n > bugzilla.MaxCommentLength {
					t.Errorf("analysis %d: %d characters", i+1, n)
				}
			}
			second := got[1].Text
			for _, want := range []string{"What changed since the form in attachment", "more measurement change(s), not listed here"} {
				if !strings.Contains(second, want) {
					t.Errorf("second analysis lacks %q", want)
				}
			}
		})
	}
}
