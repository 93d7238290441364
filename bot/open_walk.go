package bot

import (
	"cmp"
	"context"
	"errors"
	"time"

	"github.com/stewardbot/stewardbot/bot/store"
)

// openPager is the store's paging of the open requests.
type openPager interface {
	OpenRequestsAfter(ctx context.Context, afterBug, afterFlag, limit int) ([]store.Request, error)
}

// openRequestsPage is how many open requests a task reads from the store
// at a time when it walks them all (eachOpenRequest).
const openRequestsPage = 500

// eachOpenRequest calls fn with every open request, by bug and flag id,
// read from the store a page at a time: a task that looks at all of them
// holds a page, not the whole list (2 MB at 10,000 open requests). fn may
// use the store; an error from it or the store ends the walk.
func eachOpenRequest(ctx context.Context, st openPager, fn func(store.Request) error) error {
	bug, flag := 0, 0
	for {
		page, err := st.OpenRequestsAfter(ctx, bug, flag, openRequestsPage)
		if err != nil {
			return err
		}
		for _, r := range page {
			if err := fn(r); err != nil {
				return err
			}
		}
		if len(page) < openRequestsPage {
			return nil
		}
		last := page[len(page)-1]
		bug, flag = last.BugID, last.FlagID
	}
}

// requestRef is an open request as a task's list of work keeps it: its
// flag, to read it again when its turn comes, and what orders it
// (mostOverdueFirst). 48 bytes against the request's 208 and its strings.
type requestRef struct {
	flagID, bugID int
	requestedAt   time.Time
}

func refOf(r store.Request) requestRef {
	return requestRef{flagID: r.FlagID, bugID: r.BugID, requestedAt: r.RequestedAt}
}

// mostOverdueFirst orders requests by when they were made, the oldest
// first: when the write cap holds work back, what has waited longest goes
// out first.
func mostOverdueFirst(a, b requestRef) int {
	if c := a.requestedAt.Compare(b.requestedAt); c != 0 {
		return c
	}
	if c := cmp.Compare(a.bugID, b.bugID); c != 0 {
		return c
	}
	return cmp.Compare(a.flagID, b.flagID)
}

// isOpen says whether r is an open request as the store's walks count
// them: asked for, and asked for when the bot first saw it (a request
// first seen answered, by a backfill, was never the bot's to act on).
func isOpen(r store.Request) bool { return r.Status == "?" && r.FirstStatus == "?" }

// requestGetter reads one request from the store.
type requestGetter interface {
	Request(ctx context.Context, flagID int) (store.Request, error)
}

// stillOpen reads ref's request again when its turn comes, for a task that
// listed its work first (requestRef): ok is false when it was answered or
// withdrawn since, or is gone from the store (a backfill beside the daemon
// writes to the same store). A store error is returned as it is.
func stillOpen(ctx context.Context, st requestGetter, ref requestRef) (r store.Request, ok bool, err error) {
	r, err = st.Request(ctx, ref.flagID)
	if errors.Is(err, store.ErrNotFound) {
		return store.Request{}, false, nil
	}
	if err != nil {
		return store.Request{}, false, err
	}
	return r, isOpen(r), nil
}
