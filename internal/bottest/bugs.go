package bottest

import (
	"slices"
	"strconv"

	"github.com/stewardbot/stewardbot/bugzilla"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// Request files a bug by dev1 with a form attached and data-review? on it.
func (r *Rig) Request(summary, form string, private bool, requestee string) (bugID, attID int) {
	bugID = r.Fake.AddBug(bugzillatest.Bug{Summary: summary, Creator: "dev1@example.test", Description: "See the attachment."})
	attID = r.Fake.AddAttachment(bugzillatest.Attachment{BugID: bugID, Summary: "Data review request",
		FileName: "request.md", ContentType: "text/plain", Data: []byte(form), IsPrivate: private,
		Flags: []bugzillatest.Flag{bugzillatest.DataReview(requestee)}})
	return bugID, attID
}

// FlagOf is the one flag on an attachment; it fails the test when there is
// not exactly one.
func (r *Rig) FlagOf(attID int) bugzillatest.Flag {
	r.T.Helper()
	a, ok := r.Fake.Attachment(attID)
	if !ok || len(a.Flags) != 1 {
		r.T.Fatalf("attachment %d: no single flag", attID)
	}
	return a.Flags[0]
}

// BotComments lists the comments the bot wrote on a bug, from the fake's
// record of writes (comment_tags sorted).
func (r *Rig) BotComments(bugID int) []bugzilla.Comment {
	var out []bugzilla.Comment
	for _, w := range r.Fake.Writes() {
		if w.User == r.Config.Bugzilla.Login && w.Path == "/rest/bug/"+strconv.Itoa(bugID)+"/comment" {
			out = append(out, bugzilla.Comment{Text: BodyString(w.Body, "comment"), IsPrivate: BodyBool(w.Body, "is_private"),
				Tags: BodyStrings(w.Body, "comment_tags")})
		}
	}
	return out
}

// OpenNeedinfos lists a bug's open needinfo flags as "setter→requestee".
func (r *Rig) OpenNeedinfos(bugID int) []string {
	r.T.Helper()
	b, ok := r.Fake.Bug(bugID)
	if !ok {
		r.T.Fatalf("no bug %d", bugID)
	}
	var out []string
	for _, f := range b.Flags {
		if f.Name == "needinfo" && f.Status == "?" {
			out = append(out, f.Setter+"→"+f.Requestee)
		}
	}
	return out
}

// BodyString, BodyBool and BodyStrings read a field of a write's JSON body.
func BodyString(m map[string]any, k string) string { s, _ := m[k].(string); return s }

func BodyBool(m map[string]any, k string) bool {
	switch v := m[k].(type) {
	case bool:
		return v
	case float64:
		return v != 0
	}
	return false
}

func BodyStrings(m map[string]any, k string) []string {
	var out []string
	if vs, ok := m[k].([]any); ok {
		for _, v := range vs {
			if s, ok := v.(string); ok {
				out = append(out, s)
			}
		}
	}
	slices.Sort(out)
	return out
}
