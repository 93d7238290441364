package bot

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// overdueAfter is when a waiting request is marked overdue on the
// dashboard, in business days: stewards are asked to answer "within a
// couple of days".
const overdueAfter = 2

// QueueEntry is one open data-review request as the steward dashboard shows
// it. It holds everything, private or not: the dashboard decides what to
// hide (see Private).
type QueueEntry struct {
	BugID, FlagID int
	BugURL        string // the bug's page on the server
	// Summary is "" until a poll has read it; one line of plain text, without
	// the control and bidirectional characters that could make the page
	// show something else than it holds (U+202E).
	Summary string
	// Private is true for a bug in a group or a private form: the dashboard
	// shows such a row as "private bug N" unless told otherwise.
	Private             bool
	Requester, Steward  string // the flag's setter and requestee ("" when none)
	RequestedAt         time.Time
	BusinessDaysWaiting float64
	// Status is where the request stands (DeriveStatus).
	Status RequestStatus
	// Overdue: the steward owes an answer and has waited at least
	// overdueAfter business days (Status.Overdue).
	Overdue            bool
	RemindersSent      int
	HighestCategory    int      // 0 when not analysed yet
	Escalations        []string // "trust", "legal": who the analysis says must hear of it
	EscalationsMade    int
	EscalationsBlocked int // an escalation could not be made (a contact cannot see the bug)
	// Blocked says who could not be asked and why (BlockedReason).
	Blocked []BlockedContact
	// Analysed: the request's current form has been analysed, so an empty
	// Escalations means that none is needed.
	Analysed bool
	// Findings is the analysis in one short line, built from its finding
	// codes ("2 missing answers, category 3 default-on on release"); ""
	// when not recorded.
	Findings string
	// AnalysisURL is the bot's analysis comment on the bug
	// (show_bug.cgi?id=N#cN), or the bug's page while its number is
	// unknown.
	AnalysisURL string
}

// Where a request's escalations stand (QueueEntry.EscalationState).
const (
	EscalationStateBlocked   = "blocked"    // a notice was posted, but a contact could not be asked
	EscalationStateMade      = "made"       // the notices were posted
	EscalationStatePending   = "pending"    // the analysis asks for one not posted yet
	EscalationStateNotNeeded = "not needed" // the analysis asks for none
)

// EscalationState says where the request's escalations to Trust and Legal
// stand: EscalationStateBlocked, Made, Pending, NotNeeded, or "" before the
// form is analysed. It names no team and quotes nothing, so the dashboard
// shows it on masked private rows too: a blocked escalation's notice on
// the bug sends people to the dashboard to find it.
func (e QueueEntry) EscalationState() string {
	switch {
	case e.EscalationsBlocked > 0:
		return EscalationStateBlocked
	case e.EscalationsMade > 0:
		return EscalationStateMade
	case len(e.Escalations) > 0:
		return EscalationStatePending
	case e.Analysed:
		return EscalationStateNotNeeded
	}
	return ""
}

// maxSummaryRunes bounds a summary on the dashboard: Bugzilla's own limit
// is 255 characters.
const maxSummaryRunes = 300

// bugURL is a bug's page on the server.
func bugURL(server string, id int) string {
	return strings.TrimSuffix(server, "/") + "/show_bug.cgi?id=" + url.QueryEscape(strconv.Itoa(id))
}

// commentURL is comment number n (Bugzilla's count, 0 for the
// description) on a bug's page; the bug's page when n is unknown (0 or less:
// the bot's analysis is never the description).
func commentURL(server string, id, n int) string {
	if n <= 0 {
		return bugURL(server, id)
	}
	return bugURL(server, id) + "#c" + strconv.Itoa(n)
}

// PollInterval is the time between two polls on the schedule, measured
// after from: "@every 5m" is 5m, "0 * * * *" an hour. Health checks allow
// three of them. An unparsable schedule gives DefaultSchedule's 5 minutes
// (Validate reports it).
func PollInterval(pc PollConfig, from time.Time) time.Duration {
	const fallback = 5 * time.Minute
	sched, err := cron.ParseStandard(pc.Schedule)
	if err != nil {
		return fallback
	}
	if loc, err := time.LoadLocation(pc.TimeZone); err == nil {
		from = from.In(loc)
	}
	next := sched.Next(from)
	if d := sched.Next(next).Sub(next); d > 0 {
		return d
	}
	return fallback
}
