-- The collections each analysed form revision describes, one row per
-- measurement, for the yearly survey (stewardbot report) and the reminder
-- before a dated expiry. Like the rest of the store this is a cache: the
-- form on the bug is the truth, and a lost row is read from it again while
-- the request is open.
--
-- The request-level answers (default-on, channels, expiry, owner) are
-- repeated on every measurement's row: the form states them once for all.
-- position is the measurement's place in the form, from 1; a form whose
-- measurements could not be read has one row at position 0 with no name, so
-- that it is still listed. expiry is the normalised expiries ("2027-03-01;
-- version 140"), or the answer as written (cut short) when none could be
-- read; expiry_dates lists the dated ones as YYYY-MM-DD, space-separated
-- and sorted, '' when none. private is the form's privacy.
CREATE TABLE collections (
    form_key      TEXT NOT NULL,
    form_rev      TEXT NOT NULL,
    position      INTEGER NOT NULL,
    bug_id        BIGINT NOT NULL,
    attachment_id BIGINT NOT NULL DEFAULT 0,
    measurement   TEXT NOT NULL DEFAULT '',
    category      INTEGER NOT NULL DEFAULT 0,
    category_text TEXT NOT NULL DEFAULT '',
    default_on    TEXT NOT NULL DEFAULT '',
    channels      TEXT NOT NULL DEFAULT '',
    expiry        TEXT NOT NULL DEFAULT '',
    expiry_dates  TEXT NOT NULL DEFAULT '',
    owner         TEXT NOT NULL DEFAULT '',
    private       INTEGER NOT NULL DEFAULT 0,
    recorded_at   TEXT NOT NULL,
    PRIMARY KEY (form_key, form_rev, position)
);
CREATE INDEX collections_bug ON collections (bug_id);
CREATE INDEX collections_dated ON collections (expiry_dates);
