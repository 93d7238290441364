package web

import (
	"io"
	"strconv"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bot/store"
)

// BenchmarkWriteSurvey draws the survey page over 30,000 collections (what a
// backfill of 10,000 reviews of three measurements each leaves), as /survey
// does on every request: summing up, the five charts, the capped lists.
func BenchmarkWriteSurvey(b *testing.B) {
	products := []string{"Firefox", "Firefox for Android", "Toolkit", "Core", "Fenix", "Focus", "Thunderbird", "Data Platform"}
	rows := make([]store.ReviewedCollection, 0, 30000)
	for i := range 30000 {
		r := store.ReviewedCollection{FlagID: i/3 + 1, Status: "+", Product: products[i%len(products)],
			DecidedAt: time.Date(2017+i%10, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC),
			Collection: store.Collection{BugID: 100000 + i/3, Position: i%3 + 1, Measurement: "probe." + strconv.Itoa(i),
				Category: i % 5, DefaultOn: []string{"yes", "no", "unknown"}[i%3], Channels: []string{"release"},
				Owner: "Team " + strconv.Itoa(i%50)}, BugPrivate: i%17 == 0}
		switch i % 4 {
		case 0:
			r.Expiry = "never"
		case 1:
			d := surveyNow.AddDate(0, 0, i%400).Format(time.DateOnly)
			r.Expiry, r.ExpiryDates = d, []string{d}
		}
		rows = append(rows, r)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteSurvey(io.Discard, rows, SurveyPage{Now: surveyNow}); err != nil {
			b.Fatal(err)
		}
	}
}
