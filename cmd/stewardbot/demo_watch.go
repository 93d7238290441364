package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/stewardbot/stewardbot/bot"
	"github.com/stewardbot/stewardbot/bot/demo"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// demoWatch is what a person watching the demo sees: each comment the bot
// posts, as Bugzilla numbers it; a line when the bot goes idle; the end of
// the --days clock; and a one-screen summary. It is the bot's post hook
// and, through Observer, learns when a cycle ends (it passes every call on
// to next, the metrics).
type demoWatch struct {
	out  io.Writer
	srv  *bugzillatest.Server
	past int // past reviews the backfill recorded at start
	next bot.Observer
	// now is the demo's clock; nextPoll says when the next scheduled cycle
	// starts, in that clock's time.
	now      func() time.Time
	nextPoll func() time.Time
	// days is the --days span, 0 for the wall-time demo; ended reports that
	// the --days clock has stopped.
	days  int
	ended func() bool
	// afterCycle runs after each cycle, before the idle line (the
	// stewards' grants, demo_grants.go).
	afterCycle func(now time.Time) []string
	// store is the store file kept (--store): the summary ends with the
	// report command that reads it.
	store string

	mu         sync.Mutex
	postedNow  bool      // a comment was printed since the last cycle ended
	idleShown  bool      // the last thing printed was an idle line
	lastIdle   time.Time // when (demo clock) it was printed
	endShown   bool      // the end of the --days clock was announced
	summarised bool
	kinds      map[string]int // comments posted by kind
	escalated  []string       // "bug 1003 (trust)"
	answers    []string       // "bug 1002 data-review+ by steward2@example.test"
}

// idleEvery is how often, at most, the demo repeats its idle line while the
// bot stays idle: once per demo-clock day with --days, once a minute at
// wall-clock speed.
func (w *demoWatch) idleEvery() time.Duration {
	if w.days > 0 {
		return 24 * time.Hour
	}
	return time.Minute
}

// posted prints one comment the bot wrote, under a header that gives its
// comment number (Bugzilla's "comment #N", the bug page's #cN anchor) and
// its id, both read back from the fake, and its tags.
func (w *demoWatch) posted(p bot.Posted) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.kinds == nil {
		w.kinds = map[string]int{}
	}
	w.kinds[p.Kind]++
	if team, ok := strings.CutPrefix(p.Kind, "escalation-"); ok { // a command's notice to one team
		w.escalated = append(w.escalated, fmt.Sprintf("bug %d (%s)", p.BugID, team))
	} else if p.Kind == "escalation" { // the one notice of a form revision, naming every team
		w.escalated = append(w.escalated, fmt.Sprintf("bug %d (%s)", p.BugID, noticeTeams(p.Comment.Text)))
	}
	w.postedNow, w.idleShown = true, false
	if w.days > 0 {
		fmt.Fprintf(w.out, "[demo clock: %s]\n", w.now().UTC().Format("Mon 2006-01-02 15:04"))
	}
	printPosted(w.out, w.srv, p)
}

// printPosted prints a posted comment as the fake holds it.
func printPosted(out io.Writer, srv *bugzillatest.Server, p bot.Posted) {
	vis := "public"
	if p.Comment.IsPrivate {
		vis = "private"
	}
	where := "not found on the fake"
	tags := p.Comment.Tags
	if c, ok := findPosted(srv.Comments(p.BugID), p); ok {
		where = fmt.Sprintf("comment #%d (id %d)", c.Count, c.ID)
		tags = c.Tags
	}
	tagText := postedTags(tags)
	rule := strings.Repeat("─", 72)
	fmt.Fprintf(out, "%s\nbug %d %s · %s · %s · %s\n%s\n%s\n%s\n\n",
		rule, p.BugID, where, p.Kind, vis, tagText, showBugURL(srv.URL(), p.BugID), rule, strings.TrimSpace(p.Comment.Text))
}

// postedTags names a comment's tags. A comment the bot writes together
// with a flag change (PUT /rest/bug takes no tags) has none: its last line,
// the marker, is what the bot finds it by.
func postedTags(tags []string) string {
	if len(tags) == 0 {
		return "no tag (written with a flag change; marked by its last line)"
	}
	return "tag " + strings.Join(tags, ", ")
}

// findPosted finds the comment p describes on its bug: by id when the bot
// learnt it, else (a comment added with a flag change, whose answer carries
// no comment id) the last comment ending with p's marker line.
func findPosted(comments []bugzillatest.Comment, p bot.Posted) (bugzillatest.Comment, bool) {
	if p.CommentID != 0 {
		for _, c := range comments {
			if c.ID == p.CommentID {
				return c, true
			}
		}
	}
	text := strings.TrimSpace(p.Comment.Text)
	footer := text[strings.LastIndex(text, "\n")+1:]
	for i := len(comments) - 1; i >= 0; i-- {
		if footer != "" && strings.HasSuffix(strings.TrimSpace(comments[i].Text), footer) {
			return comments[i], true
		}
	}
	return bugzillatest.Comment{}, false
}

// showBugURL is the bug's page on the fake (bugzillatest serves a read-only
// show_bug.cgi).
func showBugURL(base string, bug int) string {
	return fmt.Sprintf("%s/show_bug.cgi?id=%d", base, bug)
}

// cycleDone runs after each cycle: the stewards act, then the bot, if it
// posted nothing, is said to be idle (once per idle stretch, then once per
// idleEvery), and the end of the --days clock is announced with the summary.
func (w *demoWatch) cycleDone() {
	now := w.now()
	var acted []string
	if w.afterCycle != nil {
		acted = w.afterCycle(now)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, a := range acted {
		w.answers = append(w.answers, a)
		fmt.Fprintf(w.out, "[demo clock: %s] a steward answers: %s\n\n", now.UTC().Format("Mon 2006-01-02 15:04"), a)
		w.idleShown = false
	}
	idle := !w.postedNow && len(acted) == 0
	w.postedNow = false
	stopped := w.ended != nil && w.ended() // said once below, not as an idle line
	if idle && !stopped && (!w.idleShown || now.Sub(w.lastIdle) >= w.idleEvery()) {
		fmt.Fprintf(w.out, "idle at %s: nothing due; next poll at %s\n", w.stamp(now), w.stamp(w.nextPoll()))
		w.idleShown, w.lastIdle = true, now
	}
	if stopped && !w.endShown {
		w.endShown = true
		fmt.Fprintf(w.out, "\nThe demo clock has moved its %d days (now %s) and stands still: nothing more comes due.\n",
			w.days, w.stamp(now))
		w.summaryLocked()
		fmt.Fprintln(w.out, "The fake Bugzilla (and the dashboard, with --http) stay up until Ctrl-C.")
	}
}

// stamp writes a demo-clock time: the date too when days pass.
func (w *demoWatch) stamp(t time.Time) string {
	if w.days > 0 {
		return t.UTC().Format("Mon 2006-01-02 15:04")
	}
	return t.Format(time.TimeOnly)
}

// summary prints the one-screen summary, once.
func (w *demoWatch) summary() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.summaryLocked()
}

func (w *demoWatch) summaryLocked() {
	if w.summarised {
		return
	}
	w.summarised = true
	out := w.out
	fmt.Fprintf(out, "\n══ Summary ══\n")
	open, granted, denied := w.requests()
	fmt.Fprintf(out, "Requests:    %d data-review requests: %d waiting, %d granted, %d denied.\n", open+granted+denied, open, granted, denied)
	for _, a := range w.answers {
		fmt.Fprintf(out, "             %s\n", a)
	}
	total, groups := 0, map[string]int{}
	for kind, n := range w.kinds {
		total += n
		groups[kindGroup(kind)] += n
	}
	var parts []string
	for _, g := range slices.Sorted(maps.Keys(groups)) {
		parts = append(parts, fmt.Sprintf("%s %d", g, groups[g]))
	}
	fmt.Fprintf(out, "Comments:    %d by the bot: %s.\n", total, orNone(strings.Join(parts, ", ")))
	fmt.Fprintf(out, "Escalations: %d: %s.\n", len(w.escalated), orNone(strings.Join(w.escalated, ", ")))
	var reminders []string
	for kind, n := range w.kinds {
		if strings.HasPrefix(kind, "remind-") {
			reminders = append(reminders, fmt.Sprintf("%s %d", kind, n))
		}
	}
	slices.Sort(reminders)
	fmt.Fprintf(out, "Reminders:   %d: %s; lead notices %d.\n", groups["reminder"], orNone(strings.Join(reminders, ", ")), w.kinds["lead-notice"])
	if w.past > 0 {
		fmt.Fprintf(out, "Past:        %d past reviews backfilled from the fake's history, for the survey.\n", w.past)
	}
	if w.store != "" {
		fmt.Fprintf(out, "Report:      the store is kept in %s; list the answered requests, for the yearly survey, with\n\n    stewardbot report --store %s --format markdown\n", w.store, w.store)
	}
	fmt.Fprintln(out)
}

// requests counts the data-review flags of the demo's requests (not its
// past reviews) by status.
func (w *demoWatch) requests() (open, granted, denied int) {
	for _, c := range demo.Cases() {
		id := c.Bug
		for _, a := range w.srv.Attachments(id) {
			for _, f := range a.Flags {
				if f.Name != "data-review" {
					continue
				}
				switch f.Status {
				case "?":
					open++
				case "+":
					granted++
				case "-":
					denied++
				}
			}
		}
	}
	return open, granted, denied
}

// kindGroup folds the comment kinds the summary counts together.
func kindGroup(kind string) string {
	switch {
	case strings.HasPrefix(kind, "remind-"):
		return "reminder"
	case strings.HasPrefix(kind, "escalation-"):
		return "escalation"
	}
	return kind
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// demoWatch passes every observation on to next and acts on cycle ends.
var _ bot.Observer = (*demoWatch)(nil)

func (w *demoWatch) CycleDone(result string) {
	if w.next != nil {
		w.next.CycleDone(result)
	}
	w.cycleDone()
}

func (w *demoWatch) ActionDone(kind, result string) {
	if w.next != nil {
		w.next.ActionDone(kind, result)
	}
}

func (w *demoWatch) QueueState(pending int, oldest time.Time) {
	if w.next != nil {
		w.next.QueueState(pending, oldest)
	}
}

func (w *demoWatch) Parked(until time.Time) {
	if w.next != nil {
		w.next.Parked(until)
	}
}

// noticeTeams reads the teams an escalation notice names from its first
// line, "stewardbot: this data review request needs Trust and Legal".
func noticeTeams(text string) string {
	first, _, _ := strings.Cut(text, "\n")
	_, teams, ok := strings.Cut(strings.Trim(first, "*"), " needs ")
	if !ok {
		return "?"
	}
	return strings.ToLower(teams)
}
