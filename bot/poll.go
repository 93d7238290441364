package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
)

// Store keys of the polling watermarks. Both are the server's times and ids,
// never the bot's clock, so clock skew cannot lose a change.
const (
	kvWatermark  = "poll.watermark"   // server time the last successful poll started
	kvActivityID = "poll.activity_id" // last flag activity row seen (BMO)
)

// poll finds the bugs whose data-review requests may have changed since the
// last cycle and queues them for analyse. The first poll (or the first after
// the store was lost) sweeps every open request; later ones are
// incremental: BMO's flag activity feed where the server has it, else a
// search with a last_change_time watermark. An idle poll costs one or two
// requests (two with the feed while requests are open).
func (b *Bot) poll(ctx context.Context, _ *cycle) error {
	wm, err := b.watermark(ctx)
	if err != nil {
		return err
	}
	if !wm.IsZero() && b.useFeed() {
		err := b.pollActivity(ctx, wm)
		if !errors.Is(err, bugzilla.ErrNotSupported) {
			return err
		}
		b.log.Info().Msg("server has no flag activity feed; polling by search")
		b.dropFeed()
	}
	return b.pollSearch(ctx, wm)
}

// pollSearch asks for the bugs changed since the watermark (less the
// overlap), page by page. The first sweep asks for every open request
// ("data-review?"); later polls for any data-review flag ("substring", any
// status), so that a request answered with + or - is seen too.
func (b *Bot) pollSearch(ctx context.Context, wm time.Time) error {
	serverNow, err := b.bz.Time(ctx)
	if err != nil {
		return fmt.Errorf("poll: server time: %w", err)
	}
	flag := bugzilla.Criterion{Field: "flagtypes.name", Op: "equals", Value: b.cfg.Bugzilla.FlagName + "?"}
	if !wm.IsZero() {
		flag = bugzilla.Criterion{Field: "flagtypes.name", Op: "substring", Value: b.cfg.Bugzilla.FlagName}
	}
	q := bugzilla.SearchQuery{
		Criteria:      []bugzilla.Criterion{flag},
		IncludeFields: append([]string{"id", "last_change_time"}, bugFields...),
		Limit:         b.cfg.Poll.PageSize,
		Order:         "bug_id",
	}
	if !wm.IsZero() {
		q.LastChangeTime = wm.Add(-b.cfg.Poll.Overlap)
	}
	var found []bugzilla.Bug
	seen := map[int]bool{}
	for {
		page, err := b.bz.SearchBugsPage(ctx, q)
		if err != nil {
			return fmt.Errorf("poll: search: %w", err)
		}
		for _, bug := range page {
			if !seen[bug.ID] { // pages shift while bugs change: de-duplicate
				seen[bug.ID] = true
				found = append(found, bug)
			}
		}
		if len(page) < q.Limit {
			break
		}
		q.Offset += q.Limit
	}
	b.rememberBugs(ctx, found)
	if err := b.queueChanged(ctx, found); err != nil {
		return err
	}
	b.log.Debug().Int("bugs", len(found)).Time("watermark", serverNow).Msg("polled by search")
	return b.setWatermark(ctx, serverNow, -1)
}

// pollActivity reads BMO's flag activity feed from the watermark's day (the
// feed takes dates only) and queues the bugs of rows not seen before, then
// checks the bugs with open requests for other changes (a form attached or
// replaced without touching a flag), which the feed cannot show.
func (b *Bot) pollActivity(ctx context.Context, wm time.Time) error {
	lastID, err := b.activityID(ctx)
	if err != nil {
		return err
	}
	from := wm.Add(-b.cfg.Poll.Overlap)
	rows, err := b.bz.FlagActivity(ctx, bugzilla.FlagActivityQuery{
		TypeName: b.cfg.Bugzilla.FlagName, After: from, Limit: b.cfg.Poll.PageSize,
	})
	if err != nil {
		return fmt.Errorf("poll: flag activity: %w", err)
	}
	if len(rows) >= b.cfg.Poll.PageSize {
		// The feed has no offset; a full page may hide rows. Search instead.
		b.log.Warn().Int("rows", len(rows)).Msg("flag activity page full; polling by search this cycle")
		return b.pollSearch(ctx, wm)
	}
	var fromFeed []int
	newWM, newID := wm, lastID
	for _, r := range rows {
		// Rows already seen, and rows older than the window (the sweep or
		// an earlier poll covered those), are skipped.
		if r.ID <= lastID || r.CreationTime.Before(from) {
			continue
		}
		fromFeed = append(fromFeed, r.BugID)
		newID = max(newID, r.ID)
		if r.CreationTime.After(newWM) {
			newWM = r.CreationTime
		}
	}
	// The feed is asked by day: keep the window from growing while idle. A
	// day of margin tolerates any plausible skew between the clocks.
	if floor := b.now().Add(-24 * time.Hour); floor.After(newWM) {
		newWM = floor
	}
	if err := b.checkOpen(ctx, fromFeed); err != nil {
		return err
	}
	b.log.Debug().Int("rows", len(rows)).Int("from_feed", len(fromFeed)).Msg("polled flag activity")
	return b.setWatermark(ctx, newWM, newID)
}

// checkOpen queues the bugs the feed named and the bugs with open requests
// that changed, reading their last change times in one request per batch
// (so that the next poll knows them too).
func (b *Bot) checkOpen(ctx context.Context, fromFeed []int) error {
	open, err := b.store.BugsWithOpenRequests(ctx)
	if err != nil {
		return err
	}
	forced := map[int]bool{}
	for _, id := range fromFeed {
		forced[id] = true
	}
	ids := slices.Compact(slices.Sorted(slices.Values(append(open, fromFeed...))))
	const batch = 200 // ids per request, well under URL limits
	for start := 0; start < len(ids); start += batch {
		bugs, err := b.bz.Bugs(ctx, ids[start:min(start+batch, len(ids))], append([]string{"id", "last_change_time"}, bugFields...)...)
		if err != nil {
			return fmt.Errorf("poll: bugs with open requests: %w", err)
		}
		b.rememberBugs(ctx, bugs)
		var changed []bugzilla.Bug
		var marks []store.BugMark
		for _, bug := range bugs {
			if forced[bug.ID] {
				marks = append(marks, store.BugMark{BugID: bug.ID, LastChange: bug.LastChangeTime, MarkedAt: b.now()})
			} else {
				changed = append(changed, bug)
			}
		}
		if err := b.store.MarkDirty(ctx, marks); err != nil {
			return err
		}
		if err := b.queueChanged(ctx, changed); err != nil {
			return err
		}
	}
	return nil
}

// queueChanged marks dirty the bugs whose last change is newer than the one
// recorded, so the overlap window does not make the bot look twice.
func (b *Bot) queueChanged(ctx context.Context, bugs []bugzilla.Bug) error {
	ids := make([]int, len(bugs))
	for i, bug := range bugs {
		ids[i] = bug.ID
	}
	known, err := b.store.BugLastChange(ctx, ids)
	if err != nil {
		return err
	}
	var marks []store.BugMark
	for _, bug := range bugs {
		if lc, ok := known[bug.ID]; ok && !bug.LastChangeTime.After(lc) {
			continue
		}
		marks = append(marks, store.BugMark{BugID: bug.ID, LastChange: bug.LastChangeTime, MarkedAt: b.now()})
	}
	return b.store.MarkDirty(ctx, marks)
}

func (b *Bot) watermark(ctx context.Context) (time.Time, error) {
	return b.storedTime(ctx, kvWatermark, "watermark")
}

func (b *Bot) activityID(ctx context.Context) (int, error) {
	v, err := b.store.Get(ctx, kvActivityID)
	if errors.Is(err, store.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("poll: bad stored activity id %q: %w", v, err)
	}
	return n, nil
}

// setWatermark records a successful poll; activityID < 0 leaves that mark.
func (b *Bot) setWatermark(ctx context.Context, wm time.Time, activityID int) error {
	if err := b.store.Set(ctx, kvWatermark, wm.UTC().Format(time.RFC3339Nano)); err != nil {
		return err
	}
	if activityID >= 0 {
		return b.store.Set(ctx, kvActivityID, strconv.Itoa(activityID))
	}
	return nil
}
