package bot

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
)

// backfillHistoryBatch is the bugs whose histories one request reads
// (bugzilla.Client.HistoryOfBugs's batch).
const backfillHistoryBatch = 100

// withdrawnKey names the withdrawn pass's cursor beside the window's.
func (bf *Backfill) withdrawnKey() string {
	return strings.Replace(bf.key, "backfill.cursor:", "backfill.withdrawn:", 1)
}

// withdrawn finds the requests withdrawn in the window (a data-review?
// flag cleared, not answered: no flag is left for the main walk to find)
// and records them as the analyze task records a flag that vanished:
// status "X". Bugzilla keeps them only in the bugs' history, so it
// searches the bugs whose flags changed in the window (changedafter and
// changedbefore on flagtypes.name, which Search.pm answers from
// bugs_activity) by bug id, and reads their histories in batches. It has
// its own cursor, moved as the walk's is; once done, it is done for the
// window. See docs/backfill.md.
func (bf *Backfill) withdrawn(ctx context.Context) error {
	b, key := bf.b, bf.withdrawnKey()
	after := 0
	v, err := b.store.Get(ctx, key)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return err
	case v == backfillDone:
		return nil
	default:
		if after, err = strconv.Atoi(v); err != nil || after < 0 {
			return fmt.Errorf("cursor %s holds %q, not a bug id", key, v)
		}
	}
	cur := &backfillCursor{st: b.store, key: key, at: after}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(bf.opts.Concurrency)
	for {
		q := bf.withdrawnQuery(after)
		var page []bugzilla.Bug
		err := bf.retry(gctx, func() (err error) {
			page, err = bf.bz.SearchBugsPage(gctx, q)
			return err
		})
		if err != nil {
			if werr := g.Wait(); werr != nil {
				return werr // a batch's failure cancelled the search
			}
			return fmt.Errorf("search of flag changes after bug %d: %w", after, err)
		}
		if len(page) == 0 {
			break // only an empty page ends the search: a server may cap a page below backfillPage
		}
		if page[len(page)-1].ID <= after {
			_ = g.Wait()
			return fmt.Errorf("search of flag changes after bug %d: the server answered bug %d, not after it", after, page[len(page)-1].ID)
		}
		for i := 0; i < len(page); i += backfillHistoryBatch {
			part := page[i:min(i+backfillHistoryBatch, len(page))]
			seq := cur.add(part[len(part)-1].ID)
			g.Go(func() error {
				if err := bf.withdrawnBatch(gctx, part); err != nil {
					return err
				}
				return cur.done(gctx, seq)
			})
		}
		after = page[len(page)-1].ID
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return b.store.Set(ctx, key, backfillDone)
}

// withdrawnLeft runs the withdrawn pass over a window whose walk an
// earlier run finished but whose pass it did not (a version without the
// pass marked it done): it says whether it ran.
func (bf *Backfill) withdrawnLeft(ctx context.Context) (bool, error) {
	v, err := bf.b.store.Get(ctx, bf.withdrawnKey())
	switch {
	case err == nil && v == backfillDone:
		return false, nil
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return false, fmt.Errorf("bot: backfill: %w", err)
	}
	bf.b.log.Info().Str("window", bf.key).Msg("backfill: an earlier run read this window without its withdrawn requests; reading them")
	if err := bf.withdrawn(ctx); err != nil {
		return true, fmt.Errorf("bot: backfill: %w", err)
	}
	return true, nil
}

// withdrawnResult is what Run returns after withdrawnLeft ran.
func (bf *Backfill) withdrawnResult(err error) (BackfillResult, error) {
	return BackfillResult{BackfillProgress: bf.Progress()}, err
}

// withdrawnQuery is the search for one page: bugs with a flagtypes.name
// change on or after Since and on or before Until (each a day wider, as
// the main search: Bugzilla reads them in its own time zone), after a bug
// id, by id. Any flag's change matches; the histories say which were
// data-review requests withdrawn, and when exactly.
func (bf *Backfill) withdrawnQuery(after int) bugzilla.SearchQuery {
	q := bugzilla.SearchQuery{
		Criteria:      []bugzilla.Criterion{{Field: "bug_id", Op: "greaterthan", Value: strconv.Itoa(after)}},
		IncludeFields: []string{"id", "summary", "product", "groups"},
		Limit:         backfillPage,
		Order:         "bug_id",
	}
	// Search.pm needs one criterion on the field's history to find the
	// bugs it names: changedafter from the dawn of Bugzilla when the
	// window is open at its start.
	since := time.Date(1998, 1, 1, 0, 0, 0, 0, time.UTC)
	if !bf.opts.Since.IsZero() {
		since = bf.opts.Since.AddDate(0, 0, -1)
	}
	q.Criteria = append(q.Criteria, bugzilla.Criterion{Field: "flagtypes.name", Op: "changedafter", Value: sqlTime(since)})
	if !bf.opts.Until.IsZero() {
		q.Criteria = append(q.Criteria, bugzilla.Criterion{Field: "flagtypes.name", Op: "changedbefore", Value: sqlTime(bf.opts.Until.AddDate(0, 0, 1))})
	}
	if bf.opts.Product != "" {
		q.Criteria = append(q.Criteria, bugzilla.Criterion{Field: "product", Op: "equals", Value: bf.opts.Product})
	}
	return q
}

// withdrawnBatch reads a batch of bugs' histories in one request and
// records the requests withdrawn in the window. A bug hidden from the bot
// since the search fails the batch's read (as for comments): the batch is
// then read a bug at a time, and the hidden one said in the log.
func (bf *Backfill) withdrawnBatch(ctx context.Context, bugs []bugzilla.Bug) error {
	ids := make([]int, len(bugs))
	for i, bug := range bugs {
		ids[i] = bug.ID
	}
	var hist map[int][]bugzilla.HistoryEntry
	err := bf.retry(ctx, func() (err error) {
		hist, err = bf.bz.HistoryOfBugs(ctx, ids)
		return err
	})
	if errors.Is(err, bugzilla.ErrAccessDenied) || errors.Is(err, bugzilla.ErrNotFound) {
		hist, err = bf.historiesOneByOne(ctx, ids)
	}
	if err != nil {
		return fmt.Errorf("histories of bugs %d to %d: %w", ids[0], ids[len(ids)-1], err)
	}
	for _, bug := range bugs {
		var found []withdrawnRequest
		for _, w := range withdrawnRequests(hist[bug.ID], bf.b.cfg.Bugzilla.FlagName) {
			if bf.inWindow(w.withdrawnAt) {
				found = append(found, w)
			}
		}
		if len(found) == 0 {
			continue
		}
		// The bug's summary, product and privacy, as for the flags found.
		if err := bf.saveBugs(ctx, []*backfillBug{{bug: bug}}); err != nil {
			return bugErr(bug.ID, err)
		}
		for _, w := range found {
			if err := bf.recordWithdrawn(ctx, bug, w); err != nil {
				return bugErr(bug.ID, err)
			}
		}
	}
	return nil
}

// historiesOneByOne reads each bug's history alone, leaving out (and
// logging) the bugs the bot may no longer see.
func (bf *Backfill) historiesOneByOne(ctx context.Context, ids []int) (map[int][]bugzilla.HistoryEntry, error) {
	out := make(map[int][]bugzilla.HistoryEntry, len(ids))
	for _, id := range ids {
		var h []bugzilla.HistoryEntry
		err := bf.retry(ctx, func() (err error) {
			h, err = bf.bz.History(ctx, id, time.Time{})
			return err
		})
		if errors.Is(err, bugzilla.ErrAccessDenied) || errors.Is(err, bugzilla.ErrNotFound) {
			bf.b.log.Warn().Int(LogBugID, id).Msg("backfill: bug hidden from the bot since the search; its withdrawn requests are left out")
			continue
		}
		if err != nil {
			return nil, bugErr(id, err)
		}
		out[id] = h
	}
	return out, nil
}

// inWindow says whether t is within Since <= t < Until.
func (bf *Backfill) inWindow(t time.Time) bool {
	return (bf.opts.Since.IsZero() || !t.Before(bf.opts.Since)) && (bf.opts.Until.IsZero() || t.Before(bf.opts.Until))
}

// withdrawnRequest is a request cleared without an answer, read from a
// bug's history.
type withdrawnRequest struct {
	attachment  int
	requestee   string // "" when the request named nobody
	requestedAt time.Time
	withdrawnAt time.Time
	by          string // who cleared it
	nth         int    // how many requests on the attachment were withdrawn before it
}

// withdrawnRequests reads a bug's history, oldest first, for data-review
// requests on attachments removed in a change that sets no data-review
// flag on that attachment: withdrawn (cleared), not answered (replaced by
// "+" or "-") nor moved to another steward (replaced by "?"). When one
// change both clears a request and sets another flag of the name, it is
// read as an answer: a missed withdrawal costs less than a wrong one.
// Each is requested when its "?" was set, or, if the history does not
// say, when it was cleared.
func withdrawnRequests(hist []bugzilla.HistoryEntry, flagName string) []withdrawnRequest {
	type key struct {
		att       int
		requestee string
	}
	asked := map[key]time.Time{}
	count := map[int]int{}
	var out []withdrawnRequest
	for _, h := range hist {
		for _, ch := range h.Changes {
			if ch.FieldName != "flagtypes.name" || ch.AttachmentID == 0 {
				continue
			}
			added := flagItems(ch.Added, flagName)
			for _, it := range flagItems(ch.Removed, flagName) {
				if it.status != "?" {
					continue
				}
				k := key{ch.AttachmentID, strings.ToLower(it.requestee)}
				at, ok := asked[k]
				delete(asked, k)
				if len(added) > 0 {
					continue
				}
				if !ok {
					at = h.When
				}
				out = append(out, withdrawnRequest{attachment: ch.AttachmentID, requestee: it.requestee,
					requestedAt: at, withdrawnAt: h.When, by: h.Who, nth: count[ch.AttachmentID]})
				count[ch.AttachmentID]++
			}
			for _, it := range added {
				if it.status == "?" {
					asked[key{ch.AttachmentID, strings.ToLower(it.requestee)}] = h.When
				}
			}
		}
	}
	return out
}

// flagItem is one flag as a history change writes it: name, status and
// requestee, as in "data-review?(steward1@example.test)".
type flagItem struct{ status, requestee string }

// flagItems lists the flags named name in a history value, which joins
// several with ", ". Other flags, and names that only start with name,
// are left out.
func flagItems(value, name string) []flagItem {
	var out []flagItem
	for _, s := range strings.Split(value, ",") {
		s = strings.TrimSpace(s)
		rest, ok := strings.CutPrefix(s, name)
		if !ok || rest == "" || !strings.ContainsRune("?+-", rune(rest[0])) {
			continue
		}
		it := flagItem{status: rest[:1]}
		switch who := rest[1:]; {
		case who == "":
		case strings.HasPrefix(who, "(") && strings.HasSuffix(who, ")"):
			it.requestee = who[1 : len(who)-1]
		default:
			continue // another flag whose name starts with name and "-"
		}
		out = append(out, it)
	}
	return out
}

// withdrawnFlagID keys a withdrawn request in the store. Bugzilla deleted
// the flag, and its history does not give the flag's id, so the key is
// made from what the history says: the attachment and the request's rank
// among the attachment's withdrawn requests. It is negative, never a real
// flag's id, and the same on every run: recording again updates in place.
func withdrawnFlagID(w withdrawnRequest) int {
	h := fnv.New64a()
	fmt.Fprintf(h, "withdrawn:%d:%d", w.attachment, w.nth)
	return -int(h.Sum64()>>2) - 1
}

// recordWithdrawn records a withdrawn request as the analyze task records
// a vanished flag, without its form: the request was never reviewed, and
// the report and survey list only answered ones. The daemon's own record
// of the same request (its real flag, on the attachment, for the same
// requestee, requested in between) is left alone, and nothing is added
// beside it.
func (bf *Backfill) recordWithdrawn(ctx context.Context, bug bugzilla.Bug, w withdrawnRequest) error {
	b := bf.b
	known, err := b.store.RequestsOnBug(ctx, bug.ID)
	if err != nil {
		return err
	}
	id := withdrawnFlagID(w)
	r := store.Request{FlagID: id, BugID: bug.ID, AttachmentID: w.attachment, Requestee: w.requestee,
		Setter: w.by, Status: "X", FirstStatus: "?", RequestedAt: w.requestedAt, FirstSeen: b.now(),
		UpdatedAt: w.withdrawnAt}
	for _, k := range known {
		switch {
		case k.FlagID == id:
			r.FirstSeen = k.FirstSeen
		case k.FlagID > 0 && k.AttachmentID == w.attachment && strings.EqualFold(k.Requestee, w.requestee) &&
			!k.RequestedAt.Before(w.requestedAt) && !k.RequestedAt.After(w.withdrawnAt):
			return nil // the daemon saw this request: its record stands
		}
	}
	if err := b.store.SaveRequest(ctx, r); err != nil {
		return err
	}
	bf.withdrawnN.Add(1)
	b.log.Debug().Int(LogBugID, bug.ID).Int(LogAttachmentID, w.attachment).Int(LogFlagID, id).
		Msg("backfill: withdrawn request recorded")
	return nil
}
