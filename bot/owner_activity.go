package bot

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/rs/zerolog"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bot/survey"
)

// KVOwnerActivityChecked is the store key holding when the owners'
// activity was last looked up (RFC 3339): the "owners" task asks at most
// once per ownerActivityEvery.
const KVOwnerActivityChecked = "survey.owner_activity.checked"

// ownerActivityEvery is how often the owners' activity is looked up: a
// year without activity is what counts, so a day-old answer is fresh.
const ownerActivityEvery = 24 * time.Hour

// OwnerLogins returns the logins the granted rows name as owners, sorted,
// each once: every row's, private ones too (the survey decides what it
// shows; the store keeps only logins and dates).
func OwnerLogins(rows []store.ReviewedCollection) []string {
	seen := map[string]bool{}
	for _, r := range rows {
		if r.Status != "+" {
			continue
		}
		for _, l := range survey.OwnerLogins(r.Owner) {
			seen[l] = true
		}
	}
	out := make([]string, 0, len(seen))
	for l := range seen {
		out = append(out, l)
	}
	slices.Sort(out)
	return out
}

// LookUpOwners asks Bugzilla about the accounts of logins, in batches
// (GET /rest/user?names=..., split when one login is unknown), and returns
// what it said of each, checked at now. An account's LastActivity is zero
// when the server did not say (upstream Bugzilla, or BMO to a caller not
// logged in): unknown, never inactive.
func LookUpOwners(ctx context.Context, bz userReader, logins []string, now time.Time) ([]store.OwnerActivity, error) {
	if len(logins) == 0 {
		return nil, nil
	}
	users, err := lookUpUsers(ctx, bz, logins)
	if err != nil {
		return nil, fmt.Errorf("bot: owner activity: %w", err)
	}
	out := make([]store.OwnerActivity, 0, len(logins))
	for _, l := range logins {
		u, found := users[l]
		out = append(out, store.OwnerActivity{Login: l, Found: found, LastActivity: u.LastActivity, CheckedAt: now})
	}
	return out, nil
}

// ownersStore is what the "owners" task reads and records.
type ownersStore interface {
	kvStore
	ReviewedCollections(ctx context.Context, f store.CollectionFilter) ([]store.ReviewedCollection, error)
	SaveOwnerActivity(ctx context.Context, as []store.OwnerActivity) error
	OwnerActivities(ctx context.Context) ([]store.OwnerActivity, error)
}

var _ ownersStore = store.Store(nil)

// ownersDuty refreshes the owners' activity for the survey (the "owners"
// task), when survey.owner_activity is on.
type ownersDuty struct {
	on  bool
	bz  userReader
	st  ownersStore
	now func() time.Time
	log zerolog.Logger
}

func newOwnersDuty(d deps) *ownersDuty {
	return &ownersDuty{on: d.cfg.Survey.OwnerActivity, bz: d.bz, st: d.store,
		now: func() time.Time { return d.clock.Now().UTC() }, log: d.log}
}

// Run looks up the owners of the granted collections off the page's path
// (/survey and the report read what it stored): all of them at most once a
// day, and in between only owners never asked about (a form granted since).
// It writes nothing to Bugzilla. A rate limit is returned, so the cycle
// parks; a failure keeps the last answers and is retried next cycle.
func (d *ownersDuty) Run(ctx context.Context, c *Cycle) error {
	if !d.on {
		return nil
	}
	now := d.now()
	last, err := storedTime(ctx, d.st, KVOwnerActivityChecked, "owner activity check")
	if err != nil {
		return err
	}
	rows, err := d.st.ReviewedCollections(ctx, store.CollectionFilter{Status: "+"})
	if err != nil {
		return fmt.Errorf("bot: owner activity: %w", err)
	}
	logins := OwnerLogins(rows)
	full := last.IsZero() || now.Sub(last) >= ownerActivityEvery
	if !full {
		known, err := d.st.OwnerActivities(ctx)
		if err != nil {
			return fmt.Errorf("bot: owner activity: %w", err)
		}
		asked := map[string]bool{}
		for _, a := range known {
			asked[a.Login] = true
		}
		logins = slices.DeleteFunc(logins, func(l string) bool { return asked[l] })
	}
	if len(logins) > 0 {
		as, err := LookUpOwners(ctx, d.bz, logins, now)
		if err != nil {
			return err
		}
		if err := d.st.SaveOwnerActivity(ctx, as); err != nil {
			return fmt.Errorf("bot: owner activity: %w", err)
		}
		dated := 0
		for _, a := range as {
			if !a.LastActivity.IsZero() {
				dated++
			}
		}
		d.log.Info().Int("owners", len(as)).Int("owners_dated", dated).Bool("all", full).Msg("owners' Bugzilla activity looked up")
	}
	if full {
		if err := d.st.Set(ctx, KVOwnerActivityChecked, now.Format(time.RFC3339Nano)); err != nil {
			return fmt.Errorf("bot: owner activity: record the check: %w", err)
		}
	}
	return nil
}

// reportOwnerStore is what the report reads of the store for the owners'
// activity: the recorded answers and the rate-limit park.
type reportOwnerStore interface {
	kvStore
	ownerActivityLister
}

var _ reportOwnerStore = store.Store(nil)

// ReportOwnerActivity is the owners' activity for "stewardbot report
// --format html": what the store holds (the daemon's "owners" task), and,
// when bz is not nil, Bugzilla's answer for the owners of rows the store
// has none from the last day. It never asks while the store's rate-limit
// park lasts (asking a BMO that blocks the bot's address makes the block
// longer), and it writes nothing: the store is the daemon's. When the
// lookup fails, the stored answers come back with the error, so that the
// page can still show them.
func ReportOwnerActivity(ctx context.Context, st reportOwnerStore, bz userReader, rows []store.ReviewedCollection, now time.Time) (map[string]store.OwnerActivity, error) {
	stored, err := st.OwnerActivities(ctx)
	if err != nil {
		return map[string]store.OwnerActivity{}, err
	}
	m := OwnerActivityByLogin(stored)
	if bz == nil {
		return m, nil
	}
	var stale []string
	for _, l := range OwnerLogins(rows) {
		if a, ok := m[l]; !ok || now.Sub(a.CheckedAt) >= ownerActivityEvery {
			stale = append(stale, l)
		}
	}
	if len(stale) == 0 {
		return m, nil
	}
	until, err := storedTime(ctx, st, kvParkedUntil, "park")
	if err != nil {
		return m, err
	}
	if now.Before(until) {
		return m, &ParkedError{Until: until}
	}
	fresh, err := LookUpOwners(ctx, bz, stale, now)
	if err != nil {
		return m, err
	}
	for _, a := range fresh {
		m[a.Login] = a
	}
	return m, nil
}
