-- Which mode made a reminder row. A dry run only logs its reminders, yet
-- moves the schedule on as if it had posted them (so that it does not read
-- the same bugs every cycle). Once the bot may write, those rows are not its
-- own: it looks at the live bug again and sends what the dry run only logged.
-- The per-person cap counts the rows of the running mode only.
ALTER TABLE reminders ADD COLUMN dry_run INTEGER NOT NULL DEFAULT 0;
