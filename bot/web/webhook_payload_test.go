package web

import (
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestParseWebhook(t *testing.T) {
	flagChange := loadWebhookFixture(t, "webhook-attachment-flag-change.json")
	comment := loadWebhookFixture(t, "webhook-comment.json")
	tests := []struct {
		name    string
		in      string
		want    WebhookEvent
		wantErr string
	}{
		{name: "attachment flag change fixture", in: string(flagChange.payload), want: WebhookEvent{
			BugID: 1, User: "dev1@example.test", RoutingKey: "attachment.modify:flag.data-review",
			Time: time.Date(2026, 11, 28, 20, 23, 50, 0, time.UTC), WebhookID: "3"}},
		{name: "its private variant", in: string(flagChange.private), want: WebhookEvent{
			BugID: 2, User: "dev1@example.test", RoutingKey: "attachment.modify:flag.data-review",
			Time: time.Date(2026, 11, 28, 20, 23, 50, 0, time.UTC), WebhookID: "3"}},
		{name: "comment fixture", in: string(comment.payload), want: WebhookEvent{
			BugID: 1, User: "bot@example.test", RoutingKey: "comment.create",
			Time: time.Date(2026, 11, 28, 20, 23, 24, 0, time.UTC), WebhookID: "3"}},
		{name: "webhook_id a number, time with a zone", in: `{"bug":{"id":7},"event":{"time":"2026-11-28T21:23:50+01:00"},"webhook_id":12}`,
			want: WebhookEvent{BugID: 7, Time: time.Date(2026, 11, 28, 20, 23, 50, 0, time.UTC), WebhookID: "12"}},
		{name: "bug id as a string", in: `{"bug":{"id":"42"}}`, want: WebhookEvent{BugID: 42}},
		{name: "odd event shapes are left empty", in: `{"bug":{"id":5},"event":{"user":"dev1","time":17,"routing_key":["x"]},"webhook_id":{"a":1}}`,
			want: WebhookEvent{BugID: 5}},
		{name: "event not an object", in: `{"bug":{"id":5},"event":[1]}`, want: WebhookEvent{BugID: 5}},
		{name: "unreadable time", in: `{"bug":{"id":5},"event":{"time":"yesterday"}}`, want: WebhookEvent{BugID: 5}},
		{name: "unknown keys and cf_ fields", in: `{"bug":{"id":5,"cf_fx_points":"3","new":{"x":1}},"extra":true}`, want: WebhookEvent{BugID: 5}},
		{name: "empty", in: " \n", wantErr: "empty body"},
		{name: "truncated", in: `{"bug":{"id":1}`, wantErr: "invalid JSON"},
		{name: "not UTF-8", in: "{\"bug\":{\"id\":1},\"x\":\"\xff\"}", want: WebhookEvent{BugID: 1}},
		{name: "a list", in: `[{"bug":{"id":1}}]`, wantErr: "want a JSON object with a bug object"},
		{name: "bug a string", in: `{"bug":"1"}`, wantErr: "want a JSON object with a bug object"},
		{name: "no bug", in: `{"event":{}}`, wantErr: "no bug id (bug.id)"},
		{name: "bug null", in: `{"bug":null}`, wantErr: "no bug id (bug.id)"},
		{name: "bug id zero", in: `{"bug":{"id":0}}`, wantErr: "no bug id (bug.id)"},
		{name: "bug id negative", in: `{"bug":{"id":-1}}`, wantErr: "no bug id (bug.id)"},
		{name: "bug id fractional", in: `{"bug":{"id":1.5}}`, wantErr: "no bug id (bug.id)"},
		{name: "bug id huge", in: `{"bug":{"id":123456789012345678901234567890}}`, wantErr: "bug id out of range (1 to 2147483647)"},
		{name: "bug id max int64", in: `{"bug":{"id":9223372036854775807}}`, wantErr: "bug id out of range (1 to 2147483647)"},
		{name: "bug id past INT", in: `{"bug":{"id":"2147483648"}}`, wantErr: "bug id out of range (1 to 2147483647)"},
		{name: "bug id at INT's top", in: `{"bug":{"id":2147483647}}`, want: WebhookEvent{BugID: 2147483647}},
		{name: "bug id a word", in: `{"bug":{"id":"one"}}`, wantErr: "no bug id (bug.id)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseWebhook([]byte(tt.in))
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(got, tt.want); d != "" {
				t.Errorf("(-got +want):\n%s", d)
			}
		})
	}
}

func FuzzParseWebhook(f *testing.F) {
	for _, name := range []string{"webhook-attachment-flag-change.json", "webhook-comment.json"} {
		fx := loadWebhookFixture(f, name)
		f.Add(fx.payload)
		f.Add(fx.private)
	}
	f.Add([]byte(`{"bug":{"id":"7"},"webhook_id":3}`))
	f.Add([]byte(`{"bug":{"id":1e3}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ev, err := ParseWebhook(data)
		if err != nil {
			// Short, constant, and never the payload itself.
			if len(err.Error()) > 60 || !utf8.ValidString(err.Error()) {
				t.Fatalf("error %q", err)
			}
			return
		}
		if ev.BugID <= 0 {
			t.Fatalf("accepted a payload with bug id %d", ev.BugID)
		}
		if !ev.Time.IsZero() && ev.Time.Location() != time.UTC {
			t.Fatalf("time %s not in UTC", ev.Time)
		}
	})
}
