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
	var buf bytes.Buffer
	err = WriteSurvey(&buf, rows, SurveyPage{Now: s.o.Now(), ShowPrivate: s.o.ShowPrivate, Filter: filter, BugURL: src.BugURL})
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
