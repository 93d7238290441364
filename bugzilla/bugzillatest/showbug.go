package bugzillatest

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"html/template"
	"net/http"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// The read-only bug page, show_bug.cgi?id=N: what a person clicking a bug
// link (the dashboard's, the demo's printout) sees of the bug, its
// attachments and flags, and its comments rendered as Bugzilla renders
// them: markdown comments as HTML on the BMO dialect, every other comment
// (and every comment on Upstream, which has no markdown) as preformatted
// text. The fake has no browser login, so the page shows what a privileged
// user would see: private comments and attachments are shown, marked
// "private", so a newcomer sees everything the bot wrote. It is a page for
// people, not an API: no field, no edit, no JavaScript.

// showBugCSS is the page's only style; the Content-Security-Policy allows
// exactly it, by hash, and nothing else (no script, no image, no frame).
const showBugCSS = `body{font:15px/1.45 system-ui,sans-serif;max-width:60em;margin:1em auto;padding:0 1em;color:#222}
h1{font-size:1.4em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}
.comment{border-top:1px solid #ccc;margin-top:1em}.head{color:#555;font-size:.9em}.private{color:#a00;font-weight:bold}
pre{white-space:pre-wrap;font:13px/1.4 ui-monospace,monospace}.tag{background:#eef;padding:0 .3em;border-radius:3px}`

// showBugCSP is the page's Content-Security-Policy.
var showBugCSP = func() string {
	sum := sha256.Sum256([]byte(showBugCSS))
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) +
		"'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
}()

// showBugMarkdown renders markdown comments: CommonMark with GitHub's
// tables, as BMO does, and without raw HTML (goldmark's default: raw HTML
// is dropped and javascript: links are emptied).
var showBugMarkdown = goldmark.New(goldmark.WithExtensions(extension.GFM))

type showBugView struct {
	CSS         template.CSS
	ID          int
	Summary     string
	Status      string
	Product     string
	Component   string
	Assignee    string
	Creator     string
	Groups      []string
	Flags       []string
	Attachments []showBugAttachment
	Comments    []showBugComment
}

type showBugAttachment struct {
	ID       int
	FileName string
	Summary  string
	Type     string
	Private  bool
	Obsolete bool
	Flags    []string
}

type showBugComment struct {
	Count    int
	ID       int
	Creator  string
	When     string
	Private  bool
	Tags     []string
	Markdown bool
	HTML     template.HTML // the rendered markdown, when Markdown
	Text     string        // the text, otherwise
}

var showBugPage = template.Must(template.New("show_bug").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Bug {{.ID}} – {{.Summary}}</title>
<style>{{.CSS}}</style></head><body>
<h1>Bug {{.ID}} – {{.Summary}}</h1>
<p>{{.Status}} · {{.Product}} :: {{.Component}} · assigned to {{.Assignee}} · reported by {{.Creator}}{{if .Groups}} · <span class="private">restricted to {{range $i, $g := .Groups}}{{if $i}}, {{end}}{{$g}}{{end}}</span>{{end}}</p>
{{if .Flags}}<p>Flags: {{range $i, $f := .Flags}}{{if $i}}, {{end}}{{$f}}{{end}}</p>{{end}}
{{if .Attachments}}<h2>Attachments</h2>
<table><tr><th>id</th><th>file</th><th>description</th><th>type</th><th>flags</th></tr>
{{range .Attachments}}<tr id="a{{.ID}}"><td>{{.ID}}</td><td>{{.FileName}}{{if .Private}} <span class="private">private</span>{{end}}{{if .Obsolete}} (obsolete){{end}}</td><td>{{.Summary}}</td><td>{{.Type}}</td><td>{{range $i, $f := .Flags}}{{if $i}}, {{end}}{{$f}}{{end}}</td></tr>
{{end}}</table>{{end}}
<h2>Comments</h2>
{{range .Comments}}<div class="comment" id="c{{.Count}}">
<p class="head"><a href="#c{{.Count}}">Comment {{.Count}}</a> (id {{.ID}}) · {{.Creator}} · {{.When}}{{if .Private}} · <span class="private">private</span>{{end}}{{range .Tags}} <span class="tag">{{.}}</span>{{end}}</p>
{{if .Markdown}}<div class="markdown">{{.HTML}}</div>{{else}}<pre>{{.Text}}</pre>{{end}}
</div>
{{end}}</body></html>
`))

// serveShowBug answers GET show_bug.cgi?id=N (an id or an alias): the
// page, or 404 for a bug that does not exist.
func (s *Server) serveShowBug(w http.ResponseWriter, r *http.Request) int {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return s.writeText(w, http.StatusMethodNotAllowed, "show_bug.cgi is read-only\n")
	}
	view, ok := s.showBugView(r.URL.Query().Get("id"))
	if !ok {
		// The id is not echoed: it may be anything.
		return s.writeShowBugText(w, http.StatusNotFound, "No bug has the id or alias given.\n")
	}
	var buf bytes.Buffer
	if err := showBugPage.Execute(&buf, view); err != nil {
		return s.writeShowBugText(w, http.StatusInternalServerError, "show_bug.cgi: "+err.Error()+"\n")
	}
	s.setCommonHeaders(w, "text/html; charset=UTF-8")
	w.Header().Set("Content-Security-Policy", showBugCSP)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
	return http.StatusOK
}

func (s *Server) writeShowBugText(w http.ResponseWriter, status int, text string) int {
	w.Header().Set("Content-Security-Policy", showBugCSP)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	return s.writeText(w, status, text)
}

// showBugView reads the bug for the page, under the server's lock.
func (s *Server) showBugView(idOrAlias string) (showBugView, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b *bugRec
	if id, ok := atoiStrict(idOrAlias); ok {
		b = s.db.bugs[id]
	} else if idOrAlias != "" {
		b = s.db.aliases[strings.ToLower(idOrAlias)]
	}
	if b == nil {
		return showBugView{}, false
	}
	status := b.status
	if b.resolution != "" {
		status += " " + b.resolution
	}
	v := showBugView{
		CSS: template.CSS(showBugCSS), ID: b.id, Summary: b.summary, Status: status,
		Product: b.product, Component: b.component, Assignee: b.assignee, Creator: b.creator,
		Groups: b.groups, Flags: flagSummaries(b.flags),
	}
	for _, a := range b.attachments {
		v.Attachments = append(v.Attachments, showBugAttachment{
			ID: a.id, FileName: a.fileName, Summary: a.summary, Type: a.contentType,
			Private: a.isPrivate, Obsolete: a.isObsolete, Flags: flagSummaries(a.flags),
		})
	}
	for _, c := range b.comments {
		sc := showBugComment{Count: c.count, ID: c.id, Creator: c.creator, When: c.when.UTC().Format("2006-01-02 15:04:05 UTC"),
			Private: c.isPrivate, Tags: c.tags, Text: c.text()}
		if s.cfg.dialect == BMO && c.isMarkdown {
			var html bytes.Buffer
			if err := showBugMarkdown.Convert([]byte(sc.Text), &html); err == nil {
				sc.Markdown, sc.HTML = true, template.HTML(html.String())
			}
		}
		v.Comments = append(v.Comments, sc)
	}
	return v, true
}

// flagSummaries writes flags as Bugzilla shows them: "data-review?(steward1@example.test)".
func flagSummaries(fs []*flagRec) []string {
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		out = append(out, f.summary())
	}
	return out
}
