// Package e2e holds what stewardbot's end-to-end tests share: a corpus of
// data-review requests of every kind for the fake Bugzilla, with what the
// bot owes each one, and an audit that counts the bot's marked comments
// against those expectations.
//
// The tests themselves live here too: the crash test (the real binary,
// killed with SIGKILL at random moments), fault tests (the bot in-process
// with a fake clock), security tests and the benchmarks of BENCHMARKS.md.
package e2e
