package bot

import (
	"archive/zip"
	"bytes"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
	"github.com/stewardbot/stewardbot/policy"
)

// pngBytes is the start of a real PNG file: signature, IHDR and a zero
// byte run, as a screenshot of a form would begin.
func pngBytes() []byte {
	b := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x02\x80\x00\x00\x01\xe0\x08\x06\x00\x00\x00")
	return append(b, make([]byte, 64)...)
}

// zipBytes is a real ZIP archive holding a form, as a .docx is.
func zipBytes(t *testing.T, form []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	f, err := w.Create("word/document.xml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(form); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// shiftJIS is a form's first question in Shift_JIS ("データ", data): not
// UTF-8, and bytes 0x81 are undefined in Windows-1252, so no encoding the
// bot reads fits, although it is plainly text.
var shiftJIS = []byte("1) What questions will you answer with this \x83\x66\x81\x5b\x83\x5e?\n\nUsage.\n")

// TestE2EUnreadableAttachmentFindings: a flagged attachment the bot cannot
// read as text gets the needs-form comment (its marker kind unchanged),
// which says specifically why, naming the attachment by number, file name
// and content type quoted inertly; a UTF-16 form is read and analysed. The
// finding is in the logs with the attachment's id.
func TestE2EUnreadableAttachmentFindings(t *testing.T) {
	form := mustReadDemoForm(t, "clean-12q.md")
	const hostileName = "form](https://evil.example/x)<b>@steward1`.png"
	cases := []struct {
		name, file, contentType string
		data                    []byte
		private                 bool
		kind                    string
		finding                 string
		// note is the finding's line in the comment; %d is the attachment's number.
		note string
	}{
		{name: "png", file: "form.png", contentType: "image/png", data: pngBytes(), kind: kindNeedsForm,
			finding: findingNotText,
			note:    "- `attachment-not-text` (attachment %d, `form.png`, `image/png`): this is a binary file, and I read forms as plain text, markdown or HTML only, so I did not open it."},
		{name: "docx", file: "form.docx", contentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
			data: zipBytes(t, form), kind: kindNeedsForm, finding: findingNotText,
			note: "- `attachment-not-text` (attachment %d, `form.docx`, `application/vnd.openxmlformats-officedocument.wordprocessingml.document`): this is a binary file"},
		{name: "png labelled text", file: "request.txt", contentType: "text/plain", data: pngBytes(), kind: kindNeedsForm,
			finding: findingBinary,
			note:    "- `attachment-binary` (attachment %d, `request.txt`, `text/plain`): it is labelled as text, but its bytes are binary (they look like `image/png`): I read forms as plain text, markdown or HTML only."},
		{name: "zip labelled text, private", file: "request.md", contentType: "text/markdown", data: zipBytes(t, form), private: true,
			kind: kindNeedsForm, finding: findingBinary,
			note: "- `attachment-binary` (attachment %d, `request.md`, `text/markdown`): it is labelled as text, but its bytes are binary (they look like `application/zip`)"},
		{name: "shift_jis", file: "request.txt", contentType: "text/plain; charset=shift_jis", data: shiftJIS, kind: kindNeedsForm,
			finding: findingUnknownEncoding,
			note:    "- `attachment-unknown-encoding` (attachment %d, `request.txt`, `text/plain; charset=shift_jis`): its bytes are not valid text in any encoding I know (UTF-8, UTF-16 with a byte order mark, Windows-1252 or Latin-1)."},
		{name: "hostile name", file: hostileName, contentType: "application/octet-stream", data: pngBytes(), kind: kindNeedsForm,
			finding: findingNotText,
			note:    "- `attachment-not-text` (attachment %d, " + policy.CodeText(hostileName, maxQuotedName) + ", `application/octet-stream`): this is a binary file"},
		{name: "utf-16 form", file: "request.txt", contentType: "text/plain", data: utf16Bytes(string(form), false), kind: kindAnalysis,
			note: "- `attachment-not-utf8` (attachment %d): the attachment is not UTF-8, so I read it as UTF-16LE."},
	}
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			e := newE2E(t, d, nil)
			bugs, atts := map[string]int{}, map[string]int{}
			for _, c := range cases {
				bug := e.srv.AddBug(bugzillatest.Bug{Summary: c.name, Creator: "dev1@example.test", Description: "See the attachment."})
				atts[c.name] = e.srv.AddAttachment(bugzillatest.Attachment{BugID: bug, Summary: "Data review request",
					FileName: c.file, ContentType: c.contentType, Data: c.data, IsPrivate: c.private,
					Flags: []bugzillatest.Flag{bugzillatest.DataReview("steward1@example.test")}})
				bugs[c.name] = bug
			}
			for range 3 {
				e.mustCycle()
			}
			logs := e.logs.String()
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					bug, att := bugs[c.name], atts[c.name]
					got := e.markedComments(bug, kindAnalysis, kindNeedsForm)
					if len(got) != 1 || got[0].Kind != c.kind {
						t.Fatalf("bot comments %+v, want one %s", got, c.kind)
					}
					text := got[0].Text
					note := strings.ReplaceAll(c.note, "%d", strconv.Itoa(att))
					if d == bugzillatest.Upstream {
						// Plain text: no code spans; the hostile name as written.
						const name = "\x00NAME\x00"
						note = strings.ReplaceAll(note, policy.CodeText(hostileName, maxQuotedName), name)
						note = strings.ReplaceAll(inFormat(d, note), name, policy.PlainText(hostileName, maxQuotedName))
					}
					if !strings.Contains(text, note) {
						t.Errorf("the comment does not say\n%s\n---\n%s", note, text)
					}
					if !utf8.ValidString(text) || strings.ContainsAny(text, "\x00\x1b\uFFFD") {
						t.Errorf("the comment is not clean UTF-8 text:\n%q", text)
					}
					if c.kind == kindNeedsForm && !strings.Contains(text, "Please attach the completed form as a plain-text (UTF-8) attachment") {
						t.Errorf("the comment does not ask for a text form:\n%s", text)
					}
					var private bool
					for _, p := range e.posted {
						if p.BugID == bug {
							private = p.Comment.IsPrivate
						}
					}
					if private != c.private {
						t.Errorf("comment private = %v, want %v (as the attachment)", private, c.private)
					}
					if c.finding != "" && !logHas(logs, `"attachment_id":`+strconv.Itoa(att)+`,`, `"finding":"`+c.finding+`"`) {
						t.Errorf("no log line with attachment_id %d and finding %s", att, c.finding)
					}
				})
			}
			// The hostile name is only ever inside a code span: no link, tag or mention.
			text := e.markedComments(bugs["hostile name"], kindNeedsForm)[0].Text
			quoted := policy.PlainText(hostileName, maxQuotedName)
			if d == bugzillatest.BMO {
				quoted = policy.CodeText(hostileName, maxQuotedName)
			}
			if strings.Count(text, "https://evil.example") != 1 || !strings.Contains(text, quoted) {
				t.Errorf("the hostile file name is not quoted once, inertly:\n%s", text)
			}
		})
	}
}

// logHas reports whether one log line holds every part.
func logHas(logs string, parts ...string) bool {
	for line := range strings.Lines(logs) {
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(line, p)
		}
		if ok {
			return true
		}
	}
	return false
}
