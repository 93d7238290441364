package bugzilla

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

func TestHistoryOfBugs(t *testing.T) {
	f := newFake(t)
	f.handle("GET /rest/bug/{id}/history", func(w http.ResponseWriter, r *http.Request) {
		ids := append([]string{r.PathValue("id")}, r.URL.Query()["ids"]...)
		if slices.Contains(ids, "4") {
			writeJSON(w, 401, recording(t, "48-bug-attachments-secure-bug-as-bot.json"))
			return
		}
		var parts []string
		for _, id := range ids {
			parts = append(parts, fmt.Sprintf(`{"id":%s,"alias":[],"history":[{"when":"2026-11-28T20:22:38Z","who":"dev1@example.test",`+
				`"changes":[{"field_name":"flagtypes.name","attachment_id":%s,"removed":"data-review?(steward1@example.test)","added":""}]}]}`, id, id))
		}
		writeJSON(w, 200, []byte(`{"bugs":[`+strings.Join(parts, ",")+`]}`))
	})
	c, _ := testClient(t, f)
	var ids []int
	for id := 5; id < 5+maxBugsPerHistoryBatch+7; id++ {
		ids = append(ids, id)
	}
	got, err := c.HistoryOfBugs(bg, ids)
	if err != nil {
		t.Fatal(err)
	}
	last := ids[len(ids)-1]
	if len(got) != len(ids) || len(got[last]) != 1 || got[last][0].Changes[0].AttachmentID != last ||
		got[5][0].Changes[0].Removed != "data-review?(steward1@example.test)" {
		t.Errorf("got %d bugs: %+v", len(got), got[last])
	}
	reqs := f.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	if reqs[0].Path != "/rest/bug/5/history" || len(reqs[0].Query["ids"]) != maxBugsPerHistoryBatch-1 {
		t.Errorf("first batch: %s with %d more ids", reqs[0].Path, len(reqs[0].Query["ids"]))
	}
	if n := len(reqs[1].Query["ids"]); n != 6 {
		t.Errorf("second batch: %d more ids, want 6", n)
	}
	if _, err := c.HistoryOfBugs(bg, []int{3, 4}); !errors.Is(err, ErrAccessDenied) {
		t.Errorf("with a hidden bug: %v, want ErrAccessDenied", err)
	}
	if _, err := c.HistoryOfBugs(bg, []int{0}); err == nil {
		t.Errorf("bug id 0 accepted")
	}
}
