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
// attachment the bot could not read as UTF-8 text, once, in order; it is
// private when one of them is, and says nothing of readable ones.
func TestReadNotes(t *testing.T) {
	v := newBugView(1, []bugzilla.Attachment{{ID: 7}, {ID: 8, IsPrivate: true}, {ID: 9}}, 1000)
	v.reads[7] = attachmentRead{NotText: true}
	v.reads[8] = attachmentRead{Binary: true}
	v.reads[10] = attachmentRead{Encoding: encUTF16LE} // not flagged by a formless request
	v.formless = []int{8, 7, 9, 7}
	notes, private := readNotes(v)
	want := []string{
		"Attachment 7 could not be read as text (binary or unknown encoding): it is not a text attachment. I can only read a form attached as plain text (UTF-8).",
		"Attachment 8 could not be read as text (binary or unknown encoding): its bytes are not text in UTF-8, UTF-16 or Latin-1. I can only read a form attached as plain text (UTF-8).",
	}
	if diff := cmp.Diff(notes, want); diff != "" {
		t.Errorf("readNotes (-got +want):\n%s", diff)
	}
	if !private {
		t.Errorf("readNotes: not private, but attachment 8 is")
	}
	v.formless = []int{7, 10}
	notes, private = readNotes(v)
	if len(notes) != 2 || !strings.Contains(notes[1], "Attachment 10 is not UTF-8; I read it as UTF-16LE text") || private {
		t.Errorf("readNotes = %q, %v", notes, private)
	}
}
