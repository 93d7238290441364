package store

import (
	"context"
	"fmt"
	"strings"
)

// Open opens the store a DSN names and brings its schema up to date.
// "sqlite:PATH" or a bare PATH is SQLite (one process); "postgres://..." or
// "postgresql://..." is PostgreSQL (several replicas, see LeaderStore).
func Open(ctx context.Context, dsn string) (Store, error) {
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return OpenPostgres(ctx, dsn)
	case strings.HasPrefix(dsn, "sqlite:"):
		return OpenSQLite(ctx, strings.TrimPrefix(dsn, "sqlite:"))
	case dsn == "":
		return nil, fmt.Errorf("store: empty dsn")
	default:
		return OpenSQLite(ctx, dsn)
	}
}
