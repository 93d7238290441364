// Package bottest is the one test rig of stewardbot: the real Bugzilla
// client against the fake Bugzilla (bugzilla/bugzillatest), a SQLite store,
// a fake clock that moves with the fake's, a configuration and a buffer of
// the log lines, around a bot that a Builder makes.
//
// It never imports package bot, so that bot's own tests (package bot) can
// use it: they pass a Builder over their own New. Everyone else uses
// botrig.Builder.
package bottest
