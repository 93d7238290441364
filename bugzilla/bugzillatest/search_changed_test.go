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
