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
