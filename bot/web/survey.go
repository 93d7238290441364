package web

import (
	"bytes"
	"context"
	"net/http"

	"github.com/stewardbot/stewardbot/bot"
	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bot/survey"
)

// surveySource is a Source that lists the reviewed collections and links
// bugs; *bot.Status is one. Without it /survey answers 404.
type surveySource interface {
	ReviewedCollections(ctx context.Context, f store.CollectionFilter) ([]store.ReviewedCollection, error)
	BugURL(id int) string
}

var _ surveySource = (*bot.Status)(nil)

// ownerActivitySource is a surveySource that also tells what the "owners"
// task recorded of the owners' accounts (nil when survey.owner_activity is
// off); *bot.Status is one.
type ownerActivitySource interface {
	OwnerActivity(ctx context.Context) (map[string]store.OwnerActivity, error)
}

var _ ownerActivitySource = (*bot.Status)(nil)

// survey serves /survey: the yearly survey's charts and tables over every
// granted collection the store holds, narrowed by ?year=, ?product= and
// ?category= (a form submits them: the page runs no script). It reads the
// store on each request, as the queue does; the page is small (counts
// and short lists), and the store's query is one join.
func (s *Server) survey(w http.ResponseWriter, r *http.Request) {
	src, ok := s.o.Source.(surveySource)
	if !ok {
		http.NotFound(w, r)
		return
	}
	filter, err := survey.ParseFilter(r.URL.Query())
	if err != nil {
		http.Error(w, "survey: "+err.Error(), http.StatusBadRequest)
		return
	}
	rows, err := src.ReviewedCollections(r.Context(), store.CollectionFilter{Status: "+"})
	if err != nil {
		s.o.Log.Error().Err(err).Msg("survey: cannot read the reviewed collections")
		http.Error(w, "cannot read the reviewed collections; see the bot's log", http.StatusInternalServerError)
		return
	}
	page := SurveyPage{Now: s.o.Now(), ShowPrivate: s.o.ShowPrivate, Filter: filter, BugURL: src.BugURL}
	if oa, ok := src.(ownerActivitySource); ok {
		// The owners' activity is an extra: without it the page still
		// shows everything else, and says the activity is unknown.
		if page.Activity, err = oa.OwnerActivity(r.Context()); err != nil {
			s.o.Log.Error().Err(err).Msg("survey: cannot read the owners' activity; showing it as unknown")
			page.Activity = map[string]store.OwnerActivity{}
		}
	}
	var buf bytes.Buffer
	err = WriteSurvey(&buf, rows, page)
	if err != nil {
		s.o.Log.Error().Err(err).Msg("survey: render")
		http.Error(w, "cannot render the survey", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
}

// surveyStyle serves the survey page's stylesheet.
func (s *Server) surveyStyle(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write(surveyCSS)
}
