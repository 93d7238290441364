package policy

import "testing"

func TestPlainText(t *testing.T) {
	for _, tt := range []struct {
		in   string
		max  int
		want string
	}{
		{"  two\n\tlines  ", 0, "two lines"},
		{"bidi \u202Eevil\u202C zero\u200Bwidth \uFEFFbom", 0, "bidi evil zerowidth bom"},
		{"=cmd|' /C calc'!A0", 0, "=cmd|' /C calc'!A0"}, // not markdown: left as it is (CSV guards formulas itself)
		{"abcdef", 3, "abc…"},
		{"a\x00b\x1bc", 0, "a b c"},
	} {
		if got := PlainText(tt.in, tt.max); got != tt.want {
			t.Errorf("PlainText(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
	}
}
