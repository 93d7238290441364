package bugzilla

import (
	"context"
	"fmt"

	"golang.org/x/sync/errgroup"
)

// DefaultReadConcurrency is how many of one call's batched reads the client
// keeps in flight by default: one, as before the option existed. The bot
// configures its own (bugzilla.read_concurrency, 4 by default).
const DefaultReadConcurrency = 1

// MaxReadConcurrency bounds WithReadConcurrency: a bot is a guest on a
// shared server, and more requests in flight than this buy little over
// network latency.
const MaxReadConcurrency = 16

// WithReadConcurrency sets how many requests of one batched read (the
// batches of Attachments, AttachmentsByID, CommentsOfBugs and Bugs) are in
// flight at once; 1 sends them one after the other. Writes are never sent
// concurrently by the client, and a rate limit parks the client for every
// call at once (gate): the batches still queued then fail without being
// sent. Contents downloaded after a metadata read (WithData without
// CheckedSizes) still come one batch at a time, each bounded by the
// attachment cap; with CheckedSizes the caller has bounded the whole call.
func WithReadConcurrency(n int) Option {
	return func(c *Client) {
		if n < 1 || n > MaxReadConcurrency {
			c.configErr(fmt.Errorf("read concurrency must be 1 to %d, got %d", MaxReadConcurrency, n))
			return
		}
		c.readConcurrency = n
	}
}

// eachBatch calls read for each of n batches, up to c.readConcurrency at a
// time, and returns the first error (the rest are then cancelled). read
// must keep what batch i gives apart from the others (in a slot of its
// own): the caller merges the slots in order once all are read, so that the
// result does not depend on which answer came first.
func (c *Client) eachBatch(ctx context.Context, n int, read func(ctx context.Context, i int) error) error {
	if n == 1 || c.readConcurrency <= 1 {
		for i := range n {
			if err := read(ctx, i); err != nil {
				return err
			}
		}
		return nil
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.readConcurrency)
	for i := range n {
		g.Go(func() error { return read(gctx, i) })
	}
	return g.Wait()
}
