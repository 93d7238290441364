package bot

import (
	"context"
	"fmt"

	"github.com/stewardbot/stewardbot/bugzilla"
)

// bugView is what one analyse pass knows about a bug: its attachments'
// metadata (fetched in batches for many bugs), contents downloaded so far,
// and its comments once someone needed them.
type bugView struct {
	id       int
	atts     []bugzilla.Attachment
	data     map[int][]byte // attachment id → content
	comments []bugzilla.Comment
	loaded   bool // comments were read
}

func newBugView(id int, atts []bugzilla.Attachment) *bugView {
	return &bugView{id: id, atts: atts, data: map[int][]byte{}}
}

func (v *bugView) attachment(id int) *bugzilla.Attachment {
	for i := range v.atts {
		if v.atts[i].ID == id {
			return &v.atts[i]
		}
	}
	return nil
}

// download returns an attachment's content, fetching it when not prefetched.
func (v *bugView) download(ctx context.Context, bz bugzillaClient, id int) ([]byte, error) {
	if d, ok := v.data[id]; ok {
		return d, nil
	}
	got, err := bz.AttachmentsByID(ctx, []int{id}, bugzilla.AttachmentOptions{WithData: true})
	if err != nil {
		return nil, fmt.Errorf("download attachment %d: %w", id, err)
	}
	a, ok := got[id]
	if !ok {
		return nil, fmt.Errorf("download attachment %d: %w", id, bugzilla.ErrNotFound)
	}
	v.data[id] = a.Data
	return a.Data, nil
}

// allComments reads every comment of the bug once per pass.
func (v *bugView) allComments(ctx context.Context, bz bugzillaClient) ([]bugzilla.Comment, error) {
	if v.loaded {
		return v.comments, nil
	}
	cs, err := bz.Comments(ctx, v.id, zeroTime)
	if err != nil {
		return nil, fmt.Errorf("comments of bug %d: %w", v.id, err)
	}
	v.comments, v.loaded = cs, true
	return cs, nil
}
