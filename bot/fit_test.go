package bot

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stewardbot/stewardbot/bugzilla"
)

func TestFitComment(t *testing.T) {
	m := Marker{Kind: kindAnalysis, Bug: 7, Attachment: 9, Rev: "0123456789ab"}
	footer := m.Footer("stewardbot")
	line := "- `some.metric_name`: a finding about it that takes a line of its own.\n"
	for name, tc := range map[string]struct {
		body    string
		wantCut bool
	}{
		"short":               {body: "A short comment."},
		"many lines":          {body: strings.Repeat(line, 5000), wantCut: true},
		"one huge line":       {body: strings.Repeat("x", 200000), wantCut: true},
		"above U+FFFF counts": {body: strings.Repeat("😀\n", 10000), wantCut: true},
		"spaces ending lines": {body: strings.Repeat("x"+strings.Repeat(" ", 60)+"\n", 3000), wantCut: true},
	} {
		for _, md := range []bool{true, false} {
			t.Run(name, func(t *testing.T) {
				in := bugzilla.NewComment{Text: tc.body + footerRule + footer, IsMarkdown: md}
				got, cut := fitComment(in, footer, md)
				if n := bugzilla.CommentLength(got.Text); n > bugzilla.MaxCommentLength-commentMargin {
					t.Errorf("%d characters, over the limit", n)
				}
				if (cut > 0) != tc.wantCut {
					t.Errorf("cut %d lines, want cut: %v", cut, tc.wantCut)
				}
				if !tc.wantCut {
					if diff := cmp.Diff(got, in); diff != "" {
						t.Errorf("a comment that fits changed (-got +want):\n%s", diff)
					}
					return
				}
				if gm, ok := parseFooter("stewardbot", got.Text); !ok || gm != m {
					t.Errorf("marker lost: %+v %v", gm, ok)
				}
				if !strings.HasSuffix(got.Text, footerRule+footer) {
					t.Error("footer not whole")
				}
				if !strings.Contains(got.Text, "of this comment are left out: Bugzilla takes at most 65,535 characters") {
					t.Error("the comment does not say what was cut")
				}
				if strings.Contains(got.Text, "_(") != md {
					t.Errorf("markdown %v, note %q", md, got.Text[len(got.Text)-300:])
				}
			})
		}
	}
}
