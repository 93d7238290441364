package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
	"github.com/stewardbot/stewardbot/policy"
)

// kindExpiry begins the marker kind of an expiry reminder, which is
// "expiry-YYYY-MM-DD": one reminder per bug and expiry date, whatever forms
// and flags share that date. The kind is longer than a comment tag allows,
// so the reminder is tagged PREFIX-expiry and its footer is the marker.
const kindExpiry = "expiry"

// expiryKind is the marker kind of the reminder about expiry date day.
func expiryKind(day string) string { return kindExpiry + "-" + day }

// maxExpiryMeasurements bounds the measurements one reminder names.
const maxExpiryMeasurements = 10

// expiringCollection is what one reminder is about: a bug's reviewed
// collections that share an expiry date.
type expiringCollection struct {
	bug  int
	date string    // YYYY-MM-DD
	day  time.Time // midnight of date in the bot's time zone
	rows []store.ReviewedCollection
}

// expiryStore is what the expiry reminder reads and records in the store.
type expiryStore interface {
	ReviewedCollections(ctx context.Context, f store.CollectionFilter) ([]store.ReviewedCollection, error)
	Stopped(ctx context.Context, bugID int) (bool, error)
	MarkCollectionsPrivate(ctx context.Context, formKey string) error
}

// expiryClient is what it reads of Bugzilla itself: the privacy of the
// forms' attachments.
type expiryClient interface {
	AttachmentsByID(ctx context.Context, ids []int, o bugzilla.AttachmentOptions) (map[int]bugzilla.Attachment, error)
}

// expiryCore is what it still borrows from the core: the cycle's last
// re-read of a bug (cyclereads.go) and the comments' format (format.go).
type expiryCore interface {
	liveComments(ctx context.Context, c *Cycle, bugID int, since time.Time) ([]bugzilla.Comment, error)
	commentFormat() textFormat
}

var (
	_ expiryStore  = store.Store(nil)
	_ expiryClient = bugzillaClient(nil)
	_ expiryCore   = lent{}
)

// expiryDuty reminds the owners of reviewed collections that a dated
// expiry is near (the "expiry" task).
type expiryDuty struct {
	cfg      ExpiryConfig
	timeZone string // poll.time_zone: the day an expiry date starts
	tag      string // comments.tag
	bz       expiryClient
	st       expiryStore
	core     expiryCore
	privacy  privacyRule
	marks    marker
	now      func() time.Time
	log      zerolog.Logger
}

func newExpiryDuty(d deps, core expiryCore) *expiryDuty {
	return &expiryDuty{
		cfg: d.cfg.Expiry, timeZone: d.cfg.Poll.TimeZone, tag: d.cfg.Comments.Tag,
		bz: d.bz, st: d.store, core: core, privacy: d.privacy, marks: d.marks,
		now: func() time.Time { return d.clock.Now().UTC() }, log: d.log,
	}
}

// Run reminds the owners of reviewed (data-review+) collections with a
// dated expiry that it is near: once per bug and date, from
// expiry.remind_days days before it to the day itself, never after it and
// never while "stewardbot: stop" holds. Like every bot comment the reminder
// is marked, and Perform re-reads the bug first, so a lost store never
// sends it twice. Expiries by version or duration get none: their date is
// not known.
func (d *expiryDuty) Run(ctx context.Context, c *Cycle) error {
	days := d.cfg.RemindDays
	if days <= 0 {
		return nil
	}
	loc, err := time.LoadLocation(d.timeZone)
	if err != nil {
		return fmt.Errorf("bot: poll time zone: %w", err)
	}
	rows, err := d.st.ReviewedCollections(ctx, store.CollectionFilter{Status: "+", Dated: true})
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range dueExpiries(rows, d.now(), days, loc) {
		if err := ctx.Err(); err != nil {
			return errors.Join(append(errs, err)...)
		}
		if c.WaitingOut(e.bug) {
			continue // failing: tried again after its backoff
		}
		if stopped, err := d.st.Stopped(ctx, e.bug); err != nil {
			return errors.Join(append(errs, err)...)
		} else if stopped {
			continue
		}
		out, err := c.Perform(ctx, d.action(c, e))
		switch {
		case out.stops():
			// The cap, a rate limit or a lost lease: the rest waits.
			return errors.Join(errs...)
		case hiddenBug(err):
			// Moved out of the bot's sight, or deleted: nobody the bot
			// could tell is left to remind. Not an error of the cycle; the
			// bug is asked again while the reminder is due (one read).
			d.log.Info().Int("bug_id", e.bug).Str("action", kindExpiry).Msg("bug no longer visible to the bot; no expiry reminder")
		case err != nil:
			errs = append(errs, bugErr(e.bug, err))
		}
		// Otherwise done, refused (retried next cycle), or looked at again
		// next cycle when the outcome is unknown (the marker decides).
	}
	return errors.Join(errs...)
}

// dueExpiries groups the collections whose expiry reminder is due now by
// bug and date, in that order.
func dueExpiries(rows []store.ReviewedCollection, now time.Time, days int, loc *time.Location) []*expiringCollection {
	byKey := map[string]*expiringCollection{}
	var out []*expiringCollection
	for _, r := range rows {
		for _, date := range r.ExpiryDates {
			day, ok := policy.ParseExpiryDay(date, loc)
			if !ok || !policy.ExpiryReminderDue(day, now, days) {
				continue
			}
			key := fmt.Sprintf("%d:%s", r.BugID, date)
			e := byKey[key]
			if e == nil {
				e = &expiringCollection{bug: r.BugID, date: date, day: day}
				byKey[key] = e
				out = append(out, e)
			}
			e.rows = append(e.rows, r)
		}
	}
	slices.SortFunc(out, func(x, y *expiringCollection) int {
		return cmp.Or(cmp.Compare(x.bug, y.bug), strings.Compare(x.date, y.date))
	})
	return out
}

// action plans the one reminder about a bug's collections expiring
// on one date. Every comment of the bug is re-read before it is posted: its
// marker names no form, so no later start is safe.
func (d *expiryDuty) action(c *Cycle, e *expiringCollection) *action {
	m := Marker{Kind: expiryKind(e.date), Bug: e.bug}
	return &action{
		marker: m,
		flagID: e.rows[0].FlagID,
		since:  zeroTime,
		build: func(ctx context.Context) (bugzilla.NewComment, error) {
			// The comment quotes the form (owner, measurements): a private
			// form's words go only into a private comment.
			private, err := d.formsPrivateNow(ctx, c, e)
			if err != nil {
				return bugzilla.NewComment{}, err
			}
			ab, err := d.privacy.bugAbout(ctx, c, e.bug)
			if err != nil {
				return bugzilla.NewComment{}, err
			}
			ab.quotesPrivate = private
			left := policy.DaysUntilExpiry(e.day, d.now())
			nc := d.marks.marked(m, expiryNotice(e, left, d.cfg.RenewalURL, d.core.commentFormat()), ab)
			nc.Tags = []string{d.tag + "-" + kindExpiry}
			return nc, nil
		},
	}
}

// expiryNotice is the reminder's text. The owner and the measurements are
// the requester's words, quoted inertly: nobody is mentioned or asked
// because the form named them.
func expiryNotice(e *expiringCollection, left int, renewalURL string, ft textFormat) string {
	var s strings.Builder
	s.WriteString(ft.strong("stewardbot: a reviewed data collection expires soon") + "\n\n")
	when := fmt.Sprintf("in %d days", left)
	switch left {
	case 0:
		when = "today"
	case 1:
		when = "tomorrow"
	}
	fmt.Fprintf(&s, "The data collection reviewed on this bug (data-review+) expires on %s (%s), as its Request form says.\n\n",
		ft.strong(e.date), when)

	var owners, names, forms []string
	for _, r := range e.rows {
		if o := strings.TrimSpace(r.Owner); o != "" && !slices.Contains(owners, o) {
			owners = append(owners, o)
		}
		if r.Measurement != "" && !slices.Contains(names, r.Measurement) {
			names = append(names, r.Measurement)
		}
		if p := collectionFormPlace(r.Collection); !slices.Contains(forms, p) {
			forms = append(forms, p)
		}
	}
	if len(owners) > 0 {
		quoted := make([]string, len(owners))
		for i, o := range owners {
			quoted[i] = ft.inline(o, 120)
		}
		fmt.Fprintf(&s, "Owner named in the form: %s.\n\n", strings.Join(quoted, "; "))
	} else {
		s.WriteString("The form names no owner: whoever is responsible for this collection, please take note.\n\n")
	}
	fmt.Fprintf(&s, "Form: %s.", strings.Join(forms, "; "))
	if len(names) > 0 {
		shown := names[:min(len(names), maxExpiryMeasurements)]
		quoted := make([]string, len(shown))
		for i, n := range shown {
			quoted[i] = ft.code(n, 100)
		}
		fmt.Fprintf(&s, " Measurements: %s", strings.Join(quoted, ", "))
		if more := len(names) - len(shown); more > 0 {
			fmt.Fprintf(&s, " and %d more", more)
		}
		s.WriteString(".")
	}
	s.WriteString("\n\n")
	s.WriteString("If the collection is still needed after that date, please file a renewal request")
	if renewalURL != "" {
		fmt.Fprintf(&s, " (the form is at %s)", ft.link(renewalURL))
	}
	s.WriteString(" and ask for a data review before it expires. If it is not, make sure it stops collecting by then.\n\n")
	s.WriteString(ft.em("A reminder from the yearly survey of data collections; it is posted once for this date."))
	return s.String()
}

// collectionFormPlace says where a recorded form is, in words.
func collectionFormPlace(c store.Collection) string {
	if c.AttachmentID > 0 {
		return fmt.Sprintf("attachment %d", c.AttachmentID)
	}
	return "pasted in a comment"
}

// formsPrivateNow reports whether any form the reminder quotes is private,
// as Bugzilla has it now. What the store recorded is not enough: the form
// was recorded when it was first analysed, and a steward may have made it
// private since (a new privacy is no new revision). A form the bot can no
// longer see, or whose comment is gone, counts as private.
func (d *expiryDuty) formsPrivateNow(ctx context.Context, c *Cycle, e *expiringCollection) (bool, error) {
	var attIDs []int
	comments := map[int]bool{}
	for _, r := range e.rows {
		if r.Collection.Private {
			return true, nil
		}
		if r.AttachmentID > 0 {
			attIDs = append(attIDs, r.AttachmentID)
			continue
		}
		kind, id, _ := strings.Cut(r.FormKey, ":")
		n, err := strconv.Atoi(id)
		if kind != "comment" || err != nil {
			return true, nil // unknown place: be safe
		}
		comments[n] = true
	}
	if len(attIDs) > 0 {
		atts, err := d.bz.AttachmentsByID(ctx, slices.Compact(slices.Sorted(slices.Values(attIDs))),
			bugzilla.AttachmentOptions{IncludeFields: []string{"id", "is_private"}})
		switch {
		case errors.Is(err, bugzilla.ErrNotFound), errors.Is(err, bugzilla.ErrAccessDenied):
			return true, nil
		case err != nil:
			return false, fmt.Errorf("expiry: read the forms' attachments: %w", err)
		}
		for _, id := range attIDs {
			if a, ok := atts[id]; !ok || a.IsPrivate {
				return true, d.st.MarkCollectionsPrivate(ctx, fmt.Sprintf("attachment:%d", id))
			}
		}
	}
	if len(comments) > 0 {
		// The re-read perform just made before building the comment.
		cs, err := d.core.liveComments(ctx, c, e.bug, zeroTime)
		if err != nil {
			return false, fmt.Errorf("expiry: read the forms' comments: %w", err)
		}
		for _, cm := range cs {
			if comments[cm.ID] {
				if cm.IsPrivate {
					return true, d.st.MarkCollectionsPrivate(ctx, fmt.Sprintf("comment:%d", cm.ID))
				}
				delete(comments, cm.ID)
			}
		}
		if len(comments) > 0 {
			return true, nil // a form comment is gone (or hidden from the bot)
		}
	}
	return false, nil
}
