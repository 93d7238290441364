package bot

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bot/demo"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// markdownEscape is a markdown backslash escape: a backslash before ASCII
// punctuation, as in trust\@example\.test or fxa\_signin.
var markdownEscape = regexp.MustCompile(`\\[!-/:-@\[-` + "`" + `{-~]`)

// TestCommentsFormatPerServer runs the demo's requests for two weeks
// (analyses, requests for a form, reminders, notices, escalations, answers
// to commands) on each server: with comments.format auto, upstream
// Bugzilla (which shows comments as preformatted text and ignores
// is_markdown) gets plain text without a single markdown escape, and BMO
// (which renders markdown) gets markdown; text and markdown force one or
// the other on either server.
func TestCommentsFormatPerServer(t *testing.T) {
	for _, d := range dialects {
		for _, format := range []string{FormatAuto, FormatText, FormatMarkdown} {
			t.Run(d.String()+"/"+format, func(t *testing.T) {
				e := newRemindE2E(t, d, func(c *Config) {
					c.Comments.Format = format
					c.Escalation.Trust = []string{"trust@example.test"}
					c.Escalation.Legal = []string{"legal@example.test"}
				})
				if _, err := demo.Seed(e.srv); err != nil {
					t.Fatal(err)
				}
				e.runFor(2*week, 12*time.Hour)
				e.say(1001, steward1, "stewardbot: help\nstewardbot: escalate legal")
				e.cycles(2)
				markdown := format == FormatMarkdown || (format == FormatAuto && d == bugzillatest.BMO)
				kinds := map[string]int{}
				escapes := 0
				for _, w := range e.srv.Writes() {
					if w.User != e.cfg.Bugzilla.Login {
						continue
					}
					text, md, ok := writtenComment(w.Body)
					if !ok {
						continue
					}
					m, _ := parseFooter(e.cfg.Comments.Tag, text)
					kinds[strings.TrimRight(m.Kind, "0123456789-")]++
					if md != markdown && !(m.Kind == kindAssign) { // an attachment update's comment is plain text
						t.Errorf("%s comment is_markdown %v, want %v", m.Kind, md, markdown)
					}
					if found := markdownEscape.FindAllString(text, -1); len(found) > 0 {
						escapes++
						if !markdown {
							t.Errorf("%s comment in plain text has markdown escapes %q:\n%s", m.Kind, found, text)
						}
					}
					if !markdown && (strings.Contains(text, "**") || strings.Contains(text, "### ")) {
						t.Errorf("%s comment in plain text has markdown markup:\n%s", m.Kind, text)
					}
				}
				for _, k := range []string{kindAnalysis, kindNeedsForm, "remind", kindLeadNotice, kindEscalation,
					kindEscalationLegal, kindCommandAck} {
					if kinds[k] == 0 {
						t.Errorf("no %s comment written (got %v)", k, kinds)
					}
				}
				if markdown && escapes == 0 {
					t.Error("markdown comments without a single escape: the demo no longer tests quoting")
				}
			})
		}
	}
}

// writtenComment is the comment a write carried: POST comment's
// {"comment", "is_markdown"} or PUT bug's {"comment": {"body", ...}}.
func writtenComment(body map[string]any) (text string, markdown, ok bool) {
	switch c := body["comment"].(type) {
	case string:
		return c, bodyBool(body, "is_markdown"), true
	case map[string]any:
		return bodyString(c, "body"), bodyBool(c, "is_markdown"), true
	}
	return "", false, false
}
