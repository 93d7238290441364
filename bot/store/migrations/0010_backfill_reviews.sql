-- The steward's Data Review form of an answered request, as "stewardbot
-- backfill" found it in the bug's comments: the record of the review
-- beside the request's (requests) and its collections. One row per
-- data-review flag. form_key is "comment:N" (the comment's id) or
-- "attachment:N"; result is "data-review+", "data-review-" or '' when
-- the form states none; reviewed_at is when the form was posted; private
-- says the comment or attachment is private.
CREATE TABLE review_forms (
    flag_id     BIGINT PRIMARY KEY,
    bug_id      BIGINT NOT NULL,
    form_key    TEXT NOT NULL,
    version     TEXT NOT NULL DEFAULT '',
    result      TEXT NOT NULL DEFAULT '',
    private     INTEGER NOT NULL DEFAULT 0,
    reviewed_at TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);

CREATE INDEX review_forms_bug ON review_forms (bug_id);
