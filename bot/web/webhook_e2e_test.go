package web

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bot"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
	"github.com/stewardbot/stewardbot/internal/bottest"
	"github.com/stewardbot/stewardbot/internal/bottest/botrig"
)

// cycles is a bot.Observer that reports each cycle's result.
type cycles chan string

func (c cycles) CycleDone(result string) { c <- result }
func (cycles) ActionDone(string, string) {}
func (cycles) QueueState(int, time.Time) {}
func (cycles) Parked(time.Time)          {}

func wait[T any](t *testing.T, c <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-c:
		return v
	case <-time.After(20 * time.Second): // a safety net, not a timing
		t.Fatalf("no %s", what)
		panic("unreachable")
	}
}

// The whole path: BMO's delivery for a new request, through the handler
// and the real bot's Run (its cron schedule a day away), to exactly one
// analysis on the fake Bugzilla; then a duplicate delivery and the bot's
// own comment event, which add nothing.
func TestWebhookEndToEnd(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(cycles, 16)
	posted := make(chan bot.Posted, 16)
	r, b := botrig.New(t, bugzillatest.BMO,
		[]bot.Option{bot.WithObserver(done), bot.WithPostHook(func(p bot.Posted) { posted <- p })},
		bottest.WithConfig(func(cfg *bot.Config) {
			cfg.Poll.Schedule = "@every 24h"
			cfg.Webhooks.Enabled, cfg.Webhooks.Secret = true, bot.NewSecret(testSecret)
			cfg.Webhooks.Debounce = 0 // the debounce itself is tested in package bot, with a fake timer
		}))
	fake, logs, cfg := r.Fake, r.Logs, r.Config
	var outcomes outcomes
	s, _ := newTestServer(t, b.Status(), func(o *Options) {
		o.Now = b.Status().Now // as the daemon wires it: nudges on the bot's clock
		o.Webhook = &WebhookOptions{Bot: b, Header: cfg.Webhooks.Header, Secret: testSecret, Observe: outcomes.observe}
	})
	hs := httptest.NewServer(s)
	defer hs.Close()
	ran := make(chan error, 1)
	go func() { ran <- b.Run(ctx, "") }()
	if r := wait(t, done, "first cycle"); r != bot.CycleOK {
		t.Fatalf("first cycle: %s", r)
	}

	// dev1 files a bug and asks for a data review; BMO delivers the flag change.
	form, err := os.ReadFile("../demo/forms/clean-12q.md")
	if err != nil {
		t.Fatal(err)
	}
	fake.AddBug(bugzillatest.Bug{Summary: "An unrelated bug", Creator: "dev1@example.test"}) // so the request is not bug 1, as in the fixture
	bug := fake.AddBug(bugzillatest.Bug{Summary: "Add telemetry probe for tab unloading", Creator: "dev1@example.test", Description: "See the attachment."})
	fake.AddAttachment(bugzillatest.Attachment{BugID: bug, Summary: "Data review request", FileName: "request.md",
		ContentType: "text/plain", Data: form, Flags: []bugzillatest.Flag{bugzillatest.DataReview("steward1@example.test")}})
	fx := loadWebhookFixture(t, "webhook-attachment-flag-change.json")
	payload := bytes.Replace(fx.payload, []byte(`"id":1,"is_private"`), []byte(`"id":`+strconv.Itoa(bug)+`,"is_private"`), 1)
	if ev, err := ParseWebhook(payload); err != nil || ev.BugID != bug {
		t.Fatalf("the fixture with bug %d reads as %+v, %v", bug, ev, err)
	}
	deliver := func(body []byte) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, hs.URL+WebhookPath, bytes.NewReader(body))
		for k, v := range fx.headers {
			req.Header.Set(k, v)
		}
		req.Header.Set("Authorization", "Token "+testSecret)
		resp, err := hs.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusAccepted {
			t.Fatalf("delivery: %d", resp.StatusCode)
		}
	}
	deliver(payload)
	p := wait(t, posted, "analysis\n"+logs.String())
	if p.BugID != bug || p.Kind != "analysis" {
		t.Errorf("posted %+v, want the analysis of bug %d", p, bug)
	}
	wait(t, done, "the nudged cycle's end")

	deliver(payload) // BMO's retry of the same event
	wait(t, done, "the duplicate's cycle")
	comment := loadWebhookFixture(t, "webhook-comment.json") // the bot's own comment
	deliver(bytes.Replace(comment.payload, []byte(`"id":1,"is_private"`), []byte(`"id":`+strconv.Itoa(bug)+`,"is_private"`), 1))

	cancel()
	if err := wait(t, ran, "Run's end"); err != nil {
		t.Fatal(err)
	}
	select {
	case p := <-posted:
		t.Errorf("a second comment: %+v", p)
	case r := <-done:
		t.Errorf("a cycle for the bot's own change (%s)", r)
	default:
	}
	var comments int
	for _, w := range fake.Writes() {
		if w.Path == "/rest/bug/"+strconv.Itoa(bug)+"/comment" {
			comments++
		}
	}
	if comments != 1 {
		t.Errorf("comments written on bug %d = %d, want 1", bug, comments)
	}
	want := []string{WebhookAccepted, WebhookAccepted, WebhookIgnoredSelf}
	if len(outcomes.got) != 3 || outcomes.got[0] != want[0] || outcomes.got[1] != want[1] || outcomes.got[2] != want[2] {
		t.Errorf("outcomes = %v, want %v", outcomes.got, want)
	}
}
