-- What the steward dashboard shows and the journal does not hold: a bug's
-- summary and whether it is private, and what the analysis of each form
-- revision found. Only the dashboard reads these tables.

-- Bugs the bot has polled: summary and privacy (in a group).
CREATE TABLE bug_info (
    bug_id     BIGINT PRIMARY KEY,
    summary    TEXT NOT NULL DEFAULT '',
    private    INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL
);

-- The analysis of one form revision, by the request's form_key and form_rev.
CREATE TABLE form_analyses (
    form_key         TEXT NOT NULL,
    form_rev         TEXT NOT NULL,
    private          INTEGER NOT NULL DEFAULT 0,
    highest_category INTEGER NOT NULL DEFAULT 0,
    escalations      TEXT NOT NULL DEFAULT '',
    analysed_at      TEXT NOT NULL,
    PRIMARY KEY (form_key, form_rev)
);
