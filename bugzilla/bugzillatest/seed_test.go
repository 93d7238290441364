package bugzillatest

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestSeedingAPI(t *testing.T) {
	start := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	srv := NewServer(t, WithStartTime(start))
	bug := srv.AddBug(Bug{Summary: "Probe", Creator: "dev1@example.test", Description: "why"})
	att := srv.AddAttachment(Attachment{
		BugID: bug, FileName: "form.md", Summary: "Data review request", Data: []byte("form text"),
		Comment: "please review", Flags: []Flag{DataReview("steward1@example.test")},
	})
	srv.Advance(2 * time.Hour)
	cid := srv.AddComment(Comment{BugID: bug, Creator: "steward1@example.test", Text: "Looking", Tags: []string{"triage"}})
	srv.Advance(time.Hour)
	if err := srv.SetAttachmentFlags("steward1@example.test", att, FlagChange{Name: "data-review", Status: "+"}); err != nil {
		t.Fatal(err)
	}

	b, ok := srv.Bug(bug)
	if !ok {
		t.Fatal("no bug")
	}
	if b.Product != "Firefox" || b.Component != "General" || b.Status != "CONFIRMED" || b.AssignedTo != DefaultAssignee ||
		b.Description != "why" || !b.CreationTime.Equal(start) || !b.LastChangeTime.Equal(start.Add(3*time.Hour)) ||
		!cmp.Equal(b.CC, []string{"steward1@example.test"}) || !cmp.Equal(b.Attachments, []int{att}) {
		t.Errorf("bug = %+v", b)
	}
	a, _ := srv.Attachment(att)
	if string(a.Data) != "form text" || a.ContentType != "text/plain" || a.Creator != "dev1@example.test" ||
		len(a.Flags) != 1 || a.Flags[0].Status != "+" || a.Flags[0].Setter != "steward1@example.test" ||
		a.Flags[0].Requestee != "" || !a.Flags[0].CreationDate.Equal(start) {
		t.Errorf("attachment = %+v", a)
	}
	cs := srv.Comments(bug)
	if len(cs) != 3 || cs[1].Text != "Created attachment 1\nData review request\n\nplease review" || cs[1].AttachmentID != att ||
		cs[2].ID != cid || cs[2].Count != 2 || !cmp.Equal(cs[2].Tags, []string{"triage"}) {
		t.Errorf("comments = %+v", cs)
	}
	want := []HistoryEntry{
		{When: start, Who: "dev1@example.test", Changes: []Change{
			{FieldName: "cc", Added: "steward1@example.test"},
			{FieldName: "flagtypes.name", Added: "data-review?(steward1@example.test)", AttachmentID: att},
		}},
		{When: start.Add(3 * time.Hour), Who: "steward1@example.test", Changes: []Change{
			{FieldName: "flagtypes.name", Removed: "data-review?(steward1@example.test)", Added: "data-review+", AttachmentID: att},
		}},
	}
	if diff := cmp.Diff(srv.History(bug), want); diff != "" {
		t.Errorf("history (-got +want):\n%s", diff)
	}

	// The API sees the same thing.
	hits := bugIDsOf(t, get(t, srv, "/rest/bug?f1=flagtypes.name&o1=equals&v1=data-review%2B&include_fields=id", botKey))
	if !cmp.Equal(hits, []int{bug}) {
		t.Errorf("search for data-review+ = %v", hits)
	}

	// Acting as a user follows the API's rules.
	err := srv.SetAttachmentFlags("bot@example.test", att, FlagChange{Name: "data-review", Status: "-"})
	var bzerr *Error
	if !asError(err, &bzerr) || bzerr.Code != 130 || bzerr.Status != 400 {
		t.Errorf("bot denying = %v, want code 130", err)
	}
	if err := srv.SetBugFlags("bot@example.test", bug, Needinfo("dev1@example.test").change()); err != nil {
		t.Fatal(err)
	}
	if b, _ := srv.Bug(bug); len(b.Flags) != 1 || b.Flags[0].Requestee != "dev1@example.test" {
		t.Errorf("bug flags = %+v", b.Flags)
	}
	if err := srv.SetBugFlags("nobody-here@example.test", bug); err == nil {
		t.Error("an unknown user could set flags")
	}

	srv.ObsoleteAttachment(att)
	if a, _ := srv.Attachment(att); !a.IsObsolete {
		t.Error("not obsolete")
	}
	h := srv.History(bug)
	if last := h[len(h)-1]; last.Changes[0].FieldName != "attachments.isobsolete" || last.Changes[0].Added != "1" {
		t.Errorf("obsolete history = %+v", last)
	}
	srv.SetAttachmentPrivate(att, true)
	wantError(t, get(t, srv, "/rest/bug/attachment/1", dev2Key), 401, 304)

	u := srv.AddUser(User{Login: "new@example.test", APIKey: "new-key", Groups: []string{"editbugs", "brand-new"}})
	if u.ID != 10 || !cmp.Equal(u.Groups, []string{"brand-new", "editbugs"}) {
		t.Errorf("AddUser = %+v", u)
	}
	srv.SetAPIKey("new@example.test", "rotated")
	wantError(t, get(t, srv, "/rest/bug/1", "new-key"), 400, 306)
	wantStatus(t, get(t, srv, "/rest/bug/1", "rotated"), 200)
}

// change turns a seeding flag into a FlagChange (test helper).
func (f Flag) change() FlagChange {
	return FlagChange{Name: f.Name, Status: f.Status, Requestee: f.Requestee}
}

func asError(err error, target **Error) bool {
	e, ok := err.(*Error)
	if ok {
		*target = e
	}
	return ok
}

func TestSeedingErrors(t *testing.T) {
	cases := map[string]func(*Server){
		"bug without creator": func(s *Server) { s.AddBug(Bug{Summary: "x"}) },
		"bug without summary": func(s *Server) { s.AddBug(Bug{Creator: "dev1@example.test"}) },
		"bug in unknown product": func(s *Server) {
			s.AddBug(Bug{Summary: "x", Creator: "dev1@example.test", Product: "Nope", Component: "X"})
		},
		"bug in unknown group": func(s *Server) { s.AddBug(Bug{Summary: "x", Creator: "dev1@example.test", Groups: []string{"nope"}}) },
		"attachment on no bug": func(s *Server) { s.AddAttachment(Attachment{BugID: 9, Summary: "x", Data: []byte("x")}) },
		"empty attachment":     func(s *Server) { s.AddAttachment(Attachment{BugID: 1, Summary: "x"}) },
		"flag of unknown type": func(s *Server) {
			s.AddAttachment(Attachment{BugID: 1, Summary: "x", Data: []byte("x"), Flags: []Flag{{Name: "nope", Status: "?"}}})
		},
		"flag with bad status": func(s *Server) {
			s.AddAttachment(Attachment{BugID: 1, Summary: "x", Data: []byte("x"), Flags: []Flag{{Name: "data-review", Status: "!"}}})
		},
		"unknown requestee": func(s *Server) {
			s.AddAttachment(Attachment{BugID: 1, Summary: "x", Data: []byte("x"), Flags: []Flag{DataReview("who@example.test")}})
		},
		"comment by nobody known": func(s *Server) { s.AddComment(Comment{BugID: 1, Creator: "who@example.test", Text: "x"}) },
		"comment with bad tag": func(s *Server) {
			s.AddComment(Comment{BugID: 1, Creator: "bot@example.test", Text: "x", Tags: []string{"a"}})
		},
		"duplicate user":         func(s *Server) { s.AddUser(User{Login: "bot@example.test"}) },
		"user without email":     func(s *Server) { s.AddUser(User{Login: "bot"}) },
		"duplicate API key":      func(s *Server) { s.AddUser(User{Login: "x@example.test", APIKey: botKey}) },
		"obsolete no attachment": func(s *Server) { s.ObsoleteAttachment(42) },
		"blocks for no user":     func(s *Server) { s.SetUserBlocks("who@example.test", true, true) },
		"bad flag type":          func(s *Server) { s.AddFlagType(FlagType{Name: "x", Target: "comment"}) },
		"product without comps":  func(s *Server) { s.AddProduct("X") },
	}
	for name, seed := range cases {
		t.Run(name, func(t *testing.T) {
			tb := &fakeTB{TB: t}
			srv := NewServer(tb)
			srv.AddBug(Bug{Summary: "base", Creator: "dev1@example.test"})
			seed(srv)
			if len(tb.fatal) != 1 || !strings.HasPrefix(tb.fatal[0], "bugzillatest: ") {
				t.Errorf("reported %q, want one bugzillatest error", tb.fatal)
			}
		})
	}
	t.Run("New panics", func(t *testing.T) {
		defer func() {
			if recover() == nil {
				t.Error("no panic")
			}
		}()
		New().AddBug(Bug{Summary: "x"})
	})
}

func TestWithoutDefaults(t *testing.T) {
	srv := NewServer(t, WithoutDefaults())
	if _, ok := srv.User("bot@example.test"); ok {
		t.Error("default users present")
	}
	srv.AddUser(User{Login: "me@example.test", APIKey: "k"})
	srv.AddProduct("P", "C")
	id := srv.AddBug(Bug{Summary: "s", Product: "P", Component: "C", Creator: "me@example.test"})
	b, _ := srv.Bug(id)
	if b.AssignedTo != "me@example.test" || b.Status != "UNCONFIRMED" {
		t.Errorf("bug = %+v", b)
	}
	if len(srv.FlagTypes()) != 0 {
		t.Errorf("flag types %v", srv.FlagTypes())
	}
}

// A seeded user's last_activity is an "at" relative to the seed's now;
// without one the account never acted (BMO's null).
func TestLoadSeedLastActivity(t *testing.T) {
	srv := NewServer(t)
	if _, err := srv.LoadSeed(strings.NewReader(`{"now": "2026-12-07T15:00:00Z", "users": [
		{"login": "quiet@example.test", "last_activity": "-400d"},
		{"login": "fresh@example.test", "last_activity": "2026-12-01T10:00:00Z"},
		{"login": "never@example.test"}]}`)); err != nil {
		t.Fatal(err)
	}
	for login, want := range map[string]time.Time{
		"quiet@example.test": time.Date(2025, 11, 2, 15, 0, 0, 0, time.UTC),
		"fresh@example.test": time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC),
		"never@example.test": {},
	} {
		if u, _ := srv.User(login); !u.LastActivity.Equal(want) {
			t.Errorf("%s: last activity %v, want %v", login, u.LastActivity, want)
		}
	}
	_, err := NewServer(t).LoadSeed(strings.NewReader(`{"users": [{"login": "x@example.test", "last_activity": "lately"}]}`))
	if err == nil || !strings.Contains(err.Error(), "users[0]: last_activity") {
		t.Errorf("a bad last_activity: %v", err)
	}
}

func TestDefaultUsersMatchRecordings(t *testing.T) {
	srv := NewServer(t)
	for login, id := range map[string]int{
		"admin@example.test": 1, "bot@example.test": 2, "steward1@example.test": 3, "steward2@example.test": 4,
		"dev1@example.test": 5, "dev2@example.test": 6, "trust@example.test": 7, "legal@example.test": 8,
		"nobody@example.test": 9,
	} {
		u, ok := srv.User(login)
		if !ok || u.ID != id {
			t.Errorf("%s: id %d, want %d", login, u.ID, id)
		}
	}
	ft := srv.FlagTypes()
	if len(ft) != 2 || ft[0].Name != "data-review" || ft[0].ID != 1 || ft[0].GrantGroup != "data-stewards" || ft[1].Name != "needinfo" || ft[1].Target != "bug" {
		t.Errorf("flag types = %+v", ft)
	}
}

func TestLoadSeedExample(t *testing.T) {
	f, err := os.Open("testdata/seed-example.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	srv := NewServer(t)
	ids, err := srv.LoadSeed(f)
	if err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(ids, []int{1, 2, 3}) {
		t.Fatalf("ids = %v", ids)
	}
	now := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	b1, _ := srv.Bug(1)
	if !b1.CreationTime.Equal(now.AddDate(0, 0, -4)) || !b1.LastChangeTime.Equal(now.Add(-48*time.Hour)) {
		t.Errorf("bug 1 times: %v %v", b1.CreationTime, b1.LastChangeTime)
	}
	cs := srv.Comments(1)
	if len(cs) != 3 || cs[1].AttachmentID != 1 || cs[2].Creator != "steward1@example.test" || !cmp.Equal(cs[2].Tags, []string{"triage"}) {
		t.Errorf("bug 1 comments = %+v", cs)
	}
	a1, _ := srv.Attachment(1)
	if !strings.Contains(string(a1.Data), "How often are tabs unloaded?") || a1.Flags[0].Requestee != "steward1@example.test" ||
		!a1.CreationTime.Equal(now.Add(-72*time.Hour)) {
		t.Errorf("attachment 1 = %+v", a1)
	}
	a2, _ := srv.Attachment(2)
	if a2.Flags[0].Status != "+" || a2.Flags[0].Setter != "steward2@example.test" || !a2.Flags[0].ModificationDate.Equal(now.AddDate(0, 0, -8)) {
		t.Errorf("answered flag = %+v", a2.Flags[0])
	}
	a3, _ := srv.Attachment(3)
	b3, _ := srv.Bug(3)
	if string(a3.Data) != "# Request for data collection review form\n" || !a3.IsPrivate ||
		len(b3.Flags) != 1 || b3.Flags[0].Setter != "bot@example.test" || !cmp.Equal(b3.Groups, []string{"security-sensitive"}) {
		t.Errorf("bug 3 = %+v, attachment 3 = %+v", b3, a3)
	}
	if _, ok := srv.User("dev3@example.test"); !ok {
		t.Error("seed user missing")
	}
	wantStatus(t, get(t, srv, "/rest/bug?product=Fenix", botKey), 200)
	// The bot (not in security-sensitive) sees bugs 1 and 2 pending or answered.
	got := bugIDsOf(t, get(t, srv, "/rest/bug?f1=flagtypes.name&o1=substring&v1=data-review&include_fields=id", botKey))
	if !cmp.Equal(got, []int{1, 2}) {
		t.Errorf("bot's data-review bugs = %v", got)
	}
}

func TestLoadSeedErrors(t *testing.T) {
	for _, tc := range []struct{ seed, want string }{
		{`{"bugz": []}`, `unknown field "bugz"`},
		{`{"now": "yesterday"}`, `now "yesterday"`},
		{`{"bugs": [{"summary": "x"}]}`, `bugs[0]: bugzillatest: AddBug: creator "" is not a user`},
		{`{"bugs": [{"summary": "x", "creator": "dev1@example.test", "at": "soon"}]}`, `at "soon" is neither`},
		{`{"bugs": [{"summary": "x", "creator": "dev1@example.test", "attachments": [{"summary": "a", "text": "t", "base64": "dA=="}]}]}`, `attachments[0]: give text or base64, not both`},
		{`{"bugs": [{"summary": "x", "creator": "dev1@example.test", "attachments": [{"summary": "a", "base64": "!!"}]}]}`, `attachments[0]: base64`},
		{`{"bugs": [{"summary": "x", "creator": "dev1@example.test", "flag_updates": [{"as": "bot@example.test", "attachment": 2}]}]}`, `flag_updates[0]: attachment 2: this bug has 0 attachments`},
		{`{"bugs": [{"summary": "x", "creator": "dev1@example.test", "attachments": [{"summary": "a", "text": "t", "flags": [{"name": "data-review", "status": "?"}]}],
		   "flag_updates": [{"as": "bot@example.test", "attachment": 1, "flags": [{"name": "data-review", "status": "+"}]}]}]}`, `flag_updates[0] as bot@example.test: bugzillatest: 130`},
		{`{"users": [{"login": "bot@example.test"}]}`, `users[0]: bugzillatest: AddUser: bot@example.test already exists`},
		{`{"products": [{"name": "P"}]}`, `products[0]: need a name`},
		{`{"flag_types": [{"name": "x", "target": "both"}]}`, `flag_types[0]`},
		{`{} {}`, `data after the JSON document`},
		{`[`, `seed:`},
	} {
		_, err := NewServer(t).LoadSeed(strings.NewReader(tc.seed))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("LoadSeed(%s) = %v, want an error containing %q", tc.seed, err, tc.want)
		}
	}
}

func FuzzLoadSeed(f *testing.F) {
	if data, err := os.ReadFile("testdata/seed-example.json"); err == nil {
		f.Add(data)
	}
	f.Add([]byte(`{"bugs":[{"summary":"x","creator":"dev1@example.test","at":"-1d"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		srv := New()
		srv.LoadSeed(strings.NewReader(string(data))) // must not panic; errors are fine
	})
}
