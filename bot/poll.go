package bot

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/rs/zerolog"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
)

// Store keys of the polling watermarks. All are the server's times and ids,
// never the bot's clock, so clock skew cannot lose a change.
const (
	kvWatermark  = "poll.watermark"   // server time the last successful poll started
	kvActivityID = "poll.activity_id" // last flag activity row seen (BMO)
	kvSearchMark = "poll.search_mark" // server time of the last search for changed bugs (BMO: beside the feed)
)

// pollDuty finds the bugs whose data-review requests may have changed since the
// last cycle and queues them for analyze. The first poll (or the first after
// the store was lost) sweeps every open request; later ones are
// incremental: a search with a last_change_time watermark, and on BMO the
// flag activity feed besides.
//
// A request withdrawn by removing its flag (or clearing it on an attachment
// made obsolete) leaves a bug that no longer matches a search on the flag.
// On BMO the feed shows it. Upstream has no feed, so the search also asks
// for the bugs the bot holds open requests on, by id, whatever their flags
// (searchChanged), one chunk of them per poll in turn (rotation): such a
// bug changed since its chunk was last checked is read, and analyze
// records the flag gone, which ends its reminders and needinfos as an
// answer would (stopAnswered). An idle poll costs one request by search,
// however many requests are open, two with the feed (feed and search; see
// pollActivity).
type pollDuty struct {
	bz       pollClient
	st       pollStore
	sess     *session // whether the server has the flag activity feed (BMO)
	flagName string   // bugzilla.flag_name
	pageSize int      // poll.page_size
	overlap  time.Duration
	clock    Clock
	log      zerolog.Logger
}

// pollClient is the part of the Bugzilla client poll asks.
type pollClient interface {
	SearchBugsPageAt(ctx context.Context, q bugzilla.SearchQuery) ([]bugzilla.Bug, time.Time, error)
	Time(ctx context.Context) (time.Time, error)
	FlagActivity(ctx context.Context, q bugzilla.FlagActivityQuery) ([]bugzilla.FlagActivity, error)
}

// pollStore is the part of the store poll reads and writes: its marks, the
// queue, the bugs' last changes and what the dashboard shows of them.
type pollStore interface {
	kvStore
	BugsWithOpenRequests(ctx context.Context) ([]int, error)
	BugLastChange(ctx context.Context, ids []int) (map[int]time.Time, error)
	MarkDirty(ctx context.Context, marks []store.BugMark) error
	SaveBugInfos(ctx context.Context, infos []store.BugInfo) error
}

var (
	_ pollClient = (*readCache)(nil)
	_ pollStore  = store.Store(nil)
)

func newPollDuty(d deps, sess *session) *pollDuty {
	return &pollDuty{bz: d.bz, st: d.store, sess: sess, flagName: d.cfg.Bugzilla.FlagName, pageSize: d.cfg.Poll.PageSize,
		overlap: d.cfg.Poll.Overlap, clock: d.clock, log: d.log}
}

func (p *pollDuty) now() time.Time { return p.clock.Now().UTC() }

// Run polls.
func (p *pollDuty) Run(ctx context.Context, c *Cycle) error {
	wm, err := watermark(ctx, p.st)
	if err != nil {
		return err
	}
	if !wm.IsZero() && p.sess.useFeed() {
		err := p.pollActivity(ctx, c, wm)
		if !errors.Is(err, bugzilla.ErrNotSupported) {
			return err
		}
		p.log.Info().Msg("server has no flag activity feed; polling by search")
		p.sess.dropFeed()
	}
	return p.pollSearch(ctx, c, wm)
}

// pollSearch queues the bugs changed since the watermark (searchChanged,
// with one chunk of the bugs that have open requests, so that a removed
// flag is seen: see rotation) and moves the watermark to the server's time
// of the search. BMO's poll comes here when the flag activity feed's page
// is full (pollActivity): the rotation, not the feed, finds the removals.
func (p *pollDuty) pollSearch(ctx context.Context, c *Cycle, wm time.Time) error {
	var tracked, chunk []int
	since := wm
	rot := rotation{}
	if !wm.IsZero() {
		var err error
		if tracked, rot, chunk, since, err = p.nextChunk(ctx, wm, since); err != nil {
			return err
		}
	}
	found, serverNow, err := p.searchChanged(ctx, since, chunk)
	if err != nil {
		return err
	}
	p.rememberBugs(ctx, c, found)
	if err := p.queueChanged(ctx, found, serverNow); err != nil {
		return err
	}
	p.log.Debug().Int("bugs", len(found)).Int("tracked", len(tracked)).Int("tracked_checked", len(chunk)).
		Time("watermark", serverNow).Msg("polled by search")
	if err := p.setPollTime(ctx, kvSearchMark, serverNow); err != nil {
		return err
	}
	if wm.IsZero() {
		// The sweep saw every open request: the first round looks back to it.
		rot = rotation{start: serverNow, prev: serverNow}
	} else {
		rot.advance(tracked, chunk, serverNow)
	}
	if err := p.st.Set(ctx, kvRotation, rot.String()); err != nil {
		return err
	}
	return p.setWatermark(ctx, serverNow, -1)
}

// trackedPerSearch is how many bug ids one search names: 500 ids of seven
// digits with their separators ("%2C") take about 5 KB of the 8 KiB a
// request target may have (the client refuses a longer one).
const trackedPerSearch = 500

// searchChanged asks for the bugs with data-review flags changed since the
// mark (less the overlap), page by page, and returns them with the
// server's time of the search. With no mark it sweeps every open request
// ("data-review?"); otherwise it asks for any data-review flag
// ("substring", any status), so that a request answered with + or - is seen
// too.
//
// The bugs in tracked (a chunk of those with open requests, see rotation)
// are asked for by id as well, whatever their flags: a bug whose flag was removed no longer
// matches the flag criterion, and it is the change the bot must see. It
// is one OR in the same search (SearchQuery.OrCriteria), so an idle poll
// stays one request; the mark applies to those bugs too, so only the
// ones that changed come back, and each of them carries the change that
// made it (the flag removed changed its last_change_time). Bugs the bot
// does not track come back only through the flag criterion, as before. Past
// trackedPerSearch ids (pollSearch never passes more), the rest go in
// further searches of their own.
//
// (Bugzilla can also search the flags' history, flagtypes.name
// changedafter DATE, but that matches any flag's change, needinfo
// included, and reads DATE in the server's local time zone, which the API
// does not tell; asking by id needs neither.)
//
// The server's time is its clock as it answered the first page (the Date
// header), so an idle search is one request. That clock reading comes after
// the search read the database: a change made in between is in neither
// this search nor, by its time, after the returned time. The overlap covers
// it, as it covers the skew between the web server's clock (Date) and the
// database's (last_change_time): the next search looks back
// cfg.Poll.Overlap before the mark. Only when the answer has no Date header
// does the poll ask for the server's time, after the search (the overlap
// covers that gap too).
func (p *pollDuty) searchChanged(ctx context.Context, mark time.Time, tracked []int) ([]bugzilla.Bug, time.Time, error) {
	flag := bugzilla.Criterion{Field: "flagtypes.name", Op: "equals", Value: p.flagName + "?"}
	if !mark.IsZero() {
		flag = bugzilla.Criterion{Field: "flagtypes.name", Op: "substring", Value: p.flagName}
	}
	q := bugzilla.SearchQuery{
		Criteria:      []bugzilla.Criterion{flag},
		IncludeFields: append([]string{"id", "last_change_time"}, bugFields...),
		Limit:         p.pageSize,
		Order:         "bug_id",
	}
	queries := []bugzilla.SearchQuery{q}
	if !mark.IsZero() {
		queries[0].LastChangeTime = mark.Add(-p.overlap)
		for batch := range slices.Chunk(tracked, trackedPerSearch) {
			ids := bugzilla.BugIDsCriterion(batch)
			if len(queries[0].OrCriteria) == 0 {
				queries[0].OrCriteria = []bugzilla.Criterion{ids}
				continue
			}
			more := queries[0]
			more.Criteria, more.OrCriteria = []bugzilla.Criterion{ids}, nil
			queries = append(queries, more)
		}
	}
	var found []bugzilla.Bug
	var serverNow time.Time
	seen := map[int]bool{}
	for i, q := range queries {
		for {
			page, at, err := p.bz.SearchBugsPageAt(ctx, q)
			if err != nil {
				return nil, time.Time{}, fmt.Errorf("poll: search: %w", err)
			}
			if i == 0 && q.Offset == 0 {
				serverNow = at
			}
			for _, bug := range page {
				if !seen[bug.ID] { // pages shift while bugs change, and searches overlap: de-duplicate
					seen[bug.ID] = true
					found = append(found, bug)
				}
			}
			if len(page) < q.Limit {
				break
			}
			q.Offset += q.Limit
		}
	}
	if serverNow.IsZero() {
		t, err := p.bz.Time(ctx)
		if err != nil {
			return nil, time.Time{}, fmt.Errorf("poll: server time: %w", err)
		}
		serverNow = t
	}
	return found, serverNow, nil
}

// pollActivity reads BMO's flag activity feed from the watermark's day (the
// feed takes dates only) and queues the bugs of rows not seen before, then
// searches for the bugs changed otherwise (a form attached or replaced
// without touching a flag), which the feed cannot show: two requests per
// idle poll, however many requests are open. The search alone would miss a
// flag removed (its bug no longer matches), so 1 is not reachable with the
// feed's guarantee.
func (p *pollDuty) pollActivity(ctx context.Context, c *Cycle, wm time.Time) error {
	lastID, err := p.activityID(ctx)
	if err != nil {
		return err
	}
	from := wm.Add(-p.overlap)
	rows, err := p.bz.FlagActivity(ctx, bugzilla.FlagActivityQuery{
		TypeName: p.flagName, After: from, Limit: p.pageSize,
	})
	if err != nil {
		return fmt.Errorf("poll: flag activity: %w", err)
	}
	if len(rows) >= p.pageSize {
		// The feed has no offset; a full page may hide rows: search
		// instead. A removed flag among them is found by the rotation,
		// as every other poll's (checkChanged).
		p.log.Warn().Int("rows", len(rows)).Msg("flag activity page full; polling by search this cycle")
		return p.pollSearch(ctx, c, wm)
	}
	fromFeed := map[int]time.Time{} // bug → its newest row's time
	newWM, newID := wm, lastID
	for _, r := range rows {
		// Rows already seen, and rows older than the window (the sweep or
		// an earlier poll covered those), are skipped.
		if r.ID <= lastID || r.CreationTime.Before(from) {
			continue
		}
		if r.CreationTime.After(fromFeed[r.BugID]) {
			fromFeed[r.BugID] = r.CreationTime
		}
		newID = max(newID, r.ID)
		if r.CreationTime.After(newWM) {
			newWM = r.CreationTime
		}
	}
	// The feed is asked by day: keep the window from growing while idle. A
	// day of margin tolerates any plausible skew between the clocks.
	if floor := p.now().Add(-24 * time.Hour); floor.After(newWM) {
		newWM = floor
	}
	if err := p.checkChanged(ctx, c, wm, fromFeed); err != nil {
		return err
	}
	p.log.Debug().Int("rows", len(rows)).Int("from_feed", len(fromFeed)).Msg("polled flag activity")
	return p.setWatermark(ctx, newWM, newID)
}

// checkChanged queues the bugs the feed named and the bugs with data-review
// flags changed since the last search (searchChanged, from its own mark, or
// from the feed's watermark wm when there is none yet), and records the
// search's time as the next mark.
//
// A bug the feed named is queued whatever its last change says, unless the
// flag change is no newer than the last change the bot already knows of the
// bug: the bot has seen, or is about to look at, the bug as it was after
// it. That is what the first feed read after a sweep finds (the sweep
// records no row id), and re-reading every bug of the day then would be a
// second cold start.
func (p *pollDuty) checkChanged(ctx context.Context, c *Cycle, wm time.Time, fromFeed map[int]time.Time) error {
	mark, err := storedTime(ctx, p.st, kvSearchMark, "search mark")
	if err != nil {
		return err
	}
	if mark.IsZero() {
		mark = wm
	}
	// The feed shows removed flags promptly, but only those of its window
	// (by day, a page at most): a page full at an earlier poll may have
	// hidden one that has left the window since. The tracked bugs are so
	// checked by id too, one chunk a poll in the same search, as upstream
	// (rotation): a removal is seen within ceil(tracked / trackedPerSearch)
	// polls whatever the feed showed.
	tracked, rot, chunk, since, err := p.nextChunk(ctx, wm, mark)
	if err != nil {
		return err
	}
	found, serverNow, err := p.searchChanged(ctx, since, chunk)
	if err != nil {
		return err
	}
	p.rememberBugs(ctx, c, found)
	feedIDs := slices.Collect(maps.Keys(fromFeed))
	known, err := p.st.BugLastChange(ctx, feedIDs)
	if err != nil {
		return err
	}
	forced := map[int]*store.BugMark{}
	for id, at := range fromFeed {
		if lc, ok := known[id]; !ok || lc.IsZero() || at.After(lc) {
			// The last change is the search's when it found the bug; zero
			// keeps the one recorded (a bug whose flag was removed no
			// longer matches the search).
			forced[id] = &store.BugMark{BugID: id, MarkedAt: p.now()}
		}
	}
	var changed []bugzilla.Bug
	for _, bug := range found {
		if m := forced[bug.ID]; m != nil {
			m.LastChange = settledChange(bug.LastChangeTime, serverNow)
		} else {
			changed = append(changed, bug)
		}
	}
	marks := make([]store.BugMark, 0, len(forced))
	for _, m := range forced {
		marks = append(marks, *m)
	}
	slices.SortFunc(marks, func(x, y store.BugMark) int { return x.BugID - y.BugID })
	if err := p.st.MarkDirty(ctx, marks); err != nil {
		return err
	}
	if err := p.queueChanged(ctx, changed, serverNow); err != nil {
		return err
	}
	rot.advance(tracked, chunk, serverNow)
	if err := p.st.Set(ctx, kvRotation, rot.String()); err != nil {
		return err
	}
	return p.setPollTime(ctx, kvSearchMark, serverNow)
}

// queueChanged marks dirty the bugs whose last change is newer than the one
// recorded, so the overlap window does not make the bot look twice. It
// records each bug's last change as settledChange makes it, from the
// server's time of the search that found them.
func (p *pollDuty) queueChanged(ctx context.Context, bugs []bugzilla.Bug, serverNow time.Time) error {
	ids := make([]int, len(bugs))
	for i, bug := range bugs {
		ids[i] = bug.ID
	}
	known, err := p.st.BugLastChange(ctx, ids)
	if err != nil {
		return err
	}
	var marks []store.BugMark
	for _, bug := range bugs {
		if lc, ok := known[bug.ID]; ok && !bug.LastChangeTime.After(lc) {
			continue
		}
		marks = append(marks, store.BugMark{BugID: bug.ID, LastChange: settledChange(bug.LastChangeTime, serverNow), MarkedAt: p.now()})
	}
	return p.st.MarkDirty(ctx, marks)
}

// settleTime is how long after a bug's last change a search must have been
// answered for the bot to be sure it saw the bug's whole second:
// last_change_time has whole seconds, so a second change in the same second
// leaves it as it was, and a second of margin covers the skew between the
// web server's clock (the search's Date) and the database's.
const settleTime = 2 * time.Second

// settledChange is the last change to record for a bug a search at
// serverNow found changed at lastChange. A change too close to the search
// may share its second with a later change the bot has not seen (a script's
// second call, the bot's own assignment): it is recorded a microsecond
// early, so that the next search, whose overlap still covers it, finds the
// bug "newer" and the bot looks once more. A settled change is recorded as
// it is, so the overlap never makes the bot look twice.
func settledChange(lastChange, serverNow time.Time) time.Time {
	if lastChange.IsZero() || !lastChange.Add(settleTime).After(serverNow) {
		return lastChange
	}
	return lastChange.Add(-time.Microsecond)
}

// watermark is the server time the last successful poll started (zero
// before the first).
func watermark(ctx context.Context, kv kvStore) (time.Time, error) {
	return storedTime(ctx, kv, kvWatermark, "watermark")
}

func (p *pollDuty) activityID(ctx context.Context) (int, error) {
	v, err := p.st.Get(ctx, kvActivityID)
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

// setPollTime records one of the poll's server times under key.
func (p *pollDuty) setPollTime(ctx context.Context, key string, t time.Time) error {
	return p.st.Set(ctx, key, t.UTC().Format(time.RFC3339Nano))
}

// setWatermark records a successful poll; activityID < 0 leaves that mark.
func (p *pollDuty) setWatermark(ctx context.Context, wm time.Time, activityID int) error {
	if err := p.st.Set(ctx, kvWatermark, wm.UTC().Format(time.RFC3339Nano)); err != nil {
		return err
	}
	if activityID >= 0 {
		return p.st.Set(ctx, kvActivityID, strconv.Itoa(activityID))
	}
	return nil
}

// bugFields are the fields polls ask for beyond id and last change: what
// the dashboard shows of a bug. They cost no extra request.
var bugFields = []string{"summary", "groups", "product"}

// rememberBugs records polled bugs' summaries and privacy for the
// dashboard, and their groups for the privacy of the cycle's comments on
// them (bugAbout). A failure is logged, not returned: the dashboard must
// never stop the bot's work.
func (p *pollDuty) rememberBugs(ctx context.Context, c *Cycle, bugs []bugzilla.Bug) {
	infos := make([]store.BugInfo, 0, len(bugs))
	for _, bug := range bugs {
		c.knowGroups(bug)
		infos = append(infos, store.BugInfo{BugID: bug.ID, Summary: bug.Summary, Private: len(bug.Groups) > 0,
			Product: bug.Product, UpdatedAt: p.now()})
	}
	if err := p.st.SaveBugInfos(ctx, infos); err != nil {
		p.log.Warn().Err(err).Msg("cannot record bug summaries for the dashboard")
	}
}
