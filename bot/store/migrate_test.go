package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

func rawDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}

func version(t *testing.T, db *sql.DB) int {
	t.Helper()
	var v int
	if err := db.QueryRow(`SELECT COALESCE(MAX(version), 0) FROM schema_version`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestMigrateIsIdempotentAndOrdered(t *testing.T) {
	ctx := context.Background()
	db := rawDB(t)
	fsys := fstest.MapFS{
		"migrations/0002_more.sql": {Data: []byte("ALTER TABLE a ADD COLUMN y TEXT;")},
		"migrations/0001_init.sql": {Data: []byte("-- first\nCREATE TABLE a (x INTEGER);\n")},
	}
	for range 2 {
		if err := migrateFS(ctx, db, fsys); err != nil {
			t.Fatalf("migrateFS: %v", err)
		}
	}
	if v := version(t, db); v != 2 {
		t.Errorf("schema version = %d, want 2", v)
	}
	if _, err := db.Exec(`INSERT INTO a (x, y) VALUES (1, 'z')`); err != nil {
		t.Errorf("migrated table unusable: %v", err)
	}
}

func TestMigrateRejects(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		fsys fstest.MapFS
		want string
	}{
		{"bad name", fstest.MapFS{"migrations/init.sql": {Data: []byte("SELECT 1;")}}, "positive number"},
		{"duplicate version", fstest.MapFS{
			"migrations/0001_a.sql": {Data: []byte("SELECT 1;")},
			"migrations/001_b.sql":  {Data: []byte("SELECT 1;")},
		}, "share version"},
		{"bad sql", fstest.MapFS{"migrations/0001_a.sql": {Data: []byte("CREATE TABLEX;")}}, "0001_a.sql"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := migrateFS(ctx, rawDB(t), tt.fsys)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("migrateFS err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestMigrateRefusesNewerDatabase(t *testing.T) {
	ctx := context.Background()
	db := rawDB(t)
	if err := migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO schema_version (version, applied_at) VALUES (999, 'x')`); err != nil {
		t.Fatal(err)
	}
	if err := migrate(ctx, db); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("migrate on a newer database: err = %v", err)
	}
}

func TestMigrationFailureRollsBack(t *testing.T) {
	ctx := context.Background()
	db := rawDB(t)
	fsys := fstest.MapFS{"migrations/0001_a.sql": {Data: []byte("CREATE TABLE a (x INTEGER);\nCREATE TABLEX;")}}
	if err := migrateFS(ctx, db, fsys); err == nil {
		t.Fatal("want an error")
	}
	if v := version(t, db); v != 0 {
		t.Errorf("schema version after failure = %d, want 0", v)
	}
	if _, err := db.Exec(`SELECT x FROM a`); err == nil {
		t.Errorf("table from a failed migration exists")
	}
}

func TestSplitStatements(t *testing.T) {
	src := "-- c\nCREATE TABLE a (\n  x INTEGER\n);\n\nCREATE INDEX i ON a (x);\n"
	got := splitStatements(src)
	want := []string{"CREATE TABLE a (\n  x INTEGER\n)", "CREATE INDEX i ON a (x)"}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("splitStatements (-got +want):\n%s", diff)
	}
}
