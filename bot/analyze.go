package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/rs/zerolog"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
	"github.com/stewardbot/stewardbot/policy"
)

// analyzeBatch is how many queued bugs share one attachment-metadata request.
const analyzeBatch = 100

// analyzeWindow is how many queued bugs analyze reads together: one
// analyzeBatch per read the client keeps in flight (bugzilla.read_concurrency),
// so that their batched reads go out at once instead of one window after
// the other, but no more batches than the writes left in the cycle can use
// (a window read and not written on is read again next cycle).
func analyzeWindow(readConcurrency, writesLeft int) int {
	batches := min(readConcurrency, (writesLeft+analyzeBatch-1)/analyzeBatch)
	return analyzeBatch * max(batches, 1)
}

// prefetchBytes bounds the content downloaded in one prefetch request.
const prefetchBytes = 4 << 20

// analyzeDuty works through the queued bugs: it records their data-review
// flags, finds each open request's form and posts what is owed (an analysis
// per form revision, or one request for the form). A bug leaves the queue
// when nothing more is owed on it; a failure leaves it for the next cycle.
type analyzeDuty struct {
	st          analyzeStore
	forms       formFinder
	privacy     privacyRule
	troubles    troubleRecorder
	rules       *policy.Rules // the bot's policy (WithRules)
	marks       *marks
	collections collectionRecorder
	fetch       prefetcher
	comments    lastCommentRead  // what the cycle last read of a bug's comments (readCache)
	bz          commentsOfBugs   // reads the numbers of the analyses posted (analyze_number.go)
	numbers     *analysisNumbers // the analyses posted whose numbers are not known yet
	login       func() string    // the bot's login, whose markers count
	tag         string           // comments.tag
	flagName    string           // bugzilla.flag_name
	maxBytes    int64            // bugzilla.max_attachment_bytes
	readsAtOnce int              // bugzilla.read_concurrency
	clock       Clock
	log         zerolog.Logger
}

// analyzeStore is the part of the store analyze reads and writes: the
// queue, the requests, the forms known, the bugs stopped by command.
type analyzeStore interface {
	DirtyBugs(ctx context.Context, after, limit int) ([]int, error)
	ClearDirty(ctx context.Context, bugID int) error
	Stopped(ctx context.Context, bugID int) (bool, error)
	RequestsOnBug(ctx context.Context, bugID int) ([]store.Request, error)
	SaveRequest(ctx context.Context, r store.Request) error
	Form(ctx context.Context, attachmentID int) (store.FormInfo, error)
	BugProduct(ctx context.Context, bugID int) (string, error)
	SaveFormAnalysis(ctx context.Context, a store.FormAnalysis) error
	SaveAnalysisComment(ctx context.Context, formKey, formRev string, number int) error
}

var _ analyzeStore = store.Store(nil)

// lastCommentRead is what the cycle last read of a bug's comments, without
// reading them (readCache.cachedLive).
type lastCommentRead interface {
	cachedLive(bugID int, since time.Time) ([]bugzilla.Comment, bool)
}

var _ lastCommentRead = (*readCache)(nil)

// collectionRecorder records a form's collections for the survey report
// and the expiry reminder (expiry_record.go).
type collectionRecorder interface {
	rememberCollections(ctx context.Context, v *bugView, f *foundForm) error
}

// recordCollectionsFunc is a collectionRecorder made of a function
// (recordCollections with its store, form loader and clock bound).
type recordCollectionsFunc func(ctx context.Context, v *bugView, f *foundForm) error

func (f recordCollectionsFunc) rememberCollections(ctx context.Context, v *bugView, fo *foundForm) error {
	return f(ctx, v, fo)
}

// prefetcher downloads attachments of many views in few requests (core_views.go).
type prefetcher interface {
	prefetchWhere(ctx context.Context, views map[int]*bugView, want func(a *bugzilla.Attachment) (bool, error)) error
}

var (
	_ collectionRecorder = recordCollectionsFunc(nil)
	_ prefetcher         = (*views)(nil)
)

// newAnalyzeDuty builds analyze from what the core lends it; it writes
// through the cycle (c.Perform).
func newAnalyzeDuty(d deps, rec collectionRecorder, fetch prefetcher) *analyzeDuty {
	return &analyzeDuty{st: d.store, forms: d.forms, privacy: d.privacy, troubles: d.troubles,
		rules: d.rules, marks: d.marks,
		collections: rec, fetch: fetch, comments: d.reads, bz: d.reads, numbers: d.reads.pendingNumbers(), login: d.login, tag: d.cfg.Comments.Tag,
		flagName: d.cfg.Bugzilla.FlagName, maxBytes: d.cfg.Bugzilla.MaxAttachmentBytes,
		readsAtOnce: d.cfg.Bugzilla.ReadConcurrency, clock: d.clock, log: d.log}
}

func (an *analyzeDuty) now() time.Time { return an.clock.Now().UTC() }

// Run analyzes the queued bugs.
func (an *analyzeDuty) Run(ctx context.Context, c *Cycle) error {
	troubles, err := an.troubles.cycleTroubles(ctx, c)
	if err != nil {
		return err
	}
	var errs []error
	after := 0
	for {
		queued, err := an.st.DirtyBugs(ctx, after, analyzeWindow(an.readsAtOnce, c.WritesLeft()))
		if err != nil {
			return errors.Join(append(errs, err)...)
		}
		if len(queued) == 0 {
			return errors.Join(errs...)
		}
		after = queued[len(queued)-1]
		if stop, err := an.analyzeQueued(ctx, c, queued, troubles, &errs); err != nil || stop {
			return errors.Join(append(errs, err)...)
		}
	}
}

// nudgedFirst is analyze for the bugs webhooks named, run before a nudged
// cycle's poll (Bot.RunNudged): the bug that changed is looked at without
// waiting for the search, whatever else is queued. Each was marked dirty by
// its nudge; a bug whose analysis is done leaves the queue as usual.
type nudgedFirst struct {
	an   *analyzeDuty
	bugs []int
}

// Run analyzes the nudged bugs, analyzeBatch at a time.
func (nf nudgedFirst) Run(ctx context.Context, c *Cycle) error {
	troubles, err := nf.an.troubles.cycleTroubles(ctx, c)
	if err != nil {
		return err
	}
	var errs []error
	for batch := range slices.Chunk(nf.bugs, analyzeBatch) {
		if stop, err := nf.an.analyzeQueued(ctx, c, batch, troubles, &errs); err != nil || stop {
			return errors.Join(append(errs, err)...)
		}
	}
	return errors.Join(errs...)
}

// analyzeQueued analyzes one batch of queued bugs: their views in one
// read, their forms prefetched, then bug after bug. A bug's own failure is
// added to errs (the cycle isolates it); the error returned is what stops
// the duty (the store, a read of the whole batch), and stop says the cycle
// stopped (the cap or a halt).
func (an *analyzeDuty) analyzeQueued(ctx context.Context, c *Cycle, queued []int, troubles map[int]store.Trouble, errs *[]error) (stop bool, err error) {
	ids, err := an.readyToAnalyze(ctx, c, queued)
	if err != nil {
		return false, err
	}
	views, err := c.Views(ctx, ids)
	if err != nil {
		return false, err
	}
	if err := an.prefetch(ctx, views); err != nil {
		return false, err
	}
	// Only the bugs read: a bug that failed waits out its backoff
	// without costing another request.
	readable := make([]int, 0, len(views))
	for _, id := range ids {
		if _, ok := views[id]; ok && !c.failed[id] {
			readable = append(readable, id)
		}
	}
	an.privacy.prefetchGroups(ctx, c, readable)
	// First what each bug is owed (reads, no write), then the writes, so
	// that their re-reads are one batched read (planRereads).
	plans := make(map[int]bugPlan, len(ids))
	rereads := map[int]time.Time{}
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return false, err
		}
		v, ok := views[id]
		switch {
		case c.failed[id]:
			continue // recorded as troubled (bugFailed); it stays queued
		case !ok: // gone or hidden from the bot: nothing it can do
			an.log.Info().Int(LogBugID, id).Msg("bug not visible to the bot; dropped from the queue")
			if err := an.st.ClearDirty(ctx, id); err != nil {
				return false, err
			}
			if _, was := troubles[id]; was { // no longer failing: gone
				if err := an.troubles.bugRecovered(ctx, id); err != nil {
					return false, err
				}
			}
			continue
		}
		p := an.planBug(ctx, c, v)
		if p.err != nil && c.haltOn(p.err) {
			return true, nil // a read's rate limit: the cycle parks
		}
		plans[id] = p
		for _, a := range p.acts {
			if t, ok := rereads[id]; !ok || a.since.Before(t) {
				rereads[id] = a.since
			}
		}
	}
	defer c.planRereads(rereads)()
	for _, id := range ids {
		p, ok := plans[id]
		if !ok {
			continue
		}
		if err := ctx.Err(); err != nil {
			return false, err
		}
		out, err := p.out, p.err
		if err == nil && len(p.acts) > 0 {
			out, err = an.perform(ctx, c, p.acts)
		}
		if err != nil && c.haltOn(err) {
			out = Halted // a read's rate limit: the cycle parks
		}
		switch {
		case out.stops():
			// The cap or a halt: the rest waits for the next cycle.
			if err != nil && !c.Halted() {
				*errs = append(*errs, bugErr(id, err))
			}
			return true, nil
		case err == nil && out.done():
			if err := an.st.ClearDirty(ctx, id); err != nil {
				return false, err
			}
			if _, was := troubles[id]; was {
				if err := an.troubles.bugRecovered(ctx, id); err != nil {
					return false, err
				}
			}
		case out == Unknown:
			an.log.Warn().Int(LogBugID, id).Msg("a write's outcome is unknown; looking again next cycle")
		case out == Refused && err == nil:
			// Logged, counted and listed by writeFailed; the bug stays
			// queued and the write is tried again next cycle.
		default:
			// The cycle decides (isolate): this bug's own problem is
			// retried with backoff and reported, the cycle stays good.
			*errs = append(*errs, bugErr(id, err))
		}
	}
	return false, nil
}

// readyToAnalyze returns the queued bugs to look at in this cycle: not
// those waiting out a backoff after failing (they stay queued), and not an
// id no Bugzilla can hold (an old bad webhook's mark), which is dropped.
func (an *analyzeDuty) readyToAnalyze(ctx context.Context, c *Cycle, queued []int) ([]int, error) {
	now := an.now()
	ids := make([]int, 0, len(queued))
	for _, id := range queued {
		if !ValidBugID(id) {
			an.log.Warn().Int(LogBugID, id).Msg("bug id out of Bugzilla's range; dropped from the queue")
			if err := an.st.ClearDirty(ctx, id); err != nil {
				return nil, err
			}
			continue
		}
		if c.waitingOut(id, now) {
			continue
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// bugPlan is what one bug is owed: its writes, or, when it is owed none,
// the outcome (Written: done), or the error that kept it from being
// planned (a read or the store failed).
type bugPlan struct {
	acts []*action
	out  Outcome
	err  error
}

// planBug finds what one bug is owed: every open request gets its form's
// analysis, or the one request for a form. Requests sharing a form share
// its analysis. It reads and records (the requests, the forms' collections)
// but writes nothing on Bugzilla.
func (an *analyzeDuty) planBug(ctx context.Context, c *Cycle, v *bugView) bugPlan {
	open, err := an.syncRequests(ctx, v)
	if err != nil {
		return bugPlan{err: err}
	}
	if len(open) == 0 {
		return bugPlan{out: Written}
	}
	if stopped, err := an.st.Stopped(ctx, v.id); err != nil {
		return bugPlan{err: err}
	} else if stopped {
		return bugPlan{out: Written} // "stewardbot: stop": nothing more until "resume" marks the bug again
	}
	var acts []*action
	planned := map[string]bool{}
	for _, r := range open {
		f, err := an.forms.findForm(ctx, v, r.AttachmentID)
		if err != nil {
			return bugPlan{err: err}
		}
		var a *action
		if f == nil {
			v.formless = append(v.formless, r.AttachmentID)
			a = an.needsFormAction(c, v, r)
		} else {
			// For the survey report and the expiry reminder.
			if err := an.collections.rememberCollections(ctx, v, f); err != nil {
				return bugPlan{err: err}
			}
			a = an.analysisAction(c, v, r, f, nil)
			an.noteAnalysisNumber(ctx, v, f)
			if r.FormKey != formKey(f) || r.FormRev != f.Rev {
				r.FormKey, r.FormRev, r.UpdatedAt = formKey(f), f.Rev, an.now()
				if err := an.st.SaveRequest(ctx, r); err != nil {
					return bugPlan{err: err}
				}
			}
		}
		if key := a.marker.Key(); !planned[key] {
			planned[key] = true
			acts = append(acts, a)
		}
	}
	return bugPlan{acts: acts, out: Written}
}

// perform makes one bug's writes. The outcome is theirs together (worse):
// done when nothing more is owed; Failed with the error when a re-read or
// the store failed.
func (an *analyzeDuty) perform(ctx context.Context, c *Cycle, acts []*action) (Outcome, error) {
	all := Written
	var errs []error
	for _, a := range acts {
		if err := ctx.Err(); err != nil {
			return Failed, err
		}
		out, err := c.Perform(ctx, a)
		all = worse(all, out)
		if out.stops() {
			return all, nil
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return all, errors.Join(errs...)
}

// formKey says where a form is, for the request record.
func formKey(f *foundForm) string {
	if f.Attachment != nil {
		return fmt.Sprintf("attachment:%d", f.Attachment.ID)
	}
	return fmt.Sprintf("comment:%d", f.Comment.ID)
}

// prefetch downloads in a few batched requests the flagged attachments that
// may be forms and whose content the store does not know yet: on a cold
// start that is one request per batch instead of one per bug. Their sizes
// were just checked against the cap (formCandidate) from the metadata
// loadViews read, so data comes without a second metadata read. With each
// such new form comes the obsolete one it may replace (replacedCandidates):
// its analysis says what changed since (previousForm), which needs that
// form's text too, and fetched alone it would cost a request of its own.
func (an *analyzeDuty) prefetch(ctx context.Context, views map[int]*bugView) error {
	newForm := func(a *bugzilla.Attachment) (bool, error) {
		if a.IsObsolete || !formCandidate(a, an.maxBytes) || !an.hasOpenFlag(a) {
			return false, nil
		}
		info, err := an.st.Form(ctx, a.ID)
		return err != nil || !info.IsForm, nil
	}
	replaced := map[int]bool{}
	for _, v := range views {
		for i := range v.atts {
			a := &v.atts[i]
			if ok, err := newForm(a); err != nil {
				return err
			} else if ok {
				if olds := replacedCandidates(v, a, an.maxBytes); len(olds) > 0 {
					replaced[olds[0].ID] = true // the one previousForm reads first
				}
			}
		}
	}
	return an.fetch.prefetchWhere(ctx, views, func(a *bugzilla.Attachment) (bool, error) {
		if replaced[a.ID] {
			return true, nil
		}
		return newForm(a)
	})
}

func (an *analyzeDuty) hasOpenFlag(a *bugzilla.Attachment) bool {
	for _, f := range a.Flags {
		if f.Name == an.flagName && f.Status == "?" {
			return true
		}
	}
	return false
}
