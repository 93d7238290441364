package bot

// MaxBugID is the largest bug id any Bugzilla can hold. Its bugs.bug_id
// column is a MEDIUMSERIAL: a MEDIUMINT (to 8,388,607) on MySQL, an INT on
// PostgreSQL and Oracle. Ids above it come only from bad input (a forged or
// broken webhook), and asking Bugzilla about them fails.
const MaxBugID = 1<<31 - 1

// ValidBugID reports whether id can name a bug: 1 to MaxBugID.
func ValidBugID(id int) bool { return id > 0 && id <= MaxBugID }
