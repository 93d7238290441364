package bugzillatest

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func putFlags(t *testing.T, srv *Server, path, key string, flags ...map[string]any) answer {
	t.Helper()
	list := make([]any, len(flags))
	for i, f := range flags {
		list[i] = f
	}
	return do(t, srv, request{method: "PUT", path: path, key: key, body: map[string]any{"flags": list}})
}

func TestFlagRules(t *testing.T) {
	srv := NewServer(t)
	seedWorld(t, srv)

	// A "?" sent without a requestee drops the requestee (Flag.pm
	// _check_requestee): the flag stays, the requestee goes.
	a := putFlags(t, srv, "/rest/bug/attachment/1", botKey, map[string]any{"id": 1, "status": "?"})
	wantStatus(t, a, 200)
	if f, _ := srv.Flag(1); f.Requestee != "" || f.Setter != "dev1@example.test" {
		t.Errorf("flag after ? without requestee = %+v", f)
	}
	if ch := a.object(t)["attachments"].([]any)[0].(map[string]any)["changes"]; !cmp.Equal(ch, map[string]any{
		"flagtypes.name": map[string]any{"removed": "data-review?(steward1@example.test)", "added": "data-review?"},
	}) {
		t.Errorf("changes = %v", ch)
	}

	// A requestee on a private attachment must be an insider.
	wantStatus(t, putFlags(t, srv, "/rest/bug/attachment/2", botKey, map[string]any{"id": 2, "status": "?", "requestee": "admin@example.test"}), 200)
	srv.AddUser(User{Login: "outsider-steward@example.test", APIKey: "os-key", Groups: []string{"data-stewards", "editbugs"}})
	e := putFlags(t, srv, "/rest/bug/attachment/2", botKey, map[string]any{"id": 2, "status": "?", "requestee": "outsider-steward@example.test"})
	wantError(t, e, 400, 32000)
	if msg := e.object(t)["message"].(string); msg[:len("You asked ")] != "You asked " {
		t.Errorf("message %q", msg)
	}

	// Anyone may clear a flag, even a granted one (status X is always allowed).
	if err := srv.SetAttachmentFlags("steward1@example.test", 3, FlagChange{ID: 3, Status: "+"}); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, putFlags(t, srv, "/rest/bug/attachment/3", dev2Key, map[string]any{"id": 3, "status": "X"}), 200)
	if _, ok := srv.Flag(3); ok {
		t.Error("flag 3 still exists")
	}
	// Clearing by name when there is none is a no-op.
	a = putFlags(t, srv, "/rest/bug/attachment/3", botKey, map[string]any{"name": "data-review", "status": "X"})
	wantStatus(t, a, 200)
	if ch := a.object(t)["attachments"].([]any)[0].(map[string]any)["changes"]; !cmp.Equal(ch, map[string]any{}) {
		t.Errorf("no-op changes = %v", ch)
	}

	// By type_id without new retargets the single flag, like by name.
	wantStatus(t, putFlags(t, srv, "/rest/bug/1", botKey, map[string]any{"type_id": 2, "status": "?", "requestee": "dev1@example.test"}), 200)
	wantStatus(t, putFlags(t, srv, "/rest/bug/1", botKey, map[string]any{"type_id": 2, "status": "?", "requestee": "dev2@example.test"}), 200)
	if b, _ := srv.Bug(1); len(b.Flags) != 1 || b.Flags[0].Requestee != "dev2@example.test" {
		t.Errorf("bug 1 flags = %+v", b.Flags)
	}
	wantError(t, putFlags(t, srv, "/rest/bug/1", botKey, map[string]any{"type_id": 1, "status": "?"}), 404, 51)
	wantError(t, putFlags(t, srv, "/rest/bug/1", botKey, map[string]any{"status": "?"}), 400, 50)

	// One bad change refuses them all.
	before, _ := srv.Bug(1)
	wantError(t, putFlags(t, srv, "/rest/bug/1", botKey,
		map[string]any{"name": "needinfo", "status": "?", "requestee": "legal@example.test", "new": true},
		map[string]any{"name": "needinfo", "status": "?", "requestee": "nobody-such@example.test", "new": true}), 404, 51)
	if after, _ := srv.Bug(1); !cmp.Equal(after.Flags, before.Flags) || !cmp.Equal(after.CC, before.CC) {
		t.Errorf("a refused update changed the bug: %+v", after)
	}

	// A requestee cannot be named when the type does not allow it.
	srv.AddFlagType(FlagType{Name: "approval", Target: "bug", Multiplicable: false})
	wantError(t, putFlags(t, srv, "/rest/bug/1", botKey, map[string]any{"name": "approval", "status": "?", "requestee": "dev1@example.test"}), 400, 131)
	// A non-multiplicable type takes one flag.
	wantStatus(t, putFlags(t, srv, "/rest/bug/1", botKey, map[string]any{"name": "approval", "status": "?"}), 200)
	wantError(t, putFlags(t, srv, "/rest/bug/1", botKey, map[string]any{"name": "approval", "status": "?", "new": true}), 400, 32000)
}

func TestAttachmentAndCommentEdges(t *testing.T) {
	srv := NewServer(t)
	seedWorld(t, srv)
	post := func(key string, body map[string]any) answer {
		return do(t, srv, request{method: "POST", path: "/rest/bug/1/attachment", key: key, body: body})
	}
	ok := post(botKey, map[string]any{"data": "aGVsbG8=", "file_name": "a.txt", "summary": "hello", "content_type": "text/plain",
		"comment": "v2", "flags": []any{map[string]any{"name": "data-review", "status": "?", "requestee": "steward2@example.test"}}})
	wantStatus(t, ok, 201)
	if !cmp.Equal(ok.json(t), map[string]any{"ids": []any{float64(5)}}) {
		t.Errorf("answer %s", ok.body)
	}
	for name, tc := range map[string]struct {
		key          string
		body         map[string]any
		status, code int
	}{
		"anonymous":        {"", map[string]any{"data": "aA==", "file_name": "a", "summary": "s", "content_type": "text/plain"}, 401, 410},
		"empty data":       {botKey, map[string]any{"data": "", "file_name": "a", "summary": "s", "content_type": "text/plain"}, 400, 606},
		"no summary":       {botKey, map[string]any{"data": "aA==", "file_name": "a", "content_type": "text/plain"}, 400, 604},
		"no file name":     {botKey, map[string]any{"data": "aA==", "summary": "s", "content_type": "text/plain"}, 400, 603},
		"bad content type": {botKey, map[string]any{"data": "aA==", "file_name": "a", "summary": "s", "content_type": "plain"}, 400, 601},
		"private outsider": {dev2Key, map[string]any{"data": "aA==", "file_name": "a", "summary": "s", "content_type": "text/plain", "is_private": true}, 401, 113},
		"bad requestee": {botKey, map[string]any{"data": "aA==", "file_name": "a", "summary": "s", "content_type": "text/plain",
			"flags": []any{map[string]any{"name": "data-review", "status": "?", "requestee": "dev2@example.test"}}}, 400, 32000},
	} {
		t.Run(name, func(t *testing.T) {
			wantError(t, post(tc.key, tc.body), tc.status, tc.code)
		})
	}
	if n := len(srv.Attachments(1)); n != 2 {
		t.Errorf("bug 1 has %d attachments, want 2 (refused ones leave nothing)", n)
	}
	// A patch is text/plain whatever was said.
	wantStatus(t, post(botKey, map[string]any{"data": "aA==", "file_name": "p.diff", "summary": "patch", "is_patch": true}), 201)
	if a, _ := srv.Attachment(6); a.ContentType != "text/plain" || !a.IsPatch {
		t.Errorf("patch = %+v", a)
	}

	// Commenting on an attachment update: "Comment on attachment N".
	wantStatus(t, do(t, srv, request{method: "PUT", path: "/rest/bug/attachment/5", key: steward2Key, body: map[string]any{
		"comment": "Looks fine.", "flags": []any{map[string]any{"id": 5, "status": "+"}},
	}}), 200)
	cs := srv.Comments(1)
	if last := cs[len(cs)-1]; last.Text != "Comment on attachment 5\nhello\n\nLooks fine." || last.AttachmentID != 5 {
		t.Errorf("attachment comment = %+v", last)
	}

	// Comments: new_since is strictly after; comment ids must exist.
	all := get(t, srv, "/rest/bug/1/comment", botKey)
	list := dig(t, all.json(t), "bugs", "1", "comments").([]any)
	lastTime := list[len(list)-1].(map[string]any)["time"].(string)
	if n := len(dig(t, get(t, srv, "/rest/bug/1/comment?new_since="+lastTime, botKey).json(t), "bugs", "1", "comments").([]any)); n != 0 {
		t.Errorf("new_since=%s returned %d comments, want 0", lastTime, n)
	}
	wantError(t, get(t, srv, "/rest/bug/comment/999", botKey), 400, 111)
	wantError(t, get(t, srv, "/rest/bug/1/comment?new_since=whenever", botKey), 400, 56)
	priv := do(t, srv, request{method: "POST", path: "/rest/bug/1/comment", key: botKey, body: map[string]any{"comment": "secret", "is_private": true}})
	id := itoa(int(priv.object(t)["id"].(float64)))
	wantError(t, get(t, srv, "/rest/bug/comment/"+id, dev2Key), 401, 110)
	wantError(t, do(t, srv, request{method: "PUT", path: "/rest/bug/comment/" + id + "/tags", key: dev2Key, body: map[string]any{"add": []string{"abc"}}}), 401, 110)
	wantError(t, do(t, srv, request{method: "PUT", path: "/rest/bug/comment/" + id + "/tags", key: botKey, body: map[string]any{"add": []string{"a b"}}}), 400, 126)
	unknown := do(t, srv, request{method: "PUT", path: "/rest/bug/comment/9999/tags", key: botKey, body: map[string]any{"add": []string{"abc"}}})
	if unknown.status != 200 || string(unknown.body) != "[]" {
		t.Errorf("tags of an unknown comment: %d %s", unknown.status, unknown.body)
	}

	// Bug update details: unsupported fields are refused loudly.
	wantError(t, do(t, srv, request{method: "PUT", path: "/rest/bug/1", key: botKey, body: map[string]any{"keywords": map[string]any{"add": []string{"x"}}}}), 400, 32000)
	res := do(t, srv, request{method: "PUT", path: "/rest/bug/1", key: botKey, body: map[string]any{
		"status": "RESOLVED", "resolution": "FIXED", "cc": map[string]any{"add": []string{"legal@example.test"}, "remove": []string{"steward1@example.test"}},
	}})
	wantStatus(t, res, 200)
	changes := dig(t, res.json(t), "bugs").([]any)[0].(map[string]any)["changes"]
	if !cmp.Equal(changes, map[string]any{
		"status":     map[string]any{"removed": "CONFIRMED", "added": "RESOLVED"},
		"resolution": map[string]any{"removed": "", "added": "FIXED"},
		"cc":         map[string]any{"removed": "steward1@example.test", "added": "legal@example.test"},
	}) {
		t.Errorf("changes = %v", changes)
	}
	wantError(t, do(t, srv, request{method: "PUT", path: "/rest/bug/1", key: botKey, body: map[string]any{"status": "VERIFIED", "resolution": ""}}), 400, 121)
	// Comment-only updates move last_change_time but change nothing else.
	srv.Advance(60e9)
	res = do(t, srv, request{method: "PUT", path: "/rest/bug/1", key: botKey, body: map[string]any{"comment": map[string]any{"body": "just a note"}}})
	if lct := dig(t, res.json(t), "bugs").([]any)[0].(map[string]any)["last_change_time"]; lct != isoTime(srv.Now()) {
		t.Errorf("last_change_time %v, want %v", lct, isoTime(srv.Now()))
	}
}

func TestUserAndLogin(t *testing.T) {
	srv := NewServer(t)
	self := get(t, srv, "/rest/user?names=bot%40example.test", botKey).object(t)["users"].([]any)[0].(map[string]any)
	if len(self["groups"].([]any)) != 3 || self["saved_searches"] == nil {
		t.Errorf("own user = %v", self)
	}
	anon := get(t, srv, "/rest/user?names=bot%40example.test", "").object(t)["users"].([]any)[0].(map[string]any)
	if !cmp.Equal(sortedKeys(anon), []string{"id", "name", "real_name"}) {
		t.Errorf("anonymous sees %v", sortedKeys(anon))
	}
	wantError(t, get(t, srv, "/rest/user?ids=2", ""), 401, 505)
	wantError(t, get(t, srv, "/rest/user?names=who%40example.test", botKey), 404, 51)
	if got := get(t, srv, "/rest/user/2", botKey).object(t)["users"].([]any)[0].(map[string]any)["name"]; got != "bot@example.test" {
		t.Errorf("/rest/user/2 = %v", got)
	}
	wantError(t, get(t, srv, "/rest/login?login=bot%40example.test&password=wrong", ""), 401, 300)
	tok := get(t, srv, "/rest/login?login=bot%40example.test&password=bot-password", "").object(t)["token"].(string)
	if got := get(t, srv, "/rest/valid_login?login=bot%40example.test&token="+tok, "").object(t)["result"]; got != true {
		t.Errorf("token login: valid_login = %v", got)
	}
	wantError(t, get(t, srv, "/rest/valid_login", botKey), 400, 50)
	wantError(t, get(t, srv, "/rest/flag_type/Nope", botKey), 401, 106)
	ft := get(t, srv, "/rest/flag_type/Firefox", steward1Key).object(t)
	if v := ft["attachment"].([]any)[0].(map[string]any)["values"]; !cmp.Equal(v, []any{"X", "?", "+", "-"}) {
		t.Errorf("a steward's data-review values = %v", v)
	}
	wantStatus(t, get(t, srv, "/other/path", ""), 404)
	wantStatus(t, get(t, srv, "/rest.cgi/version", ""), 200)
}

func TestHistoryHidesPrivateAttachments(t *testing.T) {
	srv := NewServer(t)
	seedWorld(t, srv)
	// Bug 2's history is its private attachment's creation: a CC change and
	// the attachment's flag. Outsiders see the CC change only.
	history := func(key string) []any {
		return dig(t, get(t, srv, "/rest/bug/2/history", key).json(t), "bugs").([]any)[0].(map[string]any)["history"].([]any)
	}
	changes := func(entry any) int { return len(entry.(map[string]any)["changes"].([]any)) }
	insider, outsider := history(botKey), history(dev2Key)
	if len(insider) != 1 || changes(insider[0]) != 2 || len(outsider) != 1 || changes(outsider[0]) != 1 {
		t.Errorf("history: insider %v, outsider %v", insider, outsider)
	}
	if err := srv.SetAttachmentFlags("bot@example.test", 2, FlagChange{ID: 2, Status: "?", Requestee: "steward2@example.test"}); err != nil {
		t.Fatal(err)
	}
	insider, outsider = history(botKey), history(dev2Key)
	if len(insider) != 2 || changes(insider[1]) != 2 || len(outsider) != 2 || changes(outsider[1]) != 1 {
		t.Errorf("after a re-target: insider %v, outsider %v", insider, outsider)
	}
	// Every answer carries the fake clock in its Date header, errors and faults included.
	srv.FailNext(1, 502)
	for _, a := range []answer{get(t, srv, "/rest/version", ""), get(t, srv, "/rest/bug/99", botKey)} {
		if d, err := http.ParseTime(a.header.Get("Date")); err != nil || !d.Equal(srv.Now()) {
			t.Errorf("Date %q, want %v", a.header.Get("Date"), srv.Now())
		}
	}
}
