package bot

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/stewardbot/stewardbot/bugzilla"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// attachmentReads is the endpoint of attachment downloads by id. With
// CheckedSizes the client reads metadata and data in one request to it;
// without, a metadata request and then a data request.
const attachmentReads = "GET /rest/bug/attachment/{id}"

// TestPrefetchOneRequestKeepsTheMap: the forms of a cold start come in one
// request whose sizes the bot vouches for (it just read them), and an
// attachment that request found over the cap is judged from that answer,
// not fetched again on its own. The client's cap is below the bot's, so
// the bot vouches for a form the client then finds too large (as when a
// server's data outgrows its metadata).
func TestPrefetchOneRequestKeepsTheMap(t *testing.T) {
	form := string(mustReadDemoForm(t, "clean-12q.md"))
	clientCap := int64(len(form) + 1024)
	e := newE2E(t, bugzillatest.Upstream, nil)
	e.rig.ClientOptions = append(e.rig.ClientOptions, bugzilla.WithMaxAttachmentBytes(clientCap))
	e.newProcess()
	goodBug, good := e.request("Count widget clicks", form, false, steward1)
	bigBug, _ := e.request("Count widget taps", form+strings.Repeat("\n", int(clientCap)), false, steward1)
	e.srv.ResetRecords()

	// The tasks that find forms; later tasks may read forms for themselves.
	for _, task := range []string{"poll", "analyze"} {
		if err := e.bot.RunOnce(e.ctx, task); err != nil {
			t.Fatalf("%s: %v", task, err)
		}
	}

	if n := e.srv.RequestCount(attachmentReads); n != 1 {
		t.Errorf("%d attachment downloads, want 1 (the prefetch, metadata and data together); all requests: %v", n, e.srv.RequestCounts())
	}
	if cs := e.botComments(goodBug); len(cs) != 1 || !strings.Contains(cs[0].Text, "attachment="+strconv.Itoa(good)) {
		t.Errorf("bug %d: %d bot comments, want its analysis", goodBug, len(cs))
	}
	// Over the cap, the attachment is no form: the bug is asked for one.
	if cs := e.botComments(bigBug); len(cs) != 1 || !strings.Contains(cs[0].Text, kindNeedsForm) {
		t.Errorf("bug %d: want one request for the form, got %d comments", bigBug, len(cs))
	}
	if !strings.Contains(e.logs.String(), "not readable; not a form") {
		t.Errorf("the oversized attachment was not logged:\n%s", e.logs)
	}
}

// TestDownloadAloneCheckedSizes: an attachment fetched on its own (a
// replaced form, not prefetched) comes in one request too, since the view
// holds its metadata.
func TestDownloadAloneCheckedSizes(t *testing.T) {
	e := newE2E(t, bugzillatest.Upstream, nil)
	bug, id := e.request("Count widget clicks", string(mustReadDemoForm(t, "clean-12q.md")), false, steward1)
	metas, err := e.rig.Client.Attachments(e.ctx, []int{bug}, bugzilla.AttachmentOptions{})
	if err != nil {
		t.Fatal(err)
	}
	e.srv.ResetRecords()
	v := newBugView(bug, metas[bug], e.cfg.Bugzilla.MaxAttachmentBytes)
	if _, err := v.download(e.ctx, e.rig.Client, id); err != nil {
		t.Fatal(err)
	}
	if _, err := v.download(e.ctx, e.rig.Client, id); err != nil { // cached
		t.Fatal(err)
	}
	if n := e.srv.RequestCount(attachmentReads); n != 1 {
		t.Errorf("%d attachment requests, want 1 (metadata and data together, sizes checked); all: %v", n, e.srv.RequestCounts())
	}

	// Metadata over the bot's cap: the client checks the size itself (a
	// metadata request, then the data).
	e.srv.ResetRecords()
	v = newBugView(bug, metas[bug], 1)
	if _, err := v.download(e.ctx, e.rig.Client, id); err != nil {
		t.Fatal(err)
	}
	if n := e.srv.RequestCount(attachmentReads); n != 2 {
		t.Errorf("download of an attachment over the cap: %d attachment requests, want 2 (sizes not vouched for); all: %v", n, e.srv.RequestCounts())
	}
}

// byIDClient answers AttachmentsByID with a fixed answer and error.
type byIDClient struct {
	bugzillaClient
	got map[int]bugzilla.Attachment
	err error
}

func (c byIDClient) AttachmentsByID(context.Context, []int, bugzilla.AttachmentOptions) (map[int]bugzilla.Attachment, error) {
	return c.got, c.err
}

// TestPrefetchMarksWhatSentTooMuch: an attachment the client left out of
// the answer for sending more than announced (it found it alone, named in
// the TooLargeError) is not asked for again in the cycle; the others of
// the answer are kept.
func TestPrefetchMarksWhatSentTooMuch(t *testing.T) {
	atts := []bugzilla.Attachment{
		{ID: 1, BugID: 7, Size: 10, ContentType: "text/plain", FileName: "a.md"},
		{ID: 2, BugID: 7, Size: 10, ContentType: "text/plain", FileName: "b.md"},
	}
	v := newBugView(7, atts, 1<<20)
	vs := &views{bz: byIDClient{
		got: map[int]bugzilla.Attachment{1: {ID: 1, BugID: 7, Size: 10, Data: []byte("0123456789")}},
		err: &bugzilla.TooLargeError{IDs: []int{2}, Cap: 1 << 20},
	}, maxBytes: 1 << 20}
	err := vs.prefetchWhere(t.Context(), map[int]*bugView{7: v}, func(*bugzilla.Attachment) (bool, error) { return true, nil })
	if err != nil {
		t.Fatal(err)
	}
	if string(v.data[1]) != "0123456789" || !v.tooLarge[2] {
		t.Errorf("data %v, too large %v; want attachment 1's data and 2 marked too large", v.data, v.tooLarge)
	}
}
