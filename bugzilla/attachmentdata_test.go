package bugzilla_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/stewardbot/stewardbot/bugzilla"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// TestAttachmentDataOfReadMetadata: the contents of attachments whose metadata was just
// read come in one request per batch, without a second metadata read;
// one over the cap is left out and named, the rest still come.
func TestAttachmentDataOfReadMetadata(t *testing.T) {
	srv := bugzillatest.NewServer(t)
	bug := srv.AddBug(bugzillatest.Bug{Summary: "Forms", Creator: "dev1@example.test"})
	want := map[int]string{}
	for _, text := range []string{"first form", "second form", strings.Repeat("x", 2000)} {
		id := srv.AddAttachment(bugzillatest.Attachment{BugID: bug, Summary: "form", Data: []byte(text)})
		want[id] = text
	}
	c, err := bugzilla.NewClient(srv.URL(), bugzilla.WithAPIKey("bot-api-key"), bugzilla.WithHTTPClient(srv.Client()),
		bugzilla.WithMaxAttachmentBytes(1000))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	atts, err := c.Attachments(ctx, []int{bug}, bugzilla.AttachmentOptions{})
	if err != nil {
		t.Fatal(err)
	}
	srv.ResetRecords()
	got, err := c.AttachmentData(ctx, atts[bug])
	var tl *bugzilla.TooLargeError
	if !errors.As(err, &tl) || len(tl.IDs) != 1 || len(want[tl.IDs[0]]) != 2000 {
		t.Fatalf("err = %v, want the 2,000-byte attachment named too large", err)
	}
	if len(got) != 2 {
		t.Fatalf("%d contents, want the 2 within the cap", len(got))
	}
	for id, data := range got {
		if string(data) != want[id] {
			t.Errorf("attachment %d: %q, want %q", id, data, want[id])
		}
	}
	reqs := srv.Requests()
	if len(reqs) != 1 || reqs[0].Endpoint != "GET /rest/bug/attachment/{id}" || !slices.Equal(reqs[0].Query["include_fields"], []string{"id,data"}) {
		t.Errorf("requests %+v, want one data read", reqs)
	}
}
