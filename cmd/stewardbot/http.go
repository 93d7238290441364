package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/rs/zerolog"

	"github.com/stewardbot/stewardbot/bot"
	"github.com/stewardbot/stewardbot/bot/web"
)

// sourceURL is the project's repository, for version.json.
const sourceURL = "https://github.com/stewardbot/stewardbot"

// builtinVersion is the version.json built into the binary, from
// main.version and the VCS stamp; /app/version.json (the image's, written
// at build time by deploy/version-json.sh) wins when present.
func builtinVersion() web.VersionInfo {
	v := web.VersionInfo{Source: sourceURL, Version: buildVersion()}
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" {
				v.Commit = s.Value
			}
		}
	}
	return v
}

// httpHandler builds the HTTP server over a daemon's bot.
func (d *daemon) httpHandler(cfg bot.Config) (http.Handler, error) {
	version, err := web.LoadVersion(web.DefaultVersionFile, builtinVersion())
	if err != nil {
		return nil, err
	}
	status := d.bot.Status()
	return web.New(web.Options{
		Source:      status,
		Bugzilla:    d.bugzillaCheck,
		Interval:    bot.PollInterval(cfg.Poll, status.Now()),
		Metrics:     d.metrics.Handler(),
		Version:     version,
		ShowPrivate: cfg.HTTP.ShowPrivate,
		Webhook:     d.webhookOptions(cfg.Webhooks),
		Now:         status.Now,
		Log:         d.log.With().Str("component", "http").Logger(),
	})
}

// webhookOptions serves POST /webhooks/bugzilla when webhooks.enabled is
// true (Validate has checked the secret then); nil leaves it out (404).
func (d *daemon) webhookOptions(wc bot.WebhooksConfig) *web.WebhookOptions {
	if !wc.Enabled {
		return nil
	}
	return &web.WebhookOptions{
		Bot:          d.bot,
		Header:       wc.Header,
		Secret:       wc.Secret.Reveal(),
		MaxBodyBytes: wc.MaxBodyBytes,
		Observe:      d.metrics.WebhookDelivery,
	}
}

// bugzillaCheck is the heartbeat's Bugzilla check: GET /rest/version, the
// cheapest request there is. During a rate-limit park it sends nothing and
// fails: the bot is not allowed to talk to Bugzilla then.
func (d *daemon) bugzillaCheck(ctx context.Context) error {
	if until, parked, err := d.bot.Status().ParkedUntil(ctx); err != nil {
		return err
	} else if parked {
		return fmt.Errorf("rate limited by Bugzilla until %s", until.UTC().Format(time.RFC3339))
	}
	if _, err := d.client.Version(ctx); err != nil {
		return err
	}
	return nil
}

// startHTTP listens on addr at once (so a busy port fails the start) and
// serves h in the background until ctx ends. wait returns how serving
// ended. The bound address is returned for logs (addr may say port 0).
func startHTTP(ctx context.Context, addr string, h http.Handler, log zerolog.Logger) (bound string, wait func() error, err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("http.listen: %w", err)
	}
	done := make(chan error, 1)
	go func() { done <- web.Serve(ctx, ln, h) }()
	log.Info().Str("addr", ln.Addr().String()).Msg("serving HTTP: /, /__heartbeat__, /__lbheartbeat__, /__version__, /livez, /readyz, /metrics (and POST /webhooks/bugzilla when webhooks.enabled)")
	var once error
	var waited bool
	wait = func() error {
		if !waited {
			once, waited = <-done, true
			if errors.Is(once, http.ErrServerClosed) {
				once = nil
			}
		}
		return once
	}
	return ln.Addr().String(), wait, nil
}
