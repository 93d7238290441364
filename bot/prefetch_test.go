package bot

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/rs/zerolog"

	"github.com/stewardbot/stewardbot/bugzilla"
)

// oversizeBZ is fakeBZ whose attachment downloads report the given
// attachments as sent over the cap (as the client does when a server's
// data outgrows its metadata), and which records the options of every
// AttachmentsByID call.
type oversizeBZ struct {
	*fakeBZ
	oversize map[int]bool

	mu   sync.Mutex
	opts []bugzilla.AttachmentOptions
}

func (o *oversizeBZ) AttachmentsByID(ctx context.Context, ids []int, opt bugzilla.AttachmentOptions) (map[int]bugzilla.Attachment, error) {
	o.mu.Lock()
	o.opts = append(o.opts, opt)
	o.mu.Unlock()
	got, err := o.fakeBZ.AttachmentsByID(ctx, ids, opt)
	if err != nil || !opt.WithData {
		return got, err
	}
	var over []int
	for id, a := range got {
		if o.oversize[id] {
			a.Data = nil
			got[id] = a
			over = append(over, id)
		}
	}
	if len(over) > 0 {
		slices.Sort(over)
		return got, &bugzilla.TooLargeError{IDs: over, Cap: 1 << 20}
	}
	return got, nil
}

func (o *oversizeBZ) options() []bugzilla.AttachmentOptions {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.opts)
}

// useClient restarts the harness's bot over bz.
func (h *harness) useClient(bz bugzillaClient) {
	h.t.Helper()
	b, err := newBot(h.cfg, bz, h.st, WithClock(h.clock), WithLogger(zerolog.New(h.logs)),
		WithPostHook(func(p Posted) { h.posted = append(h.posted, p) }))
	if err != nil {
		h.t.Fatal(err)
	}
	b.analyzer = fakeAnalyzer{}
	h.bot = b
}

// TestPrefetchOneRequestKeepsTheMap: the forms of a cold start come in one
// request whose sizes the bot vouches for (it just read them), and an
// attachment that request found over the cap is judged from that answer,
// not fetched again on its own.
func TestPrefetchOneRequestKeepsTheMap(t *testing.T) {
	h := newHarness(t, nil)
	good, _ := h.request(1, fakeForm("a 1"), false)
	big, _ := h.request(2, fakeForm("b 1"), false)
	bz := &oversizeBZ{fakeBZ: h.bz, oversize: map[int]bool{big: true}}
	h.useClient(bz)

	// The tasks that find forms; later tasks may read forms for themselves.
	for _, task := range []string{"poll", "analyse"} {
		if err := h.bot.RunOnce(h.ctx, task); err != nil {
			t.Fatalf("%s: %v", task, err)
		}
	}

	opts := bz.options()
	if len(opts) != 1 {
		t.Fatalf("%d attachment downloads, want 1 (the prefetch): %+v", len(opts), opts)
	}
	if !opts[0].WithData || !opts[0].SizesChecked {
		t.Errorf("prefetch options %+v, want WithData and SizesChecked", opts[0])
	}
	if n := h.bz.calls["AttachmentsByID"]; n != 1 {
		t.Errorf("AttachmentsByID called %d times, want 1", n)
	}
	if cs := h.bz.botComments(1); len(cs) != 1 || !strings.Contains(cs[0].Text, "attachment="+strconv.Itoa(good)) {
		t.Errorf("bug 1: %d bot comments, want its analysis", len(cs))
	}
	// Over the cap, the attachment is no form: the bug is asked for one.
	if cs := h.bz.botComments(2); len(cs) != 1 || !strings.Contains(cs[0].Text, kindNeedsForm) {
		t.Errorf("bug 2: want one request for the form, got %d comments", len(cs))
	}
	if !strings.Contains(h.logs.String(), "not readable; not a form") {
		t.Errorf("the oversized attachment was not logged:\n%s", h.logs)
	}
}

// TestDownloadAloneSizesChecked: an attachment fetched on its own (a
// replaced form, not prefetched) comes in one request too, since the view
// holds its metadata.
func TestDownloadAloneSizesChecked(t *testing.T) {
	h := newHarness(t, nil)
	bz := &oversizeBZ{fakeBZ: h.bz}
	h.useClient(bz)
	h.bz.addBug(1)
	h.bz.attach(1, bugzilla.Attachment{FileName: "a.md", ContentType: "text/plain", Data: fakeForm("x 1")}, "?", "steward1@example.test")
	v := newBugView(1, h.bz.bugs[1].atts, h.cfg.Bugzilla.MaxAttachmentBytes)
	id := v.atts[0].ID
	if _, err := v.download(h.ctx, bz, id); err != nil {
		t.Fatal(err)
	}
	if _, err := v.download(h.ctx, bz, id); err != nil { // cached
		t.Fatal(err)
	}
	opts := bz.options()
	if len(opts) != 1 || !opts[0].SizesChecked || !opts[0].WithData {
		t.Errorf("downloads %+v, want one with WithData and SizesChecked", opts)
	}

	// Metadata over the bot's cap: the client checks the size itself.
	v = newBugView(1, h.bz.bugs[1].atts, 1)
	if _, err := v.download(h.ctx, bz, id); err != nil {
		t.Fatal(err)
	}
	if opts := bz.options(); len(opts) != 2 || opts[1].SizesChecked {
		t.Errorf("download of an attachment over the cap: %+v, want SizesChecked unset", opts[len(opts)-1])
	}
}
