package bot

import (
	"testing"

	"github.com/stewardbot/stewardbot/bugzilla"
)

func TestFormCandidate(t *testing.T) {
	const maxBytes = 1000
	tests := []struct {
		name string
		a    bugzilla.Attachment
		want bool
	}{
		{"text", bugzilla.Attachment{ContentType: "text/plain", Size: 10}, true},
		{"markdown with charset", bugzilla.Attachment{ContentType: "text/markdown; charset=UTF-8", Size: 10}, true},
		{"patch", bugzilla.Attachment{ContentType: "text/plain", Size: 10, IsPatch: true}, false},
		{"phabricator link", bugzilla.Attachment{ContentType: "text/x-phabricator-request", Size: 10}, false},
		{"github link", bugzilla.Attachment{ContentType: "text/x-github-pull-request", Size: 10}, false},
		{"image", bugzilla.Attachment{ContentType: "image/png", Size: 10}, false},
		{"over the cap", bugzilla.Attachment{ContentType: "text/plain", Size: maxBytes + 1}, false},
		{"at the cap", bugzilla.Attachment{ContentType: "text/plain", Size: maxBytes}, true},
		{"empty", bugzilla.Attachment{ContentType: "text/plain", Size: 0}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := formCandidate(&tt.a, maxBytes); got != tt.want {
				t.Errorf("formCandidate = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestAttachmentTextNeverFails(t *testing.T) {
	if got := attachmentText([]byte("ok \xff\xfe")); got != "ok \uFFFD" {
		t.Errorf("attachmentText = %q", got)
	}
}

func TestCodeSpan(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a.b_c", "`a.b_c`"},
		{"evil`name\nx", "`evil'name x`"},
		{"", "(unnamed)"},
		{"@nick", "`@nick`"},
	}
	for _, tt := range tests {
		if got := codeSpan(tt.in); got != tt.want {
			t.Errorf("codeSpan(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
