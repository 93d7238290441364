package web

import (
	"context"
	"strconv"
	"time"

	"github.com/stewardbot/stewardbot/bot"
	"github.com/stewardbot/stewardbot/bot/store"
)

// troubleSource is a Source that lists the work that keeps failing (a bug
// the bot cannot read or handle, a write Bugzilla refuses); *bot.Status is one.
type troubleSource interface {
	TroubledBugs(ctx context.Context) ([]bot.TroubledBug, error)
}

var _ troubleSource = (*bot.Status)(nil)

// troubleRow is one line of the dashboard's "needs attention" list, the
// reason already hidden for a private bug.
type troubleRow struct {
	BugID    int
	Label    string // "Bug 1001" or "private bug 1007"
	URL      string
	What     string // "reading the bug" or "writing a comment"
	Failures int
	Since    string
	Next     string // when the bot tries again, or "given up"
	Reason   string // "" when hidden
	Private  bool
}

// troubleRows lists the work that keeps failing, or nothing when the
// source cannot say (it is logged: the queue must still show).
func (s *Server) troubleRows(ctx context.Context) []troubleRow {
	ts, ok := s.o.Source.(troubleSource)
	if !ok {
		return nil
	}
	list, err := ts.TroubledBugs(ctx)
	if err != nil {
		s.o.Log.Error().Err(err).Msg("dashboard: cannot read the troubled bugs")
		return nil
	}
	rows := make([]troubleRow, 0, len(list))
	for _, t := range list {
		r := troubleRow{BugID: t.BugID, Label: "Bug " + strconv.Itoa(t.BugID), URL: t.BugURL, Failures: t.Failures,
			Since: t.Since.UTC().Format("2006-01-02 15:04"), Reason: t.Reason, What: "reading the bug", Next: "given up"}
		switch {
		case t.RetryAt.IsZero():
		case t.Kind == store.TroubleWrite: // tried again at every cycle
			r.Next = "next cycle"
		default:
			r.Next = "after " + t.RetryAt.UTC().Format(time.DateTime)
		}
		if t.Kind == store.TroubleWrite {
			r.What = "writing a comment"
		}
		if t.Private && !s.o.ShowPrivate {
			r.Label, r.Reason, r.Private = "private bug "+strconv.Itoa(t.BugID), "", true
		}
		rows = append(rows, r)
	}
	return rows
}
