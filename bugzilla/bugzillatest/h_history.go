package bugzillatest

import "net/http"

// GET /rest/bug/{id}/history: {"bugs":[{"id","alias","history":[...]}]}.
// Changes to private attachments are left out for non-insiders, and
// new_since keeps entries strictly after the given time.
func handleHistory(c *reqCtx) (int, any, *Error) {
	since, err := c.newSince()
	if err != nil {
		return 0, nil, err
	}
	insider := c.user.in(c.s.cfg.insiderGroup)
	bugs := []any{}
	for _, id := range c.idList(c.m[1], "ids") {
		b, err := c.d.lookupBug(id, c.user)
		if err != nil {
			return 0, nil, err
		}
		hist := []any{}
		for _, h := range b.history {
			if !since.IsZero() && !h.when.After(since) {
				continue
			}
			changes := []any{}
			for _, ch := range h.changes {
				if ch.att != nil && ch.att.isPrivate && !insider {
					continue
				}
				m := map[string]any{"field_name": ch.field, "removed": ch.removed, "added": ch.added}
				if ch.att != nil {
					m["attachment_id"] = ch.att.id
				}
				changes = append(changes, m)
			}
			if len(changes) == 0 {
				continue
			}
			hist = append(hist, map[string]any{"when": isoTime(h.when), "who": h.who, "changes": changes})
		}
		alias := []any{}
		if b.alias != "" {
			alias = append(alias, b.alias)
		}
		bugs = append(bugs, map[string]any{"id": b.id, "alias": alias, "history": hist})
	}
	return http.StatusOK, map[string]any{"bugs": bugs}, nil
}
