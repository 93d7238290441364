package policy

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/net/html"
)

// reqTokenTrace lists t's tokens as the readers of tokens see them (type,
// atom, text, attributes, bytes consumed), up to the first error token;
// plain is false when t handed off to the tokenizer.
func reqTokenTrace(t *reqHTMLTokens) (trace []string, plain bool) {
	for {
		tt := t.next()
		switch tt {
		case html.ErrorToken:
			return trace, t.z == nil
		case html.TextToken:
			trace = append(trace, fmt.Sprintf("text %q n=%d", t.text(), t.n))
		case html.StartTagToken, html.SelfClosingTagToken:
			var attrs []string
			t.eachAttr(func(key, val string) {
				attrs = append(attrs, fmt.Sprintf("%s=%q", strings.ToLower(key), val))
			})
			trace = append(trace, fmt.Sprintf("%v %v %v n=%d", tt, t.tag(), attrs, t.n))
		default:
			trace = append(trace, fmt.Sprintf("%v %v n=%d", tt, t.tag(), t.n))
		}
	}
}

// checkReqPlainHTMLTokens checks that the plain reader, with its hand-off,
// gives the tokenizer's tokens on s, and returns whether it read s without
// handing off.
func checkReqPlainHTMLTokens(t *testing.T, s string) (plain bool) {
	t.Helper()
	got, plain := reqTokenTrace(newReqPlainHTMLTokens(s))
	want, _ := reqTokenTrace(newReqHTMLTokens(s))
	if diff := cmp.Diff(got, want, cmpopts.EquateEmpty()); diff != "" {
		t.Fatalf("%q: tokens differ (-plain +tokenizer):\n%s", s, diff)
	}
	return plain
}

func TestReqPlainHTMLTokensMatch(t *testing.T) {
	for _, tc := range []struct {
		in    string
		plain bool // read without handing off to the tokenizer
	}{
		{"<table>\n<tr><td>a</td><td>b > c</td></tr></table>", true},
		{"<TABLE><TR><TH>Name</Th><br/><p/>x</TABLE> after", true},
		{"<table><tr><td>a<b1>b</b1></td>", true},
		{"<table><tr><td>unclosed", true},
		{"text only", true},
		{"", true},
		{"<table><td>a &amp; b &rsquo; &nbsp; &copy &#39;</td></table>", true},
		{"<table border=1 class='x' hidden><td>a</td></table>", true},
		{"<table ><td>a</td></table>", true},
		{"<table><td>a < b</td></table>", true},
		{"<table><td>a <3 b</td></table>", true},
		{"<table><!-- c --><td>a</td></table>", true},
		{"<!-->x<!--->y<!-- a -- b --!>z<!-- --!x -->", true},
		{"<!DOCTYPE html><html><head><title>T &amp; t</title><style>p < b { }</style></head></html>", true},
		{"<title/>a<b</title>c", true},
		{"<style></style>x<textarea>a</textareax></TEXTAREA >y", true},
		{"<table><td><br /></td><p a=/>x<p a=\"/\"/>y<input checked/></table>", true},
		{"<ol start=\"3\"><li value=4>x</li></ol><a href=\"https://x/?a=1&amp;b=2&#38;c\">l</a>", true},
		{"<a HREF=x href=y Href=z>", true},
		{"<a b = 'c' d= e f =g/>", true},
		{"<o:p></o:p><my-tag x>", true},
		{"<table></ td></table>", false},
		{"<table></td/></table>", true},
		{"<table><td>a\r\nb</td></table>", false},
		{"<table><td>a\x00b</td></table>", false},
		{"<a href=\"?a=1&b=2\">x</a>", false},
		{"<a href=\"&ampx;\">x</a>", false},
		{"<table><td>x</td><script>a<b</script></table>", false},
		{"<plaintext>a<b", false},
		{"<?xml version='1.0'?><a>", false},
		{"<!bogus>x", false},
		{"<table><td>x<", true},
		{"<table><td>x</", false},
		{"<table><td>x</t", false},
		{"<table><td>x<br/", false},
		{"<a href='x>", false},
		{"<!-- unclosed", false},
		{"<style>unclosed raw text", true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if plain := checkReqPlainHTMLTokens(t, tc.in); plain != tc.plain {
				t.Errorf("read without hand-off = %v, want %v", plain, tc.plain)
			}
		})
	}
}

// TestReqPlainHTMLReadsPastes checks that the forms pasted as HTML in the
// test data are read by the plain reader from start to end, with the
// tokenizer's tokens.
func TestReqPlainHTMLReadsPastes(t *testing.T) {
	for _, name := range []string{"requests/rendered.html", "realworld/p03-html-ol-start.md"} {
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			if !checkReqPlainHTMLTokens(t, normalizeRequestText(string(b))) {
				t.Errorf("the plain reader handed off")
			}
		})
	}
}

// TestReqPlainHTMLTestdataMatch checks the plain reader against the
// tokenizer on every file of the test data.
func TestReqPlainHTMLTestdataMatch(t *testing.T) {
	err := filepath.WalkDir("testdata", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		checkReqPlainHTMLTokens(t, string(b))
		checkReqPlainHTMLTokens(t, normalizeRequestText(string(b)))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestReqPlainHTMLTableMatch checks that a table read by the plain reader is
// the one the tokenizer reads, on the benchmark's form.
func TestReqPlainHTMLTableMatch(t *testing.T) {
	form := reqBenchForm(30 << 10)
	in := form[strings.Index(form, "<table"):]
	tbl, n := readReqHTMLTableWith(newReqPlainHTMLTokens(in), len(in))
	want, wantN := readReqHTMLTableWith(newReqHTMLTokens(in), len(in))
	if diff := cmp.Diff(tbl, want, cmp.AllowUnexported(reqTable{})); diff != "" || n != wantN {
		t.Errorf("table differs (-plain +tokenizer), n %d and %d:\n%s", n, wantN, diff)
	}
}

func FuzzReqPlainHTMLTokens(f *testing.F) {
	for _, s := range []string{
		"<table>\n<tr><td>a</td><td>b > c</td></tr></table>",
		"<TABLE><TR><TH>Name</Th><br/><p/>x</TABLE> after",
		"<table><td>a &amp; b</td></table>",
		"<table><td>x</td><script>a<b</script></table>",
		"<table><td>x<br/",
		"<!DOCTYPE html><html><head><title>T &amp; t</title><style>p < b { }</style></head></html>",
		"<ol start=\"3\"><li value=4>x</li></ol><a href=\"https://x/?a=1&amp;b=2&#38;c\">l</a>",
		"<a b = 'c' d= e f =g/><p a=/><!-->x<!--->y<!-- a -- b --!>z",
		"<title/>a<b</title>c<style></style>x<textarea>a</textareax></TEXTAREA >y",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkReqPlainHTMLTokens(t, s)
	})
}
