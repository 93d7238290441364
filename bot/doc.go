// Package bot is stewardbot's daemon: the loop, and every side effect on
// Bugzilla and the store.
//
// A small core runs cycles. Bot (bot.go) holds the configuration, the
// client, the store, the clock and the logger; a Cycle (core_cycle.go)
// carries one run's write budget, why it stopped (a rate limit, a lost
// lease: state, never errors) and the write path, Cycle.Perform, which
// returns an Outcome. The cycle's client is a readCache
// (core_readcache.go) that caches what the cycle read and forgets a bug on
// every write to it, so every write follows a read of the live bug.
//
// The chores are duties, one type each, in the order Bot.Tasks lists them:
// poll (poll.go), analyze (analyze*.go), commands (commands.go), remind
// with assign (remind*.go), escalate (escalate*.go), review (review.go) and
// expiry (expiry*.go). A duty holds only what it needs, as interfaces
// declared in its own file; no duty's code is a method of Bot, which
// layout_test.go enforces. They stay in one package rather than a package
// each because they share the cycle, the write path, markers, bug views
// and the privacy rule, and call one another through interfaces at the
// consumer (commands rechecks through analyze and escalates through
// escalate): separate packages would export all of that and import each
// other. docs/architecture.md shows how to add one.
//
// The store (bot/store) is a journal and a cache, never the truth: every
// write is preceded by a re-read of the live bug (for a batch of bugs, one
// request before the batch's writes: core_rereads.go), and skipped when the
// bot's marker for it is already there (Marker, perform.go). Losing the
// store, or crashing at any instant, costs requests, never a duplicate
// comment.
package bot
