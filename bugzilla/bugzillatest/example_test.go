package bugzillatest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// A demo-style server: no testing.TB, a seed file, a real listener.
func ExampleServer_LoadSeed() {
	srv := bugzillatest.New(bugzillatest.WithDialect(bugzillatest.BMO))
	_, err := srv.LoadSeed(strings.NewReader(`{
	  "now": "2026-11-28T09:00:00Z",
	  "bugs": [{
	    "summary": "Add telemetry probe for tab unloading",
	    "creator": "dev1@example.test",
	    "at": "-3d",
	    "attachments": [{
	      "file_name": "request.md", "summary": "Data review request",
	      "text": "# Request for data collection review form\n",
	      "flags": [{"name": "data-review", "status": "?", "requestee": "steward1@example.test"}]
	    }]
	  }]
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	srv.Start() // or srv.Listen("127.0.0.1:8081")
	defer srv.Close()

	req, _ := http.NewRequest("GET", srv.URL()+"/rest/bug?f1=flagtypes.name&o1=equals&v1=data-review%3F&include_fields=id,summary", nil)
	req.Header.Set("X-BUGZILLA-API-KEY", "bot-api-key")
	resp, err := srv.Client().Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	var out struct {
		Bugs []struct {
			ID      int    `json:"id"`
			Summary string `json:"summary"`
		} `json:"bugs"`
	}
	json.NewDecoder(resp.Body).Decode(&out)
	fmt.Println(out.Bugs[0].ID, out.Bugs[0].Summary)
	fmt.Println(srv.RequestCount("GET /rest/bug"))
	// Output:
	// 1 Add telemetry probe for tab unloading
	// 1
}
