package bot

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stewardbot/stewardbot/bugzilla"
	"github.com/stewardbot/stewardbot/internal/textdecode"
)

func utf16Bytes(s string, bigEndian bool) []byte {
	out := []byte{0xFF, 0xFE}
	if bigEndian {
		out = []byte{0xFE, 0xFF}
	}
	for _, r := range s { // BMP only, enough for these tests
		lo, hi := byte(r), byte(r>>8)
		if bigEndian {
			lo, hi = hi, lo
		}
		out = append(out, lo, hi)
	}
	return out
}

func TestNotText(t *testing.T) {
	tests := []struct {
		name string
		a    bugzilla.Attachment
		want bool
	}{
		{"octet-stream", bugzilla.Attachment{ContentType: "application/octet-stream", Size: 10}, true},
		{"image", bugzilla.Attachment{ContentType: "image/png", Size: 10}, true},
		{"pdf", bugzilla.Attachment{ContentType: "application/pdf; name=x", Size: 10}, true},
		{"text", bugzilla.Attachment{ContentType: "Text/Plain; charset=latin1", Size: 10}, false},
		{"review link", bugzilla.Attachment{ContentType: "text/x-phabricator-request", Size: 10}, false},
		{"patch", bugzilla.Attachment{ContentType: "application/octet-stream", Size: 10, IsPatch: true}, false},
		{"empty", bugzilla.Attachment{ContentType: "application/octet-stream"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := notText(&tt.a); got != tt.want {
				t.Errorf("notText = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestReadNotes: the request for a form explains each formless flagged
// attachment the bot could not read as UTF-8 text, once, in order, with its
// file name and content type quoted inertly; it is private when one of
// them is, and says nothing of readable ones.
func TestReadNotes(t *testing.T) {
	v := newBugView(1, []bugzilla.Attachment{
		{ID: 7, FileName: "form.docx", ContentType: "application/msword"},
		{ID: 8, IsPrivate: true, FileName: "[x](http://e.example)", ContentType: "text/plain"},
		{ID: 9}, {ID: 11, FileName: "a`b.txt", ContentType: "text/plain"},
	}, 1000)
	v.reads[7] = attachmentRead{NotText: true}
	v.reads[8] = attachmentRead{Binary: true, LooksLike: "image/png"}
	v.reads[10] = attachmentRead{Encoding: textdecode.UTF16LE} // not flagged by a formless request
	v.reads[11] = attachmentRead{Binary: true, Undecodable: true}
	v.formless = []int{8, 7, 9, 7, 11}
	notes, named := readNotes(v, textFormat{markdown: true})
	want := []string{
		"`attachment-not-text` (attachment 7, `form.docx`, `application/msword`): this is a binary file, and I read forms as plain text, markdown or HTML only, so I did not open it.",
		"`attachment-binary` (attachment 8, `[x](http://e.example)`, `text/plain`): it is labelled as text, but its bytes are binary (they look like `image/png`): I read forms as plain text, markdown or HTML only.",
		"`attachment-unknown-encoding` (attachment 11, ``a`b.txt``, `text/plain`): its bytes are not valid text in any encoding I know (UTF-8, UTF-16 with a byte order mark, Windows-1252 or Latin-1).",
	}
	if diff := cmp.Diff(notes, want); diff != "" {
		t.Errorf("readNotes (-got +want):\n%s", diff)
	}
	if !(about{attachments: named}).private() {
		t.Errorf("readNotes: not private, but attachment 8 is")
	}
	v.formless = []int{7, 10}
	notes, named = readNotes(v, textFormat{markdown: true})
	private := (about{attachments: named}).private()
	want = []string{want[0], "`attachment-not-utf8` (attachment 10): it is not UTF-8; I read it as UTF-16LE text, but found no Data Review Request form in it."}
	if diff := cmp.Diff(notes, want); diff != "" || private {
		t.Errorf("readNotes (-got +want):\n%s\nprivate %v", diff, private)
	}
}
