-- A bug's Bugzilla product, so that the analysis applies the rules'
-- per-product overrides (rules "products:"). '' when not known yet: the
-- base rules apply.
ALTER TABLE bug_info ADD COLUMN product TEXT NOT NULL DEFAULT '';
