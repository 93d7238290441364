package bugzillatest_test

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// showBugWorld seeds a bug with a markdown comment that tries raw HTML and
// a javascript: link, a plain comment with markup in it, a private comment
// and a private attachment with a data-review request.
func showBugWorld(t *testing.T, dialect bugzillatest.Dialect) (*bugzillatest.Server, int) {
	t.Helper()
	srv := bugzillatest.NewServer(t, bugzillatest.WithDialect(dialect))
	bug := srv.AddBug(bugzillatest.Bug{Summary: `Count <b>tabs</b> & "windows"`, Creator: "dev1@example.test"})
	srv.AddAttachment(bugzillatest.Attachment{BugID: bug, FileName: "request<1>.md", Summary: "Data review request",
		Data: []byte("form"), IsPrivate: true, Flags: []bugzillatest.Flag{bugzillatest.DataReview("steward1@example.test")}})
	srv.AddComment(bugzillatest.Comment{BugID: bug, Creator: "bot@example.test", IsMarkdown: dialect == bugzillatest.BMO,
		Text: "**Findings first**\n\n<script>alert(1)</script>\n\n[click](javascript:alert(2))\n\n| a | b |\n|---|---|\n| 1 | 2 |",
		Tags: []string{"stewardbot-analysis"}})
	srv.AddComment(bugzillatest.Comment{BugID: bug, Creator: "dev1@example.test", Text: "plain <i>text</i> **not bold**"})
	srv.AddComment(bugzillatest.Comment{BugID: bug, Creator: "steward1@example.test", Text: "a private word", IsPrivate: true})
	return srv, bug
}

func getPage(t *testing.T, srv *bugzillatest.Server, query string) (*http.Response, string) {
	t.Helper()
	resp, err := srv.Client().Get(srv.URL() + "/show_bug.cgi" + query)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

func TestShowBugPage(t *testing.T) {
	tests := []struct {
		name          string
		dialect       bugzillatest.Dialect
		want, notWant []string
	}{
		{"BMO", bugzillatest.BMO,
			[]string{
				"<strong>Findings first</strong>", // markdown rendered
				"<thead>",                         // GFM tables, as BMO
				"<pre>plain &lt;i&gt;text&lt;/i&gt; **not bold**</pre>", // a plain comment stays text
			},
			[]string{"<script>", "javascript:", "<pre>**Findings first**"}},
		{"Upstream", bugzillatest.Upstream,
			[]string{"<pre>**Findings first**\n\n&lt;script&gt;alert(1)&lt;/script&gt;"}, // no markdown upstream
			[]string{"<strong>", "<script>", "<thead>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, bug := showBugWorld(t, tt.dialect)
			resp, page := getPage(t, srv, "?id="+strconv.Itoa(bug))
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d:\n%s", resp.StatusCode, page)
			}
			csp := resp.Header.Get("Content-Security-Policy")
			if !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "unsafe") || !strings.Contains(csp, "style-src 'sha256-") {
				t.Errorf("Content-Security-Policy %q, want default-src 'none' and the style by hash", csp)
			}
			want := append([]string{
				"Count &lt;b&gt;tabs&lt;/b&gt; &amp; &#34;windows&#34;", // the summary escaped
				`id="c0"`, `href="#c1"`, "Comment 1</a> (id ", // Bugzilla's comment numbers
				"request&lt;1&gt;.md <span class=\"private\">private</span>",
				"data-review?(steward1@example.test)",
				"<span class=\"private\">private</span></p>\n<pre>a private word</pre>", // shown, marked
				"stewardbot-analysis",
			}, tt.want...)
			for _, w := range want {
				if !strings.Contains(page, w) {
					t.Errorf("page lacks %q:\n%s", w, page)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(page, w) {
					t.Errorf("page has %q:\n%s", w, page)
				}
			}
		})
	}
}

func TestShowBugNotFound(t *testing.T) {
	srv, _ := showBugWorld(t, bugzillatest.BMO)
	for _, q := range []string{"?id=999999", "?id=no-such-alias", "", "?id=%3Cscript%3E"} {
		resp, body := getPage(t, srv, q)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%q: status %d, want 404", q, resp.StatusCode)
		}
		if strings.Contains(body, "<script>") || resp.Header.Get("Content-Type") != "text/plain" {
			t.Errorf("%q: answered %q as %q", q, body, resp.Header.Get("Content-Type"))
		}
	}
	req, _ := http.NewRequest(http.MethodPost, srv.URL()+"/show_bug.cgi?id=1", nil)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: status %d, want 405", resp.StatusCode)
	}
}
