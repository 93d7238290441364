package store

import (
	"context"
	"testing"
)

// TestSQLitePragmas checks that the connection OpenSQLite hands out runs
// with the settings it asks for, the page cache bound among them (it is
// what keeps SQLite's memory, outside the Go heap, small).
func TestSQLitePragmas(t *testing.T) {
	s, _ := openTemp(t)
	db := s.(*sqlStore).db
	ctx := context.Background()
	for _, tc := range []struct {
		pragma string
		want   string
	}{
		{"cache_size", "-256"},
		{"journal_mode", "wal"},
		{"busy_timeout", "5000"},
		{"foreign_keys", "1"},
		{"synchronous", "1"}, // NORMAL
	} {
		t.Run(tc.pragma, func(t *testing.T) {
			var got string
			if err := db.QueryRowContext(ctx, "PRAGMA "+tc.pragma).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("PRAGMA %s = %s, want %s", tc.pragma, got, tc.want)
			}
		})
	}
}
