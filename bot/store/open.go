package store

import (
	"context"
	"fmt"
	"regexp"
	"strings"
)

// Open opens the store a DSN names and brings its schema up to date.
// "sqlite:PATH" or a bare PATH is SQLite (one process); "postgres://...",
// "postgresql://..." or libpq's key=value form ("host=db user=bot ...") is
// PostgreSQL (several replicas, see LeaderStore).
func Open(ctx context.Context, dsn string) (Store, error) {
	switch {
	case IsPostgresDSN(dsn):
		return OpenPostgres(ctx, dsn)
	case strings.HasPrefix(dsn, "sqlite:"):
		return OpenSQLite(ctx, strings.TrimPrefix(dsn, "sqlite:"))
	case dsn == "":
		return nil, fmt.Errorf("store: empty dsn")
	default:
		return OpenSQLite(ctx, dsn)
	}
}

// keyValueDSN matches the start of libpq's key=value connection string.
// No sensible SQLite file name starts like that, and taking one for a file
// would put its password in a file name and run replicas without a leader.
var keyValueDSN = regexp.MustCompile(`^\s*[a-z_]+\s*=`)

// IsPostgresDSN reports whether dsn names a PostgreSQL database: a
// postgres:// or postgresql:// URL, or a key=value connection string.
func IsPostgresDSN(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") || keyValueDSN.MatchString(dsn)
}
