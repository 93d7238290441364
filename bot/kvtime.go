package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/stewardbot/stewardbot/bot/store"
)

// storedTime reads a time the bot keeps under key (a watermark, a park, the
// last good cycle). A key never written reads as the zero time; what names
// the value in errors.
func storedTime(ctx context.Context, kv kvStore, key, what string) (time.Time, error) {
	v, err := kv.Get(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("bot: read %s: %w", what, err)
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("bot: bad stored %s %q: %w", what, v, err)
	}
	return t, nil
}
