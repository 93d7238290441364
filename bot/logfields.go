package bot

// Log field names every message about a request uses, so that one grep or
// one query follows a request through the logs.
const (
	LogBugID        = "bug_id"
	LogAttachmentID = "attachment_id"
	LogFlagID       = "flag_id"
	LogAction       = "action"
)
