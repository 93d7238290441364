package textdecode

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	xunicode "golang.org/x/text/encoding/unicode"
)

// utf16Bytes returns s as UTF-16 with a byte order mark.
func utf16Bytes(s string, bigEndian bool) []byte {
	e := xunicode.LittleEndian
	if bigEndian {
		e = xunicode.BigEndian
	}
	b, err := xunicode.UTF16(e, xunicode.UseBOM).NewEncoder().Bytes([]byte(s))
	if err != nil {
		panic(err)
	}
	return b
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want Decoded
	}{
		{"utf-8 as it is", []byte("1) Café?\n\nYes.\n"), Decoded{Text: "1) Café?\n\nYes.\n"}},
		{"empty", nil, Decoded{}},
		{"utf-8 with a NUL stays as before", []byte("a\x00b"), Decoded{Text: "a\x00b"}},
		{"latin-1", []byte("caf\xe9 na\xefve\r\n"), Decoded{Text: "café naïve\r\n", Encoding: Latin1}},
		{"windows-1252 quotes and euro", []byte("\x93quoted\x94 costs \x80 5"), Decoded{Text: "“quoted” costs € 5", Encoding: Win1252}},
		{"windows-1252 undefined byte", []byte("caf\xe9 \x81"), Decoded{Binary: true}},
		{"utf-16le with BOM", utf16Bytes("1) Café?\n", false), Decoded{Text: "1) Café?\n", Encoding: UTF16LE}},
		{"utf-16be with BOM", utf16Bytes("1) Café?\n", true), Decoded{Text: "1) Café?\n", Encoding: UTF16BE}},
		{"utf-16 lone surrogate", append(utf16Bytes("ab", false), 0x00, 0xD8), Decoded{Binary: true}},
		{"utf-16 with control characters", utf16Bytes("a\x01\x02b", false), Decoded{Binary: true}},
		{"NUL bytes", []byte("\x00\x07\x0e\x15\xff"), Decoded{Binary: true}},
		{"utf-16 without BOM is binary", []byte{'a', 0, 0xe9, 0, 'b', 0}, Decoded{Binary: true}},
		{"control bytes", []byte("\x1b[31mred\xff"), Decoded{Binary: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(Decode(tt.in), tt.want); diff != "" {
				t.Errorf("Decode(%q) (-got +want):\n%s", tt.in, diff)
			}
		})
	}
}

// TestDecodeBinaryAttachment: the bytes e2e's security test attaches as
// binary are binary however they are labelled.
func TestDecodeBinaryAttachment(t *testing.T) {
	data := make([]byte, 4096)
	for i := range data {
		data[i] = byte(i * 7 % 256)
	}
	if got := Decode(data); !got.Binary || got.Text != "" {
		t.Errorf("Decode(binary) = %+v, want Binary", got)
	}
}

// FuzzDecode: any bytes give valid UTF-8 text without control
// characters but whitespace, or Binary with no text; UTF-8 input is
// returned unchanged; never a panic.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{"", "plain", "caf\xe9", "\x93q\x94", "\x00\x01", "\xff\xfea\x00", "\xfe\xff\x00a", "\xff\xfe\x00\xd8"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d := Decode(data)
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
			looksLike, binary := BinaryKind(tt.in)
			if looksLike != tt.looksLike || binary != tt.binary {
				t.Errorf("binaryKind = %q, %v; want %q, %v", looksLike, binary, tt.looksLike, tt.binary)
			}
		})
	}
}
