package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// maxPostgresConns bounds one process's connections to PostgreSQL. The bot
// runs one cycle at a time; the rest serve the dashboard and health checks.
// The leader lock takes one more, outside this pool.
const maxPostgresConns = 8

// pgStore is the PostgreSQL store: the portable sqlStore over pgx's
// database/sql driver, plus the leader lock that makes several replicas
// safe (see Leader).
type pgStore struct {
	*sqlStore
	cfg *pgx.ConnConfig
}

var _ LeaderStore = (*pgStore)(nil)

// OpenPostgres connects to the PostgreSQL database a DSN names
// ("postgres://user@host:5432/db?sslmode=verify-full", or the key=value
// form) and migrates it. The tables live in the connection's current schema:
// the first schema of search_path that exists ("search_path=stewardbot" in
// the DSN picks another one). Several processes may open the same database
// at once: migrations run under an advisory lock.
func OpenPostgres(ctx context.Context, dsn string) (Store, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		// pgx's message may quote the DSN, password included.
		return nil, fmt.Errorf("store: postgres: cannot parse the dsn: %s (see docs/postgres.md for its form)", pgParseReason(dsn))
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(maxPostgresConns)
	db.SetMaxIdleConns(2)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: postgres: connect to %s: %w", where(cfg), err)
	}
	if err := migratePostgres(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	return &pgStore{sqlStore: &sqlStore{db: sqlDB{DB: db}}, cfg: cfg}, nil
}

// Leader returns a new leader lock on the store's database and schema. The
// caller closes it (which gives up the lead).
func (s *pgStore) Leader() Leader {
	return newPGLeader(s.cfg.Copy(), leaseCheckEvery)
}

// migratePostgres runs the migrations while holding a session advisory lock
// on one connection, so that two processes starting at once do not both
// create the tables: the second waits, then finds them done.
func migratePostgres(ctx context.Context, db *sql.DB) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: postgres: migrate: %w", err)
	}
	defer conn.Close()
	var database string
	var schema sql.NullString
	if err := conn.QueryRowContext(ctx, `SELECT current_database(), current_schema()`).Scan(&database, &schema); err != nil {
		return fmt.Errorf("store: postgres: migrate: %w", err)
	}
	if !schema.Valid {
		return errNoSchema
	}
	key := advisoryKey("migrate", database, schema.String)
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, key); err != nil {
		return fmt.Errorf("store: postgres: migration lock: %w", err)
	}
	// The lock is the session's: it must be released before the connection
	// goes back to the pool. If the unlock fails the connection is dropped,
	// which releases it too.
	defer func() {
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if _, err := conn.ExecContext(uctx, `SELECT pg_advisory_unlock($1)`, key); err != nil {
			// Discard the connection: its session ends, and the lock with it.
			conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	return migrate(ctx, conn)
}

var errNoSchema = errors.New("store: postgres: no current schema: search_path names no schema that exists (create it, or fix search_path in the dsn)")

// advisoryKey is the 64-bit advisory lock key for one purpose ("migrate",
// "leader") in one database and schema: processes that share tables
// share keys, and stores in other schemas (tests, other instances) never
// contend.
func advisoryKey(purpose, database, schema string) int64 {
	h := fnv.New64a()
	for _, s := range []string{"stewardbot", purpose, database, schema} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return int64(h.Sum64())
}

// where names a server for an error message, without user or password.
func where(cfg *pgx.ConnConfig) string {
	return fmt.Sprintf("%s:%d/%s", cfg.Host, cfg.Port, cfg.Database)
}
