-- What the dashboard shows of an analysis beyond its category: its findings
-- in one short line, built from the finding codes only (never a form's
-- text, so it may be stored for private forms too; the dashboard still
-- hides it on their rows), and the number on the bug (Bugzilla's comment
-- count, the N of show_bug.cgi?id=B#cN) of the bot's analysis comment, 0
-- while unknown: the dashboard then links the bug itself.
ALTER TABLE form_analyses ADD COLUMN findings TEXT NOT NULL DEFAULT '';
ALTER TABLE form_analyses ADD COLUMN comment_number INTEGER NOT NULL DEFAULT 0;
