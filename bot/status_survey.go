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

// ownerActivityLister is the part of the store that keeps the owners'
// activity (the "owners" task writes it).
type ownerActivityLister interface {
	OwnerActivities(ctx context.Context) ([]store.OwnerActivity, error)
}

var _ ownerActivityLister = store.Store(nil)

// OwnerActivity is what the "owners" task recorded of the owners' accounts,
// by login, for the survey; nil (and no error) when survey.owner_activity
// is off. It reads the store only: the page never waits on Bugzilla.
func (s *Status) OwnerActivity(ctx context.Context) (map[string]store.OwnerActivity, error) {
	if !s.owners {
		return nil, nil
	}
	ol, ok := s.st.(ownerActivityLister)
	if !ok {
		return nil, errors.New("bot: this store does not keep the owners' activity")
	}
	as, err := ol.OwnerActivities(ctx)
	if err != nil {
		return nil, err
	}
	return OwnerActivityByLogin(as), nil
}

// OwnerActivityByLogin indexes what Bugzilla said of the owners by login,
// as survey.Options.Activity wants it (never nil).
func OwnerActivityByLogin(as []store.OwnerActivity) map[string]store.OwnerActivity {
	m := make(map[string]store.OwnerActivity, len(as))
	for _, a := range as {
		m[a.Login] = a
	}
	return m
}

// BugURL is the link to a bug on the Bugzilla the bot works on.
func (s *Status) BugURL(id int) string { return bugURL(s.server, id) }

// BugURL is the link to bug id on the Bugzilla at server, for the survey
// file "stewardbot report --format html" writes.
func BugURL(server string, id int) string { return bugURL(server, id) }
