package store

import (
	"context"
	"testing"

	"github.com/stewardbot/stewardbot/bot/store/storetest"
)

// forEachBackend runs a store test on SQLite and on PostgreSQL (in a schema
// of its own; skipped without STEWARDBOT_TEST_POSTGRES, except under CI).
func forEachBackend(t *testing.T, test func(t *testing.T, s Store)) {
	t.Run("sqlite", func(t *testing.T) {
		s, _ := openTemp(t)
		test(t, s)
	})
	t.Run("postgres", func(t *testing.T) {
		test(t, openPostgres(t, storetest.PostgresDSN(t)))
	})
}

// openPostgres opens the store dsn names through Open, closed at cleanup.
func openPostgres(t *testing.T, dsn string) Store {
	t.Helper()
	s, err := Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("Open(postgres): %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
