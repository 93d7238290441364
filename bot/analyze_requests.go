package bot

import (
	"context"

	"github.com/stewardbot/stewardbot/bot/store"
)

// syncRequests records every data-review flag on the bug's attachments and
// returns the open requests: flags at "?" that were "?" when first seen. A
// flag already "+" or "-" when the bot first meets it was decided by a
// human, and gets no analysis. A flag turned back to "?" after a decision is
// a new request. Flags that vanished are recorded as "X".
func (an *analyzeDuty) syncRequests(ctx context.Context, v *bugView) ([]store.Request, error) {
	known, err := an.st.RequestsOnBug(ctx, v.id)
	if err != nil {
		return nil, err
	}
	byFlag := make(map[int]store.Request, len(known))
	for _, r := range known {
		byFlag[r.FlagID] = r
	}
	now := an.now()
	present := map[int]bool{}
	var open []store.Request
	for _, a := range v.atts {
		for _, fl := range a.Flags {
			if fl.Name != an.flagName {
				continue
			}
			present[fl.ID] = true
			old, seen := byFlag[fl.ID]
			r := old
			fresh := !seen || (fl.Status == "?" && old.Status != "?")
			if fresh {
				r = store.Request{FlagID: fl.ID, BugID: v.id, FirstSeen: now, FirstStatus: fl.Status,
					RequestedAt: fl.ModificationDate}
				if r.RequestedAt.IsZero() {
					r.RequestedAt = fl.CreationDate
				}
			}
			r.AttachmentID, r.Requestee, r.Setter, r.Status = a.ID, fl.Requestee, fl.Setter, fl.Status
			if fresh || requestChanged(old, r) {
				r.UpdatedAt = now
				if err := an.st.SaveRequest(ctx, r); err != nil {
					return nil, err
				}
				an.log.Info().Int(LogBugID, v.id).Int(LogAttachmentID, a.ID).Int(LogFlagID, fl.ID).
					Str("status", fl.Status).Str("requestee", fl.Requestee).Bool("new", !seen).Msg("request seen")
			}
			if isOpen(r) {
				open = append(open, r)
			}
		}
	}
	for _, r := range known {
		if !present[r.FlagID] && r.Status != "X" {
			r.Status, r.UpdatedAt = "X", now
			if err := an.st.SaveRequest(ctx, r); err != nil {
				return nil, err
			}
		}
	}
	return open, nil
}

// requestChanged compares what Bugzilla can change about a request.
func requestChanged(a, b store.Request) bool {
	return a.AttachmentID != b.AttachmentID || a.Requestee != b.Requestee || a.Setter != b.Setter ||
		a.Status != b.Status || a.FirstStatus != b.FirstStatus
}
