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

var dashboardTmpl = template.Must(template.New("dashboard.html").ParseFS(assets, "templates/dashboard.html"))

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
	Waiting     string // business days, one decimal
	Since       string
	Overdue     bool
	Reminders   int
	Category    string // "1".."4", or "" when unknown or masked
	Escalations string // "trust, legal"
	Made        int
	Blocked     int
	// State is where the escalations stand (bot.QueueEntry.EscalationState),
	// shown on masked rows too.
	State string
}

// stewardCount is one line of the per-steward counts.
type stewardCount struct {
	Steward  string
	Open     int
	Overdue  int
	Selected bool
}

type dashboardData struct {
	Rows      []row
	Stewards  []stewardCount
	Filter    string
	Total     int
	Overdue   int
	Generated string
	Role      string       // "leader" or "follower" among PostgreSQL replicas; "" alone
	Troubled  []troubleRow // work that keeps failing (troubled.go)
}

// dashboard renders the queue: every open request, oldest first, with the
// counts per steward; ?steward=LOGIN shows one steward's rows.
func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	entries, err := s.o.Source.Queue(r.Context())
	if err != nil {
		s.o.Log.Error().Err(err).Msg("dashboard: cannot read the queue")
		http.Error(w, "cannot read the queue; see the bot's log", http.StatusInternalServerError)
		return
	}
	filter := strings.TrimSpace(r.URL.Query().Get("steward"))
	d := dashboardData{Filter: filter, Generated: s.o.Now().UTC().Format("2006-01-02 15:04 MST")}
	if r, ok := s.o.Source.(roler); ok {
		d.Role = r.Role()
	}
	counts := map[string]*stewardCount{}
	for _, e := range entries {
		st := e.Steward
		if st == "" {
			st = noSteward
		}
		c := counts[st]
		if c == nil {
			c = &stewardCount{Steward: st, Selected: st == filter}
			counts[st] = c
		}
		c.Open++
		if e.Overdue {
			c.Overdue++
		}
		d.Total++
		if filter != "" && st != filter {
			continue
		}
		if e.Overdue {
			d.Overdue++
		}
		d.Rows = append(d.Rows, s.row(e, st))
	}
	for _, c := range counts {
		d.Stewards = append(d.Stewards, *c)
	}
	slices.SortFunc(d.Stewards, func(a, b stewardCount) int { return strings.Compare(a.Steward, b.Steward) })
	d.Troubled = s.troubleRows(r.Context())

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
// its bug number, steward and timing (the steward needs those to work the
// queue) and where its escalations stand (blocked, made, pending, not
// needed: the notice of a blocked escalation on the bug points to the
// dashboard), but loses its summary, requester, category and which teams
// the escalations are for, unless the server was told to show private
// details.
func (s *Server) row(e bot.QueueEntry, steward string) row {
	rw := row{
		BugID: e.BugID, Label: "Bug " + strconv.Itoa(e.BugID), URL: e.BugURL, Summary: e.Summary,
		Requester: e.Requester, Steward: steward,
		Waiting: strconv.FormatFloat(e.BusinessDaysWaiting, 'f', 1, 64), Overdue: e.Overdue,
		Reminders: e.RemindersSent, Escalations: strings.Join(e.Escalations, ", "),
		Made: e.EscalationsMade, Blocked: e.EscalationsBlocked, State: e.EscalationState(),
	}
	if !e.RequestedAt.IsZero() {
		rw.Since = e.RequestedAt.UTC().Format(time.DateOnly)
	}
	if e.HighestCategory > 0 {
		rw.Category = strconv.Itoa(e.HighestCategory)
	}
	if e.Private && !s.o.ShowPrivate {
		rw = row{BugID: e.BugID, Label: "private bug " + strconv.Itoa(e.BugID), URL: e.BugURL, Private: true,
			Steward: steward, Waiting: rw.Waiting, Since: rw.Since, Overdue: e.Overdue, Reminders: e.RemindersSent,
			Blocked: e.EscalationsBlocked, State: rw.State}
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
