package bugzilla

import (
	"encoding/base64"
	"encoding/json"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// An attachment's data decodes from base64 as Bugzilla sends it (slashes
// escaped or not, wrapped or not); null or absent is no data, "" is empty
// data, and bad base64 is an error naming the attachment.
func TestAttachmentDataDecoding(t *testing.T) {
	tests := []struct {
		name, json string
		want       []byte // nil: no data
		err        string
	}{
		{"plain", `{"id":1,"data":"aGVsbG8/Pz8+"}`, []byte("hello???>"), ""},
		{"escaped slash", `{"id":1,"data":"P\/8="}`, []byte{0x3f, 0xff}, ""},
		{"wrapped", `{"id":1,"data":"aGVs\nbG8="}`, []byte("hello"), ""},
		{"empty", `{"id":1,"data":""}`, []byte{}, ""},
		{"null", `{"id":1,"data":null}`, nil, ""},
		{"absent", `{"id":1}`, nil, ""},
		{"bad base64", `{"id":7,"data":"%%%%"}`, nil, "bugzilla: attachment 7: data is not valid base64"},
		{"not a string", `{"id":7,"data":12}`, nil, "cannot unmarshal number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var a Attachment
			err := json.Unmarshal([]byte(tt.json), &a)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one with %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(a.Data, tt.want); d != "" || (a.Data == nil) != (tt.want == nil) {
				t.Errorf("data (-got +want):\n%s (got nil: %v)", d, a.Data == nil)
			}
		})
	}
}

// Decoding an attachment allocates its data about once, not its base64
// text as well (a third more than the data again).
func TestAttachmentDecodingAllocatesTheDataOnce(t *testing.T) {
	const size = 256 << 10
	answer := []byte(`{"id":1,"size":262144,"is_private":0,"data":"` +
		base64.StdEncoding.EncodeToString(make([]byte, size)) + `"}`)
	var a Attachment
	if err := json.Unmarshal(answer, &a); err != nil { // warm encoding/json's caches
		t.Fatal(err)
	}
	const runs = 20
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range runs {
		var a Attachment
		if err := json.Unmarshal(answer, &a); err != nil {
			t.Fatal(err)
		}
		if len(a.Data) != size {
			t.Fatalf("decoded %d bytes, want %d", len(a.Data), size)
		}
	}
	runtime.ReadMemStats(&after)
	if per := float64(after.TotalAlloc-before.TotalAlloc) / runs; per > 1.2*size {
		t.Errorf("decoding a %d-byte attachment allocated %.0f bytes, want about the data once (at most %.0f)", size, per, 1.2*size)
	}
}
