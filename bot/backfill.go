package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
)

// DefaultBackfillConcurrency is how many chunks of bugs a backfill reads
// at once unless told otherwise: polite to the server, and enough to hide
// most of its latency.
const DefaultBackfillConcurrency = 4

const (
	// backfillPage is the bugs one search asks for: under Bugzilla's
	// default max_search_results (10,000); a server set lower answers
	// fewer, and the walk goes on until an empty page.
	backfillPage = 1000
	// backfillChunk is the bugs read together: two attachment-metadata
	// requests (the client's batch of 250 ids), the data requests for
	// their forms (by 250 within 4 MiB), and comments in five requests of
	// the client's 100 bugs. A multiple of both batches, so that no chunk
	// sends a short batch but the last.
	backfillChunk = 500
	// backfillCommentBatch is the bugs whose comments come in one request
	// (bugzilla.Client.CommentsOfBugs's batch).
	backfillCommentBatch = 100
)

// BackfillOptions says which past requests Backfill records.
type BackfillOptions struct {
	// Since and Until bound when the flag last changed (for an answered
	// request: when the steward answered): Since <= t < Until. Zero
	// leaves that side open.
	Since, Until time.Time
	Product      string // only bugs of this product; "" for all
	Concurrency  int    // chunks read at once; DefaultBackfillConcurrency when 0
	// Restart reads the window again from its start, though a run
	// finished it or stopped halfway (what was recorded stays).
	Restart bool
}

// BackfillProgress is what a backfill has done so far (Backfill.Progress).
type BackfillProgress struct {
	BugsFound    int64 // bugs the searches returned
	BugsRead     int64 // bugs whose attachments (and, when flagged, comments) were read
	Flags        int64 // data-review flags in the window recorded
	Answered     int64 // of which granted or denied
	Forms        int64 // forms found and recorded
	Reviews      int64 // steward's review forms recorded
	SearchDone   bool  // the last search page has come: BugsFound is the total
	ResumedAfter int   // the bug id this run started after (0: from the start)
	Withdrawn    int64 // requests withdrawn in the window (flag cleared) recorded as "X"
}

// BackfillResult is what a finished run reports.
type BackfillResult struct {
	BackfillProgress
	// AlreadyDone says an earlier run finished this window and nothing was
	// read (BackfillOptions.Restart reads it again).
	AlreadyDone bool
}

// Backfill records the data reviews Bugzilla holds from before the bot
// ran, as the analyze task records those it sees (requests, forms and
// their collections), which the report and the survey list; and the
// stewards' review forms, kept in the store for later use (nothing reads
// them yet). It only reads Bugzilla. See docs/backfill.md.
type Backfill struct {
	b    *Bot
	bz   backfillClient
	opts BackfillOptions
	key  string // the store key of this window's cursor

	found, read, flags, answered, forms, reviews atomic.Int64
	searchDone                                   atomic.Bool
	resumedAfter                                 atomic.Int64
	withdrawnN                                   atomic.Int64 // backfill_withdrawn.go
}

// backfillClient is what a backfill reads from Bugzilla.
type backfillClient interface {
	SearchBugsPage(ctx context.Context, q bugzilla.SearchQuery) ([]bugzilla.Bug, error)
	Attachments(ctx context.Context, bugIDs []int, o bugzilla.AttachmentOptions) (map[int][]bugzilla.Attachment, error)
	AttachmentData(ctx context.Context, metas []bugzilla.Attachment) (map[int][]byte, error)
	CommentsOfBugs(ctx context.Context, bugIDs []int, newSince time.Time) (map[int][]bugzilla.Comment, error)
	Comments(ctx context.Context, bugID int, newSince time.Time) ([]bugzilla.Comment, error)
	HistoryOfBugs(ctx context.Context, bugIDs []int) (map[int][]bugzilla.HistoryEntry, error) // withdrawn requests
	History(ctx context.Context, bugID int, newSince time.Time) ([]bugzilla.HistoryEntry, error)
}

var _ backfillClient = (*bugzilla.Client)(nil)

// NewBackfill prepares a backfill through client into st; opts are the
// Bot's (WithLogger, WithRules, WithClock).
func NewBackfill(cfg Config, client *bugzilla.Client, st store.Store, o BackfillOptions, opts ...Option) (*Backfill, error) {
	if o.Concurrency < 0 {
		return nil, fmt.Errorf("bot: backfill: concurrency %d is negative", o.Concurrency)
	}
	if o.Concurrency == 0 {
		o.Concurrency = DefaultBackfillConcurrency
	}
	if !o.Since.IsZero() && !o.Until.IsZero() && !o.Since.Before(o.Until) {
		return nil, fmt.Errorf("bot: backfill: the window %s to %s is empty", o.Since.Format(time.DateOnly), o.Until.Format(time.DateOnly))
	}
	b, err := New(cfg, client, st, opts...)
	if err != nil {
		return nil, err
	}
	return &Backfill{b: b, bz: client, opts: o, key: backfillKey(cfg.Bugzilla.FlagName, o)}, nil
}

// backfillKey names a window's cursor in the store: a run over another
// window (or product) starts its own.
func backfillKey(flag string, o BackfillOptions) string {
	day := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.UTC().Format(time.RFC3339)
	}
	return fmt.Sprintf("backfill.cursor:%s:%s:%s:%s", flag, day(o.Since), day(o.Until), o.Product)
}

// backfillDone is the cursor's value once a run has read the whole of a
// window with an end (BackfillOptions.Until).
const backfillDone = "done"

// Progress is a snapshot of the counts, safe to call while Run runs.
func (bf *Backfill) Progress() BackfillProgress {
	return BackfillProgress{
		BugsFound: bf.found.Load(), BugsRead: bf.read.Load(), Flags: bf.flags.Load(), Answered: bf.answered.Load(), Forms: bf.forms.Load(),
		Reviews: bf.reviews.Load(), SearchDone: bf.searchDone.Load(), ResumedAfter: int(bf.resumedAfter.Load()),
		Withdrawn: bf.withdrawnN.Load(),
	}
}

// Run reads the window and records what it finds. Killed at any point, the
// next Run over the same window continues after the last chunk of bugs
// recorded with every chunk before it (the cursor); what it reads again is
// recorded again in place (every record is keyed), never twice. A window
// with an end, read to it, is done; one without starts again next time.
func (bf *Backfill) Run(ctx context.Context) (BackfillResult, error) {
	b := bf.b
	if err := bf.start(ctx); err != nil {
		return BackfillResult{}, err
	}
	after := 0
	if bf.opts.Restart {
		// From the start: a restart killed before its first chunk must
		// not leave the window marked done.
		if err := b.store.Set(ctx, bf.key, "0"); err != nil {
			return BackfillResult{}, fmt.Errorf("bot: backfill: %w", err)
		}
		if err := b.store.Set(ctx, bf.withdrawnKey(), "0"); err != nil {
			return BackfillResult{}, fmt.Errorf("bot: backfill: %w", err)
		}
	} else {
		v, err := b.store.Get(ctx, bf.key)
		switch {
		case errors.Is(err, store.ErrNotFound):
		case err != nil:
			return BackfillResult{}, fmt.Errorf("bot: backfill: %w", err)
		case v == backfillDone:
			if ran, err := bf.withdrawnLeft(ctx); err != nil || ran { // backfill_withdrawn.go
				return bf.withdrawnResult(err)
			}
			b.log.Info().Str("window", bf.key).Msg("backfill: an earlier run read this window to its end; nothing to do")
			return BackfillResult{AlreadyDone: true, BackfillProgress: bf.Progress()}, nil
		default:
			if after, err = strconv.Atoi(v); err != nil || after < 0 {
				return BackfillResult{}, fmt.Errorf("bot: backfill: cursor %s holds %q, not a bug id", bf.key, v)
			}
		}
	}
	bf.resumedAfter.Store(int64(after))
	if after > 0 {
		b.log.Info().Int(LogBugID, after).Msg("backfill: resuming after the last bug recorded")
	}
	cur := &backfillCursor{st: b.store, key: bf.key, at: after}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(bf.opts.Concurrency)
	err := bf.walk(gctx, after, func(chunk []bugzilla.Bug) {
		seq := cur.add(chunk[len(chunk)-1].ID)
		g.Go(func() error {
			if err := bf.chunk(gctx, chunk); err != nil {
				return err
			}
			return cur.done(gctx, seq)
		})
	})
	if werr := g.Wait(); werr != nil {
		err = werr
	}
	if err == nil {
		err = bf.withdrawn(ctx) // the requests cleared unanswered: backfill_withdrawn.go
	}
	if err != nil {
		return BackfillResult{BackfillProgress: bf.Progress()}, fmt.Errorf("bot: backfill: %w", err)
	}
	// A window with an end is done for good: its flags changed before the
	// end. One without (up to now) is not: a review answered since, on a
	// bug of any id, belongs to it, so the next run reads it again from
	// the start, recording in place what it had recorded.
	end := backfillDone
	if bf.opts.Until.IsZero() {
		end = "0"
		// The withdrawn requests' pass too: a request cleared since
		// belongs to the window.
		if err := b.store.Set(ctx, bf.withdrawnKey(), "0"); err != nil {
			return BackfillResult{}, fmt.Errorf("bot: backfill: %w", err)
		}
	}
	if err := b.store.Set(ctx, bf.key, end); err != nil {
		return BackfillResult{}, fmt.Errorf("bot: backfill: %w", err)
	}
	return BackfillResult{BackfillProgress: bf.Progress()}, nil
}

// start checks who the bot is, as the daemon does at start (after
// honouring a park left by it or an earlier run), without requeueing
// anything: a backfill writes nothing on Bugzilla.
func (bf *Backfill) start(ctx context.Context) error {
	b := bf.b
	if err := bf.waitPark(ctx); err != nil {
		return err
	}
	for {
		id, err := b.sess.authenticate(ctx, b.bz)
		if err == nil {
			b.sess.startedAs(id)
			b.log.Info().Str("login", id.Login).Bool("bmo", id.BMO).Msg("backfill: authenticated")
			return nil
		}
		if err := bf.parked(ctx, err); err != nil {
			return fmt.Errorf("bot: backfill: %w", err)
		}
	}
}

// walk pages through the bugs with a data-review flag after bug id after,
// in bug id order, and hands them on in chunks. Each page starts after the
// last bug of the one before (not at an offset), so bugs filed or changed
// during the walk shift nothing.
func (bf *Backfill) walk(ctx context.Context, after int, each func([]bugzilla.Bug)) error {
	for {
		q := bf.query(after)
		var page []bugzilla.Bug
		err := bf.retry(ctx, func() (err error) {
			page, err = bf.bz.SearchBugsPage(ctx, q)
			return err
		})
		if err != nil {
			return fmt.Errorf("search after bug %d: %w", after, err)
		}
		if len(page) > 0 && page[len(page)-1].ID <= after {
			return fmt.Errorf("search after bug %d: the server answered bug %d, not after it", after, page[len(page)-1].ID)
		}
		bf.found.Add(int64(len(page)))
		for i := 0; i < len(page); i += backfillChunk {
			each(page[i:min(i+backfillChunk, len(page))])
		}
		if len(page) == 0 {
			// Only an empty page ends the walk: a server whose
			// max_search_results is below backfillPage answers short
			// pages before the end.
			bf.searchDone.Store(true)
			return nil
		}
		after = page[len(page)-1].ID
	}
}

// query is the search for one page: bugs with a flag whose name holds the
// flag's (recording 20: substring matches every status, "?", "+" and "-";
// the flags themselves are read by exact name), after a bug id, by id.
// The window narrows it safely: a flag changed at or after Since is on a
// bug changed at or after Since, and one changed before Until on a bug
// filed before Until. Bugzilla reads those times in its own time zone,
// so the search looks a day wider on each side; each flag's time is then
// checked exactly (flagsIn).
func (bf *Backfill) query(after int) bugzilla.SearchQuery {
	name := bf.b.cfg.Bugzilla.FlagName
	q := bugzilla.SearchQuery{
		Criteria: []bugzilla.Criterion{
			{Field: "flagtypes.name", Op: "substring", Value: name},
			{Field: "bug_id", Op: "greaterthan", Value: strconv.Itoa(after)},
		},
		IncludeFields: []string{"id", "summary", "product", "groups", "last_change_time"},
		Limit:         backfillPage,
		Order:         "bug_id",
	}
	if bf.opts.Product != "" {
		q.Criteria = append(q.Criteria, bugzilla.Criterion{Field: "product", Op: "equals", Value: bf.opts.Product})
	}
	if !bf.opts.Since.IsZero() {
		q.Criteria = append(q.Criteria, bugzilla.Criterion{Field: "delta_ts", Op: "greaterthaneq", Value: sqlTime(bf.opts.Since.AddDate(0, 0, -1))})
	}
	if !bf.opts.Until.IsZero() {
		q.Criteria = append(q.Criteria, bugzilla.Criterion{Field: "creation_ts", Op: "lessthan", Value: sqlTime(bf.opts.Until.AddDate(0, 0, 1))})
	}
	return q
}

// sqlTime writes a time the way Bugzilla's search reads one to the second
// (SqlifyDate lower-cases an ISO time and keeps only its date).
func sqlTime(t time.Time) string { return t.UTC().Format(time.DateTime) }
