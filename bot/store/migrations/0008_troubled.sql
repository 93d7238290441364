-- Work that keeps failing, for the log, the metrics and the dashboard, and
-- so that a failing bug is retried with backoff across restarts instead of
-- failing every cycle (docs/operations.md). One row per thing that fails:
-- key is "bug:N" for reading or handling bug N, or a write's action key.
-- kind is "read" or "write". retry_at is when the bot tries again; '' when
-- it has given up (a write refused maxWriteAttempts times). private says
-- the bug is known to be private: the dashboard then hides the reason.
CREATE TABLE troubled (
    key             TEXT PRIMARY KEY,
    bug_id          BIGINT NOT NULL,
    kind            TEXT NOT NULL,
    reason          TEXT NOT NULL DEFAULT '',
    failures        INTEGER NOT NULL DEFAULT 0,
    first_failed_at TEXT NOT NULL,
    last_failed_at  TEXT NOT NULL,
    retry_at        TEXT NOT NULL DEFAULT ''
);

CREATE INDEX troubled_bug ON troubled (bug_id);
