-- Reminders about open data-review requests. Like the rest of the store this
-- is a cache: the reminders themselves are marked comments on the bug, and the
-- bot counts those before it writes. The table only says when a request is
-- next worth looking at (next_due), and who was reminded when, for the
-- per-person cap.
CREATE TABLE reminders (
    flag_id    BIGINT PRIMARY KEY,
    bug_id     BIGINT NOT NULL,
    requestee  TEXT NOT NULL DEFAULT '',
    sent       INTEGER NOT NULL DEFAULT 0,
    last_sent  TEXT NOT NULL DEFAULT '',
    next_due   TEXT NOT NULL DEFAULT '',
    state      TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL
);
CREATE INDEX reminders_requestee ON reminders (requestee, last_sent);
