package bot

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/stewardbot/stewardbot/bugzilla"
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

func TestDecodeText(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want decodedText
	}{
		{"utf-8 as it is", []byte("1) Café?\n\nYes.\n"), decodedText{Text: "1) Café?\n\nYes.\n"}},
		{"empty", nil, decodedText{}},
		{"utf-8 with a NUL stays as before", []byte("a\x00b"), decodedText{Text: "a\x00b"}},
		{"latin-1", []byte("caf\xe9 na\xefve\r\n"), decodedText{Text: "café naïve\r\n", Encoding: encLatin1}},
		{"windows-1252 quotes and euro", []byte("\x93quoted\x94 costs \x80 5"), decodedText{Text: "“quoted” costs € 5", Encoding: encWin1252}},
		{"windows-1252 undefined byte", []byte("caf\xe9 \x81"), decodedText{Binary: true}},
		{"utf-16le with BOM", utf16Bytes("1) Café?\n", false), decodedText{Text: "1) Café?\n", Encoding: encUTF16LE}},
		{"utf-16be with BOM", utf16Bytes("1) Café?\n", true), decodedText{Text: "1) Café?\n", Encoding: encUTF16BE}},
		{"utf-16 lone surrogate", append(utf16Bytes("ab", false), 0x00, 0xD8), decodedText{Binary: true}},
		{"utf-16 with control characters", utf16Bytes("a\x01\x02b", false), decodedText{Binary: true}},
		{"NUL bytes", []byte("\x00\x07\x0e\x15\xff"), decodedText{Binary: true}},
		{"utf-16 without BOM is binary", []byte{'a', 0, 0xe9, 0, 'b', 0}, decodedText{Binary: true}},
		{"control bytes", []byte("\x1b[31mred\xff"), decodedText{Binary: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(decodeText(tt.in), tt.want); diff != "" {
				t.Errorf("decodeText(%q) (-got +want):\n%s", tt.in, diff)
			}
		})
	}
}

// TestDecodeTextBinaryAttachment: the bytes e2e's security test attaches as
// binary are binary however they are labelled.
func TestDecodeTextBinaryAttachment(t *testing.T) {
	data := make([]byte, 4096)
	for i := range data {
		data[i] = byte(i * 7 % 256)
	}
	if got := decodeText(data); !got.Binary || got.Text != "" {
		t.Errorf("decodeText(binary) = %+v, want Binary", got)
	}
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

// FuzzDecodeText: any bytes give valid UTF-8 text without control
// characters but whitespace, or Binary with no text; UTF-8 input is
// returned unchanged; never a panic.
func FuzzDecodeText(f *testing.F) {
	for _, s := range []string{"", "plain", "caf\xe9", "\x93q\x94", "\x00\x01", "\xff\xfea\x00", "\xfe\xff\x00a", "\xff\xfe\x00\xd8"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d := decodeText(data)
		switch {
		case utf8.Valid(data):
			if d.Binary || d.Encoding != "" || d.Text != string(data) {
				t.Fatalf("valid UTF-8 %q changed: %+v", data, d)
			}
		case d.Binary:
			if d.Text != "" || d.Encoding != "" {
				t.Fatalf("binary with text: %+v", d)
			}
		default:
			if d.Encoding == "" || !utf8.ValidString(d.Text) || strings.ContainsRune(d.Text, utf8.RuneError) {
				t.Fatalf("decoded %q to %+v", data, d)
			}
			for _, r := range d.Text {
				if r < 0x20 && !strings.ContainsRune("\t\n\v\f\r", r) || r >= 0x7F && r <= 0x9F {
					t.Fatalf("decoded %q to control character %U", data, r)
				}
			}
		}
	})
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
	v.reads[10] = attachmentRead{Encoding: encUTF16LE} // not flagged by a formless request
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

// TestBinaryKind: bytes that are not text are binary when a file format's
// signature or a NUL byte shows it; otherwise text in an unknown encoding.
func TestBinaryKind(t *testing.T) {
	tests := []struct {
		name      string
		in        []byte
		looksLike string
		binary    bool
	}{
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "image/png", true},
		{"zip", []byte("PK\x03\x04\x14\x00\x00\x00"), "application/zip", true},
		{"pdf", []byte("%PDF-1.7\n\xe2\xe3"), "application/pdf", true},
		{"NUL bytes", []byte("\x00\x07\x0e\x15\xff"), "", true},
		{"shift_jis text", []byte("\x83\x66\x81\x5b\x83\x5e?\n"), "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			looksLike, binary := binaryKind(tt.in)
			if looksLike != tt.looksLike || binary != tt.binary {
				t.Errorf("binaryKind = %q, %v; want %q, %v", looksLike, binary, tt.looksLike, tt.binary)
			}
		})
	}
}
