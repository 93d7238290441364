package policy

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/net/html"
)

// reqTokenTrace lists t's tokens as the table reader sees them (type, atom,
// text, bytes consumed), up to the first error token; plain is false when t
// gave up.
func reqTokenTrace(t *reqHTMLTokens) (trace []string, plain bool) {
	for {
		tt := t.next()
		switch tt {
		case html.ErrorToken:
			return trace, !t.unsupported
		case html.TextToken:
			trace = append(trace, fmt.Sprintf("text %q n=%d", t.appendText(nil), t.n))
		default:
			trace = append(trace, fmt.Sprintf("%v %v n=%d", tt, t.tag(), t.n))
		}
	}
}

// checkReqPlainHTMLTokens checks that the plain reader gives the tokenizer's
// tokens on s, up to where it gives up.
func checkReqPlainHTMLTokens(t *testing.T, s string) (plain bool) {
	t.Helper()
	got, plain := reqTokenTrace(newReqPlainHTMLTokens(s))
	want, _ := reqTokenTrace(newReqHTMLTokens(s))
	if !plain {
		if len(got) > len(want) {
			t.Fatalf("%q: plain reader read %d tokens, tokenizer %d", s, len(got), len(want))
		}
		want = want[:len(got)]
	}
	if diff := cmp.Diff(got, want, cmpopts.EquateEmpty()); diff != "" {
		t.Fatalf("%q: tokens differ (-plain +tokenizer):\n%s", s, diff)
	}
	return plain
}

func TestReqPlainHTMLTokensMatch(t *testing.T) {
	for _, tc := range []struct {
		in    string
		plain bool
	}{
		{"<table>\n<tr><td>a</td><td>b > c</td></tr></table>", true},
		{"<TABLE><TR><TH>Name</Th><br/><p/>x</TABLE> after", true},
		{"<table><tr><td>a<b1>b</b1></td>", true},
		{"<table><tr><td>unclosed", true},
		{"text only", true},
		{"", true},
		{"<table><td>a &amp; b</td></table>", false},
		{"<table><td>a\r\nb</td></table>", false},
		{"<table><td>a\x00b</td></table>", false},
		{"<table border=1><td>a</td></table>", false},
		{"<table ><td>a</td></table>", false},
		{"<table><td>a < b</td></table>", false},
		{"<table><td>a <3 b</td></table>", false},
		{"<table><!-- c --><td>a</td></table>", false},
		{"<table></ td></table>", false},
		{"<table></td/></table>", false},
		{"<table><td><br /></td></table>", false},
		{"<table><td>x</td><script>a<b</script></table>", false},
		{"<table><td>x</td><TITLE/>a<b</table>", false},
		{"<table><td>x</td><textarea>", false},
		{"<table><td>x</td></style>y</table>", true},
		{"<table><td>x<", false},
		{"<table><td>x</", false},
		{"<table><td>x</t", false},
		{"<table><td>x<br/", false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if plain := checkReqPlainHTMLTokens(t, tc.in); plain != tc.plain {
				t.Errorf("plain = %v, want %v", plain, tc.plain)
			}
		})
	}
}

// TestReqPlainHTMLTableMatch checks that a table read by the plain reader is
// the one the tokenizer reads, on the benchmark's form and the test data's
// tables.
func TestReqPlainHTMLTableMatch(t *testing.T) {
	form := reqBenchForm(30 << 10)
	inputs := []string{form[strings.Index(form, "<table"):]}
	for _, in := range inputs {
		tbl, n, ok := readReqHTMLTableWith(newReqPlainHTMLTokens(in), len(in))
		if !ok {
			t.Fatalf("the plain reader gave up on %.80q", in)
		}
		want, wantN, _ := readReqHTMLTableWith(newReqHTMLTokens(in), len(in))
		if diff := cmp.Diff(tbl, want, cmp.AllowUnexported(reqTable{})); diff != "" || n != wantN {
			t.Errorf("table differs (-plain +tokenizer), n %d and %d:\n%s", n, wantN, diff)
		}
	}
}

func FuzzReqPlainHTMLTokens(f *testing.F) {
	for _, s := range []string{
		"<table>\n<tr><td>a</td><td>b > c</td></tr></table>",
		"<TABLE><TR><TH>Name</Th><br/><p/>x</TABLE> after",
		"<table><td>a &amp; b</td></table>",
		"<table><td>x</td><script>a<b</script></table>",
		"<table><td>x<br/",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkReqPlainHTMLTokens(t, s)
	})
}
