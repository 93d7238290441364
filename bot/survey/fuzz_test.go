package survey

import (
	"net/url"
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
