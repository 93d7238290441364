-- What Bugzilla said of the accounts the reviewed forms name as owners,
-- for the survey's "owners no longer active" (survey.owner_activity). One
-- row per login, lower case. found is 0 when Bugzilla has no such account;
-- last_activity is the account's last activity (BMO's last_activity_time),
-- '' when the server did not say: then the activity is unknown, never
-- inactive. checked_at is when the bot asked. Times are the store's text
-- format (timefmt.go).
CREATE TABLE owner_activity (
    login         TEXT PRIMARY KEY,
    found         INTEGER NOT NULL,
    last_activity TEXT NOT NULL DEFAULT '',
    checked_at    TEXT NOT NULL
);
