package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stewardbot/stewardbot/bot/store"
)

// kvRotation is where the poll keeps its place in the tracked
// bugs (rotation).
const kvRotation = "poll.rotation"

// rotation is how the poll checks the bugs it tracks (those with
// open requests) by id, so that a flag removed is seen: not all of them at
// every poll, which took one more search per trackedPerSearch bugs, but one
// chunk of trackedPerSearch ids per poll, in bug id order, round after round.
// An idle poll is then one search at any number of tracked bugs, and a
// removal is seen within ceil(tracked / trackedPerSearch) polls.
//
// A chunk is asked for with the bugs changed since the previous round
// began: every bug of the chunk was checked in that round, or became
// tracked after it began (the bot looked at it after a poll of that round,
// and saw everything before), so nothing that changed it since its last
// look is missed. The flag criterion of the same search uses that time too
// when it is older than the watermark; the bugs it brings back twice are
// not queued twice (queueChanged compares their last change).
type rotation struct {
	after int       // the last bug id checked in this round; 0: the next poll starts a round
	start time.Time // the server time the current round began
	prev  time.Time // the server time the previous round began: what the current round's chunks look back to
}

// loadRotation reads the rotation. With none stored (a store from before
// the rotation, whose polls checked every tracked bug at the watermark, or
// just swept), the previous round is taken to have begun at the watermark.
func loadRotation(ctx context.Context, kv kvStore, wm time.Time) (rotation, error) {
	v, err := kv.Get(ctx, kvRotation)
	if errors.Is(err, store.ErrNotFound) {
		return rotation{start: wm, prev: wm}, nil
	}
	if err != nil {
		return rotation{}, fmt.Errorf("bot: read poll rotation: %w", err)
	}
	r, err := parseRotation(v)
	if err != nil {
		return rotation{}, fmt.Errorf("%w %q: %w", errBadRotation, v, err)
	}
	return r, nil
}

// nextChunk picks this poll's chunk of the tracked bugs (those with open
// requests, sorted), with the watermark wm: the rotation as stored, the
// chunk, and the time the search must look back to, since or the round's
// look-back when older.
func (p *pollDuty) nextChunk(ctx context.Context, wm, since time.Time) (tracked []int, rot rotation, chunk []int, from time.Time, err error) {
	if tracked, err = p.st.BugsWithOpenRequests(ctx); err != nil {
		return nil, rotation{}, nil, time.Time{}, err
	}
	if rot, err = p.loadRotation(ctx, tracked, wm); err != nil {
		return nil, rotation{}, nil, time.Time{}, err
	}
	chunk, back := rot.next(tracked)
	if !back.IsZero() && back.Before(since) {
		since = back
	}
	return tracked, rot, chunk, since, nil
}

// errBadRotation is a stored rotation that does not parse.
var errBadRotation = errors.New("bot: bad stored poll rotation")

// loadRotation is loadRotation for the poll of tracked (sorted bug ids),
// with the watermark wm. A stored rotation that does not parse (an edit
// by hand, a bad restore) does not stop polling: the poll logs it and
// starts a round that looks back far enough whatever the lost rotation
// held (safeRotation).
func (p *pollDuty) loadRotation(ctx context.Context, tracked []int, wm time.Time) (rotation, error) {
	r, err := loadRotation(ctx, p.st, wm)
	if !errors.Is(err, errBadRotation) {
		return r, err
	}
	safe, serr := p.safeRotation(ctx, tracked, wm)
	if serr != nil {
		return rotation{}, errors.Join(err, serr)
	}
	p.log.Warn().Err(err).Time("look_back_to", safe.prev).
		Msg("stored poll rotation unreadable: a new round looks back to the oldest last change of the tracked bugs")
	return safe, nil
}

// safeRotation is a new round for when the rotation is lost: its chunks
// look back to the oldest last change the store records of the tracked
// bugs (and at least to the watermark). The bot looked at each tracked bug
// after that change was recorded, so whatever changed a tracked bug since
// the bot's last look at it, a removed flag included, changed it after
// that time, and the round finds it, however far back the lost rotation
// looked. A tracked bug whose last change is not recorded counts from the
// watermark.
func (p *pollDuty) safeRotation(ctx context.Context, tracked []int, wm time.Time) (rotation, error) {
	known, err := p.st.BugLastChange(ctx, tracked)
	if err != nil {
		return rotation{}, err
	}
	from := wm
	for _, lc := range known {
		if !lc.IsZero() && lc.Before(from) {
			from = lc
		}
	}
	return rotation{start: from, prev: from}, nil
}

// parseRotation reads "after start prev" (RFC 3339 times).
func parseRotation(v string) (rotation, error) {
	f := strings.Fields(v)
	if len(f) != 3 {
		return rotation{}, errors.New("want a bug id and two times")
	}
	var r rotation
	var err error
	if r.after, err = strconv.Atoi(f[0]); err != nil || r.after < 0 {
		return rotation{}, fmt.Errorf("bad bug id %q", f[0])
	}
	if r.start, err = time.Parse(time.RFC3339Nano, f[1]); err != nil {
		return rotation{}, err
	}
	if r.prev, err = time.Parse(time.RFC3339Nano, f[2]); err != nil {
		return rotation{}, err
	}
	return r, nil
}

func (r rotation) String() string {
	return fmt.Sprintf("%d %s %s", r.after, r.start.UTC().Format(time.RFC3339Nano), r.prev.UTC().Format(time.RFC3339Nano))
}

// next picks this poll's chunk of tracked (sorted bug ids): the first
// trackedPerSearch after the last one checked, or from the start when a
// round begins. It returns the chunk and the time the search must look back
// to (before the overlap), with wm the watermark.
func (r *rotation) next(tracked []int) (chunk []int, since time.Time) {
	i, _ := slices.BinarySearch(tracked, r.after+1)
	if r.after == 0 || i == len(tracked) {
		// A new round: its chunks look back to when the one ending began.
		i, r.after, r.prev = 0, 0, r.start
	}
	chunk = tracked[i:min(i+trackedPerSearch, len(tracked))]
	return chunk, r.prev
}

// advance records a poll of chunk answered at serverNow: the next poll
// goes on after it, or starts a round when it reached the end of tracked.
func (r *rotation) advance(tracked, chunk []int, serverNow time.Time) {
	if r.after == 0 {
		r.start = serverNow
	}
	r.after = 0
	if len(chunk) > 0 && chunk[len(chunk)-1] != tracked[len(tracked)-1] {
		r.after = chunk[len(chunk)-1]
	}
}
