package bot

import (
	"context"
	"time"

	"github.com/stewardbot/stewardbot/bugzilla"
)

// The write methods reminders and assignments use. fakeBZ keeps no bug
// flags and no history: the planner tests that use it never reach a
// reminder; the reminder tests run on bugzillatest (remind_e2e_test.go).

func (f *fakeBZ) UpdateBug(ctx context.Context, bugID int, u bugzilla.BugUpdate) (*bugzilla.UpdateResult, error) {
	f.mu.Lock()
	err := f.call("UpdateBug")
	refuse := f.refuseNeedinfo
	f.mu.Unlock()
	if err != nil {
		return nil, err
	}
	for _, fl := range u.Flags {
		if fl.Requestee != nil && refuse != "" && *fl.Requestee == refuse {
			return nil, &bugzilla.APIError{Status: 400, Code: 32000,
				Message: refuse + ` is not currently accepting "needinfo" requests.`}
		}
	}
	if u.Comment != nil {
		if _, err := f.AddComment(ctx, bugID, *u.Comment); err != nil {
			return nil, err
		}
	}
	return &bugzilla.UpdateResult{ID: bugID, LastChangeTime: f.clock.Now(), Changes: map[string]bugzilla.FieldChange{}}, nil
}

func (f *fakeBZ) UpdateAttachment(context.Context, int, bugzilla.AttachmentUpdate) (*bugzilla.UpdateResult, error) {
	return nil, bugzilla.ErrNotSupported
}

func (f *fakeBZ) History(context.Context, int, time.Time) ([]bugzilla.HistoryEntry, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return nil, f.call("History")
}

func (f *fakeBZ) Users(_ context.Context, logins []string) ([]bugzilla.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("Users"); err != nil {
		return nil, err
	}
	out := make([]bugzilla.User, len(logins))
	for i, l := range logins {
		out[i] = bugzilla.User{Name: l}
	}
	return out, nil
}
