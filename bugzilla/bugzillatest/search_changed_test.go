package bugzillatest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestSearchChangedHidesPrivateAttachments pins Search.pm's
// _changed_security_check (Bugzilla 5.x): for a caller outside the insider
// group, changedafter and changedbefore on flagtypes.name (and on the
// attachment fields) do not count the changes made to private attachments,
// as Bug.history does not show them either. An insider sees them.
func TestSearchChangedHidesPrivateAttachments(t *testing.T) {
	srv := NewServer(t, WithStartTime(time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)))
	seedWorld(t, srv) // attachment 2, on bug 2, is private
	srv.Advance(time.Hour)
	if err := srv.SetAttachmentFlags("bot@example.test", 2, FlagChange{ID: 2, Status: "?", Requestee: "steward2@example.test"}); err != nil {
		t.Fatal(err)
	}
	srv.Advance(time.Hour)
	if err := srv.SetAttachmentFlags("bot@example.test", 1, FlagChange{ID: 1, Status: "?", Requestee: "steward2@example.test"}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, query, key string
		want             []int
	}{
		{"insider sees the private attachment's change", "f1=flagtypes.name&o1=changedafter&v1=2026-11-28%2010:30:00", botKey, []int{1, 2}},
		{"non-insider does not", "f1=flagtypes.name&o1=changedafter&v1=2026-11-28%2010:30:00", dev2Key, []int{1}},
		{"non-insider, before", "f1=flagtypes.name&o1=changedbefore&v1=2026-11-28%2011:30:00&f2=bug_id&o2=equals&v2=2", dev2Key, []int{}},
		{"insider, before", "f1=flagtypes.name&o1=changedbefore&v1=2026-11-28%2011:30:00&f2=bug_id&o2=equals&v2=2", botKey, []int{2}},
		{"non-insider, a public change of the bug still counts", "f1=flagtypes.name&o1=changedbefore&v1=2026-11-28%2010:00:00&f2=bug_id&o2=equals&v2=1", dev2Key, []int{1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := bugIDsOf(t, get(t, srv, "/rest/bug?include_fields=id&"+tc.query, tc.key))
			if diff := cmp.Diff(got, tc.want); diff != "" {
				t.Errorf("bugs (-got +want):\n%s", diff)
			}
		})
	}
}

// TestIDListsAreNotSplitOnCommas: the REST layer splits only include_fields
// and exclude_fields on commas (REST.pm rest_include_exclude);
// WebService/Util.pm's validate wraps a scalar ids in a list as it is. So
// ids=2,3 is one id, "2,3", which Bug->check takes for an unknown alias
// (400, code 100), attachment_ids=2,3 is not a number (400, code 52) and
// names=a,b no user (404, code 51). Repeated keys are the way to send
// several (recordings 41 and 42).
func TestIDListsAreNotSplitOnCommas(t *testing.T) {
	srv := searchWorld(t)
	for _, tc := range []struct {
		path         string
		status, code int
	}{
		{"/rest/bug/1/comment?ids=2,3", 400, 100},
		{"/rest/bug/1/history?ids=2,3", 400, 100},
		{"/rest/bug/1/attachment?ids=2,3&exclude_fields=data", 400, 100},
		{"/rest/bug/attachment/1?attachment_ids=2,3&exclude_fields=data", 400, 52},
		{"/rest/user?names=steward1%40example.test,steward2%40example.test", 404, 51},
	} {
		t.Run(tc.path, func(t *testing.T) {
			wantError(t, get(t, srv, tc.path, botKey), tc.status, tc.code)
		})
	}
	for _, path := range []string{
		"/rest/bug/1/comment?ids=2&ids=3",
		"/rest/bug/1/history?ids=2&ids=3",
		"/rest/bug/attachment/1?attachment_ids=2&attachment_ids=3&exclude_fields=data",
		"/rest/user?names=steward1%40example.test&names=steward2%40example.test",
	} {
		wantStatus(t, get(t, srv, path, botKey), 200)
	}
}
