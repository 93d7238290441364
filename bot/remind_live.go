package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
)

// Kinds of the marked comments reminders, notices and assignments write.
// A reminder's kind carries its number: remind-1, remind-2, ...
const (
	kindRemindPrefix = "remind-"
	kindLeadNotice   = "lead-notice" // the one notice to the lead after the reminders (or while the steward is away)
	kindBlocked      = "blocked"     // the one word to the lead that the steward blocks needinfo requests
	kindAssign       = "assign"      // a steward picked for a request without a requestee
	kindUnassigned   = "unassigned"  // the lead reminded of a request without a requestee
)

// needinfoFlag is Bugzilla's bug flag for asking a person something.
const needinfoFlag = "needinfo"

// seriesRev names the reminder series for one requestee of one flag, as the
// marker's revision: a request handed to another steward starts a new
// series; the same steward's series is found again after the store is lost.
func seriesRev(requestee string) string {
	return contentRev([]byte(strings.ToLower(requestee)))[:revLen]
}

func remindKind(n int) string { return kindRemindPrefix + strconv.Itoa(n) }

// liveRequest is what the live bug says about one request's reminders. It
// is read only when the store says the request may be due.
type liveRequest struct {
	sent        int       // reminders already on the bug for this requestee
	lastSent    time.Time // when the last of them was written
	firstSent   time.Time
	lastLife    time.Time // the requestee's last comment or change, or any change to the flag
	noticeDone  bool      // the lead has had the notice
	blockedDone bool      // the lead has been told the steward blocks requests
	// humanCleared: since the bot's first reminder, someone other than the
	// bot cleared a needinfo on the requestee. The bot never sets it again.
	humanCleared bool
	// botNeedinfos are the bot's open needinfo flags on the bug.
	botNeedinfos []bugzilla.Flag
}

// hasBotNeedinfo reports whether the bot has an open needinfo on the bug.
func (l *liveRequest) hasBotNeedinfo() bool { return len(l.botNeedinfos) > 0 }

// readLive reads the comments and history of r's bug since the request
// (two requests) and its needinfo flags (one). The comments are the ones
// the re-read before a reminder or notice about r asks for: it takes them
// from this read when the bot has not written on the bug since (readCache.liveComments).
func (d *remindDuty) readLive(ctx context.Context, c *Cycle, r store.Request) (*liveRequest, error) {
	since := r.RequestedAt.Add(-time.Second)
	comments, err := d.core.liveComments(ctx, c, r.BugID, since)
	if err != nil {
		return nil, fmt.Errorf("comments of bug %d: %w", r.BugID, err)
	}
	hist, err := d.bz.History(ctx, r.BugID, since)
	if err != nil {
		return nil, fmt.Errorf("history of bug %d: %w", r.BugID, err)
	}
	flags, err := d.botNeedinfos(ctx, c, r.BugID)
	if err != nil {
		return nil, err
	}
	l := &liveRequest{botNeedinfos: flags}
	rev := seriesRev(r.Requestee)
	bot := d.login()
	byID := map[int]bugzilla.Comment{}
	for _, c := range comments {
		byID[c.ID] = c
		if strings.EqualFold(c.Creator, r.Requestee) {
			l.lastLife = later(l.lastLife, c.Time)
		}
	}
	for _, m := range botMarkers(comments, bot, d.tag, r.BugID) {
		if m.Flag != r.FlagID || m.Rev != rev {
			continue
		}
		at := byID[m.CommentID].Time
		switch {
		case strings.HasPrefix(m.Kind, kindRemindPrefix):
			n, err := strconv.Atoi(strings.TrimPrefix(m.Kind, kindRemindPrefix))
			if err != nil || n <= 0 {
				continue
			}
			if n > l.sent {
				l.sent = n
			}
			l.lastSent = later(l.lastSent, at)
			if l.firstSent.IsZero() || at.Before(l.firstSent) {
				l.firstSent = at
			}
		case m.Kind == kindLeadNotice:
			l.noticeDone = true
		case m.Kind == kindBlocked:
			l.blockedDone = true
		}
	}
	requested := d.flagName
	asked := needinfoFlag + "?(" + strings.ToLower(r.Requestee) + ")"
	for _, h := range hist {
		human := !strings.EqualFold(h.Who, bot)
		for _, ch := range h.Changes {
			if ch.FieldName != "flagtypes.name" {
				continue
			}
			switch {
			case ch.AttachmentID == r.AttachmentID && (strings.Contains(ch.Added, requested) || strings.Contains(ch.Removed, requested)):
				l.lastLife = later(l.lastLife, h.When) // any change to the flag restarts the clock
			case strings.EqualFold(h.Who, r.Requestee):
				l.lastLife = later(l.lastLife, h.When)
			}
			if ch.AttachmentID == 0 && human && !l.firstSent.IsZero() && !h.When.Before(l.firstSent) &&
				strings.Contains(strings.ToLower(ch.Removed), asked) {
				l.humanCleared = true
			}
		}
	}
	return l, nil
}

// botNeedinfos returns the bot's open needinfo flags on a bug. The same
// read gives the bug's groups, which the cycle keeps (knowGroups) for the
// privacy of the reminder or notice that may follow.
func (d *remindDuty) botNeedinfos(ctx context.Context, c *Cycle, bugID int) ([]bugzilla.Flag, error) {
	bugs, err := d.bz.Bugs(ctx, []int{bugID}, "id", "flags", "groups")
	if err != nil {
		return nil, fmt.Errorf("flags of bug %d: %w", bugID, err)
	}
	var out []bugzilla.Flag
	for _, bug := range bugs {
		c.knowGroups(bug)
		for _, f := range bug.Flags {
			if f.Name == needinfoFlag && f.Status == "?" && strings.EqualFold(f.Setter, d.login()) {
				out = append(out, f)
			}
		}
	}
	return out, nil
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
