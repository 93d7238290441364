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
		// cap × n × 4/3 plus overhead, n = 2.
		bound := c.checkedAnswerLimit(nil, []int{1, 2})
		if n := read.Load(); n > bound+1 {
			t.Errorf("read %d bytes, the bound is %d", n, bound+1)
		}
		// Each: 1336 bytes of base64, 41 for escaped slashes, 8192 of metadata; 4096 of envelope.
		if want := int64(2*(1336+41+8192) + 4096); bound != want {
			t.Errorf("bound %d, want %d", bound, want)
		}
	})

	t.Run("batches keep the answer bound under the client's", func(t *testing.T) {
		const capBytes = 16 << 20 // about 22.7 MiB of answer each: two a request
		f := newFake(t)
		var mu sync.Mutex
		var sizes []int
		f.handle("GET /rest/bug/attachment/{id}", func(w http.ResponseWriter, r *http.Request) {
			ids := append([]string{r.PathValue("id")}, r.URL.Query()["attachment_ids"]...)
			mu.Lock()
			sizes = append(sizes, len(ids))
			mu.Unlock()
			var b strings.Builder
			b.WriteString(`{"bugs":{},"attachments":{`)
			for i, id := range ids {
				if i > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(&b, `"%s":{"id":%s,"size":1,"data":"eA=="}`, id, id)
			}
			b.WriteString(`}}`)
			writeJSON(w, 200, []byte(b.String()))
		})
		c, _ := testClient(t, f, WithMaxAttachmentBytes(capBytes))
		got, err := c.AttachmentsByID(bg, []int{1, 2, 3, 4, 5}, checked)
		if err != nil || len(got) != 5 {
			t.Fatalf("got %d, %v", len(got), err)
		}
		mu.Lock()
		defer mu.Unlock()
		if diff := cmp.Diff(sizes, []int{2, 2, 1}); diff != "" {
			t.Errorf("batch sizes (-got +want):\n%s", diff)
		}
	})

	t.Run("small checked sizes share one request", func(t *testing.T) {
		const capBytes = 1 << 20 // at the cap, 46 attachments a request
		f := newFake(t)
		var mu sync.Mutex
		var sizes []int
		f.handle("GET /rest/bug/attachment/{id}", func(w http.ResponseWriter, r *http.Request) {
			ids := append([]string{r.PathValue("id")}, r.URL.Query()["attachment_ids"]...)
			mu.Lock()
			sizes = append(sizes, len(ids))
			mu.Unlock()
			writeJSON(w, 200, attachmentsBody(ids, 5000))
		})
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
		mu.Lock()
		defer mu.Unlock()
		slices.Sort(sizes)
		if diff := cmp.Diff(sizes, []int{50, 250}); diff != "" {
			t.Errorf("batch sizes (-got +want):\n%s", diff)
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
