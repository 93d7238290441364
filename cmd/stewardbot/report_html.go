package main

import (
	"io"
	"time"

	"github.com/stewardbot/stewardbot/bot"
	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bot/web"
)

// writeReportHTML writes the survey page (web.WriteSurvey) as one file:
// the dashboard's /survey without its filter form, its stylesheet inline.
// Bugs link to server when the configuration names one. now is when the
// expiry window starts; activity is the owners' activity (nil: not looked
// up, survey.owner_activity off).
func writeReportHTML(w io.Writer, rows []store.ReviewedCollection, showPrivate bool, server string,
	activity map[string]store.OwnerActivity, now time.Time) error {
	page := web.SurveyPage{Now: now, ShowPrivate: showPrivate, Standalone: true, Activity: activity}
	if server != "" {
		page.BugURL = func(id int) string { return bot.BugURL(server, id) }
	}
	return web.WriteSurvey(w, rows, page)
}
