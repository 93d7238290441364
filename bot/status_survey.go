package bot

import (
	"context"
	"errors"

	"github.com/stewardbot/stewardbot/bot/store"
)

// collectionLister is the part of the store the survey page reads.
type collectionLister interface {
	ReviewedCollections(ctx context.Context, f store.CollectionFilter) ([]store.ReviewedCollection, error)
}

var _ collectionLister = store.Store(nil)

// ReviewedCollections lists the collections of the requests stewards
// answered, as "stewardbot report" does, for the dashboard's /survey page.
func (s *Status) ReviewedCollections(ctx context.Context, f store.CollectionFilter) ([]store.ReviewedCollection, error) {
	cl, ok := s.st.(collectionLister)
	if !ok {
		return nil, errors.New("bot: this store does not list reviewed collections")
	}
	return cl.ReviewedCollections(ctx, f)
}

// BugURL is the link to a bug on the Bugzilla the bot works on.
func (s *Status) BugURL(id int) string { return bugURL(s.server, id) }

// BugURL is the link to bug id on the Bugzilla at server, for the survey
// file "stewardbot report --format html" writes.
func BugURL(server string, id int) string { return bugURL(server, id) }
