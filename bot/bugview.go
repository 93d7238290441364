package bot

import (
	"context"
	"errors"
	"fmt"
	"unsafe"

	"github.com/stewardbot/stewardbot/bugzilla"
)

// bugView is what one analyze pass knows about a bug: its attachments'
// metadata (fetched in batches for many bugs), contents downloaded so far,
// and its comments once someone needed them.
type bugView struct {
	id       int
	atts     []bugzilla.Attachment
	maxBytes int64          // the content cap the attachments' sizes are checked against
	data     map[int][]byte // attachment id → content
	tooLarge map[int]bool   // attachments whose content Bugzilla sent over the cap
	comments []bugzilla.Comment
	loaded   bool // comments were read
	// reads says how attachments that are not forms were read when their
	// bytes were not plain UTF-8 text, so that the request for a form can
	// say why a flagged attachment was no use.
	reads map[int]attachmentRead
	// formless lists the flagged attachments of requests for which no form
	// was found on the bug in this pass.
	formless []int
	// size is about the bytes the view holds (its attachments' metadata
	// and content, its comments: see viewBytes), and held the byte count
	// of the cycle's cache holding it (nil when none), which keeps the
	// cache bounded.
	size int64
	held *int64
	// batch is the views read with this one (views.read), whose comments
	// are read together when one of them needs its own; nil when none.
	batch *viewBatch
}

// attachmentRead is how the bot read an attachment that was not UTF-8 text.
type attachmentRead struct {
	NotText bool // its content type is not text/*: it was not downloaded
	// Binary: its bytes are not text in any encoding the bot reads.
	// LooksLike is the file format their signature shows ("image/png"),
	// "" when none; Undecodable means they are no known format and hold no
	// NUL byte, so most likely text in an encoding the bot does not know.
	Binary      bool
	LooksLike   string
	Undecodable bool
	Encoding    string // the encoding it was read as, when not UTF-8
}

func newBugView(id int, atts []bugzilla.Attachment, maxBytes int64) *bugView {
	v := &bugView{id: id, atts: atts, maxBytes: maxBytes, data: map[int][]byte{}, tooLarge: map[int]bool{},
		reads: map[int]attachmentRead{}, size: viewBytes}
	for i := range atts {
		v.size += attachmentBytes(&atts[i])
	}
	return v
}

// What the cycle's cache counts for a view (bugView.size) is an estimate of
// the heap it holds: the text of its forms and comments, and also the
// decoded structures around them. Counting only the text, the cache held
// about half as much again as its bound (over the benchmarks' corpus, 1.4
// MB of text was 2.1 MB by this count: many bugs have a few short comments
// and several attachments), and the Go heap grows to twice what is live.
const (
	viewBytes = int64(unsafe.Sizeof(bugView{})+unsafe.Sizeof(cachedView{})) +
		3*mapBytes + 16 // the view's own struct, its cache entry and its three maps; a weak pointer in its batch
	mapBytes      = 48 // an empty map's header and first group, about
	mapEntryBytes = 32 // a map entry's key, value and share of its group, about
	stringBytes   = int64(unsafe.Sizeof(""))
)

// attachmentBytes estimates the heap an attachment's metadata holds.
func attachmentBytes(a *bugzilla.Attachment) int64 {
	n := int64(unsafe.Sizeof(*a)) + int64(len(a.FileName)+len(a.Summary)+len(a.ContentType)+len(a.Creator))
	for _, f := range a.Flags {
		n += int64(unsafe.Sizeof(f)) + int64(len(f.Name)+len(f.Status)+len(f.Setter)+len(f.Requestee))
	}
	return n
}

// commentBytes estimates the heap a comment holds.
func commentBytes(c *bugzilla.Comment) int64 {
	n := int64(unsafe.Sizeof(*c)) + int64(len(c.Text)+len(c.Creator))
	for _, t := range c.Tags {
		n += stringBytes + int64(len(t))
	}
	return n
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
// The view holds the attachment's metadata, read in this pass: when its
// size is within the cap, data and metadata come in one request
// (CheckedSizes) rather than two. An attachment already found over the cap
// is not asked for again.
func (v *bugView) download(ctx context.Context, bz bugzillaClient, id int) ([]byte, error) {
	if d, ok := v.data[id]; ok {
		return d, nil
	}
	if v.tooLarge[id] {
		return nil, fmt.Errorf("download attachment %d: %w", id, &bugzilla.TooLargeError{IDs: []int{id}, Cap: v.maxBytes})
	}
	o := bugzilla.AttachmentOptions{WithData: true}
	if a := v.attachment(id); a != nil && a.Size >= 0 && a.Size <= v.maxBytes {
		o.CheckedSizes = map[int]int64{id: a.Size}
	}
	got, err := bz.AttachmentsByID(ctx, []int{id}, o)
	if errors.Is(err, bugzilla.ErrTooLarge) {
		v.tooLarge[id] = true
	}
	if err != nil {
		return nil, fmt.Errorf("download attachment %d: %w", id, err)
	}
	a, ok := got[id]
	if !ok {
		return nil, fmt.Errorf("download attachment %d: %w", id, bugzilla.ErrNotFound)
	}
	v.setData(id, a.Data)
	return a.Data, nil
}

// setData keeps an attachment's content, counting its bytes.
func (v *bugView) setData(id int, data []byte) {
	v.data[id] = data
	v.grow(mapEntryBytes + int64(len(data)))
}

// setComments keeps the bug's comments, counting what they hold.
func (v *bugView) setComments(cs []bugzilla.Comment) {
	v.comments, v.loaded = cs, true
	var n int64
	for i := range cs {
		n += commentBytes(&cs[i])
	}
	v.grow(n)
}

func (v *bugView) grow(n int64) {
	v.size += n
	if v.held != nil {
		*v.held += n
	}
}

// allComments reads every comment of the bug once per pass: with those of
// the views read with it when it has a batch (viewBatch), else alone.
func (v *bugView) allComments(ctx context.Context, bz bugzillaClient) ([]bugzilla.Comment, error) {
	if v.loaded {
		return v.comments, nil
	}
	if err := v.batch.loadComments(ctx, bz); err != nil {
		return nil, fmt.Errorf("comments of bug %d: %w", v.id, err)
	}
	if v.loaded {
		return v.comments, nil
	}
	cs, err := bz.Comments(ctx, v.id, zeroTime)
	if err != nil {
		return nil, fmt.Errorf("comments of bug %d: %w", v.id, err)
	}
	v.setComments(cs)
	return cs, nil
}
