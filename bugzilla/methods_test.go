package bugzilla

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func ts(s string) time.Time {
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return v
}

func TestVersion(t *testing.T) {
	f := newFake(t)
	f.serve("GET /rest/version", 200, recording(t, "10-version.json"))
	c, _ := testClient(t, f)
	if v, err := c.Version(bg); err != nil || v != "5.2+" {
		t.Errorf("Version = %q, %v", v, err)
	}
}

func TestTime(t *testing.T) {
	t.Run("from /rest/time", func(t *testing.T) {
		f := newFake(t)
		f.serve("GET /rest/time", 200, []byte(`{"db_time":"2026-11-28T20:24:40Z","web_time":"2026-11-28T20:24:41Z","tz_name":"UTC"}`))
		c, _ := testClient(t, f)
		if got, err := c.Time(bg); err != nil || !got.Equal(ts("2026-11-28T20:24:40Z")) {
			t.Errorf("Time = %v, %v", got, err)
		}
	})
	t.Run("fallback to the Date header", func(t *testing.T) {
		f := newFake(t)
		f.handle("GET /rest/time", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Date", "Sat, 28 Nov 2026 20:22:42 GMT")
			writeJSON(w, 404, recording(t, "107-error-unknown-resource.json"))
		})
		c, _ := testClient(t, f)
		if got, err := c.Time(bg); err != nil || !got.Equal(ts("2026-11-28T20:22:42Z")) {
			t.Errorf("Time = %v, %v", got, err)
		}
		if f.count() != 1 {
			t.Errorf("%d requests", f.count())
		}
	})
	t.Run("no Date header: the newest last_change_time seen", func(t *testing.T) {
		f := newFake(t)
		f.handle("GET /rest/time", func(w http.ResponseWriter, r *http.Request) {
			w.Header()["Date"] = nil // net/http then sends none
			writeJSON(w, 404, recording(t, "107-error-unknown-resource.json"))
		})
		f.serveSeq("GET /rest/bug",
			status(200, []byte(`{"bugs":[{"id":1,"last_change_time":"2026-11-28T20:10:00Z"},{"id":2,"last_change_time":"2026-11-28T20:20:05Z"}]}`)),
			status(200, []byte(`{"bugs":[{"id":3,"last_change_time":"2026-11-28T20:15:00Z"}],"faults":[]}`)),
			status(200, []byte(`{"bugs":[{"id":4,"last_change_time":"2026-11-28T20:31:07Z"}],"faults":[]}`)))
		c, _ := testClient(t, f)

		_, err := c.Time(bg)
		if err == nil || !strings.Contains(err.Error(), "no bug seen yet") || !errors.Is(err, ErrNotFound) {
			t.Fatalf("before any bug: %v, want a clear error", err)
		}
		if _, err := c.SearchBugsPage(bg, SearchQuery{}); err != nil {
			t.Fatal(err)
		}
		if got, err := c.Time(bg); err != nil || !got.Equal(ts("2026-11-28T20:20:05Z")) {
			t.Errorf("after a search: Time = %v, %v; want the newest last_change_time", got, err)
		}
		if _, err := c.Bugs(bg, []int{3}, "id", "last_change_time"); err != nil {
			t.Fatal(err)
		}
		if got, err := c.Time(bg); err != nil || !got.Equal(ts("2026-11-28T20:20:05Z")) {
			t.Errorf("an older bug moved it: Time = %v, %v", got, err)
		}
		if _, err := c.Bugs(bg, []int{4}); err != nil {
			t.Fatal(err)
		}
		if got, err := c.Time(bg); err != nil || !got.Equal(ts("2026-11-28T20:31:07Z")) {
			t.Errorf("after a read by id: Time = %v, %v", got, err)
		}
	})
	t.Run("no db_time and no Date header", func(t *testing.T) {
		f := newFake(t)
		f.handle("GET /rest/time", func(w http.ResponseWriter, r *http.Request) {
			w.Header()["Date"] = nil
			writeJSON(w, 200, []byte(`{}`))
		})
		c, _ := testClient(t, f)
		if _, err := c.Time(bg); err == nil || !strings.Contains(err.Error(), "no bug was seen yet") {
			t.Errorf("got %v, want a clear error", err)
		}
		c.seeBugs([]Bug{{ID: 1, LastChangeTime: ts("2026-11-28T20:00:00Z")}})
		if got, err := c.Time(bg); err != nil || !got.Equal(ts("2026-11-28T20:00:00Z")) {
			t.Errorf("Time = %v, %v", got, err)
		}
	})
	t.Run("seen times race", func(t *testing.T) {
		c, _ := testClient(t, newFake(t))
		base := ts("2026-11-28T20:00:00Z")
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() { c.seeBugs([]Bug{{LastChangeTime: base.Add(time.Duration(i) * time.Minute)}}) })
		}
		wg.Wait()
		if got, ok := c.newestChangeSeen(); !ok || !got.Equal(base.Add(7*time.Minute)) {
			t.Errorf("newest = %v, %v", got, ok)
		}
	})
	t.Run("rate limit is not papered over", func(t *testing.T) {
		f := newFake(t)
		f.handle("GET /rest/time", plain(429, "text/html", bmoBlockedPage(t), "Date", "Sat, 28 Nov 2026 20:22:42 GMT"))
		c, _ := testClient(t, f)
		if _, err := c.Time(bg); !errors.Is(err, ErrRateLimited) {
			t.Errorf("got %v", err)
		}
	})
}

func TestUsers(t *testing.T) {
	f := newFake(t)
	f.serve("GET /rest/user", 200, recording(t, "16-user-get-steward1.json"))
	c, _ := testClient(t, f)
	users, err := c.Users(bg, []string{"steward1@example.test", "", "steward1@example.test"})
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 1 || users[0].Name != "steward1@example.test" || users[0].Requests != nil {
		t.Errorf("got %+v", users)
	}
	if diff := cmp.Diff(f.requests()[0].Query["names"], []string{"steward1@example.test"}); diff != "" {
		t.Errorf("names (-got +want):\n%s", diff)
	}
}

func TestComments(t *testing.T) {
	f := newFake(t)
	f.serve("GET /rest/bug/{id}/comment", 200, recording(t, "62-bug-comments-new-since.json"))
	c, _ := testClient(t, f)
	got, err := c.Comments(bg, 1, time.Date(2026, 11, 28, 20, 22, 42, 500, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if q := f.requests()[0].Query.Get("new_since"); q != "2026-11-28T20:22:42Z" {
		t.Errorf("new_since %q", q)
	}
	if len(got) != 3 || got[0].ID != 9 || got[0].Tags[0] != "data-review-bot" || !got[1].IsPrivate || got[2].AttachmentID != 0 {
		t.Errorf("got %+v", got)
	}
	if _, err := c.Comments(bg, 2, time.Time{}); err == nil || !strings.Contains(err.Error(), "no bug 2") {
		t.Errorf("answer for another bug: %v", err)
	}
	if q := f.requests()[1].RawQuery; strings.Contains(q, "new_since") {
		t.Errorf("zero newSince sent: %s", q)
	}
}

// TestCommentsOfBugs: several bugs' comments in one request per batch of
// at most maxBugsPerCommentBatch (the first id in the path, the rest as
// ids=, as Bugzilla's Bug.comments takes them), new_since sent once; a
// hidden bug fails the batch with ErrAccessDenied (recording 48's answer).
func TestCommentsOfBugs(t *testing.T) {
	f := newFake(t)
	f.handle("GET /rest/bug/{id}/comment", func(w http.ResponseWriter, r *http.Request) {
		ids := append([]string{r.PathValue("id")}, r.URL.Query()["ids"]...)
		if slices.Contains(ids, "4") {
			writeJSON(w, 401, recording(t, "48-bug-attachments-secure-bug-as-bot.json"))
			return
		}
		var parts []string
		for _, id := range ids {
			parts = append(parts, fmt.Sprintf(`"%s":{"comments":[{"id":%s0,"bug_id":%s,"count":0,"text":"bug %s","creator":"dev1@example.test","time":"2026-11-28T20:22:29Z"}]}`, id, id, id, id))
		}
		writeJSON(w, 200, []byte(`{"bugs":{`+strings.Join(parts, ",")+`},"comments":{}}`))
	})
	c, _ := testClient(t, f)
	var ids []int
	for id := 5; id < 5+maxBugsPerCommentBatch+7; id++ {
		ids = append(ids, id)
	}
	since := time.Date(2026, 11, 28, 20, 22, 42, 500, time.UTC)
	got, err := c.CommentsOfBugs(bg, append(ids, 5), since) // a duplicate is read once
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(ids) || len(got[5]) != 1 || got[5][0].Text != "bug 5" || got[ids[len(ids)-1]][0].ID != ids[len(ids)-1]*10 {
		t.Errorf("got %d bugs: %+v", len(got), got[5])
	}
	reqs := f.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	if n := len(reqs[0].Query["ids"]); n != maxBugsPerCommentBatch-1 || reqs[0].Query.Get("new_since") != "2026-11-28T20:22:42Z" {
		t.Errorf("first batch: %d ids, new_since %q", n, reqs[0].Query.Get("new_since"))
	}
	if n := len(reqs[1].Query["ids"]); n != 6 {
		t.Errorf("second batch: %d ids, want 6", n)
	}
	if _, err := c.CommentsOfBugs(bg, []int{3, 4}, time.Time{}); !errors.Is(err, ErrAccessDenied) {
		t.Errorf("with a hidden bug: %v, want ErrAccessDenied", err)
	}
	if _, err := c.CommentsOfBugs(bg, []int{0}, time.Time{}); err == nil {
		t.Errorf("bug id 0 accepted")
	}
}

func TestAddComment(t *testing.T) {
	f := newFake(t)
	f.serve("POST /rest/bug/1/comment", 201, recording(t, "52-post-comment-private.json"))
	c, _ := testClient(t, f)
	id, err := c.AddComment(bg, 1, NewComment{Text: "Data review bot (private note): reminder scheduled.", IsPrivate: true,
		IsMarkdown: true, Tags: []string{"data-review-bot"}})
	if err != nil || id != 10 {
		t.Fatalf("AddComment = %d, %v", id, err)
	}
	var body map[string]any
	if err := json.Unmarshal(f.requests()[0].Body, &body); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"comment": "Data review bot (private note): reminder scheduled.", "is_private": true,
		"is_markdown": true, "comment_tags": []any{"data-review-bot"}}
	if diff := cmp.Diff(body, want); diff != "" {
		t.Errorf("body (-got +want):\n%s", diff)
	}
	if ct := f.requests()[0].Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	for _, nc := range []NewComment{{Text: "  "}, {Text: "x", Tags: []string{"two words"}}, {Text: "x", Tags: []string{""}}} {
		if _, err := c.AddComment(bg, 1, nc); err == nil {
			t.Errorf("%+v accepted", nc)
		}
	}
	if _, err := c.AddComment(bg, 0, NewComment{Text: "x"}); err == nil {
		t.Error("bug 0 accepted")
	}
	if f.count() != 1 {
		t.Errorf("invalid comments were sent")
	}
}

func TestAddCommentTags(t *testing.T) {
	f := newFake(t)
	f.serve("PUT /rest/bug/comment/9/tags", 200, recording(t, "58-comment-tags-add.json"))
	c, _ := testClient(t, f)
	tags, err := c.AddCommentTags(bg, 9, []string{"data-review-bot", "needinfo-sent"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(tags, []string{"data-review-bot", "needinfo-sent"}); diff != "" {
		t.Errorf("tags (-got +want):\n%s", diff)
	}
	if got := string(f.requests()[0].Body); got != `{"add":["data-review-bot","needinfo-sent"]}` {
		t.Errorf("body %s", got)
	}
	if _, err := c.AddCommentTags(bg, 9, nil, nil); err == nil {
		t.Error("empty change accepted")
	}
}

func TestUpdateBug(t *testing.T) {
	f := newFake(t)
	f.serve("PUT /rest/bug/3", 200, recording(t, "67-needinfo-set-two-with-comment.json"))
	c, _ := testClient(t, f)
	res, err := c.UpdateBug(bg, 3, BugUpdate{
		Comment: &NewComment{Text: "Data review bot: needinfo for trust and legal."},
		Flags: []FlagChange{
			{Name: "needinfo", Status: "?", Requestee: ptr("trust@example.test")},
			{Name: "needinfo", Status: "?", Requestee: ptr("legal@example.test")},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := &UpdateResult{ID: 3, LastChangeTime: ts("2026-11-28T20:23:41Z"), Changes: map[string]FieldChange{
		"cc":             {Added: "legal@example.test, trust@example.test"},
		"flagtypes.name": {Added: "needinfo?(trust@example.test), needinfo?(legal@example.test)"},
	}}
	if diff := cmp.Diff(res, want); diff != "" {
		t.Errorf("result (-got +want):\n%s", diff)
	}
	// The body is the recorded request's (recording 67).
	var got, wantBody any
	json.Unmarshal(f.requests()[0].Body, &got)
	json.Unmarshal([]byte(`{"comment":{"body":"Data review bot: needinfo for trust and legal.","is_private":false},
		"flags":[{"name":"needinfo","status":"?","requestee":"trust@example.test"},{"name":"needinfo","status":"?","requestee":"legal@example.test"}]}`), &wantBody)
	if diff := cmp.Diff(got, wantBody); diff != "" {
		t.Errorf("body (-got +want):\n%s", diff)
	}
}

func TestUpdateBugNoChange(t *testing.T) {
	f := newFake(t)
	f.serve("PUT /rest/bug/1", 200, recording(t, "68-needinfo-set-same-requestee-again.json"))
	c, _ := testClient(t, f)
	res, err := c.UpdateBug(bg, 1, BugUpdate{Flags: []FlagChange{{Name: "needinfo", Status: "?", Requestee: ptr("dev1@example.test")}}})
	if err != nil || res.ID != 1 || res.Changes == nil || len(res.Changes) != 0 {
		t.Errorf("got %+v, %v", res, err)
	}
}

func TestUpdateAnswerWithoutTheID(t *testing.T) {
	f := newFake(t)
	f.serve("PUT /rest/bug/2", 200, recording(t, "65-needinfo-set.json")) // answers for bug 1
	c, _ := testClient(t, f)
	_, err := c.UpdateBug(bg, 2, BugUpdate{Flags: []FlagChange{{ID: 5, Status: "X"}}})
	if !errors.Is(err, ErrWriteOutcomeUnknown) {
		t.Errorf("got %v", err)
	}
}

func TestUpdateAttachment(t *testing.T) {
	f := newFake(t)
	f.serve("PUT /rest/bug/attachment/3", 200, recording(t, "91-data-review-deny-by-steward2.json"))
	c, _ := testClient(t, f)
	res, err := c.UpdateAttachment(bg, 3, AttachmentUpdate{
		Comment: &NewComment{Text: "Denied: please fill in question 7."},
		Flags:   []FlagChange{{ID: 3, Status: "-"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Changes["flagtypes.name"] != (FieldChange{Added: "data-review-", Removed: "data-review?"}) {
		t.Errorf("got %+v", res)
	}
	var got, want any
	json.Unmarshal(f.requests()[0].Body, &got)
	json.Unmarshal([]byte(`{"flags":[{"id":3,"status":"-"}],"comment":"Denied: please fill in question 7."}`), &want)
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("body (-got +want):\n%s", diff)
	}
}

func TestFlagChangeBodies(t *testing.T) {
	// The flag objects of recordings 80, 89 and 95.
	for _, tc := range []struct {
		change FlagChange
		want   string
	}{
		{FlagChange{ID: 1, Status: "?", Requestee: ptr("steward2@example.test")}, `{"id":1,"status":"?","requestee":"steward2@example.test"}`},
		{FlagChange{ID: 3, Status: "?", Requestee: ptr("")}, `{"id":3,"status":"?","requestee":""}`},
		{FlagChange{Name: "data-review", Status: "?", Requestee: ptr("steward2@example.test"), New: true},
			`{"name":"data-review","status":"?","requestee":"steward2@example.test","new":true}`},
		{FlagChange{ID: 5, Status: "X"}, `{"id":5,"status":"X"}`},
	} {
		b, _ := json.Marshal(tc.change)
		if string(b) != tc.want {
			t.Errorf("got  %s\nwant %s", b, tc.want)
		}
	}
}

func TestUpdateRejectsBadInput(t *testing.T) {
	f := newFake(t)
	c, _ := testClient(t, f)
	for name, run := range map[string]func() error{
		"nothing": func() error { _, err := c.UpdateBug(bg, 1, BugUpdate{}); return err },
		"bad status": func() error {
			_, err := c.UpdateBug(bg, 1, BugUpdate{Flags: []FlagChange{{ID: 1, Status: "maybe"}}})
			return err
		},
		"no flag named": func() error { _, err := c.UpdateBug(bg, 1, BugUpdate{Flags: []FlagChange{{Status: "?"}}}); return err },
		"new with id": func() error {
			_, err := c.UpdateBug(bg, 1, BugUpdate{Flags: []FlagChange{{ID: 1, Status: "?", New: true}}})
			return err
		},
		"requestee on +": func() error {
			_, err := c.UpdateBug(bg, 1, BugUpdate{Flags: []FlagChange{{ID: 1, Status: "+", Requestee: ptr("x")}}})
			return err
		},
		"tags on update": func() error {
			_, err := c.UpdateBug(bg, 1, BugUpdate{Comment: &NewComment{Text: "x", Tags: []string{"t"}}})
			return err
		},
		"empty comment": func() error { _, err := c.UpdateBug(bg, 1, BugUpdate{Comment: &NewComment{}}); return err },
		"bug 0":         func() error { _, err := c.UpdateBug(bg, 0, BugUpdate{Comment: &NewComment{Text: "x"}}); return err },
		"private on attch": func() error {
			_, err := c.UpdateAttachment(bg, 1, AttachmentUpdate{Comment: &NewComment{Text: "x", IsPrivate: true}})
			return err
		},
		"markdown on attch": func() error {
			_, err := c.UpdateAttachment(bg, 1, AttachmentUpdate{Comment: &NewComment{Text: "x", IsMarkdown: true}})
			return err
		},
		"nothing on attch": func() error { _, err := c.UpdateAttachment(bg, 1, AttachmentUpdate{}); return err },
		"attachment 0": func() error {
			_, err := c.UpdateAttachment(bg, 0, AttachmentUpdate{Comment: &NewComment{Text: "x"}})
			return err
		},
	} {
		if err := run(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if f.count() != 0 {
		t.Errorf("%d invalid updates were sent", f.count())
	}
}

func TestHistory(t *testing.T) {
	f := newFake(t)
	f.serve("GET /rest/bug/3/history", 200, recording(t, "114-bug-history-attachment-bug3.json"))
	c, _ := testClient(t, f)
	h, err := c.History(bg, 3, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	want := HistoryEntry{When: ts("2026-11-28T20:22:38Z"), Who: "dev1@example.test",
		Changes: []Change{{FieldName: "flagtypes.name", Added: "data-review?", AttachmentID: 3}}}
	if len(h) < 2 {
		t.Fatalf("%d entries", len(h))
	}
	if diff := cmp.Diff(h[0], want); diff != "" {
		t.Errorf("first entry (-got +want):\n%s", diff)
	}
	if _, err := c.History(bg, 3, ts("2026-11-28T20:22:42Z")); err != nil {
		t.Fatal(err)
	}
	if q := f.requests()[1].Query.Get("new_since"); q != "2026-11-28T20:22:42Z" {
		t.Errorf("new_since %q", q)
	}
}

func TestFlagActivity(t *testing.T) {
	t.Run("BMO", func(t *testing.T) {
		_, body := bmoFixture(t, "flag_activity.json", "response")
		f := newFake(t)
		f.serve("GET /rest/review/flag_activity", 200, body)
		c, _ := testClient(t, f)
		rows, err := c.FlagActivity(bg, FlagActivityQuery{TypeName: "data-review",
			After: time.Date(2026, 11, 1, 23, 30, 0, 0, time.UTC), Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 3 || rows[2].Status != "+" || rows[2].Requestee != "" || rows[0].Requestee != "steward1@example.test" {
			t.Errorf("got %+v", rows)
		}
		r := f.requests()[0]
		if r.Path != "/rest/review/flag_activity" || r.Query.Get("type_name") != "data-review" ||
			r.Query.Get("after") != "2026-11-01" || r.Query.Get("limit") != "100" {
			t.Errorf("request %s?%s", r.Path, r.RawQuery)
		}
	})
	t.Run("upstream", func(t *testing.T) {
		f := newFake(t) // unrouted: 404, code 32614
		c, _ := testClient(t, f)
		_, err := c.FlagActivity(bg, FlagActivityQuery{TypeName: "data-review"})
		if !errors.Is(err, ErrNotSupported) {
			t.Errorf("got %v, want ErrNotSupported", err)
		}
	})
}
