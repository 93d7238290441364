package bot

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stewardbot/stewardbot/bugzilla"
)

func TestMarkerRoundTrip(t *testing.T) {
	tests := []struct {
		m       Marker
		key     string
		footer  string
		wantTag string
	}{
		{Marker{Kind: kindAnalysis, Bug: 1, Attachment: 123, Rev: "abcd1234ef56"},
			"analysis:1:123:abcd1234ef56", "stewardbot:analysis bug=1 attachment=123 rev=abcd1234ef56", "stewardbot-analysis"},
		{Marker{Kind: kindAnalysis, Bug: 1, Comment: 77, Rev: "00ff00ff00ff"},
			"analysis:1:c77:00ff00ff00ff", "stewardbot:analysis bug=1 comment=77 rev=00ff00ff00ff", "stewardbot-analysis"},
		{Marker{Kind: kindNeedsForm, Bug: 9},
			"needs-form:9", "stewardbot:needs-form bug=9", "stewardbot-needs-form"},
		{Marker{Kind: "reminder", Bug: 9, Flag: 4},
			"reminder:9:0:0:4", "stewardbot:reminder bug=9 flag=4", "stewardbot-reminder"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			if got := tt.m.Key(); got != tt.key {
				t.Errorf("Key() = %q, want %q", got, tt.key)
			}
			if got := tt.m.Footer("stewardbot"); got != tt.footer {
				t.Errorf("Footer() = %q, want %q", got, tt.footer)
			}
			if got := tt.m.Tag("stewardbot"); got != tt.wantTag || len(got) > 24 {
				t.Errorf("Tag() = %q, want %q (at most 24 characters)", got, tt.wantTag)
			}
			got, ok := parseFooter("stewardbot", "Some analysis.\n\n"+tt.footer+"\n")
			if !ok {
				t.Fatalf("parseFooter(%q) failed", tt.footer)
			}
			if diff := cmp.Diff(got, tt.m); diff != "" {
				t.Errorf("parseFooter (-got +want):\n%s", diff)
			}
		})
	}
}

func TestParseFooterRejects(t *testing.T) {
	for _, text := range []string{
		"",
		"stewardbot:analysis",
		"stewardbot:analysis bug=0",
		"stewardbot:analysis bug=x",
		"stewardbot:analysis bug=1 rev=XYZ",
		"stewardbot:analysis bug=1 attachment",
		"otherbot:analysis bug=1",
		"stewardbot:Analysis bug=1",
		"stewardbot:analysis bug=1 attachment=2 rev=abcd\nthanks!", // not the last line
		"stewardbot:analysis bug=-1",
	} {
		if m, ok := parseFooter("stewardbot", text); ok {
			t.Errorf("parseFooter(%q) = %+v, want no marker", text, m)
		}
	}
}

func TestParseFooterIgnoresUnknownKeys(t *testing.T) {
	m, ok := parseFooter("stewardbot", "stewardbot:escalation bug=3 to=legal")
	if !ok || m.Kind != "escalation" || m.Bug != 3 {
		t.Errorf("parseFooter = %+v, %v", m, ok)
	}
}

// An escalation notice's footer names its teams; what the bot never wrote
// (a bad name) leaves them unknown rather than rejecting the marker, which
// would post the notice again.
func TestFooterTeams(t *testing.T) {
	for _, tc := range []struct{ footer, want string }{
		{"stewardbot:escalation bug=3 attachment=4 rev=abcd teams=trust,legal", "legal,trust"},
		{"stewardbot:escalation bug=3 attachment=4 rev=abcd teams=legal,legal", "legal"},
		{"stewardbot:escalation bug=3 attachment=4 rev=abcd teams=Legal,trust", ""},
		{"stewardbot:escalation bug=3 attachment=4 rev=abcd teams=", ""},
		{"stewardbot:escalation bug=3 attachment=4 rev=abcd", ""},
	} {
		m, ok := parseFooter("stewardbot", tc.footer)
		if !ok || m.Teams != tc.want {
			t.Errorf("parseFooter(%q) = %+v, %v; want teams %q", tc.footer, m, ok, tc.want)
		}
	}
	m := Marker{Kind: kindEscalation, Bug: 3, Attachment: 4, Rev: "abcd", Teams: markerTeams([]string{"trust", "legal"})}
	if got, want := m.Footer("stewardbot"), "stewardbot:escalation bug=3 attachment=4 rev=abcd teams=legal,trust"; got != want {
		t.Errorf("Footer = %q, want %q", got, want)
	}
	if m.Key() != (Marker{Kind: kindEscalation, Bug: 3, Attachment: 4, Rev: "abcd"}).Key() {
		t.Error("the teams changed the key: a notice of the revision would no longer be found")
	}
}

func FuzzParseFooter(f *testing.F) {
	f.Add("stewardbot:analysis bug=1 attachment=123 rev=abcd1234ef56")
	f.Add("stewardbot:needs-form bug=9\n")
	f.Add("text\nstewardbot:analysis bug=1 comment=2 flag=3 rev=00")
	f.Add("stewardbot:escalation bug=1 attachment=2 rev=abcd teams=trust,legal,trust")
	f.Fuzz(func(t *testing.T, text string) {
		m, ok := parseFooter("stewardbot", text)
		if !ok {
			return
		}
		if m.Bug <= 0 {
			t.Fatalf("accepted bug %d", m.Bug)
		}
		// What parses must survive a round trip through Footer.
		again, ok := parseFooter("stewardbot", m.Footer("stewardbot"))
		if !ok || again != m {
			t.Fatalf("round trip of %q: %+v -> %+v, %v", text, m, again, ok)
		}
	})
}

func TestBotMarkersOnlyTheBots(t *testing.T) {
	footer := Marker{Kind: kindAnalysis, Bug: 1, Attachment: 2, Rev: "abcdef"}.Footer("stewardbot")
	comments := []bugzilla.Comment{
		{ID: 10, Creator: "dev1@example.test", Text: "quoting the bot:\n" + footer},
		{ID: 11, Creator: "Bot@Example.test", Text: "analysis\n" + footer},
		{ID: 12, Creator: "bot@example.test", Text: "no footer", Tags: []string{"stewardbot-needs-form"}},
		{ID: 13, Creator: "bot@example.test", Text: "unrelated", Tags: []string{"other"}},
	}
	got := botMarkers(comments, "bot@example.test", "stewardbot", 1)
	want := []foundMarker{
		{Marker: Marker{Kind: kindAnalysis, Bug: 1, Attachment: 2, Rev: "abcdef"}, CommentID: 11},
		{Marker: Marker{Kind: kindNeedsForm, Bug: 1}, CommentID: 12, TagOnly: true},
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("botMarkers (-got +want):\n%s", diff)
	}
	if id, ok := markerDone(got, Marker{Kind: kindAnalysis, Bug: 1, Attachment: 2, Rev: "abcdef"}); !ok || id != 11 {
		t.Errorf("markerDone(same revision) = %d, %v", id, ok)
	}
	if _, ok := markerDone(got, Marker{Kind: kindAnalysis, Bug: 1, Attachment: 2, Rev: "fedcba"}); ok {
		t.Errorf("markerDone(other revision) = true")
	}
	if id, ok := markerDone(got, Marker{Kind: kindNeedsForm, Bug: 1}); !ok || id != 12 {
		t.Errorf("markerDone(tag only) = %d, %v", id, ok)
	}
	if strings.Contains(footer, "\n") {
		t.Errorf("footer spans lines: %q", footer)
	}
}
