package bugzillatest

import (
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// bmoFixture reads a fixtures/bmo wrapper (copied to testdata/bmo).
func bmoFixture(t *testing.T, name string) map[string]any {
	t.Helper()
	data, err := os.ReadFile("testdata/bmo/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

// dig follows keys into nested objects.
func dig(t *testing.T, v any, keys ...string) any {
	t.Helper()
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("no object at %q", k)
		}
		v = m[k]
	}
	return v
}

func wantShape(t *testing.T, got, want any) {
	t.Helper()
	for _, d := range shapeDiff("$", got, want) {
		t.Errorf("shape: %s", d)
	}
}

func newBMO(t *testing.T, opts ...Option) *Server {
	t.Helper()
	srv := NewServer(t, append([]Option{WithDialect(BMO)}, opts...)...)
	seedWorld(t, srv)
	return srv
}

func TestBMOHeaderAuthPreferred(t *testing.T) {
	srv := newBMO(t)
	// Header says bot, query says dev2: the header wins on BMO.
	a := do(t, srv, request{method: "GET", path: "/rest/valid_login?login=bot%40example.test", key: dev2Key, headerKey: botKey})
	if got := a.object(t)["result"]; got != true {
		t.Errorf("valid_login as header bot = %v, want true", got)
	}
	// A bad header key is an error on BMO (upstream ignores the header).
	wantError(t, do(t, srv, request{method: "GET", path: "/rest/bug/1", headerKey: "nope"}), 400, 306)
	// Private attachment 2 is visible to bot through the header alone.
	wantStatus(t, do(t, srv, request{method: "GET", path: "/rest/bug/attachment/2", headerKey: botKey}), 200)
	// A write with the header only works.
	wantStatus(t, do(t, srv, request{method: "POST", path: "/rest/bug/1/comment", headerKey: botKey, body: map[string]any{"comment": "hi"}}), 201)
}

func TestUpstreamIgnoresHeader(t *testing.T) {
	srv := NewServer(t)
	seedWorld(t, srv)
	a := do(t, srv, request{method: "GET", path: "/rest/valid_login?login=bot%40example.test", headerKey: botKey})
	if got := a.object(t)["result"]; got != false {
		t.Errorf("valid_login with header only = %v, want false (anonymous)", got)
	}
	wantError(t, do(t, srv, request{method: "POST", path: "/rest/bug/1/comment", headerKey: botKey, body: map[string]any{"comment": "hi"}}), 401, 410)
	wantStatus(t, do(t, srv, request{method: "GET", path: "/rest/bug/1", headerKey: "nope"}), 200)
}

func TestBMOWhoAmI(t *testing.T) {
	fx := bmoFixture(t, "whoami.json")
	srv := newBMO(t)
	a := do(t, srv, request{method: "GET", path: "/rest/whoami", headerKey: botKey})
	wantStatus(t, a, 200)
	got := a.object(t)
	wantShape(t, got, dig(t, fx, "code_response", "body"))
	if got["name"] != "bot@example.test" || got["real_name"] != "Data Review Bot" {
		t.Errorf("whoami = %v", got)
	}
	anon := get(t, srv, "/rest/whoami", "")
	wantError(t, anon, 401, 410)
	wantShape(t, anon.json(t), dig(t, fx, "errors", "no_credentials", "body"))
	if doc := anon.object(t)["documentation"]; doc != dig(t, fx, "errors", "no_credentials", "body", "documentation") {
		t.Errorf("documentation = %v", doc)
	}
	wantError(t, get(t, srv, "/rest/whoami", "not-a-key"), 400, 306)
}

func TestDialectResources(t *testing.T) {
	for _, tc := range []struct {
		name   string
		opts   []Option
		path   string
		status int
	}{
		{"upstream whoami", nil, "/rest/whoami", 404},
		// Upstream 5.2 routes /time (Bugzilla/WebService/Server/REST/Resources/Bugzilla.pm).
		{"upstream time", nil, "/rest/time", 200},
		{"upstream time switched off", []Option{WithTimeResource(false)}, "/rest/time", 404},
		{"upstream flag activity", nil, "/rest/review/flag_activity?type_name=data-review", 404},
		{"bmo whoami", []Option{WithDialect(BMO)}, "/rest/whoami", 200},
		{"bmo time", []Option{WithDialect(BMO)}, "/rest/time", 200},
		{"bmo time switched off", []Option{WithDialect(BMO), WithTimeResource(false)}, "/rest/time", 404},
		{"bmo flag activity", []Option{WithDialect(BMO)}, "/rest/review/flag_activity?type_name=data-review", 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := NewServer(t, tc.opts...)
			a := get(t, srv, tc.path, botKey)
			wantStatus(t, a, tc.status)
			if tc.status == 404 {
				wantError(t, a, 404, 32614)
			}
		})
	}
}

func TestTimeAndDateHeader(t *testing.T) {
	when := time.Date(2027, 3, 4, 5, 6, 7, 0, time.UTC)
	for _, d := range []Dialect{Upstream, BMO} {
		srv := NewServer(t, WithDialect(d), WithStartTime(when))
		a := get(t, srv, "/rest/version", "")
		if got := a.header.Get("Date"); got != "Thu, 04 Mar 2027 05:06:07 GMT" {
			t.Errorf("%v: Date header %q", d, got)
		}
		srv.Advance(90 * time.Second)
		if m := get(t, srv, "/rest/time", "").object(t); m["db_time"] != "2027-03-04T05:07:37Z" || m["tz_name"] != "UTC" {
			t.Errorf("%v: /rest/time = %v", d, m)
		}
		if v := get(t, srv, "/rest/version", "").object(t)["version"]; (d == Upstream) != (v == "5.2+") {
			t.Errorf("%v: version %v", d, v)
		}
	}
}

func TestBMOFlagActivity(t *testing.T) {
	fx := bmoFixture(t, "flag_activity.json")
	srv := newBMO(t)
	srv.Advance(time.Hour)
	if err := srv.SetAttachmentFlags("bot@example.test", 1, FlagChange{ID: 1, Status: "?", Requestee: "steward2@example.test"}); err != nil {
		t.Fatal(err)
	}
	srv.Advance(time.Hour)
	if err := srv.SetAttachmentFlags("steward2@example.test", 1, FlagChange{ID: 1, Status: "+"}); err != nil {
		t.Fatal(err)
	}
	day := srv.Now().Format("2006-01-02")

	a := get(t, srv, "/rest/review/flag_activity?type_name=data-review&after="+day+"&limit=100&flag_id=1", botKey)
	wantStatus(t, a, 200)
	rows, _ := a.json(t).([]any)
	if len(rows) != 3 {
		t.Fatalf("got %d rows for flag 1, want 3 (requested, re-targeted, granted): %s", len(rows), a.body)
	}
	// flag_id is left out when the query is by flag_id; compare the rest.
	want := dig(t, fx, "response", "body").([]any)
	for i, row := range rows {
		r := row.(map[string]any)
		r["flag_id"] = float64(1)
		wantShape(t, r, want[i])
	}
	last := rows[2].(map[string]any)
	if last["status"] != "+" || dig(t, last, "setter", "name") != "steward2@example.test" {
		t.Errorf("last row %v", last)
	}
	if ct, _ := last["creation_time"].(string); len(ct) != 19 || ct[10] != ' ' {
		t.Errorf("creation_time %q, want YYYY-MM-DD HH:MM:SS", ct)
	}

	// All data-review rows the bot may see: not bug 4's (security), but
	// bug 2's private attachment (the bot is an insider); oldest first.
	all := get(t, srv, "/rest/review/flag_activity?type_name=data-review", botKey).json(t).([]any)
	if len(all) != 5 {
		t.Errorf("got %d data-review rows, want 5: %v", len(all), all)
	}
	dev2 := get(t, srv, "/rest/review/flag_activity?type_name=data-review", dev2Key).json(t).([]any)
	if len(dev2) != 4 {
		t.Errorf("non-insider got %d rows, want 4 (no private attachment): %v", len(dev2), dev2)
	}

	// The path form with a hyphen is not routed.
	bad := get(t, srv, "/rest/review/flag_activity/type_name/data-review", botKey)
	wantError(t, bad, 404, 32614)
	wantShape(t, bad.json(t), dig(t, fx, "errors", "path_form_with_hyphen", "body"))
	wantStatus(t, get(t, srv, "/rest/review/flag_activity/type_name/needinfo", botKey), 200)
	off := get(t, srv, "/rest/review/flag_activity?type_name=data-review&offset=1", botKey)
	wantError(t, off, 400, 50)
	wantShape(t, off.json(t), dig(t, fx, "errors", "offset_without_limit", "body"))
	// after in ISO form is ignored (the default 30 days apply): still 5 rows.
	if n := len(get(t, srv, "/rest/review/flag_activity?type_name=data-review&after=2099-01-01T00:00:00Z", botKey).json(t).([]any)); n != 5 {
		t.Errorf("ISO after: %d rows, want 5", n)
	}
	if n := len(get(t, srv, "/rest/review/flag_activity?type_name=data-review&after=2099-01-01", botKey).json(t).([]any)); n != 0 {
		t.Errorf("future after: %d rows, want 0", n)
	}
	// Clearing a flag writes an X row.
	if err := srv.SetAttachmentFlags("bot@example.test", 3, FlagChange{Name: "data-review", Status: "X"}); err != nil {
		t.Fatal(err)
	}
	rows = get(t, srv, "/rest/review/flag_activity?flag_id=3", botKey).json(t).([]any)
	if st := rows[len(rows)-1].(map[string]any)["status"]; st != "X" {
		t.Errorf("last row of a cleared flag has status %v, want X", st)
	}
}

func TestBMOCommentTags(t *testing.T) {
	fx := bmoFixture(t, "comment-with-tags-request.json")
	srv := newBMO(t)
	body := dig(t, fx, "request", "body")
	a := do(t, srv, request{method: "POST", path: "/rest/bug/1/comment", headerKey: botKey, body: body})
	wantStatus(t, a, 201)
	wantShape(t, a.json(t), dig(t, fx, "response", "body"))
	id := int(a.object(t)["id"].(float64))
	got := get(t, srv, "/rest/bug/comment/"+itoa(id), botKey)
	want := dig(t, fx, "then_get_comment", "body").(map[string]any)
	// The fixture's comment is number 12; ours has another id.
	want["comments"] = map[string]any{itoa(id): dig(t, want, "comments", "12")}
	wantShape(t, got.json(t), want)
	tags := dig(t, got.json(t), "comments", itoa(id), "tags")
	if b, _ := json.Marshal(tags); string(b) != `["bot-notice","data-review"]` {
		t.Errorf("tags %s", b)
	}

	// An invalid tag refuses the whole call: no comment is added.
	before := len(srv.Comments(1))
	bad := do(t, srv, request{method: "POST", path: "/rest/bug/1/comment", headerKey: botKey,
		body: map[string]any{"comment": "x", "comment_tags": []string{"ok-tag", "no"}}})
	wantError(t, bad, 400, 128)
	if n := len(srv.Comments(1)); n != before {
		t.Errorf("comments went from %d to %d after a refused call", before, n)
	}
	// Outside comment_taggers_group (editbugs) the tags are silently dropped.
	srv.AddUser(User{Login: "outsider@example.test", APIKey: "outsider-key"})
	ok := do(t, srv, request{method: "POST", path: "/rest/bug/1/comment", headerKey: "outsider-key",
		body: map[string]any{"comment": "x", "comment_tags": []string{"data-review"}}})
	wantStatus(t, ok, 201)
	cs := srv.Comments(1)
	if last := cs[len(cs)-1]; len(last.Tags) != 0 || last.Text != "x" {
		t.Errorf("outsider's comment = %+v, want no tags", last)
	}

	// Upstream ignores comment_tags on POST.
	up := NewServer(t)
	seedWorld(t, up)
	wantStatus(t, do(t, up, request{method: "POST", path: "/rest/bug/1/comment", key: botKey,
		body: map[string]any{"comment": "x", "comment_tags": []string{"data-review"}}}), 201)
	ucs := up.Comments(1)
	if last := ucs[len(ucs)-1]; len(last.Tags) != 0 {
		t.Errorf("upstream applied comment_tags: %v", last.Tags)
	}
}

func TestBMOUserRequestsAndBlocks(t *testing.T) {
	srv := newBMO(t)
	srv.SetUserBlocks("dev1@example.test", true, false)
	srv.SetUserBlocks("steward1@example.test", false, true)
	a := get(t, srv, "/rest/user?names=steward1%40example.test&names=dev1%40example.test", botKey)
	wantStatus(t, a, 200)
	users := a.object(t)["users"].([]any)
	req := func(i int, kind, field string) any { return dig(t, users[i], "requests", kind, field) }
	// steward1 is asked for data-review on bugs 1, 2 and 4.
	if req(0, "review", "pending") != float64(3) || req(0, "review", "blocked") != true || req(0, "feedback", "blocked") != true || req(0, "needinfo", "blocked") != false {
		t.Errorf("steward1 requests = %v", dig(t, users[0], "requests"))
	}
	if req(1, "needinfo", "blocked") != true || req(1, "review", "blocked") != false {
		t.Errorf("dev1 requests = %v", dig(t, users[1], "requests"))
	}
	if dig(t, users[0], "nick") != "steward1" {
		t.Errorf("nick = %v", dig(t, users[0], "nick"))
	}
	// Upstream has no requests.
	up := NewServer(t)
	u := get(t, up, "/rest/user?names=steward1%40example.test", botKey).object(t)["users"].([]any)[0].(map[string]any)
	if _, ok := u["requests"]; ok {
		t.Errorf("upstream user has requests: %v", u)
	}

	// needinfo to dev1 is refused, and the whole update rolls back.
	ni := bmoFixture(t, "needinfo-blocked-error.json")
	ccBefore, _ := srv.Bug(1)
	bad := do(t, srv, request{method: "PUT", path: "/rest/bug/1", headerKey: botKey, body: map[string]any{
		"comment": map[string]any{"body": "please answer"},
		"flags":   []any{map[string]any{"name": "needinfo", "status": "?", "requestee": "dev1@example.test"}},
	}})
	wantError(t, bad, 400, 32000)
	wantShape(t, bad.json(t), dig(t, ni, "response", "body"))
	if got, want := bad.object(t)["message"], dig(t, ni, "response", "body", "message"); got != want {
		t.Errorf("message %q, want %q", got, want)
	}
	after, _ := srv.Bug(1)
	if len(after.Flags) != 0 || len(srv.Comments(1)) != 2 || strings.Join(after.CC, ",") != strings.Join(ccBefore.CC, ",") {
		t.Errorf("refused update left traces: flags %v, %d comments, cc %v", after.Flags, len(srv.Comments(1)), after.CC)
	}

	// data-review to steward1 is refused too.
	rv := bmoFixture(t, "review-blocked-error.json")
	srv.AddAttachment(Attachment{BugID: 1, FileName: "v2.md", Summary: "v2", Data: []byte("x")})
	bad = do(t, srv, request{method: "PUT", path: "/rest/bug/attachment/5", headerKey: botKey, body: dig(t, rv, "request", "body")})
	wantError(t, bad, 400, 32000)
	if got, want := bad.object(t)["message"], dig(t, rv, "response", "body", "message"); got != want {
		t.Errorf("message %q, want %q", got, want)
	}
	// A data-review? without requestee is never blocked.
	wantStatus(t, do(t, srv, request{method: "PUT", path: "/rest/bug/attachment/5", headerKey: botKey,
		body: map[string]any{"flags": []any{map[string]any{"name": "data-review", "status": "?"}}}}), 200)
	// Upstream sets the same needinfo.
	seedWorld(t, up)
	up.SetUserBlocks("dev1@example.test", true, true)
	wantStatus(t, do(t, up, request{method: "PUT", path: "/rest/bug/1", key: botKey, body: map[string]any{
		"flags": []any{map[string]any{"name": "needinfo", "status": "?", "requestee": "dev1@example.test"}},
	}}), 200)
}

func TestBMORateLimitAndBlock(t *testing.T) {
	fx := bmoFixture(t, "rate-limit-exceeded-400.json")
	page, err := os.ReadFile("testdata/bmo/rate-limit-block-429.html")
	if err != nil {
		t.Fatal(err)
	}
	srv := newBMO(t)
	for i := 0; i < 5; i++ {
		wantError(t, get(t, srv, "/rest/bug/1", "bad-key"), 400, 306)
	}
	sixth := get(t, srv, "/rest/bug/1", "bad-key")
	wantError(t, sixth, 400, 32000)
	wantShape(t, sixth.json(t), dig(t, fx, "response", "body"))
	if sixth.object(t)["message"] != "You have exceeded the rate limit." {
		t.Errorf("message %v", sixth.object(t)["message"])
	}

	// Blocked now: 429, BMO's HTML page, no Retry-After, even with a good key.
	blocked := get(t, srv, "/rest/bug/1", botKey)
	if blocked.status != 429 || blocked.header.Get("Retry-After") != "" || !strings.HasPrefix(blocked.header.Get("Content-Type"), "text/html") {
		t.Fatalf("blocked answer: %d %v", blocked.status, blocked.header)
	}
	// The page is the fixture without its leading comment.
	fixture := string(page)
	start, end := strings.Index(fixture, "<!--"), strings.Index(fixture, "-->")
	fixture = fixture[:start] + strings.TrimLeft(fixture[end+3:], "\n")
	if string(blocked.body) != fixture {
		t.Errorf("block page differs from the fixture:\n%s", blocked.body)
	}
	// Every request while blocked restarts the hour.
	srv.Advance(59 * time.Minute)
	wantStatus(t, get(t, srv, "/rest/version", ""), 429)
	srv.Advance(59 * time.Minute)
	wantStatus(t, get(t, srv, "/rest/version", ""), 429)
	if until := srv.BlockedUntil(); !until.Equal(srv.Now().Add(time.Hour)) {
		t.Errorf("blocked until %v, want an hour from now (%v)", until, srv.Now())
	}
	srv.Advance(61 * time.Minute)
	wantStatus(t, get(t, srv, "/rest/version", ""), 200)

	// Anonymous bug reads: the 76th within a minute crosses the limit.
	for i := 0; i < 75; i++ {
		wantStatus(t, get(t, srv, "/rest/bug/1", ""), 200)
	}
	wantError(t, get(t, srv, "/rest/bug/1", ""), 400, 32000)
	wantStatus(t, get(t, srv, "/rest/bug/1", botKey), 429)
	srv.Unblock()
	// Logged-in reads are not limited.
	for i := 0; i < 100; i++ {
		if a := get(t, srv, "/rest/bug/1", botKey); a.status != 200 {
			t.Fatalf("authenticated read %d: %d", i, a.status)
		}
	}
}

func TestRateLimitsOff(t *testing.T) {
	for _, srv := range []*Server{NewServer(t), NewServer(t, WithDialect(BMO), WithRateLimits(false))} {
		for i := 0; i < 8; i++ {
			wantError(t, get(t, srv, "/rest/bug/1", "bad-key"), 400, 306)
		}
	}
}

func TestBlockForManual(t *testing.T) {
	srv := NewServer(t) // block mode works in either dialect
	srv.BlockFor(10 * time.Minute)
	a := get(t, srv, "/rest/version", "")
	if a.status != http.StatusTooManyRequests || a.header.Get("Retry-After") != "" {
		t.Errorf("blocked: %d %v", a.status, a.header)
	}
	srv.Advance(9 * time.Minute)
	wantStatus(t, get(t, srv, "/rest/version", ""), 429) // renews to +10m
	srv.Advance(9 * time.Minute)
	wantStatus(t, get(t, srv, "/rest/version", ""), 429)
	srv.Advance(11 * time.Minute)
	wantStatus(t, get(t, srv, "/rest/version", ""), 200)
	if !srv.BlockedUntil().IsZero() {
		t.Errorf("still blocked until %v", srv.BlockedUntil())
	}
}

func TestURITooLong(t *testing.T) {
	long := "/rest/bug?id=" + strings.Repeat("1,", 5000)
	bmo := get(t, NewServer(t, WithDialect(BMO)), long, "")
	if bmo.status != http.StatusRequestURITooLong || !strings.HasPrefix(bmo.header.Get("Content-Type"), "text/plain") {
		t.Errorf("BMO: %d %s", bmo.status, bmo.header.Get("Content-Type"))
	}
	up := get(t, NewServer(t), long, "")
	if up.status != http.StatusRequestURITooLong || !strings.HasPrefix(up.header.Get("Content-Type"), "text/html") {
		t.Errorf("upstream: %d %s", up.status, up.header.Get("Content-Type"))
	}
}

func TestBMOCommentShape(t *testing.T) {
	srv := newBMO(t)
	c := get(t, srv, "/rest/bug/1/comment", botKey)
	first := dig(t, c.json(t), "bugs", "1", "comments").([]any)[1].(map[string]any)
	if first["author"] != "dev1@example.test" || first["raw_text"] != "Data review request form attached." {
		t.Errorf("BMO comment = %v", first)
	}
	if !strings.HasPrefix(first["text"].(string), "Created attachment 1\n") {
		t.Errorf("text %q", first["text"])
	}
	if doc := get(t, srv, "/rest/bug/99", botKey).object(t)["documentation"]; doc != "https://bmo.readthedocs.io/en/latest/api/" {
		t.Errorf("documentation %v", doc)
	}
}

// TestDateHeaderIsUTC: every answer's Date header is the server's clock in
// GMT to the second, as Apache sends it (recording 22: "Sat, 28 Nov 2026
// 20:22:54 GMT"), even when the clock gives local times (WithClock): a bot
// takes its watermark from it. Errors carry it too.
func TestDateHeaderIsUTC(t *testing.T) {
	cet := time.FixedZone("CET", 3600)
	when := time.Date(2026, 11, 28, 21, 22, 54, 900e6, cet) // 20:22:54.9 UTC
	srv := NewServer(t, WithClock(func() time.Time { return when }))
	for _, path := range []string{"/rest/bug?f1=flagtypes.name&o1=equals&v1=data-review%3F", "/rest/bug/99999"} {
		a := get(t, srv, path, "")
		if got := a.header.Get("Date"); got != "Sat, 28 Nov 2026 20:22:54 GMT" {
			t.Errorf("GET %s: Date header %q, want Sat, 28 Nov 2026 20:22:54 GMT", path, got)
		}
	}
}
