package bugzillatest

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestConcurrentUse drives the fake from many goroutines at once: API reads
// and writes, seeding, clock changes, fault injection and record reads. Run
// with -race; the final state must account for every successful write.
func TestConcurrentUse(t *testing.T) {
	srv := NewServer(t, WithDialect(BMO), WithRateLimits(false))
	seedWorld(t, srv)
	const workers, rounds = 8, 25
	var posted, seeded atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			client := srv.Client()
			for i := 0; i < rounds; i++ {
				switch i % 5 {
				case 0:
					body := fmt.Sprintf(`{"comment":"worker %d round %d","comment_tags":["w%d"]}`, w, i, w)
					req, _ := http.NewRequest("POST", srv.URL()+"/rest/bug/3/comment", strings.NewReader(body))
					req.Header.Set("X-BUGZILLA-API-KEY", botKey)
					if resp, err := client.Do(req); err == nil {
						if resp.StatusCode == 201 {
							posted.Add(1)
						}
						resp.Body.Close()
					}
				case 1:
					resp, err := client.Get(srv.URL() + "/rest/bug?f1=flagtypes.name&o1=substring&v1=data-review&include_fields=id,flags")
					if err == nil {
						resp.Body.Close()
					}
				case 2:
					srv.AddComment(Comment{BugID: 1, Creator: "dev1@example.test", Text: "seeded"})
					seeded.Add(1)
				case 3:
					req, _ := http.NewRequest("PUT", srv.URL()+"/rest/bug/3", strings.NewReader(
						fmt.Sprintf(`{"flags":[{"name":"needinfo","status":"?","requestee":"dev%d@example.test","new":true}]}`, 1+w%2)))
					req.Header.Set("X-BUGZILLA-API-KEY", botKey)
					if resp, err := client.Do(req); err == nil {
						resp.Body.Close()
					}
				case 4:
					srv.Advance(time.Second)
					srv.FailNext(1, 503)
					_ = srv.Writes()
					_ = srv.RequestCounts()
					_, _ = srv.Bug(3)
				}
			}
		}(w)
	}
	wg.Wait()
	srv.ClearFaults()

	var onBug3 int
	for _, c := range srv.Comments(3) {
		if strings.HasPrefix(c.Text, "worker ") {
			onBug3++
		}
	}
	if int64(onBug3) != posted.Load() {
		t.Errorf("bug 3 has %d worker comments, %d POSTs succeeded", onBug3, posted.Load())
	}
	if n := int64(len(srv.Comments(1))) - 2; n != seeded.Load() {
		t.Errorf("bug 1 has %d seeded comments, want %d", n, seeded.Load())
	}
	var writes int
	for _, w := range srv.Writes() {
		if w.Endpoint == "POST /rest/bug/{id}/comment" {
			writes++
		}
	}
	if int64(writes) != posted.Load() {
		t.Errorf("%d comment writes recorded, %d succeeded", writes, posted.Load())
	}
	// Comment counts stay dense and ordered under concurrency.
	for i, c := range srv.Comments(3) {
		if c.Count != i {
			t.Fatalf("comment %d has count %d", i, c.Count)
		}
	}
}
