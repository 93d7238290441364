package bugzillatest

import (
	"net/http"
	"regexp"
)

// route is one REST resource, matched like Bugzilla's own
// Bugzilla/WebService/Server/REST/Resources/*.pm: a regexp on the path after
// /rest, tried in order, then the method. A path that matches with another
// method is still "not found" (404, code 32614), never 405.
type route struct {
	method   string
	re       *regexp.Regexp
	endpoint string // template for records and counters
	handle   func(c *reqCtx) (int, any, *Error)
	bmoOnly  bool
	// rateRule names BMO's rate-limit rule for anonymous callers.
	rateRule string
	// timeOnly marks /rest/time, served when WithTimeResource is on.
	timeOnly bool
}

func (rt *route) isWrite() bool {
	return rt.method == http.MethodPost || rt.method == http.MethodPut
}

var routes = []*route{
	{method: "GET", re: regexp.MustCompile(`^/version$`), endpoint: "GET /rest/version", handle: handleVersion},
	{method: "GET", re: regexp.MustCompile(`^/extensions$`), endpoint: "GET /rest/extensions", handle: handleExtensions},
	{method: "GET", re: regexp.MustCompile(`^/time$`), endpoint: "GET /rest/time", handle: handleTime, timeOnly: true},
	{method: "GET", re: regexp.MustCompile(`^/whoami$`), endpoint: "GET /rest/whoami", handle: handleWhoAmI, bmoOnly: true},
	{method: "GET", re: regexp.MustCompile(`^/login$`), endpoint: "GET /rest/login", handle: handleLogin},
	{method: "GET", re: regexp.MustCompile(`^/valid_login$`), endpoint: "GET /rest/valid_login", handle: handleValidLogin},
	{method: "GET", re: regexp.MustCompile(`^/user$`), endpoint: "GET /rest/user", handle: handleUserGet},
	{method: "GET", re: regexp.MustCompile(`^/user/([^/]+)$`), endpoint: "GET /rest/user/{id}", handle: handleUserGet},
	{method: "GET", re: regexp.MustCompile(`^/bug$`), endpoint: "GET /rest/bug", handle: handleSearch},
	{method: "POST", re: regexp.MustCompile(`^/bug$`), endpoint: "POST /rest/bug", handle: handleCreateBug},
	{method: "GET", re: regexp.MustCompile(`^/bug/([^/]+)$`), endpoint: "GET /rest/bug/{id}", handle: handleGetBug, rateRule: "get_bug"},
	{method: "PUT", re: regexp.MustCompile(`^/bug/([^/]+)$`), endpoint: "PUT /rest/bug/{id}", handle: handleUpdateBug},
	{method: "GET", re: regexp.MustCompile(`^/bug/([^/]+)/comment$`), endpoint: "GET /rest/bug/{id}/comment", handle: handleComments, rateRule: "get_comments"},
	{method: "POST", re: regexp.MustCompile(`^/bug/([^/]+)/comment$`), endpoint: "POST /rest/bug/{id}/comment", handle: handleAddComment},
	{method: "GET", re: regexp.MustCompile(`^/bug/comment/(\d+)$`), endpoint: "GET /rest/bug/comment/{id}", handle: handleCommentsByID, rateRule: "get_comments"},
	{method: "GET", re: regexp.MustCompile(`^/bug/comment/tags/([^/]+)$`), endpoint: "GET /rest/bug/comment/tags/{query}", handle: handleSearchTags},
	{method: "PUT", re: regexp.MustCompile(`^/bug/comment/([^/]+)/tags$`), endpoint: "PUT /rest/bug/comment/{id}/tags", handle: handleUpdateTags},
	{method: "GET", re: regexp.MustCompile(`^/bug/([^/]+)/history$`), endpoint: "GET /rest/bug/{id}/history", handle: handleHistory},
	{method: "GET", re: regexp.MustCompile(`^/bug/([^/]+)/attachment$`), endpoint: "GET /rest/bug/{id}/attachment", handle: handleBugAttachments, rateRule: "get_attachments"},
	{method: "POST", re: regexp.MustCompile(`^/bug/([^/]+)/attachment$`), endpoint: "POST /rest/bug/{id}/attachment", handle: handleAddAttachment},
	{method: "GET", re: regexp.MustCompile(`^/bug/attachment/([^/]+)$`), endpoint: "GET /rest/bug/attachment/{id}", handle: handleAttachmentsByID, rateRule: "get_attachments"},
	{method: "PUT", re: regexp.MustCompile(`^/bug/attachment/([^/]+)$`), endpoint: "PUT /rest/bug/attachment/{id}", handle: handleUpdateAttachment},
	{method: "GET", re: regexp.MustCompile(`^/flag_type/([^/]+)/([^/]+)$`), endpoint: "GET /rest/flag_type/{product}/{component}", handle: handleFlagTypes},
	{method: "GET", re: regexp.MustCompile(`^/flag_type/([^/]+)$`), endpoint: "GET /rest/flag_type/{product}", handle: handleFlagTypes},
	// BMO's Review extension. \w does not match "-", so the path form
	// fails for "data-review" exactly as on BMO.
	{method: "GET", re: regexp.MustCompile(`^/review/flag_activity$`), endpoint: "GET /rest/review/flag_activity", handle: handleFlagActivity, bmoOnly: true},
	{method: "GET", re: regexp.MustCompile(`^/review/flag_activity/(\d+)$`), endpoint: "GET /rest/review/flag_activity/{flag_id}", handle: handleFlagActivity, bmoOnly: true},
	{method: "GET", re: regexp.MustCompile(`^/review/flag_activity/type_name/(\w+)$`), endpoint: "GET /rest/review/flag_activity/type_name/{name}", handle: handleFlagActivity, bmoOnly: true},
	{method: "GET", re: regexp.MustCompile(`^/review/flag_activity/(requestee|setter|type_id)/([^/]+)$`), endpoint: "GET /rest/review/flag_activity/{field}/{value}", handle: handleFlagActivity, bmoOnly: true},
}

// findRoute returns the route for method and path (after /rest), or nil.
func (s *Server) findRoute(method, path string) (*route, []string) {
	for _, rt := range routes {
		if rt.bmoOnly && s.cfg.dialect != BMO {
			continue
		}
		if rt.timeOnly && !*s.cfg.timeResource {
			continue
		}
		m := rt.re.FindStringSubmatch(path)
		if m == nil || rt.method != method {
			continue
		}
		return rt, m
	}
	return nil, nil
}
