package bugzilla

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestAttachmentsMetadata(t *testing.T) {
	t.Run("one bug", func(t *testing.T) {
		f := newFake(t)
		f.serve("GET /rest/bug/1/attachment", 200, recording(t, "38-bug-attachments-exclude-data.json"))
		c, _ := testClient(t, f)
		got, err := c.Attachments(bg, []int{1}, AttachmentOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || len(got[1]) != 1 || got[1][0].ID != 1 || got[1][0].Size != 1948 || got[1][0].Data != nil {
			t.Errorf("got %+v", got)
		}
		if q := f.requests()[0].Query; q.Get("exclude_fields") != "data" || q.Has("ids") {
			t.Errorf("query %v", q)
		}
	})
	t.Run("several bugs, recording 42", func(t *testing.T) {
		f := newFake(t)
		f.serve("GET /rest/bug/1/attachment", 200, recording(t, "42-attachments-multi-bug.json"))
		c, _ := testClient(t, f)
		got, err := c.Attachments(bg, []int{1, 2, 3, 2}, AttachmentOptions{IncludeFields: []string{"id", "bug_id", "is_private", "flags"}})
		if err != nil {
			t.Fatal(err)
		}
		q := f.requests()[0].Query
		if diff := cmp.Diff(q["ids"], []string{"2", "3"}); diff != "" {
			t.Errorf("ids (-got +want):\n%s", diff)
		}
		if q.Get("include_fields") != "id,bug_id,is_private,flags" {
			t.Errorf("include_fields %q", q.Get("include_fields"))
		}
		if len(got) != 3 || !got[2][0].IsPrivate || got[3][0].Flags[0].Requestee != "" {
			t.Errorf("got %+v", got)
		}
	})
	t.Run("by id, recording 41", func(t *testing.T) {
		f := newFake(t)
		f.serve("GET /rest/bug/attachment/1", 200, recording(t, "41-attachments-multi-id.json"))
		c, _ := testClient(t, f)
		got, err := c.AttachmentsByID(bg, []int{1, 2, 3}, AttachmentOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(f.requests()[0].Query["attachment_ids"], []string{"2", "3"}); diff != "" {
			t.Errorf("attachment_ids (-got +want):\n%s", diff)
		}
		if len(got) != 3 || got[2].BugID != 2 || !got[2].IsPrivate || got[1].IsPrivate {
			t.Errorf("got %+v", got)
		}
	})
	t.Run("unknown id is absent, recording 49", func(t *testing.T) {
		f := newFake(t)
		f.serve("GET /rest/bug/attachment/99999", 200, recording(t, "49-attachment-nonexistent.json"))
		c, _ := testClient(t, f)
		got, err := c.AttachmentsByID(bg, []int{99999}, AttachmentOptions{WithData: true})
		if err != nil || len(got) != 0 {
			t.Errorf("got %v, %v", got, err)
		}
		if f.count() != 1 {
			t.Errorf("%d requests", f.count())
		}
	})
	t.Run("private attachment refused, recording 45", func(t *testing.T) {
		f := newFake(t)
		f.serve("GET /rest/bug/attachment/2", 401, recording(t, "45-attachment-private-by-id-as-noninsider-dev2.json"))
		c, _ := testClient(t, f)
		_, err := c.AttachmentsByID(bg, []int{2}, AttachmentOptions{})
		checkSentinels(t, err, "ErrAccessDenied")
	})
	t.Run("data is not a field", func(t *testing.T) {
		c, _ := testClient(t, newFake(t))
		if _, err := c.AttachmentsByID(bg, []int{1}, AttachmentOptions{IncludeFields: []string{"id", "data"}}); err == nil {
			t.Error("include_fields=data accepted")
		}
	})
}

func TestAttachmentData(t *testing.T) {
	content := func(t *testing.T) []byte {
		var r attachmentsAnswer
		if err := jsonUnmarshalFile(t, "39-attachment-by-id.json", &r); err != nil {
			t.Fatal(err)
		}
		return r.Attachments["1"].Data
	}
	t.Run("metadata then data", func(t *testing.T) {
		f := newFake(t)
		f.handle("GET /rest/bug/attachment/1", func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("exclude_fields") == "data" {
				writeJSON(w, 200, recording(t, "40-attachment-by-id-exclude-data.json"))
				return
			}
			writeJSON(w, 200, recording(t, "39-attachment-by-id.json"))
		})
		c, _ := testClient(t, f)
		got, err := c.AttachmentsByID(bg, []int{1}, AttachmentOptions{WithData: true})
		if err != nil {
			t.Fatal(err)
		}
		a := got[1]
		if !strings.HasPrefix(string(a.Data), "# Request for data collection review form") || int64(len(a.Data)) != a.Size {
			t.Errorf("data %q…", a.Data[:min(40, len(a.Data))])
		}
		if string(a.Data) != string(content(t)) {
			t.Error("data differs from the recording")
		}
		reqs := f.requests()
		if len(reqs) != 2 || reqs[1].Query.Get("include_fields") != "id,data" || reqs[1].Query.Has("exclude_fields") {
			t.Errorf("requests %+v", reqs)
		}
	})
	t.Run("by bug", func(t *testing.T) {
		f := newFake(t)
		f.serve("GET /rest/bug/1/attachment", 200, recording(t, "38-bug-attachments-exclude-data.json"))
		f.serve("GET /rest/bug/attachment/1", 200, recording(t, "39-attachment-by-id.json"))
		c, _ := testClient(t, f)
		got, err := c.Attachments(bg, []int{1}, AttachmentOptions{WithData: true})
		if err != nil {
			t.Fatal(err)
		}
		if string(got[1][0].Data) != string(content(t)) {
			t.Error("data differs from the recording")
		}
	})
}

func jsonUnmarshalFile(t *testing.T, name string, v any) error {
	return json.Unmarshal(recording(t, name), v)
}

// TestAttachmentCap: an attachment over the cap is never downloaded, and a
// server that lies about sizes cannot make the client read more than a
// bound derived from what it announced.
func TestAttachmentCap(t *testing.T) {
	t.Run("over the cap by its metadata", func(t *testing.T) {
		f := newFake(t)
		f.handle("GET /rest/bug/attachment/{id}", func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("exclude_fields") == "data" {
				writeJSON(w, 200, recording(t, "41-attachments-multi-id.json")) // sizes 1948, 1938, 1920
				return
			}
			if ids := append([]string{r.PathValue("id")}, r.URL.Query()["attachment_ids"]...); !slices.Equal(ids, []string{"3"}) {
				t.Errorf("data asked for %v, want 3 only", ids)
			}
			writeJSON(w, 200, []byte(`{"bugs":{},"attachments":{"3":{"id":3,"data":"`+
				base64.StdEncoding.EncodeToString(make([]byte, 1920))+`"}}}`))
		})
		c, logs := testClient(t, f, WithMaxAttachmentBytes(1937))
		got, err := c.AttachmentsByID(bg, []int{1, 2, 3}, AttachmentOptions{WithData: true})
		var tl *TooLargeError
		if !errors.As(err, &tl) || !errors.Is(err, ErrTooLarge) {
			t.Fatalf("got %v, want *TooLargeError", err)
		}
		// 1 and 2 announce 1948 and 1938 (> 1937): not fetched. 3 fits.
		if diff := cmp.Diff(tl, &TooLargeError{IDs: []int{1, 2}, Cap: 1937}); diff != "" {
			t.Errorf("(-got +want):\n%s", diff)
		}
		if len(got) != 3 || got[1].Data != nil || got[2].Data != nil || len(got[3].Data) != 1920 {
			t.Errorf("data lengths %d %d %d", len(got[1].Data), len(got[2].Data), len(got[3].Data))
		}
		if !strings.Contains(logs.String(), "over the cap") {
			t.Errorf("not logged: %s", logs)
		}
	})

	t.Run("nothing fits: no data request", func(t *testing.T) {
		f := newFake(t)
		f.serve("GET /rest/bug/attachment/1", 200, recording(t, "40-attachment-by-id-exclude-data.json"))
		c, _ := testClient(t, f, WithMaxAttachmentBytes(100))
		got, err := c.AttachmentsByID(bg, []int{1}, AttachmentOptions{WithData: true})
		if !errors.Is(err, ErrTooLarge) || got[1].ID != 1 || got[1].Data != nil {
			t.Errorf("got %+v, %v", got, err)
		}
		if f.count() != 1 {
			t.Errorf("%d requests, want the metadata only", f.count())
		}
	})

	t.Run("server sends more than it announced", func(t *testing.T) {
		var read atomic.Int64
		hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if r.URL.Query().Get("exclude_fields") == "data" {
				return jsonResponse(r, `{"bugs":{},"attachments":{"1":{"id":1,"bug_id":1,"size":10}}}`), nil
			}
			// An endless attachment.
			body := io.MultiReader(strings.NewReader(`{"attachments":{"1":{"id":1,"data":"`), endless{})
			return &http.Response{StatusCode: 200, Header: http.Header{}, Request: r,
				Body: io.NopCloser(countingReader{body, &read})}, nil
		})}
		c, err := NewClient("http://127.0.0.1:1", WithHTTPClient(hc))
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.AttachmentsByID(bg, []int{1}, AttachmentOptions{WithData: true})
		var tl *TooLargeError
		if !errors.As(err, &tl) || !slices.Equal(tl.IDs, []int{1}) {
			t.Fatalf("got %v, want *TooLargeError for 1", err)
		}
		if got[1].Data != nil {
			t.Error("data kept")
		}
		limit := dataAnswerLimit([]Attachment{{ID: 1, Size: 10}})
		if n := read.Load(); n > limit+1 {
			t.Errorf("read %d bytes, the bound is %d", n, limit+1)
		}
	})

	t.Run("decoded data over the cap within the bound", func(t *testing.T) {
		f := newFake(t)
		f.handle("GET /rest/bug/attachment/1", func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("exclude_fields") == "data" {
				writeJSON(w, 200, []byte(`{"bugs":{},"attachments":{"1":{"id":1,"size":90}}}`))
				return
			}
			writeJSON(w, 200, []byte(`{"bugs":{},"attachments":{"1":{"id":1,"data":"`+base64.StdEncoding.EncodeToString(make([]byte, 200))+`"}}}`))
		})
		c, _ := testClient(t, f, WithMaxAttachmentBytes(100))
		got, err := c.AttachmentsByID(bg, []int{1}, AttachmentOptions{WithData: true})
		if !errors.Is(err, ErrTooLarge) || got[1].Data != nil {
			t.Errorf("got %d bytes, %v", len(got[1].Data), err)
		}
	})

	t.Run("data batches bounded by total size", func(t *testing.T) {
		const size = 1<<20 - 1 // a multiple of 3: "AAAA…" decodes to exactly size bytes
		const n = 5
		var dataRequests atomic.Int32
		f := newFake(t)
		f.handle("GET /rest/bug/attachment/{id}", func(w http.ResponseWriter, r *http.Request) {
			ids := append([]string{r.PathValue("id")}, r.URL.Query()["attachment_ids"]...)
			var b strings.Builder
			b.WriteString(`{"bugs":{},"attachments":{`)
			for i, id := range ids {
				if i > 0 {
					b.WriteByte(',')
				}
				if r.URL.Query().Get("exclude_fields") == "data" {
					fmt.Fprintf(&b, `"%s":{"id":%s,"size":%d}`, id, id, size)
				} else {
					fmt.Fprintf(&b, `"%s":{"id":%s,"data":"%s"}`, id, id, strings.Repeat("A", int(base64Len(size))))
				}
			}
			b.WriteString(`}}`)
			if r.URL.Query().Get("exclude_fields") != "data" {
				dataRequests.Add(1)
			}
			writeJSON(w, 200, []byte(b.String()))
		})
		c, _ := testClient(t, f)
		got, err := c.AttachmentsByID(bg, []int{1, 2, 3, 4, 5}, AttachmentOptions{WithData: true})
		if err != nil {
			t.Fatal(err)
		}
		for id := 1; id <= n; id++ {
			if len(got[id].Data) != size {
				t.Errorf("attachment %d: %d bytes", id, len(got[id].Data))
			}
		}
		// The budget is 4 MiB a request: four, then one.
		if dataRequests.Load() != 2 {
			t.Errorf("%d data requests, want 2", dataRequests.Load())
		}
	})
}

type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'A'
	}
	return len(p), nil
}

type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

func jsonResponse(r *http.Request, body string) *http.Response {
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(body)), Request: r}
}

// TestBatchingUnderURLLimit: many ids become several requests, none with a
// request target over 8 KiB, together asking for every id once.
func TestBatchingUnderURLLimit(t *testing.T) {
	ids := make([]int, 3000)
	for i := range ids {
		ids[i] = 1000000 + i
	}
	empty := []byte(`{"bugs":{},"attachments":{}}`)
	for _, tc := range []struct {
		name  string
		route string
		param string
		run   func(*Client) error
	}{
		{"AttachmentsByID", "GET /rest/bug/attachment/{id}", "attachment_ids", func(c *Client) error {
			_, err := c.AttachmentsByID(bg, ids, AttachmentOptions{})
			return err
		}},
		{"Attachments", "GET /rest/bug/{id}/attachment", "ids", func(c *Client) error {
			_, err := c.Attachments(bg, ids, AttachmentOptions{IncludeFields: []string{"id", "flags"}})
			return err
		}},
		{"Bugs", "GET /rest/bug", "id", func(c *Client) error {
			_, err := c.Bugs(bg, ids, "id", "flags")
			return err
		}},
	} {
		for _, placement := range []KeyPlacement{KeyHeader, KeyQuery} {
			t.Run(tc.name+"/"+placement.String(), func(t *testing.T) {
				f := newFake(t)
				f.handle(tc.route, func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == "/rest/bug" {
						writeJSON(w, 200, []byte(`{"bugs":[]}`))
						return
					}
					writeJSON(w, 200, empty)
				})
				c, _ := testClient(t, f, WithKeyPlacement(placement))
				if err := tc.run(c); err != nil {
					t.Fatal(err)
				}
				reqs := f.requests()
				if len(reqs) < 2 {
					t.Fatalf("%d requests for %d ids", len(reqs), len(ids))
				}
				var asked []int
				for _, r := range reqs {
					if target := len(r.Path) + 1 + len(r.RawQuery); target > maxRequestTarget {
						t.Errorf("request target of %d bytes", target)
					}
					if r.Path != "/rest/bug" {
						parts := strings.Split(r.Path, "/")
						for _, p := range parts {
							if n, err := strconv.Atoi(p); err == nil {
								asked = append(asked, n)
							}
						}
					}
					for _, v := range r.Query[tc.param] {
						for _, s := range strings.Split(v, ",") {
							n, _ := strconv.Atoi(s)
							asked = append(asked, n)
						}
					}
				}
				slices.Sort(asked)
				if !slices.Equal(asked, ids) {
					t.Errorf("asked for %d ids, want each of %d once", len(asked), len(ids))
				}
			})
		}
	}
}

func TestBatchIDs(t *testing.T) {
	if got := batchIDs(nil, 10, 5); got != nil {
		t.Errorf("no ids: %v", got)
	}
	got := batchIDs([]int{1, 2, 2, 3, 1}, 0, 1)
	if diff := cmp.Diff(got, [][]int{{1, 2, 3}}); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
	// A batch never exceeds maxIDsPerBatch.
	many := make([]int, 1000)
	for i := range many {
		many[i] = i + 1
	}
	for _, b := range batchIDs(many, 0, 1) {
		if len(b) > maxIDsPerBatch {
			t.Errorf("batch of %d", len(b))
		}
	}
	// One id too wide for the limit still goes, alone.
	if got := batchIDs([]int{7, 8}, maxRequestTarget, 1); len(got) != 2 {
		t.Errorf("got %v", got)
	}
}
