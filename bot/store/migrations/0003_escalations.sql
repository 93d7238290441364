-- Escalations to Trust and Legal, and the controls set by comment commands.
-- Like the rest of the store these are a cache: every escalation notice and
-- every command answer is a marked comment on the bug, which the bot checks
-- before writing, and the controls are re-read from the bug's comments.

-- One row per form revision and target ("trust", "legal"). status is made,
-- blocked (a contact could not be asked: hidden from them, blocking
-- requests, unknown), or dry_run. blocked lists "login: why" lines for the
-- dashboard.
CREATE TABLE escalations (
    key        TEXT PRIMARY KEY,
    bug_id     BIGINT NOT NULL,
    form_key   TEXT NOT NULL,
    rev        TEXT NOT NULL,
    target     TEXT NOT NULL,
    status     TEXT NOT NULL,
    reasons    TEXT NOT NULL DEFAULT '',
    asked      TEXT NOT NULL DEFAULT '',
    blocked    TEXT NOT NULL DEFAULT '',
    forced     INTEGER NOT NULL DEFAULT 0,
    comment_id BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX escalations_bug ON escalations (bug_id);
CREATE INDEX escalations_status ON escalations (status);

-- What the commands in a bug's comments have set: a snooze of reminders,
-- a stop. Rebuilt from the comments whenever they are read again.
CREATE TABLE bug_controls (
    bug_id        BIGINT PRIMARY KEY,
    snoozed_until TEXT NOT NULL DEFAULT '',
    stopped       INTEGER NOT NULL DEFAULT 0,
    updated_at    TEXT NOT NULL
);
