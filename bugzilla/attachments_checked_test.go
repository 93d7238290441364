package bugzilla

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestAttachmentsCheckedSizes: when the caller has checked the sizes, data
// comes with the metadata in one request, and the server is still held to
// the cap. An empty map counts every attachment at the cap.
func TestAttachmentsCheckedSizes(t *testing.T) {
	checked := AttachmentOptions{WithData: true, CheckedSizes: map[int]int64{}}

	t.Run("one request, recording 39", func(t *testing.T) {
		f := newFake(t)
		f.serve("GET /rest/bug/attachment/1", 200, recording(t, "39-attachment-by-id.json"))
		c, _ := testClient(t, f)
		got, err := c.AttachmentsByID(bg, []int{1}, checked)
		if err != nil {
			t.Fatal(err)
		}
		a := got[1]
		if !strings.HasPrefix(string(a.Data), "# Request for data collection review form") || int64(len(a.Data)) != a.Size || a.BugID != 1 {
			t.Errorf("got %+v", a)
		}
		reqs := f.requests()
		if len(reqs) != 1 {
			t.Fatalf("%d requests, want 1", len(reqs))
		}
		if q := reqs[0].Query; q.Has("exclude_fields") || q.Has("include_fields") {
			t.Errorf("query %v, want every field, data included", q)
		}
	})

	t.Run("fields asked for, data and what the client needs added", func(t *testing.T) {
		f := newFake(t)
		f.serve("GET /rest/bug/attachment/1", 200, recording(t, "39-attachment-by-id.json"))
		c, _ := testClient(t, f)
		o := checked
		o.IncludeFields = []string{"id", "is_private"}
		if _, err := c.AttachmentsByID(bg, []int{1}, o); err != nil {
			t.Fatal(err)
		}
		if got := f.requests()[0].Query.Get("include_fields"); got != "id,is_private,bug_id,size,data" {
			t.Errorf("include_fields %q", got)
		}
	})

	t.Run("several ids, unknown ones absent", func(t *testing.T) {
		f := newFake(t)
		f.handle("GET /rest/bug/attachment/{id}", func(w http.ResponseWriter, r *http.Request) {
			if ids := append([]string{r.PathValue("id")}, r.URL.Query()["attachment_ids"]...); !slices.Equal(ids, []string{"1", "2", "9"}) {
				t.Errorf("asked for %v", ids)
			}
			writeJSON(w, 200, []byte(`{"bugs":{},"attachments":{`+
				`"1":{"id":1,"bug_id":1,"size":3,"data":"`+base64.StdEncoding.EncodeToString([]byte("one"))+`"},`+
				`"2":{"id":2,"bug_id":2,"size":3,"data":"`+base64.StdEncoding.EncodeToString([]byte("two"))+`"},`+
				`"7":{"id":7,"bug_id":2,"size":3,"data":"`+base64.StdEncoding.EncodeToString([]byte("not"))+`"}}}`))
		})
		c, _ := testClient(t, f)
		got, err := c.AttachmentsByID(bg, []int{1, 2, 9}, checked)
		if err != nil {
			t.Fatal(err)
		}
		data := map[int]string{}
		for id, a := range got {
			data[id] = string(a.Data)
		}
		if diff := cmp.Diff(data, map[int]string{1: "one", 2: "two"}); diff != "" {
			t.Errorf("(-got +want):\n%s", diff)
		}
		if f.count() != 1 {
			t.Errorf("%d requests, want 1", f.count())
		}
	})

	t.Run("decoded data over the cap", func(t *testing.T) {
		f := newFake(t)
		f.serve("GET /rest/bug/attachment/1", 200, []byte(`{"bugs":{},"attachments":{"1":{"id":1,"bug_id":1,"size":90,"data":"`+
			base64.StdEncoding.EncodeToString(make([]byte, 200))+`"}}}`))
		c, _ := testClient(t, f, WithMaxAttachmentBytes(100))
		got, err := c.AttachmentsByID(bg, []int{1}, checked)
		var tl *TooLargeError
		if !errors.As(err, &tl) || !slices.Equal(tl.IDs, []int{1}) || tl.Cap != 100 {
			t.Fatalf("got %v, want *TooLargeError for 1", err)
		}
		if a, ok := got[1]; !ok || a.Data != nil || a.Size != 90 {
			t.Errorf("got %+v, want the metadata without data", got[1])
		}
	})

	t.Run("announced size over the cap", func(t *testing.T) {
		f := newFake(t)
		f.serve("GET /rest/bug/attachment/1", 200, []byte(`{"bugs":{},"attachments":{"1":{"id":1,"bug_id":1,"size":500,"data":"`+
			base64.StdEncoding.EncodeToString(make([]byte, 50))+`"}}}`))
		c, _ := testClient(t, f, WithMaxAttachmentBytes(100))
		got, err := c.AttachmentsByID(bg, []int{1}, checked)
		if !errors.Is(err, ErrTooLarge) || got[1].Data != nil {
			t.Errorf("got %d bytes, %v; want ErrTooLarge and no data", len(got[1].Data), err)
		}
	})

	t.Run("server sends without end", func(t *testing.T) {
		const limit = 1000
		var read atomic.Int64
		hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			body := io.MultiReader(strings.NewReader(`{"attachments":{"1":{"id":1,"data":"`), endless{})
			return &http.Response{StatusCode: 200, Header: http.Header{}, Request: r,
				Body: io.NopCloser(countingReader{body, &read})}, nil
		})}
		c, err := NewClient("http://127.0.0.1:1", WithHTTPClient(hc), WithMaxAttachmentBytes(limit))
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.AttachmentsByID(bg, []int{1, 2}, checked)
		var tl *TooLargeError
		if !errors.As(err, &tl) || !slices.Equal(tl.IDs, []int{1, 2}) {
			t.Fatalf("got %v, want *TooLargeError for 1 and 2", err)
		}
		if len(got) != 0 {
			t.Errorf("got %v, want nothing", got)
		}
		// The pair's answer, then each alone (the split that looks for the
		// one sending too much): each read stops at its bound, 2 × cap ×
		// 4/3 per attachment plus overhead.
		bound := c.checkedAnswerLimit(nil, []int{1, 2}) + c.checkedAnswerLimit(nil, []int{1}) + c.checkedAnswerLimit(nil, []int{2})
		if n := read.Load(); n > bound+3 {
			t.Errorf("read %d bytes, the bound is %d", n, bound+3)
		}
		// Each: twice its 1336 bytes of base64 (every "/" escaped), 8192 of metadata; 4096 of envelope.
		if got, want := c.checkedAnswerLimit(nil, []int{1, 2}), int64(2*(2*1336+8192)+4096); got != want {
			t.Errorf("bound %d, want %d", got, want)
		}
	})

	t.Run("batches keep the answer bound under the client's", func(t *testing.T) {
		const capBytes = 8 << 20 // about 21.3 MiB of answer each: two a request under 64 MiB
		f := newFake(t)
		sizes := serveBatches(f, 1)
		c, _ := testClient(t, f, WithMaxAttachmentBytes(capBytes))
		got, err := c.AttachmentsByID(bg, []int{1, 2, 3, 4, 5}, checked)
		if err != nil || len(got) != 5 {
			t.Fatalf("got %d, %v", len(got), err)
		}
		if diff := cmp.Diff(sizes.get(), []int{2, 2, 1}); diff != "" {
			t.Errorf("batch sizes (-got +want):\n%s", diff)
		}
	})

	t.Run("small checked sizes share one request", func(t *testing.T) {
		const capBytes = 1 << 20 // at the cap, 23 attachments a request
		f := newFake(t)
		sizes := serveBatches(f, 5000)
		c, _ := testClient(t, f, WithMaxAttachmentBytes(capBytes))
		ids := make([]int, 300)
		o := AttachmentOptions{WithData: true, CheckedSizes: map[int]int64{}}
		for i := range ids {
			ids[i] = 1000 + i
			o.CheckedSizes[ids[i]] = 5000
		}
		got, err := c.AttachmentsByID(bg, ids, o)
		if err != nil || len(got) != len(ids) {
			t.Fatalf("got %d, %v", len(got), err)
		}
		got2 := sizes.get()
		slices.Sort(got2)
		if diff := cmp.Diff(got2, []int{50, 250}); diff != "" {
			t.Errorf("batch sizes (-got +want):\n%s", diff)
		}
	})

	t.Run("one attachment sending more than announced is found alone", func(t *testing.T) {
		f := newFake(t)
		var requests atomic.Int64
		f.handle("GET /rest/bug/attachment/{id}", func(w http.ResponseWriter, r *http.Request) {
			requests.Add(1)
			ids := append([]string{r.PathValue("id")}, r.URL.Query()["attachment_ids"]...)
			var b strings.Builder
			b.WriteString(`{"bugs":{},"attachments":{`)
			for i, id := range ids {
				if i > 0 {
					b.WriteByte(',')
				}
				data := base64.StdEncoding.EncodeToString([]byte("0123456789"))
				if id == "5" { // announces 10 bytes, sends 200,000
					data = base64.StdEncoding.EncodeToString(make([]byte, 200000))
				}
				fmt.Fprintf(&b, `"%s":{"id":%s,"bug_id":1,"size":10,"data":"%s"}`, id, id, data)
			}
			b.WriteString(`}}`)
			writeJSON(w, 200, []byte(b.String()))
		})
		c, _ := testClient(t, f)
		ids := []int{1, 2, 3, 4, 5, 6, 7, 8}
		o := AttachmentOptions{WithData: true, CheckedSizes: map[int]int64{}}
		for _, id := range ids {
			o.CheckedSizes[id] = 10
		}
		got, err := c.AttachmentsByID(bg, ids, o)
		var tl *TooLargeError
		if !errors.As(err, &tl) || !slices.Equal(tl.IDs, []int{5}) {
			t.Fatalf("got %v, want *TooLargeError for 5 alone", err)
		}
		for _, id := range ids {
			if a, ok := got[id]; id != 5 && (!ok || string(a.Data) != "0123456789") {
				t.Errorf("attachment %d: %+v, want its data", id, a)
			}
		}
		// All 8, then halves of 4, 2 and 1 down to attachment 5: 7 requests.
		if n := requests.Load(); n != 7 {
			t.Errorf("%d requests, want 7", n)
		}
	})

	t.Run("data within the bound but larger than the size checked is dropped", func(t *testing.T) {
		f := newFake(t)
		f.serve("GET /rest/bug/attachment/1", 200, []byte(`{"bugs":{},"attachments":{"1":{"id":1,"bug_id":1,"size":10,"data":"`+
			base64.StdEncoding.EncodeToString(make([]byte, 3000))+`"}}}`))
		c, _ := testClient(t, f)
		got, err := c.AttachmentsByID(bg, []int{1}, AttachmentOptions{WithData: true, CheckedSizes: map[int]int64{1: 10}})
		if !errors.Is(err, ErrTooLarge) || got[1].Data != nil {
			t.Errorf("got %d bytes, %v; want ErrTooLarge and no data", len(got[1].Data), err)
		}
	})

	t.Run("an answer over the checked sizes' bound is not read", func(t *testing.T) {
		f := newFake(t)
		f.handle("GET /rest/bug/attachment/{id}", func(w http.ResponseWriter, r *http.Request) {
			ids := append([]string{r.PathValue("id")}, r.URL.Query()["attachment_ids"]...)
			writeJSON(w, 200, attachmentsBody(ids, 20000)) // each announced at 10 bytes
		})
		c, _ := testClient(t, f)
		got, err := c.AttachmentsByID(bg, []int{1, 2}, AttachmentOptions{WithData: true, CheckedSizes: map[int]int64{1: 10, 2: 10}})
		var tl *TooLargeError
		if !errors.As(err, &tl) || !slices.Equal(tl.IDs, []int{1, 2}) {
			t.Fatalf("got %v, want *TooLargeError for 1 and 2", err)
		}
		if len(got) != 0 {
			t.Errorf("got %d attachments, want none", len(got))
		}
	})

	t.Run("misuse", func(t *testing.T) {
		f := newFake(t)
		c, _ := testClient(t, f)
		if _, err := c.AttachmentsByID(bg, []int{1}, AttachmentOptions{CheckedSizes: map[int]int64{1: 3}}); err == nil || !strings.Contains(err.Error(), "WithData") {
			t.Errorf("CheckedSizes without WithData: %v", err)
		}
		if _, err := c.Attachments(bg, []int{1}, checked); err == nil || !strings.Contains(err.Error(), "AttachmentsByID") {
			t.Errorf("Attachments with CheckedSizes: %v", err)
		}
		o := checked
		o.IncludeFields = []string{"data"}
		if _, err := c.AttachmentsByID(bg, []int{1}, o); err == nil {
			t.Error(`IncludeFields "data" accepted`)
		}
		if f.count() != 0 {
			t.Errorf("%d requests for refused calls", f.count())
		}
	})
}

// attachmentsBody is an answer holding attachments ids, each with size
// bytes of content and announcing that size.
func attachmentsBody(ids []string, size int) []byte {
	data := base64.StdEncoding.EncodeToString(make([]byte, size))
	var b strings.Builder
	b.WriteString(`{"bugs":{},"attachments":{`)
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"%s":{"id":%s,"bug_id":1,"size":%d,"data":"%s"}`, id, id, size, data)
	}
	b.WriteString(`}}`)
	return []byte(b.String())
}

// batchSizes records how many attachments each request asked for.
type batchSizes struct {
	mu    sync.Mutex
	sizes []int
}

func (b *batchSizes) get() []int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.sizes)
}

// serveBatches answers attachments by id with size bytes of content each,
// and records how many each request asked for.
func serveBatches(f *fake, size int) *batchSizes {
	b := &batchSizes{}
	f.handle("GET /rest/bug/attachment/{id}", func(w http.ResponseWriter, r *http.Request) {
		ids := append([]string{r.PathValue("id")}, r.URL.Query()["attachment_ids"]...)
		b.mu.Lock()
		b.sizes = append(b.sizes, len(ids))
		b.mu.Unlock()
		writeJSON(w, 200, attachmentsBody(ids, size))
	})
	return b
}
