package policy

import "testing"

// reqLowerASCIIByteByByte is reqLowerASCII's specification.
func reqLowerASCIIByteByByte(s string) string {
	b := []byte(s)
	for i, c := range b {
		b[i] = reqLowerByte(c)
	}
	return string(b)
}

func TestReqLowerASCII(t *testing.T) {
	for _, s := range []string{"", "a", "A", "ABC", "ABc d", "aBc", "Client_ID é É", "x\x00Y\xffZ", "lower only", "ENDS WITH CAP Z"} {
		if got, want := reqLowerASCII(s), reqLowerASCIIByteByByte(s); got != want {
			t.Errorf("reqLowerASCII(%q) = %q, want %q", s, got, want)
		}
	}
}

func FuzzReqLowerASCII(f *testing.F) {
	f.Add("Client_ID é É")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := reqLowerASCII(s), reqLowerASCIIByteByByte(s); got != want {
			t.Errorf("reqLowerASCII(%q) = %q, want %q", s, got, want)
		}
	})
}
