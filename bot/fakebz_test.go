package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/stewardbot/stewardbot/bugzilla"
)

// fakeBZ is a small in-memory Bugzilla behind the bot's consumer interface,
// for tests of the planner and the write path. It counts calls and injects
// faults; bugzillatest is the faithful fake for end-to-end tests.
type fakeBZ struct {
	mu      sync.Mutex
	clock   *FakeClock
	login   string
	bmo     bool
	bugs    map[int]*fakeBug
	nextID  int // comments, attachments and flags share one id space here
	calls   map[string]int
	posted  []bugzilla.Comment
	feed    []bugzilla.FlagActivity
	authErr error

	unknownWrites  int       // next N AddComment land, then report an unknown outcome
	refuseWrites   int       // next N AddComment are refused with an APIError
	rateLimitUntil time.Time // every call before this fails with a RateLimitError
	rateLimitNext  bool      // the next call starts a park of one hour
	beforeWrite    func()    // called, unlocked, as AddComment starts
	refuseNeedinfo string    // UpdateBug refuses needinfo on this login as BMO does for a blocker
	noDate         bool      // searches answer without a Date header: SearchBugsPageAt gives no time
}

type fakeBug struct {
	id         int
	lastChange time.Time
	atts       []bugzilla.Attachment
	comments   []bugzilla.Comment
}

func newFakeBZ(clock *FakeClock) *fakeBZ {
	return &fakeBZ{clock: clock, login: "bot@example.test", bugs: map[int]*fakeBug{}, nextID: 1000, calls: map[string]int{}}
}

var _ bugzillaClient = (*fakeBZ)(nil)

// call counts a request and applies the rate limit; callers hold mu.
func (f *fakeBZ) call(name string) error {
	f.calls[name]++
	now := f.clock.Now()
	if f.rateLimitNext {
		f.rateLimitNext = false
		f.rateLimitUntil = now.Add(time.Hour)
	}
	if now.Before(f.rateLimitUntil) {
		return &bugzilla.RateLimitError{RetryAfter: f.rateLimitUntil.Sub(now), Until: f.rateLimitUntil}
	}
	return nil
}

func (f *fakeBZ) total() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		n += c
	}
	return n
}

func (f *fakeBZ) resetCalls() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = map[string]int{}
}

func (f *fakeBZ) id() int { f.nextID++; return f.nextID }

// addBug files a bug with a description.
func (f *fakeBZ) addBug(id int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.clock.Now()
	f.bugs[id] = &fakeBug{id: id, lastChange: now, comments: []bugzilla.Comment{
		{ID: f.id(), BugID: id, Count: 0, Text: "A bug.", Creator: "dev1@example.test", Time: now}}}
}

// attach adds an attachment, with a data-review flag when status is not "",
// and the comment Bugzilla writes for it. It returns the attachment id and
// the flag id.
func (f *fakeBZ) attach(bugID int, a bugzilla.Attachment, status, requestee string) (int, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.clock.Now()
	bug := f.bugs[bugID]
	a.ID, a.BugID, a.CreationTime, a.LastChangeTime = f.id(), bugID, now, now
	if a.Size == 0 {
		a.Size = int64(len(a.Data))
	}
	if a.Creator == "" {
		a.Creator = "dev1@example.test"
	}
	flagID := 0
	if status != "" {
		flagID = f.id()
		a.Flags = []bugzilla.Flag{{ID: flagID, Name: "data-review", TypeID: 1, Status: status, Setter: a.Creator,
			Requestee: requestee, CreationDate: now, ModificationDate: now}}
		f.feed = append(f.feed, bugzilla.FlagActivity{ID: len(f.feed) + 1, FlagID: flagID, CreationTime: now,
			TypeName: "data-review", Status: status, Setter: a.Creator, Requestee: requestee, BugID: bugID, AttachmentID: a.ID})
	}
	bug.atts = append(bug.atts, a)
	bug.comments = append(bug.comments, bugzilla.Comment{ID: f.id(), BugID: bugID, AttachmentID: a.ID,
		Count: len(bug.comments), Text: fmt.Sprintf("Created attachment %d\n%s", a.ID, a.Summary),
		Creator: a.Creator, Time: now, IsPrivate: a.IsPrivate})
	bug.lastChange = now
	return a.ID, flagID
}

// comment adds a comment by someone else.
func (f *fakeBZ) comment(bugID int, who, text string, private bool) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.clock.Now()
	bug := f.bugs[bugID]
	c := bugzilla.Comment{ID: f.id(), BugID: bugID, Count: len(bug.comments), Text: text, Creator: who, Time: now, IsPrivate: private}
	bug.comments = append(bug.comments, c)
	bug.lastChange = now
	return c.ID
}

// obsolete marks an attachment obsolete.
func (f *fakeBZ) obsolete(bugID, attID int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	bug := f.bugs[bugID]
	for i := range bug.atts {
		if bug.atts[i].ID == attID {
			bug.atts[i].IsObsolete = true
		}
	}
	bug.lastChange = f.clock.Now()
}

// setFlag changes a data-review flag's status.
func (f *fakeBZ) setFlag(bugID, flagID int, status string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	bug := f.bugs[bugID]
	for i := range bug.atts {
		for j := range bug.atts[i].Flags {
			if fl := &bug.atts[i].Flags[j]; fl.ID == flagID {
				fl.Status, fl.ModificationDate = status, f.clock.Now()
				if status != "?" {
					fl.Requestee = ""
				}
			}
		}
	}
	bug.lastChange = f.clock.Now()
}

// botComments returns the comments written through AddComment on a bug.
func (f *fakeBZ) botComments(bugID int) []bugzilla.Comment {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []bugzilla.Comment
	for _, c := range f.posted {
		if c.BugID == bugID {
			out = append(out, c)
		}
	}
	return out
}

func (f *fakeBZ) Authenticate(context.Context) (*bugzilla.Identity, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("Authenticate"); err != nil {
		return nil, err
	}
	if f.authErr != nil {
		return nil, f.authErr
	}
	return &bugzilla.Identity{Login: f.login, BMO: f.bmo}, nil
}

func (f *fakeBZ) AuthenticateKnown(ctx context.Context, _ bugzilla.Identity) (*bugzilla.Identity, error) {
	return f.Authenticate(ctx)
}

func (f *fakeBZ) Time(context.Context) (time.Time, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("Time"); err != nil {
		return time.Time{}, err
	}
	return f.clock.Now(), nil
}

func (f *fakeBZ) Bugs(_ context.Context, ids []int, _ ...string) ([]bugzilla.Bug, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("Bugs"); err != nil {
		return nil, err
	}
	var out []bugzilla.Bug
	for _, id := range ids {
		if b, ok := f.bugs[id]; ok {
			out = append(out, bugzilla.Bug{ID: id, LastChangeTime: b.lastChange})
		}
	}
	return out, nil
}

func (f *fakeBZ) SearchBugsPage(_ context.Context, q bugzilla.SearchQuery) ([]bugzilla.Bug, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("SearchBugsPage"); err != nil {
		return nil, err
	}
	crit := q.Criteria[0]
	match := func(fl bugzilla.Flag) bool {
		if crit.Op == "substring" {
			return strings.Contains(fl.Name+fl.Status, crit.Value)
		}
		return fl.Name+fl.Status == crit.Value
	}
	var ids []int
	for id, b := range f.bugs {
		if !q.LastChangeTime.IsZero() && b.lastChange.Before(q.LastChangeTime) {
			continue
		}
		if slices.ContainsFunc(b.atts, func(a bugzilla.Attachment) bool {
			return slices.ContainsFunc(a.Flags, match)
		}) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	var out []bugzilla.Bug
	for _, id := range ids[min(q.Offset, len(ids)):] {
		if q.Limit > 0 && len(out) == q.Limit {
			break
		}
		out = append(out, bugzilla.Bug{ID: id, LastChangeTime: f.bugs[id].lastChange})
	}
	return out, nil
}

// SearchBugsPageAt is SearchBugsPage with the clock as a Date header gives
// it: to the second, read after the search.
func (f *fakeBZ) SearchBugsPageAt(ctx context.Context, q bugzilla.SearchQuery) ([]bugzilla.Bug, time.Time, error) {
	bugs, err := f.SearchBugsPage(ctx, q)
	if err != nil {
		return nil, time.Time{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.noDate {
		return bugs, time.Time{}, nil
	}
	return bugs, f.clock.Now().UTC().Truncate(time.Second), nil
}

func (f *fakeBZ) FlagActivity(_ context.Context, q bugzilla.FlagActivityQuery) ([]bugzilla.FlagActivity, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("FlagActivity"); err != nil {
		return nil, err
	}
	if !f.bmo {
		return nil, bugzilla.ErrNotSupported
	}
	day := q.After.UTC().Truncate(24 * time.Hour)
	var out []bugzilla.FlagActivity
	for _, r := range f.feed {
		if !r.CreationTime.Before(day) {
			out = append(out, r)
		}
	}
	return out, nil
}

func (f *fakeBZ) Attachments(_ context.Context, bugIDs []int, o bugzilla.AttachmentOptions) (map[int][]bugzilla.Attachment, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("Attachments"); err != nil {
		return nil, err
	}
	out := map[int][]bugzilla.Attachment{}
	for _, id := range bugIDs {
		b, ok := f.bugs[id]
		if !ok {
			return nil, &bugzilla.APIError{Status: 404, Code: 101, Message: "no such bug"}
		}
		for _, a := range b.atts {
			a.Flags = slices.Clone(a.Flags)
			if !o.WithData {
				a.Data = nil
			}
			out[id] = append(out[id], a)
		}
	}
	return out, nil
}

func (f *fakeBZ) AttachmentsByID(_ context.Context, ids []int, o bugzilla.AttachmentOptions) (map[int]bugzilla.Attachment, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("AttachmentsByID"); err != nil {
		return nil, err
	}
	out := map[int]bugzilla.Attachment{}
	for _, b := range f.bugs {
		for _, a := range b.atts {
			if slices.Contains(ids, a.ID) {
				if !o.WithData {
					a.Data = nil
				}
				out[a.ID] = a
			}
		}
	}
	return out, nil
}

func (f *fakeBZ) Comments(_ context.Context, bugID int, since time.Time) ([]bugzilla.Comment, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("Comments"); err != nil {
		return nil, err
	}
	var out []bugzilla.Comment
	for _, c := range f.bugs[bugID].comments {
		if !c.Time.Before(since) {
			out = append(out, c)
		}
	}
	return out, nil
}

// CommentsOfBugs is one call for several bugs, as the batched read is.
func (f *fakeBZ) CommentsOfBugs(_ context.Context, bugIDs []int, since time.Time) (map[int][]bugzilla.Comment, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("CommentsOfBugs"); err != nil {
		return nil, err
	}
	out := map[int][]bugzilla.Comment{}
	for _, id := range bugIDs {
		b, ok := f.bugs[id]
		if !ok {
			return nil, fmt.Errorf("bug %d: %w", id, bugzilla.ErrNotFound)
		}
		for _, c := range b.comments {
			if !c.Time.Before(since) {
				out[id] = append(out[id], c)
			}
		}
	}
	return out, nil
}

func (f *fakeBZ) AddComment(_ context.Context, bugID int, nc bugzilla.NewComment) (int, error) {
	f.mu.Lock()
	hook := f.beforeWrite
	f.mu.Unlock()
	if hook != nil {
		hook()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("AddComment"); err != nil {
		return 0, err
	}
	if f.refuseWrites > 0 {
		f.refuseWrites--
		return 0, &bugzilla.APIError{Status: 400, Code: 32000, Message: "refused"}
	}
	bug := f.bugs[bugID]
	c := bugzilla.Comment{ID: f.id(), BugID: bugID, Count: len(bug.comments), Text: nc.Text, Creator: f.login,
		Time: f.clock.Now(), IsPrivate: nc.IsPrivate, Tags: slices.Clone(nc.Tags)}
	bug.comments = append(bug.comments, c)
	bug.lastChange = c.Time
	f.posted = append(f.posted, c)
	if f.unknownWrites > 0 {
		f.unknownWrites--
		return 0, &bugzilla.WriteUnknownError{Method: "POST", Endpoint: "/rest/bug/{id}/comment", Err: bugzilla.ErrWriteOutcomeUnknown}
	}
	return c.ID, nil
}
