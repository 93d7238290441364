// Package bugzillatest is an in-memory Bugzilla speaking the REST API, in
// the spirit of net/http/httptest, for stewardbot's tests, its demo and its
// benchmarks.
//
// It answers like the real servers recorded in fixtures/bugzilla-5 (upstream
// Bugzilla 5.2) and described in fixtures/bmo (bugzilla.mozilla.org): the
// same JSON shapes, date formats, HTTP statuses and error codes. Its own test
// replays all 122 recordings and compares the answers by shape and by value.
//
// # Starting one
//
//	srv := bugzillatest.NewServer(t)                                      // upstream 5.2, closed by t.Cleanup
//	srv := bugzillatest.NewServer(t, bugzillatest.WithDialect(bugzillatest.BMO))
//	client, err := bugzilla.NewClient(srv.URL(), bugzilla.WithAPIKey("bot-api-key"))
//
// Outside tests (the demo) use New, then Start or Listen("127.0.0.1:8081"),
// and Close; WithClock(time.Now) makes the clock follow real time.
//
// Besides the REST API it serves one page for people, GET
// show_bug.cgi?id=N: the bug, its attachments, flags and comments, rendered
// as the dialect renders them (showbug.go), so links to bugs work in the
// demo and its dashboard.
//
// A new server holds the recorded server's world and no bugs: the users of
// DefaultUsers (admin, bot, steward1, steward2, dev1, dev2, trust, legal,
// nobody; API keys "bot-api-key" and so on), the groups editbugs,
// canconfirm, admin, insiders (the insider group: private comments and
// attachments), data-stewards and security-sensitive, the products
// Firefox/General, Toolkit/Telemetry and TestProduct/TestComponent, and two
// flag types: data-review (id 1, an attachment flag whose grant group is
// data-stewards) and needinfo (id 2, a bug flag). WithoutDefaults starts empty.
//
// # Seeding
//
//	bug := srv.AddBug(bugzillatest.Bug{
//		Summary: "Add telemetry probe for tab unloading",
//		Creator: "dev1@example.test", // Product Firefox, Component General by default
//	})
//	att := srv.AddAttachment(bugzillatest.Attachment{
//		BugID:    bug,
//		FileName: "request.md",
//		Summary:  "Data review request",
//		Data:     []byte(form),
//		Flags:    []bugzillatest.Flag{bugzillatest.DataReview("steward1@example.test")},
//	})
//	srv.Advance(48 * time.Hour)
//	srv.AddComment(bugzillatest.Comment{BugID: bug, Creator: "steward1@example.test", Text: "Looking."})
//	err := srv.SetAttachmentFlags("steward1@example.test", att,
//		bugzillatest.FlagChange{Name: "data-review", Status: "+"})
//	srv.ObsoleteAttachment(att)
//
// The Add* methods are trusted (they only check that the data is well
// formed); SetBugFlags and SetAttachmentFlags act as a user with the REST
// API's rules and return its *Error. Other seeding methods: AddUser,
// AddGroup, AddProduct, AddFlagType, SetAPIKey, SetUserBlocks (BMO's
// block_needinfo and block_reviews), SetAttachmentPrivate. The demo loads
// JSON with LoadSeed; see SeedFile for the format.
//
// # Time
//
// Every timestamp comes from the fake's clock, which stands still at
// DefaultStart until SetNow or Advance moves it. The Date header of every
// answer carries it too, and GET /rest/time answers it on both dialects
// (WithTimeResource(false) takes /rest/time away).
//
// # Inspecting
//
// Writes lists the POSTs and PUTs that were applied (body parsed, API keys
// removed, acting user, time); Requests lists every request; RequestCount
// counts requests per route template such as "GET /rest/bug". Bug,
// Attachment, Attachments, Comments, History, Flag and User return snapshots.
//
// # Faults
//
// InjectFault adds a Fault matching a method and path pattern: an HTTP
// status (502/503/504 with a proxy's HTML page; 429 with BMO's HTML page and
// an optional Retry-After), a connection reset, or a hang until the client
// gives up; AfterApply applies the request first, so "the POST landed but the
// answer was lost" can be tested (see LoseNextWrite). FailNext, ResetNext,
// HangNext and RateLimitNext are shorthands. SetLatency delays every request.
// BlockFor starts BMO's block mode: every request answers 429 and renews the
// block. With the BMO dialect, the rate limits that lead to that block are on
// by default (WithRateLimits).
//
// # Bugzilla behaviour worth knowing
//
// The fake reproduces the surprises listed in fixtures/bugzilla-5/README.md,
// among them: upstream ignores X-BUGZILLA-API-KEY and answers as anonymous;
// attachment booleans are 0/1; a flag's requestee key is absent when there is
// none; an unknown attachment id answers 200 with empty maps; setting a flag
// by name without "new": true updates the single existing flag of that type
// (code 132 when there are several); a "?" sent without a requestee removes
// the requestee; a requestee is added to the CC list; search criteria on
// flagtypes.name and requestees.login_name match independently and see flags
// on private attachments; chfieldfrom in ISO form keeps only the date;
// changedafter and changedbefore match a field's history (flag changes are
// flagtypes.name), each criterion on its own history row, both inclusive;
// new_since keeps strictly newer comments and history.
package bugzillatest
