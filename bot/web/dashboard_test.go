package web

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bot"
)

func sampleQueue() []bot.QueueEntry {
	return []bot.QueueEntry{
		{BugID: 1001, BugURL: "https://bugzilla.example/show_bug.cgi?id=1001", Summary: "Count <tabs> & windows",
			Requester: "dev1@example.test", Steward: "steward1@example.test", RequestedAt: now0.Add(-72 * time.Hour),
			BusinessDaysWaiting: 3.25, Overdue: true, RemindersSent: 1, HighestCategory: 2},
		{BugID: 1004, BugURL: "https://bugzilla.example/show_bug.cgi?id=1004", Summary: "Collect location",
			Requester: "dev2@example.test", Steward: "steward2@example.test", BusinessDaysWaiting: 1,
			HighestCategory: 4, Escalations: []string{"trust", "legal"}, EscalationsMade: 2, EscalationsBlocked: 1},
		{BugID: 1007, BugURL: "https://bugzilla.example/show_bug.cgi?id=1007", Summary: "Embargoed feature name",
			Private: true, Requester: "dev1@example.test", Steward: "steward1@example.test", BusinessDaysWaiting: 0.5,
			HighestCategory: 3, Escalations: []string{"legal"}},
		{BugID: 1006, BugURL: "https://bugzilla.example/show_bug.cgi?id=1006", Summary: "No requestee",
			Requester: "dev1@example.test", BusinessDaysWaiting: 0.2},
	}
}

func TestDashboard(t *testing.T) {
	s, _ := newTestServer(t, &fakeSource{queue: sampleQueue()}, nil)
	code, h, body := get(t, s, "/")
	if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
		t.Fatalf("GET / = %d %s", code, h.Get("Content-Type"))
	}
	for _, want := range []string{
		`<meta name="viewport" content="width=device-width, initial-scale=1">`,
		`<span id="total">4</span> open, <span id="overdue-total">1</span> overdue`,
		`<tr id="bug-1001" class="overdue"`,
		`Count &lt;tabs&gt; &amp; windows`, // escaped
		`<a class="bug" href="https://bugzilla.example/show_bug.cgi?id=1001">Bug 1001</a>`,
		`<tr id="bug-1007" class=" private"`,
		`>private bug 1007</a>`,
		`<strong class="blocked">blocked</strong>`,
		`trust, legal`,
		`href="/?steward=steward1%40example.test"`,
		`steward1@example.test</a> <span class="count">2 open, <span class="late">1 overdue</span></span>`,
		`(none)</a> <span class="count">1 open</span>`,
		`<a id="survey-link" href="/survey">`, // the survey is one click away
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	for _, leak := range []string{"Embargoed feature name"} {
		if strings.Contains(body, leak) {
			t.Errorf("page shows the private %q", leak)
		}
	}
	if strings.Contains(body, "<script") {
		t.Error("page has a script")
	}
	row1007 := rowHTML(t, body, 1007)
	for _, hidden := range []string{"dev1@example.test", "legal", ">3<"} {
		if strings.Contains(row1007, hidden) {
			t.Errorf("private row shows %q: %s", hidden, row1007)
		}
	}
}

func TestDashboardShowPrivate(t *testing.T) {
	s, _ := newTestServer(t, &fakeSource{queue: sampleQueue()}, func(o *Options) { o.ShowPrivate = true })
	_, _, body := get(t, s, "/")
	row := rowHTML(t, body, 1007)
	for _, want := range []string{"Bug 1007", "Embargoed feature name", "dev1@example.test", "legal"} {
		if !strings.Contains(row, want) {
			t.Errorf("with show_private the row lacks %q: %s", want, row)
		}
	}
}

func TestDashboardFilter(t *testing.T) {
	s, _ := newTestServer(t, &fakeSource{queue: sampleQueue()}, nil)
	tests := []struct {
		query   string
		rows    []int
		overdue string
	}{
		{"steward1%40example.test", []int{1001, 1007}, "1"},
		{"steward2@example.test", []int{1004}, "0"},
		{"(none)", []int{1006}, "0"},
		{"nobody@example.test", nil, "0"},
		{"", []int{1001, 1004, 1007, 1006}, "1"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			_, _, body := get(t, s, "/?steward="+tt.query)
			var got []int
			for _, id := range []int{1001, 1004, 1006, 1007} {
				if strings.Contains(body, `id="bug-`+itoa(id)+`"`) {
					got = append(got, id)
				}
			}
			if len(got) != len(tt.rows) {
				t.Fatalf("rows %v, want %v", got, tt.rows)
			}
			for _, id := range tt.rows {
				if !strings.Contains(body, `id="bug-`+itoa(id)+`"`) {
					t.Errorf("row %d missing", id)
				}
			}
			// The counts per steward always cover the whole queue.
			if !strings.Contains(body, `<span id="total">4</span>`) {
				t.Errorf("total is not the whole queue")
			}
			if !strings.Contains(body, `<span id="overdue-total">`+tt.overdue+`</span>`) {
				t.Errorf("overdue count is not %s", tt.overdue)
			}
			if tt.rows == nil && !strings.Contains(body, `id="empty"`) {
				t.Errorf("no empty message")
			}
		})
	}
}

func TestDashboardQueueError(t *testing.T) {
	s, _ := newTestServer(t, &fakeSource{queueErr: errors.New("store: queue: database is locked")}, nil)
	code, _, body := get(t, s, "/")
	if code != 500 || strings.Contains(body, "locked") {
		t.Errorf("GET / = %d %q: want 500 without the internal error", code, body)
	}
}

func TestStyle(t *testing.T) {
	s, _ := newTestServer(t, &fakeSource{}, nil)
	code, h, body := get(t, s, "/style.css")
	if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/css") || !strings.Contains(body, "@media") {
		t.Errorf("GET /style.css = %d %s", code, h.Get("Content-Type"))
	}
}

// rowHTML cuts one <tr> out of the page.
func rowHTML(t *testing.T, page string, bug int) string {
	t.Helper()
	i := strings.Index(page, `<tr id="bug-`+itoa(bug)+`"`)
	if i < 0 {
		t.Fatalf("no row for bug %d", bug)
	}
	j := strings.Index(page[i:], "</tr>")
	return page[i : i+j]
}

// TestDashboardPrivateRowsShowEscalationState: a masked private row still
// says where its escalations stand (the notice on the bug tells people the
// dashboard lists a blocked escalation), without naming the teams.
func TestDashboardPrivateRowsShowEscalationState(t *testing.T) {
	private := func(id int, e bot.QueueEntry) bot.QueueEntry {
		e.BugID, e.Private, e.Summary, e.Requester, e.Steward = id, true, "Secret project", "dev9@example.test", "steward1@example.test"
		e.BugURL = "https://bugzilla.example/show_bug.cgi?id=" + strconv.Itoa(id)
		return e
	}
	queue := []bot.QueueEntry{
		private(2001, bot.QueueEntry{HighestCategory: 4, Escalations: []string{"trust", "legal"}, EscalationsMade: 2, EscalationsBlocked: 1, Analysed: true}),
		private(2002, bot.QueueEntry{HighestCategory: 3, Escalations: []string{"legal"}, EscalationsMade: 1, Analysed: true}),
		private(2003, bot.QueueEntry{HighestCategory: 1, Analysed: true}),
		private(2004, bot.QueueEntry{HighestCategory: 3, Escalations: []string{"legal"}, Analysed: true}),
		private(2005, bot.QueueEntry{}),
	}
	s, _ := newTestServer(t, &fakeSource{queue: queue}, nil)
	_, _, body := get(t, s, "/")
	for id, want := range map[int]string{
		2001: `<strong class="blocked">blocked</strong>`,
		2002: `<span class="state">made</span>`,
		2003: `<span class="state">not needed</span>`,
		2004: `<span class="state">pending</span>`,
		2005: `<span class="muted">–</span></td>`,
	} {
		row := rowHTML(t, body, id)
		if !strings.Contains(row, want) {
			t.Errorf("private row %d lacks %s: %s", id, want, row)
		}
		for _, hidden := range []string{"Secret project", "dev9@example.test", "trust", "legal"} {
			if strings.Contains(row, hidden) {
				t.Errorf("private row %d shows %q: %s", id, hidden, row)
			}
		}
	}
}

// A login breaks after its "@" on a narrow page, and whatever Bugzilla
// answered is escaped around the break.
func TestBreakableLogin(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"steward1@example.test", "steward1@<wbr>example.test"},
		{"nobody", "nobody"},
		{`<b>x</b>@"evil".test`, "&lt;b&gt;x&lt;/b&gt;@<wbr>&#34;evil&#34;.test"},
		{"a@b@c", "a@<wbr>b@c"},
	} {
		if got := string(breakableLogin(tc.in)); got != tc.want {
			t.Errorf("breakableLogin(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
