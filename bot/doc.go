// Package bot is stewardbot's daemon: its configuration, its loop, its
// store, its clock, the comments it writes and every side effect.
//
// A cycle runs the named tasks in order (see Bot.Tasks): poll queues the
// bugs whose data-review requests changed, reading Bugzilla incrementally;
// analyse finds each open request's form and posts what is owed; remind
// (remind.go) stops everything for answered requests, gives unassigned ones
// a steward and reminds stewards on a business-day schedule. Tasks talk
// through the store (bot/store), which is a journal and a cache, never the
// truth: every write is preceded by a re-read of the live bug, and skipped
// when the bot's marker for it is already there (see Marker and perform).
// Losing the store, or crashing at any instant, costs requests, never a
// duplicate comment.
//
// The Bugzilla methods the bot needs are declared here (bugzillaClient) and
// satisfied by *bugzilla.Client; time comes from a Clock so that tests and
// the demo can move it.
package bot
