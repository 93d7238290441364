package web

import (
	"bytes"
	"embed"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stewardbot/stewardbot/bot"
)

//go:embed templates/dashboard.html templates/style.css
var assets embed.FS

var dashboardTmpl = template.Must(template.New("dashboard.html").Funcs(template.FuncMap{"login": breakableLogin}).
	ParseFS(assets, "templates/dashboard.html"))

// breakableLogin writes a login with a line-break opportunity after its
// "@" (<wbr>), so that the queue's login columns fit a laptop's page by
// wrapping "steward1@" / "example.test" rather than mid-word. Each part is
// escaped: a login is whatever Bugzilla answered.
func breakableLogin(login string) template.HTML {
	local, domain, ok := strings.Cut(login, "@")
	if !ok {
		return template.HTML(template.HTMLEscapeString(login))
	}
	return template.HTML(template.HTMLEscapeString(local) + "@<wbr>" + template.HTMLEscapeString(domain))
}

// noSteward is the filter value and label for requests without a requestee.
const noSteward = "(none)"

// row is one queue row as the template shows it, private details already
// removed when they must not be shown.
type row struct {
	BugID       int
	Label       string // "Bug 1001" or "private bug 1007"
	URL         string
	Summary     string
	Private     bool // masked
	Requester   string
	Steward     string
	Status      string // where the request stands, in words ("reminded (2)")
	StatusKey   string // its bot.RequestState, for the page's class and tests
	Troubled    bool   // the bot keeps failing on the bug (listed below the queue)
	Waiting     string // business days, one decimal
	days        float64
	Since       string
	Overdue     bool
	Reminders   int
	Category    string // "1".."4", or "" when unknown or masked
	Findings    string // the analysis in one line; "" when unknown or masked
	AnalysisURL string // the bot's analysis comment, or the bug while its number is unknown
	Analysed    bool
	Escalations string // "trust, legal"
	Made        int
	Blocked     int
	// BlockedReason says why an escalation is blocked, in words; on a
	// masked row without the teams, logins or groups.
	BlockedReason string
	// State is where the escalations stand (bot.QueueEntry.EscalationState),
	// shown on masked rows too.
	State string
}

// stewardCount is one line of the per-steward counts.
type stewardCount struct {
	Steward  string
	URL      string // the page for this steward, the other filters kept
	Open     int
	Overdue  int
	Selected bool
}

// statusChoice is one status the filter offers, with how many of the
// steward's requests (or all) stand there.
type statusChoice struct {
	Value    string
	Label    string
	Count    int
	Selected bool
}

// sortLink is the column header's link that orders by waiting time.
type sortLink struct {
	URL   string
	Label string // what the link does, for screen readers and the title
	Aria  string // the column's aria-sort: "descending" or "ascending"
}

type dashboardData struct {
	Rows      []row
	Stewards  []stewardCount
	Statuses  []statusChoice
	Filter    string // the steward shown, "" for all
	Filters   filters
	Filtered  bool   // a filter narrows the rows
	ClearURL  string // the page without filters, the order kept
	Sort      sortLink
	Total     int
	Overdue   int
	Generated string
	Role      string       // "leader" or "follower" among PostgreSQL replicas; "" alone
	Troubled  []troubleRow // work that keeps failing (troubled.go)
}

// dashboard renders the queue: every open request with where it stands,
// longest waiting first, with the counts per steward. The query filters it
// (?steward=LOGIN, ?status=STATE, ?overdue=1) and orders it
// (?sort=waiting-asc); see filters.
func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	f, err := parseFilters(r.URL.Query())
	if err != nil {
		http.Error(w, "dashboard: "+err.Error(), http.StatusBadRequest)
		return
	}
	entries, err := s.o.Source.Queue(r.Context())
	if err != nil {
		s.o.Log.Error().Err(err).Msg("dashboard: cannot read the queue")
		http.Error(w, "cannot read the queue; see the bot's log", http.StatusInternalServerError)
		return
	}
	d := dashboardData{Filter: f.Steward, Filters: f, Filtered: f.any(), Generated: s.o.Now().UTC().Format("2006-01-02 15:04 MST")}
	if r, ok := s.o.Source.(roler); ok {
		d.Role = r.Role()
	}
	d.Troubled = s.troubleRows(r.Context())
	troubled := map[int]bool{}
	for _, t := range d.Troubled {
		troubled[t.BugID] = true
	}
	counts := map[string]*stewardCount{}
	statuses := map[bot.RequestState]int{}
	for _, e := range entries {
		st := e.Steward
		if st == "" {
			st = noSteward
		}
		c := counts[st]
		if c == nil {
			c = &stewardCount{Steward: st, Selected: st == f.Steward}
			c.URL = filters{Steward: st, Status: f.Status, Overdue: f.Overdue, Sort: f.Sort}.link()
			counts[st] = c
		}
		c.Open++
		if e.Overdue {
			c.Overdue++
		}
		d.Total++
		if f.Steward == "" || st == f.Steward {
			statuses[e.Status.State]++
		}
		if !f.keeps(e, st) {
			continue
		}
		if e.Overdue {
			d.Overdue++
		}
		rw := s.row(e, st)
		rw.Troubled = troubled[e.BugID]
		d.Rows = append(d.Rows, rw)
	}
	for _, c := range counts {
		d.Stewards = append(d.Stewards, *c)
	}
	slices.SortFunc(d.Stewards, func(a, b stewardCount) int { return strings.Compare(a.Steward, b.Steward) })
	for _, st := range bot.RequestStates() {
		d.Statuses = append(d.Statuses, statusChoice{Value: string(st), Label: st.Label(), Count: statuses[st], Selected: st == f.Status})
	}
	f.sortRows(d.Rows)
	d.ClearURL = filters{Sort: f.Sort}.link()
	other := f
	if f.Sort == sortWaitingAsc {
		other.Sort = sortWaitingDesc
		d.Sort = sortLink{URL: other.link(), Label: "longest waiting first", Aria: "ascending"}
	} else {
		other.Sort = sortWaitingAsc
		d.Sort = sortLink{URL: other.link(), Label: "shortest waiting first", Aria: "descending"}
	}

	var buf bytes.Buffer
	if err := dashboardTmpl.Execute(&buf, d); err != nil {
		s.o.Log.Error().Err(err).Msg("dashboard: render")
		http.Error(w, "cannot render the dashboard", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
}

// row turns a queue entry into what the page shows. A private entry keeps
// its bug number, steward, timing, status, the link to the bot's analysis
// (a number on the bug, nothing of its text) and where its escalations
// stand, with the reason of a blocked one in general words (the notice of
// a blocked escalation on the bug points to the dashboard); it loses its
// summary, requester, category, findings, which teams the escalations are
// for and who could not be asked, unless the server was told to show
// private details.
func (s *Server) row(e bot.QueueEntry, steward string) row {
	rw := row{
		BugID: e.BugID, Label: "Bug " + strconv.Itoa(e.BugID), URL: e.BugURL, Summary: e.Summary,
		Requester: e.Requester, Steward: steward, Status: e.Status.Words, StatusKey: string(e.Status.State),
		Waiting: strconv.FormatFloat(e.BusinessDaysWaiting, 'f', 1, 64), days: e.BusinessDaysWaiting, Overdue: e.Overdue,
		Reminders: e.RemindersSent, Findings: e.Findings, AnalysisURL: e.AnalysisURL, Analysed: e.Analysed,
		Escalations: strings.Join(e.Escalations, ", "), Made: e.EscalationsMade, Blocked: e.EscalationsBlocked,
		BlockedReason: e.BlockedReason(false), State: e.EscalationState(),
	}
	if rw.AnalysisURL == "" {
		rw.AnalysisURL = e.BugURL
	}
	if !e.RequestedAt.IsZero() {
		rw.Since = e.RequestedAt.UTC().Format(time.DateOnly)
	}
	if e.HighestCategory > 0 {
		rw.Category = strconv.Itoa(e.HighestCategory)
	}
	if e.Private && !s.o.ShowPrivate {
		rw = row{BugID: e.BugID, Label: "private bug " + strconv.Itoa(e.BugID), URL: e.BugURL, Private: true,
			Steward: steward, Status: rw.Status, StatusKey: rw.StatusKey, Waiting: rw.Waiting, days: rw.days,
			Since: rw.Since, Overdue: e.Overdue, Reminders: e.RemindersSent, AnalysisURL: rw.AnalysisURL,
			Analysed: e.Analysed, Blocked: e.EscalationsBlocked, BlockedReason: e.BlockedReason(true), State: rw.State}
	}
	return rw
}

// style serves the dashboard's stylesheet (a file, so that the page's
// Content-Security-Policy can forbid inline styles and every script).
func (s *Server) style(w http.ResponseWriter, _ *http.Request) {
	css, err := assets.ReadFile("templates/style.css")
	if err != nil {
		http.Error(w, "no stylesheet", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write(css)
}
