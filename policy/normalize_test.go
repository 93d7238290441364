package policy

import "testing"

func TestNormalizeRequestText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain\ttext\n", "plain\ttext\n"},
		{"\uFEFFa\r\nb\rc", "a\nb\nc"},
		{"someone\u2019s \u201cname\u201d \u2013 here\u2026", `someone's "name" - here...`},
		{"a\u00a0b\u202fc\u200bd", "a b cd"},
		{"\u2022 item", "* item"},
		{"bad \xff byte", "bad \uFFFD byte"},
		{"ctl\x00\x07\x1b!", "ctl!"},
		{"\u2028x\u0085y", "\nx\ny"},
	}
	for _, tt := range tests {
		if got := normalizeRequestText(tt.in); got != tt.want {
			t.Errorf("normalizeRequestText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestReqDecodeEntities(t *testing.T) {
	tests := []struct{ in, want string }{
		{"no entities", "no entities"},
		{"a &amp; b &lt;c&gt;", "a & b <c>"},
		{"someone&rsquo;s&nbsp;name&#13;&#10;x", "someone's name\nx"},
		{"AT&T &unknown;", "AT&T &unknown;"},
	}
	for _, tt := range tests {
		if got := reqDecodeEntities(tt.in); got != tt.want {
			t.Errorf("reqDecodeEntities(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// reqPlainPrefixLenByteByByte is reqPlainPrefixLen's specification.
func reqPlainPrefixLenByteByByte(s string) int {
	i := 0
	for i < len(s) && reqPlainByte[s[i]] {
		i++
	}
	return i
}

func TestReqPlainPrefixLen(t *testing.T) {
	for _, s := range []string{"", "a", "plain text only, longer than eight", "tab\tand\nline breaks in the middle of it",
		"\x1f", "12345678\x7f", "1234567\x7f", "12345678901234567\x80", "caf\xc3\xa9 au lait", "~~~~~~~~\x1f~", "        \x00", "\xff\xff\xff\xff\xff\xff\xff\xff"} {
		if got, want := reqPlainPrefixLen(s), reqPlainPrefixLenByteByByte(s); got != want {
			t.Errorf("reqPlainPrefixLen(%q) = %d, want %d", s, got, want)
		}
	}
}

func FuzzReqPlainPrefixLen(f *testing.F) {
	f.Add("tab\tand\nline breaks in the middle of it \x7f")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := reqPlainPrefixLen(s), reqPlainPrefixLenByteByByte(s); got != want {
			t.Errorf("reqPlainPrefixLen(%q) = %d, want %d", s, got, want)
		}
	})
}

// TestReqPlainPrefixLenEveryByte checks the eight-byte test of
// reqPlainPrefixLen on every byte value at every position of a word.
func TestReqPlainPrefixLenEveryByte(t *testing.T) {
	for v := 0; v < 256; v++ {
		for p := 0; p < 8; p++ {
			b := []byte("abcdefghijklmnopq")
			b[p] = byte(v)
			if got, want := reqPlainPrefixLen(string(b)), reqPlainPrefixLenByteByByte(string(b)); got != want {
				t.Fatalf("reqPlainPrefixLen(%q) = %d, want %d", b, got, want)
			}
		}
	}
}
