package web

import (
	"html"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stewardbot/stewardbot/bot"
	"github.com/stewardbot/stewardbot/bot/store"
)

// statusQueue is a queue where each request stands somewhere else, as
// bot.DeriveStatus says (so that the overdue marks are the bot's own).
func statusQueue() []bot.QueueEntry {
	now := now0
	entry := func(id int, steward string, days float64, f bot.StatusFacts) bot.QueueEntry {
		f.BusinessDaysWaiting = days
		st := bot.DeriveStatus(f, now)
		url := "https://bugzilla.example/show_bug.cgi?id=" + strconv.Itoa(id)
		return bot.QueueEntry{BugID: id, BugURL: url, AnalysisURL: url, Summary: "Summary " + strconv.Itoa(id),
			Requester: "dev@example.test", Steward: steward, BusinessDaysWaiting: days, Status: st, Overdue: st.Overdue,
			RemindersSent: f.RemindersSent, Analysed: f.HasForm}
	}
	form := bot.StatusFacts{HasForm: true}
	reminded := form
	reminded.RemindersSent = 2
	escalated := form
	escalated.Escalated, escalated.ContactAsked = true, true
	snoozed := form
	snoozed.SnoozedUntil = now.Add(72 * time.Hour)
	q := []bot.QueueEntry{
		entry(1011, "s1@example.test", 10.1, bot.StatusFacts{AskedForForm: true}),
		entry(1001, "s1@example.test", 4, reminded),
		entry(1003, "s2@example.test", 6, escalated),
		entry(1002, "s1@example.test", 3, form),
		entry(1005, "s2@example.test", 0.5, form),
		entry(1008, "s2@example.test", 5, snoozed),
	}
	// 1001's analysis comment is comment 2; 1002's number is not known.
	q[1].AnalysisURL += "#c2"
	q[1].Findings = "2 missing answers, category 3 default-on on release"
	return q
}

// rowIDs lists the queue's rows in page order.
func rowIDs(page string) []int {
	var ids []int
	for _, m := range regexp.MustCompile(`<tr id="bug-(\d+)"`).FindAllStringSubmatch(page, -1) {
		n, _ := strconv.Atoi(m[1])
		ids = append(ids, n)
	}
	return ids
}

// The status filter, overdue only and the order, alone and with the
// steward filter: the rows shown, in order, and the overdue count of
// those rows. Only a request whose steward owes the answer is overdue: not
// 1011 (waiting for its form for 10 business days), 1003 (waiting for
// Trust / Legal) or 1008 (snoozed).
func TestDashboardFiltersAndSort(t *testing.T) {
	s, _ := newTestServer(t, &fakeSource{queue: statusQueue()}, nil)
	tests := []struct {
		query   string
		rows    []int
		overdue int
	}{
		{"", []int{1011, 1003, 1008, 1001, 1002, 1005}, 2},
		{"sort=waiting-desc", []int{1011, 1003, 1008, 1001, 1002, 1005}, 2},
		{"sort=waiting-asc", []int{1005, 1002, 1001, 1008, 1003, 1011}, 2},
		{"overdue=1", []int{1001, 1002}, 2},
		{"overdue=1&sort=waiting-asc", []int{1002, 1001}, 2},
		{"status=form", []int{1011}, 0},
		{"status=reminded", []int{1001}, 1},
		{"status=escalated", []int{1003}, 0},
		{"status=snoozed", []int{1008}, 0},
		{"status=steward", []int{1002, 1005}, 1},
		{"status=steward&steward=s2%40example.test", []int{1005}, 0},
		{"steward=s1%40example.test&overdue=1", []int{1001, 1002}, 2},
		{"status=stopped", nil, 0},
		{"overdue=0", []int{1011, 1003, 1008, 1001, 1002, 1005}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			code, _, body := get(t, s, "/?"+tt.query)
			if code != 200 {
				t.Fatalf("GET /?%s = %d: %s", tt.query, code, body)
			}
			if d := cmp.Diff(rowIDs(body), tt.rows); d != "" {
				t.Errorf("rows (-got +want):\n%s", d)
			}
			if want := `<span id="overdue-total">` + strconv.Itoa(tt.overdue) + `</span>`; !strings.Contains(body, want) {
				t.Errorf("page lacks %s", want)
			}
			if !strings.Contains(body, `<span id="total">6</span>`) {
				t.Error("the total is not the whole queue")
			}
			if tt.rows == nil && !strings.Contains(body, `id="empty"`) {
				t.Error("no rows and no message saying so")
			}
		})
	}
}

// A value the dashboard does not know is refused with one that says which
// values there are, never shown as an unfiltered page.
func TestDashboardBadFilter(t *testing.T) {
	s, _ := newTestServer(t, &fakeSource{queue: statusQueue()}, nil)
	for query, want := range map[string]string{
		"status=late":    `unknown status "late": use one of steward, reminded`,
		"sort=oldest":    `unknown sort "oldest": use waiting-desc or waiting-asc`,
		"overdue=yes":    `overdue="yes": use overdue=1`,
		"status=%3Cb%3E": `unknown status "<b>"`, // plain text, never sniffed as HTML
	} {
		code, h, body := get(t, s, "/?"+query)
		if code != 400 || !strings.Contains(body, want) || !strings.HasPrefix(h.Get("Content-Type"), "text/plain") ||
			h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET /?%s = %d %s %q, want 400 saying %s", query, code, h.Get("Content-Type"), body, want)
		}
	}
}

// The form and links keep the other filters: a steward's link keeps the
// status, overdue and order chosen; the column header flips the order; the
// form shows what is chosen; no script anywhere.
func TestDashboardFilterControls(t *testing.T) {
	s, _ := newTestServer(t, &fakeSource{queue: statusQueue()}, nil)
	_, _, body := get(t, s, "/?status=steward&overdue=1")
	for _, want := range []string{
		`<form id="filters" class="filters" method="get" action="/"`,
		`<label for="f-status">Status</label>`,
		`<option value="steward" selected>waiting for the steward (2)</option>`,
		`<option value="form">waiting for the form (1)</option>`,
		`<input type="checkbox" id="f-overdue" name="overdue" value="1" checked>`,
		`<label for="f-overdue">overdue only</label>`,
		`href="/?overdue=1&amp;status=steward&amp;steward=s2%40example.test" data-steward="s2@example.test"`,
		`<th scope="col" aria-sort="descending"><a id="sort-waiting" href="/?overdue=1&amp;sort=waiting-asc&amp;status=steward"`,
		`<a id="clear" href="/">show all</a>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	_, _, body = get(t, s, "/?sort=waiting-asc&steward=s1%40example.test")
	for _, want := range []string{
		`<option value="s1@example.test" selected>s1@example.test</option>`,
		`<option value="waiting-asc" selected>shortest waiting first</option>`,
		`<th scope="col" aria-sort="ascending"><a id="sort-waiting" href="/?steward=s1%40example.test"`,
		`<a id="clear" href="/?sort=waiting-asc">show all</a>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if strings.Contains(strings.ToLower(body), "<script") || strings.Contains(body, " on") && regexp.MustCompile(`\son[a-z]+=`).MatchString(body) {
		t.Error("the page has a script or an event handler")
	}
}

// Each row says where its request stands in words, and links the bot's
// analysis comment (#cN) with its findings in one line, or the bug while the
// comment's number is unknown; a request never analysed has no such link.
func TestDashboardStatusAndAnalysisLink(t *testing.T) {
	s, _ := newTestServer(t, &fakeSource{queue: statusQueue()}, nil)
	_, _, body := get(t, s, "/")
	for id, want := range map[int][]string{
		1011: {`data-status="form"`, `<td data-label="Status" class="status status-form">waiting for the form</td>`,
			`<td data-label="Findings" class="findings"><span class="muted">–</span></td>`},
		1001: {`<td data-label="Status" class="status status-reminded">reminded (2)</td>`,
			`<a class="analysis" href="https://bugzilla.example/show_bug.cgi?id=1001#c2">2 missing answers, category 3 default-on on release</a>`,
			`<strong class="late">overdue</strong>`},
		1002: {`<a class="analysis" href="https://bugzilla.example/show_bug.cgi?id=1002">analysis</a>`},
		1003: {`status-escalated">waiting for Trust / Legal</td>`},
		1008: {`>snoozed until 2026-`},
	} {
		row := rowHTML(t, body, id)
		for _, w := range want {
			if !strings.Contains(row, w) {
				t.Errorf("row %d lacks %s:\n%s", id, w, row)
			}
		}
	}
	for _, id := range []int{1011, 1003, 1008} {
		if row := rowHTML(t, body, id); strings.Contains(row, "overdue") {
			t.Errorf("row %d, whose steward owes nothing, is overdue:\n%s", id, row)
		}
	}
}

// A blocked escalation says why in its row; a private row says it without
// the teams, the logins or the bug's groups, and shows no findings, but
// keeps its status and the link to the analysis (a number on the bug).
func TestDashboardBlockedReasonAndPrivacy(t *testing.T) {
	blocked := []bot.BlockedContact{{Team: "trust"}, {Team: "legal", Login: "lawyer@example.test", Why: "cannot see the bug (not in secret-group)"}}
	st := bot.DeriveStatus(bot.StatusFacts{HasForm: true, Escalated: true, BusinessDaysWaiting: 3}, now0)
	e := func(id int, private bool) bot.QueueEntry {
		url := "https://bugzilla.example/show_bug.cgi?id=" + strconv.Itoa(id)
		return bot.QueueEntry{BugID: id, BugURL: url, AnalysisURL: url + "#c4", Private: private, Summary: "Secret summary",
			Requester: "dev9@example.test", Steward: "s1@example.test", Status: st, Overdue: st.Overdue, Analysed: true,
			HighestCategory: 4, Findings: "category 4, third-party tool", Escalations: []string{"trust", "legal"},
			EscalationsMade: 2, EscalationsBlocked: 2, Blocked: blocked}
	}
	s, _ := newTestServer(t, &fakeSource{queue: []bot.QueueEntry{e(3001, false), e(3002, true)}}, nil)
	_, _, body := get(t, s, "/")
	public := rowHTML(t, body, 3001)
	for _, want := range []string{
		`<strong class="blocked">blocked</strong>: <span class="reason">no Trust contact configured; Legal contact lawyer@example.test: cannot see the bug (not in secret-group)</span>`,
		`status-blocked">escalation blocked</td>`,
		`>category 4, third-party tool</a>`,
	} {
		if !strings.Contains(public, want) {
			t.Errorf("public row lacks %s:\n%s", want, public)
		}
	}
	private := rowHTML(t, body, 3002)
	for _, want := range []string{
		`<strong class="blocked">blocked</strong>: <span class="reason">no contact configured; a contact could not be asked</span>`,
		`status-blocked">escalation blocked</td>`,
		`<a class="analysis" href="https://bugzilla.example/show_bug.cgi?id=3002#c4">analysis</a>`,
	} {
		if !strings.Contains(private, want) {
			t.Errorf("private row lacks %s:\n%s", want, private)
		}
	}
	for _, hidden := range []string{"Secret summary", "dev9@example.test", "lawyer", "secret-group", "Trust", "Legal", "trust", "legal", "category 4", "third-party"} {
		if strings.Contains(html.UnescapeString(private), hidden) {
			t.Errorf("private row shows %q:\n%s", hidden, private)
		}
	}
	// Told to show private details, the row shows them.
	s, _ = newTestServer(t, &fakeSource{queue: []bot.QueueEntry{e(3002, true)}}, func(o *Options) { o.ShowPrivate = true })
	_, _, body = get(t, s, "/")
	if row := rowHTML(t, body, 3002); !strings.Contains(row, "lawyer@example.test") || !strings.Contains(row, "category 4, third-party tool") {
		t.Errorf("with show_private the row lacks its details:\n%s", row)
	}
}

// The status filter offers every state once, in the bot's order.
func TestDashboardStatusChoices(t *testing.T) {
	s, _ := newTestServer(t, &fakeSource{queue: statusQueue()}, nil)
	_, _, body := get(t, s, "/")
	var got []string
	for _, m := range regexp.MustCompile(`<option value="([a-z]+)"[^>]*>[^<]+\(\d+\)</option>`).FindAllStringSubmatch(body, -1) {
		got = append(got, m[1])
	}
	var want []string
	for _, st := range bot.RequestStates() {
		want = append(want, string(st))
	}
	if !slices.Equal(got, want) {
		t.Errorf("status choices %v, want %v", got, want)
	}
}

// docs/dashboard.md lists every status the filter takes, as ?status= values.
func TestDashboardDocsListStatuses(t *testing.T) {
	doc, err := os.ReadFile("../../docs/dashboard.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range bot.RequestStates() {
		if !strings.Contains(string(doc), "`"+string(st)+"`") || !strings.Contains(string(doc), st.Label()) {
			t.Errorf("docs/dashboard.md does not list status %q (%s)", st, st.Label())
		}
	}
}

// A request whose bug the bot keeps failing on says so in its status and
// links the bug's line under "Needs attention"; the others do not.
func TestDashboardRowLinksTrouble(t *testing.T) {
	src := &troubledSource{fakeSource: fakeSource{queue: statusQueue()}, troubled: []bot.TroubledBug{
		{BugID: 1002, BugURL: "https://bugzilla.example/show_bug.cgi?id=1002", Kind: store.TroubleRead,
			Reason: "attachments: HTTP 500", Failures: 2, Since: now0, RetryAt: now0.Add(time.Hour)},
	}}
	s, _ := newTestServer(t, src, nil)
	_, _, body := get(t, s, "/")
	if row := rowHTML(t, body, 1002); !strings.Contains(row, `waiting for the steward <a class="late" href="#troubled-1002">the bot keeps failing here</a>`) {
		t.Errorf("row 1002 does not link its trouble:\n%s", row)
	}
	if !strings.Contains(body, `<tr id="troubled-1002"`) {
		t.Error("the trouble's line is missing")
	}
	if row := rowHTML(t, body, 1001); strings.Contains(row, "keeps failing") {
		t.Errorf("row 1001 claims a trouble:\n%s", row)
	}
}
