package bugzillatest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// seedMany files n bugs, every other one with a data-review? request, the
// rest with a granted one, spread over steward1 and steward2.
func seedMany(tb testing.TB, srv *Server, n int) {
	tb.Helper()
	form := []byte("# Request for data collection review form\n\n1) What questions will you answer with this data?\n")
	for i := 0; i < n; i++ {
		id := srv.AddBug(Bug{Summary: fmt.Sprintf("Probe %d", i), Creator: "dev1@example.test"})
		steward := "steward1@example.test"
		if i%2 == 1 {
			steward = "steward2@example.test"
		}
		flag := DataReview(steward)
		if i%2 == 1 {
			flag = Flag{Name: "data-review", Status: "+", Setter: steward}
		}
		srv.AddAttachment(Attachment{BugID: id, FileName: "form.md", Summary: "Data review request", Data: form, Flags: []Flag{flag}})
	}
}

// BenchmarkSeed10k measures filing 10,000 bugs with an attachment each.
func BenchmarkSeed10k(b *testing.B) {
	for b.Loop() {
		srv := New()
		seedMany(b, srv, 10000)
	}
}

// BenchmarkSearch10k is the bot's poll: data-review? bugs changed since a
// time, among 10,000, through the full HTTP handler (no network).
func BenchmarkSearch10k(b *testing.B) {
	srv := New()
	seedMany(b, srv, 10000)
	url := "/rest/bug?f1=flagtypes.name&o1=equals&v1=data-review%3F&include_fields=id,last_change_time&limit=1000&api_key=" + botKey
	b.ResetTimer()
	for b.Loop() {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest("GET", url, nil))
		if rec.Code != 200 {
			b.Fatalf("status %d", rec.Code)
		}
	}
}

// BenchmarkGetAttachment10k reads one attachment among 10,000 (an O(1) lookup).
func BenchmarkGetAttachment10k(b *testing.B) {
	srv := New()
	seedMany(b, srv, 10000)
	b.ResetTimer()
	for b.Loop() {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest("GET", "/rest/bug/attachment/7777?api_key="+botKey, nil))
		if rec.Code != 200 {
			b.Fatalf("status %d", rec.Code)
		}
	}
}

// BenchmarkPostComment10k writes over loopback HTTP, as the bot does.
func BenchmarkPostComment10k(b *testing.B) {
	srv := New()
	seedMany(b, srv, 10000)
	srv.Start()
	defer srv.Close()
	client := srv.Client()
	b.ResetTimer()
	for b.Loop() {
		req, _ := http.NewRequest("POST", srv.URL()+"/rest/bug/5000/comment?api_key="+botKey, strings.NewReader(`{"comment":"analysis"}`))
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 201 {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}

func TestManyBugsStayIndexed(t *testing.T) {
	srv := NewServer(t)
	seedMany(t, srv, 2000)
	a := get(t, srv, "/rest/bug?f1=flagtypes.name&o1=equals&v1=data-review%3F&f2=requestees.login_name&o2=equals&v2=steward1%40example.test&include_fields=id&limit=0", botKey)
	if n := len(bugIDsOf(t, a)); n != 1000 {
		t.Errorf("found %d pending requests for steward1, want 1000", n)
	}
	if b, ok := srv.Bug(1999); !ok || len(b.Attachments) != 1 {
		t.Errorf("bug 1999 = %+v", b)
	}
}
