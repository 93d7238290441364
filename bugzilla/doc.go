// Package bugzilla is a small, context-first client for the Bugzilla 5 REST
// API and the bugzilla.mozilla.org (BMO) extensions stewardbot needs: bug
// search, attachments and their flags, comments, needinfo, history, and
// BMO's flag activity feed.
//
// It reads Bugzilla's answers as real servers send them (the recordings in
// bugzillatest/testdata): attachment booleans sent as 0 and 1, a flag's requestee
// key absent rather than null, unknown attachment ids answered with 200 and
// nothing, BMO's flag activity times without a zone, and the rest.
//
// # Use
//
//	c, err := bugzilla.NewClient("https://bugzilla.mozilla.org",
//		bugzilla.WithAPIKey(key),
//		bugzilla.WithLogin("data-review-bot@example.com"),
//		bugzilla.WithUserAgent(version, "https://wiki.example.com/stewardbot"),
//		bugzilla.WithLogger(log))
//	if err != nil {
//		return err
//	}
//	if _, err := c.Authenticate(ctx); err != nil {
//		return err // ErrInvalidAPIKey and ErrWrongLogin: stop, do not retry
//	}
//	q := bugzilla.SearchQuery{
//		Criteria:      []bugzilla.Criterion{{Field: "flagtypes.name", Op: "equals", Value: "data-review?"}},
//		IncludeFields: []string{"id", "summary", "last_change_time"},
//	}
//	for bug, err := range c.SearchBugs(ctx, q) {
//		if err != nil {
//			return err
//		}
//		atts, err := c.Attachments(ctx, []int{bug.ID}, bugzilla.AttachmentOptions{WithData: true})
//		...
//	}
//
// # The API key
//
// BMO reads the key from the X-BUGZILLA-API-KEY header; upstream Bugzilla
// ignores that header and silently treats the request as anonymous, so there
// the key goes in the query (Bugzilla_api_key) of a GET and in the JSON body
// (api_key) of a write. Authenticate finds out which (KeyAuto, the default;
// WithKeyPlacement overrides it) and checks that the key belongs to the
// configured login. Wherever it travels, the key never appears in a log
// line, an error string or a URL the client logs or returns.
//
// # Retries, writes and rate limits
//
// The client is built on github.com/hashicorp/go-retryablehttp with its own
// policy. A GET is retried on connection errors and on 502, 503 and 504,
// with a capped, jittered backoff. A POST or PUT is never retried: when its
// outcome is unknown (a timeout, a reset, a gateway error) the call returns
// a *WriteUnknownError (errors.Is ErrWriteOutcomeUnknown) and the caller
// re-reads the bug before trying again.
//
// A 429 is never retried either. It returns a *RateLimitError whose
// RetryAfter comes from the Retry-After header or, when there is none (BMO
// sends an HTML page and blocks the address for an hour), from
// WithRateLimitPark (60 minutes by default). Until then the client sends
// nothing: every call fails at once with the same error, because BMO renews
// its block on each request it refuses. A GET waiting to retry when another
// call parks the client is not retried: it fails with the park's error. BMO's 400 "You have exceeded the
// rate limit." parks it too. After the server rejects the key (400, code
// 306) the client sends nothing more: BMO blocks an address after five bad
// keys a minute.
//
// # Errors
//
// Bugzilla's {"error":true,"code":N,"message":...} becomes an *APIError;
// errors.Is maps its code to ErrNotFound, ErrAccessDenied,
// ErrLoginRequired, ErrInvalidAPIKey and ErrRequestsBlocked (BMO's
// requestee who does not accept needinfo or review requests). Bodies that
// are not Bugzilla JSON, such as BMO's HTML 429 page or a proxy's plain-text
// 414, become errors that say what the page said.
//
// REST reference: https://bugzilla.readthedocs.io/en/latest/api/core/v1/
// and, for BMO's extensions, https://bmo.readthedocs.io/en/latest/api/core/v1/
package bugzilla
