// Package storetest gives tests a PostgreSQL schema of their own on the
// server STEWARDBOT_TEST_POSTGRES names, so that the store's tests (and the
// bot's, and the end-to-end ones) run against a real server.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// EnvPostgres names the environment variable holding the test server's DSN,
// e.g. postgres://postgres@127.0.0.1:54329/postgres?sslmode=disable.
const EnvPostgres = "STEWARDBOT_TEST_POSTGRES"

// PostgresDSN creates a schema with a random name on the test server, drops
// it (and everything in it) when the test ends, and returns the server's
// DSN with search_path set to it (and application_name too, which
// TerminateLockHolders goes by). Without STEWARDBOT_TEST_POSTGRES the test
// is skipped, except under CI (CI set), where that is a failure: CI must
// always test PostgreSQL.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI must set %s (a PostgreSQL DSN; .ci/postgres.sh starts a server and prints one)", EnvPostgres)
		}
		t.Skipf("%s is not set: no PostgreSQL server to test against (.ci/postgres.sh starts one)", EnvPostgres)
	}
	var b [8]byte
	rand.Read(b[:])
	schema := "stewardbot_test_" + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("storetest: %s: %v", EnvPostgres, err)
	}
	if _, err := db.ExecContext(ctx, `CREATE SCHEMA `+pgx.Identifier{schema}.Sanitize()); err != nil {
		db.Close()
		t.Fatalf("storetest: create schema on %s: %v", EnvPostgres, err)
	}
	t.Cleanup(func() {
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := db.ExecContext(ctx, `DROP SCHEMA `+pgx.Identifier{schema}.Sanitize()+` CASCADE`); err != nil {
			t.Errorf("storetest: drop schema %s: %v", schema, err)
		}
	})
	dsn, err := withParams(base, map[string]string{"search_path": schema, "application_name": schema})
	if err != nil {
		t.Fatal(err)
	}
	return dsn
}

// withParams returns dsn (a URL or a key=value DSN) with run-time
// parameters set. Values must need no quoting.
func withParams(dsn string, params map[string]string) (string, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return "", fmt.Errorf("storetest: %s is not a URL", EnvPostgres)
		}
		q := u.Query()
		for k, v := range params {
			q.Set(k, v)
		}
		u.RawQuery = q.Encode()
		return u.String(), nil
	}
	dsn = strings.TrimSpace(dsn)
	for k, v := range params {
		dsn += " " + k + "=" + v
	}
	return dsn, nil
}

// TerminateLockHolders ends, from another session, every connection of
// the test that dsn names (PostgresDSN gives each test its own
// application_name) that holds an advisory lock: a leader's dedicated
// connection, as an operator's pg_terminate_backend or a server restart
// would. It waits until those sessions are gone, so that their locks are
// free, and returns how many it ended.
func TerminateLockHolders(t testing.TB, dsn string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT DISTINCT a.pid FROM pg_stat_activity a
		JOIN pg_locks l ON l.pid = a.pid AND l.locktype = 'advisory' AND l.granted
		WHERE a.application_name = current_setting('application_name') AND a.pid <> pg_backend_pid()`)
	if err != nil {
		t.Fatalf("storetest: find lock holders: %v", err)
	}
	var pids []int64
	for rows.Next() {
		var pid int64
		if err := rows.Scan(&pid); err != nil {
			t.Fatal(err)
		}
		pids = append(pids, pid)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for _, pid := range pids {
		if _, err := db.ExecContext(ctx, `SELECT pg_terminate_backend($1)`, pid); err != nil {
			t.Fatalf("storetest: terminate %d: %v", pid, err)
		}
	}
	// pg_terminate_backend only signals: the locks go when the sessions do.
	for {
		var left int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM pg_stat_activity WHERE pid = ANY($1)`, pids).Scan(&left); err != nil {
			t.Fatalf("storetest: wait for terminated sessions: %v", err)
		}
		if left == 0 {
			return len(pids)
		}
		select {
		case <-ctx.Done():
			t.Fatalf("storetest: %d terminated sessions still there", left)
		case <-time.After(10 * time.Millisecond):
		}
	}
}
