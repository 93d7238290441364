package config

import (
	"errors"
	"net"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/robfig/cron/v3"

	"github.com/stewardbot/stewardbot/bugzilla"
)

// Limits Validate enforces, with their reasons.
const (
	// MaxWritesCap bounds poll.max_writes_per_cycle: a runaway bot must
	// not be able to post thousands of comments in one cycle.
	MaxWritesCap = 1000
	// maxPageSize is Bugzilla's default max_search_results; a larger
	// limit is cut to it silently, which would break paging by offset.
	maxPageSize = 10000
	// minRemotePollInterval keeps "@every" polite to shared servers (BMO
	// asks bots for at most every 5 minutes); loopback servers (tests, the
	// demo) may be polled faster.
	minRemotePollInterval = time.Minute
	// Bugzilla accepts comment tags of 3 to 24 characters (its
	// MIN_/MAX_COMMENT_TAG_LENGTH). The bot tags a comment PREFIX-KIND
	// (Marker.Tag), and its longest kind so far, "-needs-form", takes 11;
	// 12 leaves them room.
	minCommentTag, maxCommentTag = 3, 12
)

// Validate reports every problem with the configuration at once, as
// ConfigErrors, each naming its setting and, when the setting came from the
// YAML file, its line. It is pure: it does not touch the network or the file
// system (check-config also reads rules_file).
func (c Config) Validate() error {
	p := &problems{src: c.Source}
	c.Bugzilla.validate(p, c.DryRun)
	c.Poll.validate(p, c.Bugzilla.isLoopback())
	if strings.TrimSpace(c.Store.DSN) == "" {
		p.addf("store.dsn", "required: a SQLite file path such as %q, or a postgres:// URL", DefaultStoreDSN)
	}
	c.Comments.validate(p)
	c.Log.validate(p)
	c.Stewards.validate(p)
	c.Reminders.validate(p)
	c.Escalation.validate(p)
	c.Expiry.validate(p)
	c.Survey.validate(p, c.Bugzilla.APIKey)
	c.HTTP.validate(p)
	c.Webhooks.validate(p)
	return p.err()
}

func (b BugzillaConfig) validate(p *problems, dryRun bool) {
	hasKey := b.APIKey.IsSet()
	checkServerURL(p, "bugzilla.url", b.URL, hasKey)

	switch {
	case b.Login != "":
		if !looksLikeEmail(b.Login) {
			p.addf("bugzilla.login", "want the bot account's login, an email address such as stewardbot@example.org, not %q", clip(b.Login))
		}
	case !dryRun:
		p.addf("bugzilla.login", "required when dry_run is false: at start the bot checks that its API key belongs to this account")
	case hasKey:
		p.addf("bugzilla.login", "required with an API key: at start the bot checks that the key belongs to this account")
	}
	switch {
	case hasKey && !isToken(b.APIKey.Reveal()):
		// Never quote the key, not even in part.
		p.addf("bugzilla.api_key", "the API key must be one word of printable ASCII characters")
	case !hasKey && !dryRun:
		p.addf("bugzilla.api_key", "required when dry_run is false: set %s, %s, or a systemd credential named %s",
			EnvAPIKey, EnvAPIKeyFile, CredentialAPIKey)
	}
	switch b.APIKeyPlacement {
	case PlacementAuto, PlacementHeader, PlacementQuery:
	default:
		p.addf("bugzilla.api_key_placement", "want %s, %s or %s, not %q", PlacementAuto, PlacementHeader, PlacementQuery, clip(b.APIKeyPlacement))
	}
	if strings.ContainsFunc(b.Contact, unicode.IsControl) {
		p.addf("bugzilla.contact", "must be one line without control characters (it goes in the User-Agent header)")
	}
	if b.Timeout <= 0 {
		p.addf("bugzilla.timeout", "must be positive, such as %q", "30s")
	}
	if b.RateLimitPark <= 0 {
		p.addf("bugzilla.rate_limit_park", "must be positive, such as %q", "60m")
	}
	if b.MaxAttachmentBytes <= 0 {
		p.addf("bugzilla.max_attachment_bytes", "must be a positive number of bytes, such as %d", 1<<20)
	}
	if b.ReadConcurrency < 1 || b.ReadConcurrency > bugzilla.MaxReadConcurrency {
		p.addf("bugzilla.read_concurrency", "must be 1 (one request at a time) to %d, such as %d", bugzilla.MaxReadConcurrency, DefaultReadConcurrency)
	}
	switch f := b.FlagName; {
	case f == "":
		p.addf("bugzilla.flag_name", "required: the attachment flag's name, such as %q", DefaultFlagName)
	case strings.ContainsRune("?+-", rune(f[len(f)-1])):
		p.addf("bugzilla.flag_name", "give the flag's name without its status: %q, not %q", f[:len(f)-1], f)
	case strings.ContainsFunc(f, func(r rune) bool { return unicode.IsSpace(r) || r == ',' }):
		p.addf("bugzilla.flag_name", "a Bugzilla flag name has no spaces or commas: %q", clip(f))
	}
}

// checkServerURL checks the Bugzilla base URL. Messages never repeat the URL,
// which could hold a password.
func checkServerURL(p *problems, path, raw string, hasKey bool) {
	const example = "https://bugzilla.mozilla.org"
	if raw == "" {
		p.addf(path, "required: the server's base URL, such as %s", example)
		return
	}
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // without the URL itself
		}
		p.addf(path, "not a valid URL: %v", err)
		return
	}
	switch {
	case (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		p.addf(path, "want an absolute http or https URL, such as %s", example)
	case u.User != nil:
		p.addf(path, "must not hold a user name or password: the bot authenticates with its API key")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		p.addf(path, "must not have a query or a fragment")
	case strings.HasSuffix(strings.TrimSuffix(u.Path, "/"), "/rest"):
		p.addf(path, "give the server's base URL, without /rest: stewardbot adds it")
	case u.Scheme == "http" && !isLoopbackHost(u.Hostname()):
		if hasKey {
			p.addf(path, "plain http would send the API key in clear text: use https (http is allowed only for loopback hosts)")
		} else {
			p.addf(path, "use https: plain http is allowed only for loopback hosts, for tests and the demo")
		}
	}
}

// checkLinkURL checks a URL the bot only links to.
func checkLinkURL(p *problems, path, raw string) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		p.addf(path, "want an absolute https URL, such as %s", DefaultTemplateURL)
	}
}

func (b BugzillaConfig) isLoopback() bool {
	u, err := url.Parse(b.URL)
	return err == nil && isLoopbackHost(u.Hostname())
}

// isLoopbackHost reports whether host is this machine: localhost, a
// *.localhost name (RFC 6761) or a loopback address.
func isLoopbackHost(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// looksLikeEmail accepts a bare address such as bot@example.org (Bugzilla
// logins are email addresses), not "Name <bot@example.org>".
func looksLikeEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Name == "" && a.Address == s && !strings.ContainsFunc(s, unicode.IsSpace)
}

// isToken reports whether s is one word of printable ASCII, as an API key is.
func isToken(s string) bool {
	for i := range len(s) {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return s != ""
}

// MinOverlap is the smallest watermark overlap: twice the settle time (2s)
// that poll looks back for changes made in a search's own second (bot's
// settleTime; a test in bot checks that the two agree).
const MinOverlap = 4 * time.Second

func (pc PollConfig) validate(p *problems, loopback bool) {
	validateSchedule(p, "poll.schedule", pc.Schedule, loopback)
	switch tz := pc.TimeZone; tz {
	case "", "Local":
		p.addf("poll.time_zone", "name an IANA time zone such as UTC or Europe/Berlin (the host's own zone is not used, so the bot behaves the same everywhere)")
	default:
		if _, err := time.LoadLocation(tz); err != nil {
			p.addf("poll.time_zone", "unknown time zone %q: want an IANA name such as UTC or Europe/Berlin", clip(tz))
		}
	}
	if pc.Overlap < MinOverlap {
		p.addf("poll.overlap", "must be at least %s, such as %q: changes stamped at the watermark, or in the second of a search, would be missed", MinOverlap, "5m")
	}
	if pc.PageSize <= 0 || pc.PageSize > maxPageSize {
		p.addf("poll.page_size", "must be between 1 and %d (Bugzilla's usual max_search_results), such as 1000", maxPageSize)
	}
	if pc.MaxWritesPerCycle <= 0 || pc.MaxWritesPerCycle > MaxWritesCap {
		p.addf("poll.max_writes_per_cycle", "must be between 1 and %d, such as 50", MaxWritesCap)
	}
}

// validateSchedule checks a robfig/cron standard spec (five fields, or a
// descriptor such as @hourly or @every 5m).
func validateSchedule(p *problems, path, spec string, loopback bool) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		p.addf(path, "required: a cron schedule such as %q or %q", DefaultSchedule, "*/10 * * * *")
		return
	}
	if strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "CRON_TZ=") {
		p.addf(path, "set the time zone with poll.time_zone, not in the schedule")
		return
	}
	if _, err := cron.ParseStandard(spec); err != nil {
		p.addf(path, "not a cron schedule (%v): want five fields such as %q, or a descriptor such as %q or %q",
			err, "*/10 * * * *", DefaultSchedule, "@hourly")
		return
	}
	every, ok := strings.CutPrefix(spec, "@every ")
	if !ok {
		return // five fields or @hourly etc.: at most once a minute
	}
	d, err := time.ParseDuration(strings.TrimSpace(every))
	switch {
	case err != nil || d <= 0:
		p.addf(path, "@every needs a positive duration, such as %q", DefaultSchedule)
	case d < minRemotePollInterval && !loopback:
		p.addf(path, "polls more often than once a minute; shared servers ask bots for at most every 5 minutes (faster polling is allowed only for a loopback server)")
	}
}

// commentTagChars is Bugzilla's rule for a comment tag: /^[\w\d._-]+$/.
var commentTagChars = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

func (cc CommentConfig) validate(p *problems) {
	checkLinkURL(p, "comments.template_url", cc.TemplateURL)
	if n := len(cc.Tag); n < minCommentTag || n > maxCommentTag || !commentTagChars.MatchString(cc.Tag) {
		p.addf("comments.tag", "want %d to %d letters, digits, '.', '_' or '-' (the bot adds -KIND, and Bugzilla takes tags of at most 24), not %q",
			minCommentTag, maxCommentTag, clip(cc.Tag))
	}
	switch cc.Format {
	case FormatMarkdown, FormatText, FormatAuto:
	default:
		p.addf("comments.format", "want %s, %s or %s, not %q", FormatMarkdown, FormatText, FormatAuto, clip(cc.Format))
	}
}

func (lc LogConfig) validate(p *problems) {
	switch lc.Level {
	case "debug", "info", "warn", "error":
	default:
		p.addf("log.level", "want debug, info, warn or error, not %q", clip(lc.Level))
	}
	switch lc.Format {
	case "", "auto", "json", "console", "mozlog":
	default:
		p.addf("log.format", "want auto, json, console or mozlog, not %q", clip(lc.Format))
	}
}
