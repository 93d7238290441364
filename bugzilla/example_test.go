package bugzilla_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bugzilla"
)

// recorded serves an upstream Bugzilla 5.2 recording.
func recorded(status int, name string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		body, err := os.ReadFile(filepath.Join("bugzillatest", "testdata", "bugzilla-5", name))
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		w.WriteHeader(status)
		w.Write(body)
	}
}

// upstreamServer answers like the recorded upstream Bugzilla 5.2.
func upstreamServer() *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("/", recorded(404, "107-error-unknown-resource.json"))
	mux.HandleFunc("GET /rest/whoami", recorded(404, "12-whoami.json"))
	mux.HandleFunc("GET /rest/valid_login", recorded(200, "13-valid-login.json"))
	mux.HandleFunc("GET /rest/bug", recorded(200, "21-search-flag-include-fields.json"))
	mux.HandleFunc("GET /rest/bug/1/attachment", recorded(200, "38-bug-attachments-exclude-data.json"))
	mux.HandleFunc("GET /rest/bug/attachment/1", recorded(200, "39-attachment-by-id.json"))
	return httptest.NewServer(mux)
}

// Find the bugs waiting for a data review and read the request form
// attached to the first one.
func Example() {
	srv := upstreamServer()
	defer srv.Close()
	ctx := context.Background()

	c, err := bugzilla.NewClient(srv.URL,
		bugzilla.WithAPIKey("0123456789abcdefghij0123456789abcdefghij"),
		bugzilla.WithLogin("bot@example.test"),
		bugzilla.WithUserAgent("1.0.0", "mailto:data-stewards@example.test"))
	if err != nil {
		fmt.Println(err)
		return
	}
	id, err := c.Authenticate(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("authenticated as", id.Login, "with the key in the", id.Placement)

	q := bugzilla.SearchQuery{
		Criteria:      []bugzilla.Criterion{{Field: "flagtypes.name", Op: "equals", Value: "data-review?"}},
		IncludeFields: []string{"id", "summary", "last_change_time"},
	}
	for bug, err := range c.SearchBugs(ctx, q) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("bug %d: %s\n", bug.ID, bug.Summary)
	}

	atts, err := c.Attachments(ctx, []int{1}, bugzilla.AttachmentOptions{WithData: true})
	if errors.Is(err, bugzilla.ErrTooLarge) {
		fmt.Println("form too large to read")
	} else if err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range atts[1] {
		first, _, _ := bufio.NewReader(bytes.NewReader(a.Data)).ReadLine()
		fmt.Printf("attachment %d (%s, data-review%s from %s): %s\n",
			a.ID, a.FileName, a.Flags[0].Status, a.Flags[0].Requestee, first)
	}
	// Output:
	// authenticated as bot@example.test with the key in the query
	// bug 1: Add telemetry probe for tab unloading
	// bug 2: Collect search engine usage counts in Telemetry
	// bug 3: Record about:preferences interaction events
	// attachment 1 (data-review-request-tab-unloading.md, data-review? from steward1@example.test): # Request for data collection review form
}

// The bot declares the few methods it needs; *bugzilla.Client provides them.
type reviewer interface {
	Authenticate(context.Context) (*bugzilla.Identity, error)
	Time(context.Context) (time.Time, error)
	SearchBugsPage(context.Context, bugzilla.SearchQuery) ([]bugzilla.Bug, error)
	AttachmentsByID(context.Context, []int, bugzilla.AttachmentOptions) (map[int]bugzilla.Attachment, error)
	Comments(context.Context, int, time.Time) ([]bugzilla.Comment, error)
	AddComment(context.Context, int, bugzilla.NewComment) (int, error)
	UpdateBug(context.Context, int, bugzilla.BugUpdate) (*bugzilla.UpdateResult, error)
	UpdateAttachment(context.Context, int, bugzilla.AttachmentUpdate) (*bugzilla.UpdateResult, error)
	FlagActivity(context.Context, bugzilla.FlagActivityQuery) ([]bugzilla.FlagActivity, error)
}

var _ reviewer = (*bugzilla.Client)(nil)

// TestPublicErrors checks, from outside the package, that callers can tell
// the client's errors apart with errors.Is and errors.As alone.
func TestPublicErrors(t *testing.T) {
	srv := upstreamServer()
	defer srv.Close()
	c, err := bugzilla.NewClient(srv.URL, bugzilla.WithAPIKey("k"), bugzilla.WithKeyPlacement(bugzilla.KeyHeader))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Authenticate(context.Background())
	if !errors.Is(err, bugzilla.ErrNotSupported) {
		t.Errorf("header placement on upstream: %v", err)
	}
	_, err = c.FlagActivity(context.Background(), bugzilla.FlagActivityQuery{TypeName: "data-review"})
	var apiErr *bugzilla.APIError
	if !errors.Is(err, bugzilla.ErrNotSupported) || !errors.As(err, &apiErr) || apiErr.Code != 32614 {
		t.Errorf("flag activity upstream: %v", err)
	}
}
