-- The journal and cache of stewardbot. Portable SQL: the same file runs on
-- SQLite and PostgreSQL. Times are TEXT in UTC, fixed width, so they sort.

-- Small named values: watermarks, the rate-limit park.
CREATE TABLE kv (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- The work queue: bugs that changed and must be looked at. A bug stays dirty
-- until every action it needs is done, deferred by a cap only.
CREATE TABLE bugs (
    bug_id      BIGINT PRIMARY KEY,
    dirty       INTEGER NOT NULL,
    last_change TEXT NOT NULL DEFAULT '',
    marked_at   TEXT NOT NULL
);
CREATE INDEX bugs_dirty ON bugs (dirty, bug_id);

-- Every data-review flag the bot has seen, with what it found for it.
CREATE TABLE requests (
    flag_id       BIGINT PRIMARY KEY,
    bug_id        BIGINT NOT NULL,
    attachment_id BIGINT NOT NULL,
    requestee     TEXT NOT NULL DEFAULT '',
    setter        TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL,
    first_status  TEXT NOT NULL,
    requested_at  TEXT NOT NULL DEFAULT '',
    first_seen    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    form_key      TEXT NOT NULL DEFAULT '',
    form_rev      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX requests_bug ON requests (bug_id);

-- The action journal: intent, then done, unknown or failed, by a stable key.
CREATE TABLE actions (
    key           TEXT PRIMARY KEY,
    kind          TEXT NOT NULL,
    bug_id        BIGINT NOT NULL,
    attachment_id BIGINT NOT NULL DEFAULT 0,
    flag_id       BIGINT NOT NULL DEFAULT 0,
    status        TEXT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    comment_id    BIGINT NOT NULL DEFAULT 0,
    error         TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX actions_bug ON actions (bug_id);
CREATE INDEX actions_status ON actions (status);

-- What the bot learnt about an attachment's content. Attachments never change
-- in Bugzilla, so this cache never goes stale.
CREATE TABLE forms (
    attachment_id BIGINT PRIMARY KEY,
    is_form       INTEGER NOT NULL,
    rev           TEXT NOT NULL DEFAULT '',
    version       TEXT NOT NULL DEFAULT '',
    checked_at    TEXT NOT NULL
);
