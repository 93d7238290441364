package survey

import (
	"net/url"
	"strings"
	"testing"
)

// Any query either parses into a filter that survives a round trip through
// Query, or is an error; never a panic.
func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{"", "year=2024", "year=unknown&product=Firefox&category=private", "category=9", "product=%00%ff", "year=２０２４"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		got, err := ParseFilter(q)
		if err != nil {
			return
		}
		back, err := url.ParseQuery(got.Query())
		if err != nil {
			t.Fatalf("Query() %q does not parse: %v", got.Query(), err)
		}
		again, err := ParseFilter(back)
		if err != nil || again != got {
			t.Fatalf("%+v reads back as %+v, %v", got, again, err)
		}
	})
}

// OwnerLogins finds only lower-case addresses that the answer holds, each once.
func FuzzOwnerLogins(f *testing.F) {
	for _, s := range []string{"Jane Doe <jane@example.test>", "a@b.c, A@B.C", "'x'@y.z'", "team", "@@..@", "é@ü.de"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, owner string) {
		seen := map[string]bool{}
		for _, l := range OwnerLogins(owner) {
			if l != strings.ToLower(l) || !strings.Contains(l, "@") || !strings.Contains(strings.ToLower(owner), l) || len(l) > maxLogin {
				t.Fatalf("OwnerLogins(%q) gave %q", owner, l)
			}
			if seen[l] {
				t.Fatalf("OwnerLogins(%q) gave %q twice", owner, l)
			}
			seen[l] = true
		}
	})
}
