package store

import (
	"context"
	"fmt"
	"strings"
)

// Open opens the store a DSN names and brings its schema up to date.
// "sqlite:PATH" or a bare PATH is SQLite; "postgres://..." is reserved for
// PostgreSQL, which is not built yet.
func Open(ctx context.Context, dsn string) (Store, error) {
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return nil, fmt.Errorf("store: postgresql is not supported yet")
	case strings.HasPrefix(dsn, "sqlite:"):
		return OpenSQLite(ctx, strings.TrimPrefix(dsn, "sqlite:"))
	case dsn == "":
		return nil, fmt.Errorf("store: empty dsn")
	default:
		return OpenSQLite(ctx, dsn)
	}
}
