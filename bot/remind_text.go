package bot

import (
	"fmt"
	"strings"
	"time"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
)

// The comments of reminders, notices and assignments. They name only people
// the flag or the configuration names (never anyone a form mentions) and
// quote nothing from the bug, but they name the request's attachment: ab
// (requestAbout) makes them private when the bug is in a group or the
// attachment or form is private.

func (d *remindDuty) reminderComment(m Marker, r store.Request, n int, needinfo bool, ab about) bugzilla.NewComment {
	var s strings.Builder
	fmt.Fprintf(&s, "%s, a gentle reminder: the data review requested in attachment %d has been waiting since %s.",
		r.Requestee, r.AttachmentID, day(r.RequestedAt))
	if needinfo {
		s.WriteString(" I have set needinfo so that it shows in your requests.")
	}
	fmt.Fprintf(&s, "\n\nIf someone else should review it, please change the requestee of the %s? flag. "+
		"This is reminder %d of at most %d.", d.flagName, n, d.cfg.Max)
	return d.marks.marked(m, s.String(), ab)
}

func (d *remindDuty) leadNoticeComment(m Marker, r store.Request, sent int, why string, back time.Time, suggest string, ab about) bugzilla.NewComment {
	var s strings.Builder
	fmt.Fprintf(&s, "%s: the data review requested from %s in attachment %d (waiting since %s) ",
		d.stewards.Lead, r.Requestee, r.AttachmentID, day(r.RequestedAt))
	switch why {
	case noticeAway:
		fmt.Fprintf(&s, "is due, and %s is away until %s, so I have not reminded them.", r.Requestee, day(back))
	default:
		fmt.Fprintf(&s, "has had no answer after %d reminder(s).", sent)
	}
	if suggest != "" {
		fmt.Fprintf(&s, " Could it go to another steward? %s is next on the roster.", suggest)
	} else {
		s.WriteString(" Could it go to another steward? Nobody on the roster is free just now.")
	}
	if why == noticeAway {
		s.WriteString(" If it stays with them, I will remind them when they are back.")
	} else {
		s.WriteString(" I will not send them more reminders about it.")
	}
	return d.marks.marked(m, s.String(), ab)
}

func (d *remindDuty) blockedComment(m Marker, r store.Request, ab about) bugzilla.NewComment {
	text := fmt.Sprintf("%s: %s does not accept needinfo requests in Bugzilla, so I remind them of the data review "+
		"in attachment %d by comment only. You may want to check that they can take it.",
		d.stewards.Lead, r.Requestee, r.AttachmentID)
	return d.marks.marked(m, text, ab)
}

func (d *remindDuty) assignComment(m Marker, r store.Request, steward string, ab about) bugzilla.NewComment {
	text := fmt.Sprintf("The %s? request on attachment %d had no requestee, so nobody was asked to review it. "+
		"I have asked %s, the next data steward on the roster (taken in turn, skipping stewards who are away "+
		"or already have their maximum of open requests). Anyone may change the requestee.",
		d.flagName, r.AttachmentID, steward)
	return d.marks.marked(m, text, ab)
}

func (d *remindDuty) unassignedComment(m Marker, r store.Request, ab about) bugzilla.NewComment {
	text := fmt.Sprintf("%s: the %s? request on attachment %d has had no requestee since %s, so no steward has been asked "+
		"to review it. Could you pick one?", d.stewards.Lead, d.flagName, r.AttachmentID, day(r.RequestedAt))
	return d.marks.marked(m, text, ab)
}

// day writes a time as a UTC date, as Bugzilla shows it to everyone.
func day(t time.Time) string { return t.UTC().Format("2006-01-02") }
