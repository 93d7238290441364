package main

import (
	"context"
	"fmt"
	"net/http"
	"os"

	"github.com/rs/zerolog"

	"github.com/stewardbot/stewardbot/bot"
	"github.com/stewardbot/stewardbot/bot/metrics"
	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
	"github.com/stewardbot/stewardbot/policy"
)

// placements maps the configuration's words to the client's key placements.
var placements = map[string]bugzilla.KeyPlacement{
	"": bugzilla.KeyAuto, bot.PlacementAuto: bugzilla.KeyAuto,
	bot.PlacementHeader: bugzilla.KeyHeader, bot.PlacementQuery: bugzilla.KeyQuery,
}

// newClient builds the Bugzilla client the configuration describes.
func newClient(cfg bot.Config, log zerolog.Logger, extra ...bugzilla.Option) (*bugzilla.Client, error) {
	placement, ok := placements[cfg.Bugzilla.APIKeyPlacement]
	if !ok {
		return nil, fmt.Errorf("bugzilla.api_key_placement: unknown value %q", cfg.Bugzilla.APIKeyPlacement)
	}
	opts := []bugzilla.Option{
		bugzilla.WithAPIKey(cfg.Bugzilla.APIKey.Reveal()),
		bugzilla.WithLogin(cfg.Bugzilla.Login),
		bugzilla.WithUserAgent(buildVersion(), cfg.Bugzilla.Contact),
		bugzilla.WithLogger(log),
		bugzilla.WithTimeout(cfg.Bugzilla.Timeout),
		bugzilla.WithKeyPlacement(placement),
		bugzilla.WithRateLimitPark(cfg.Bugzilla.RateLimitPark),
		bugzilla.WithMaxAttachmentBytes(cfg.Bugzilla.MaxAttachmentBytes),
		bugzilla.WithReadConcurrency(cfg.Bugzilla.ReadConcurrency),
	}
	return bugzilla.NewClient(cfg.Bugzilla.URL, append(opts, extra...)...)
}

// loadRules reads a rules file (the configuration's rules_file, analyze's
// --rules), or the built-in defaults when path is empty.
func loadRules(path string) (*policy.Rules, error) {
	if path == "" {
		return policy.DefaultRules(), nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read rules: %w", err)
	}
	r, err := policy.ParseRules(data)
	if err != nil {
		return nil, fmt.Errorf("rules %s: %w", path, err)
	}
	return r, nil
}

// daemon is everything a bot process holds.
type daemon struct {
	bot     *bot.Bot
	store   store.Store
	log     zerolog.Logger
	cfg     bot.Config
	client  *bugzilla.Client
	metrics *metrics.Metrics
	leader  store.Leader // nil with SQLite: one process, always the writer
}

// Close gives up the lead, if held, then closes the store.
func (d *daemon) Close() error {
	if d.leader != nil {
		d.leader.Close()
	}
	return d.store.Close()
}

// newDaemon wires a bot from a loaded configuration.
func newDaemon(ctx context.Context, cfg bot.Config, log zerolog.Logger, opts ...bot.Option) (*daemon, error) {
	return newObservedDaemon(ctx, cfg, log, nil, opts...)
}

// newObservedDaemon is newDaemon with a watcher of the bot's cycles (the
// demo's): observe, unless nil, wraps the metrics observer.
func newObservedDaemon(ctx context.Context, cfg bot.Config, log zerolog.Logger, observe func(bot.Observer) bot.Observer, opts ...bot.Option) (*daemon, error) {
	rules, err := loadRules(cfg.RulesFile)
	if err != nil {
		return nil, err
	}
	m := metrics.New(nil)
	transport := m.RoundTripper(http.DefaultTransport.(*http.Transport).Clone())
	client, err := newClient(cfg, log.With().Str("component", "bugzilla").Logger(),
		bugzilla.WithHTTPClient(&http.Client{Transport: transport}))
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, cfg.Store.DSN)
	if err != nil {
		return nil, err
	}
	var obs bot.Observer = m
	if observe != nil {
		obs = observe(m)
	}
	base := []bot.Option{bot.WithLogger(log), bot.WithRules(rules), bot.WithObserver(obs)}
	// A store shared by replicas (PostgreSQL) elects the one that writes.
	var leader store.Leader
	if ls, ok := st.(store.LeaderStore); ok {
		leader = ls.Leader()
		base = append(base, bot.WithLeader(leader))
	}
	b, err := bot.New(cfg, client, st, append(base, opts...)...)
	if err != nil {
		if leader != nil {
			leader.Close()
		}
		st.Close()
		return nil, err
	}
	return &daemon{bot: b, store: st, log: log, cfg: cfg, client: client, metrics: m, leader: leader}, nil
}
