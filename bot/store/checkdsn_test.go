package store

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckDSN(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "plain")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, dsn string
		want      string // in the error; "" for none
	}{
		{"postgres URL", "postgres://bot:Secret0Pass@db.example:5432/stewardbot?sslmode=verify-full", ""},
		{"key=value", "host=db user=bot password=Secret0Pass dbname=stewardbot", ""},
		{"bad port", "postgres://u:Secret0Pass@h:notaport/db", `invalid port ":notaport" after host`},
		{"bad sslmode", "postgres://u:Secret0Pass@h/db?sslmode=sometimes", "cannot parse the PostgreSQL DSN"},
		{"sqlite in a folder", filepath.Join(dir, "s.db"), ""},
		{"sqlite: prefix", "sqlite:" + filepath.Join(dir, "s.db"), ""},
		{"missing folder", filepath.Join(dir, "nope", "s.db"), "the folder " + filepath.Join(dir, "nope") + " does not exist"},
		{"folder is a file", filepath.Join(file, "s.db"), file + " is not a folder"},
		{"file is a folder", dir, dir + " is a folder, not a database file"},
		{"empty", "", "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckDSN(tt.dsn)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("CheckDSN = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("CheckDSN = %v, want it to say %q", err, tt.want)
			case err != nil && strings.Contains(err.Error(), "Secret0Pass"):
				t.Errorf("the error holds the password: %v", err)
			}
		})
	}
}

func TestCheckDSNNotWritable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes everywhere")
	}
	dir := filepath.Join(t.TempDir(), "ro")
	if err := os.Mkdir(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	if err := CheckDSN(filepath.Join(dir, "s.db")); err == nil || !strings.Contains(err.Error(), "is not writable") {
		t.Errorf("CheckDSN = %v, want the folder named as not writable", err)
	}
}

// Opening a SQLite file in a missing folder says which folder and why, not
// only SQLite's "unable to open database file (14)".
func TestOpenSQLiteMissingFolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "s.db")
	_, err := Open(context.Background(), path)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("Open = %v, want the path and the reason", err)
	}
}

func TestOpenPostgresBadDSNSaysWhy(t *testing.T) {
	_, err := Open(context.Background(), "postgres://u:Secret0Pass@h:notaport/db")
	if err == nil || !strings.Contains(err.Error(), "invalid port") || strings.Contains(err.Error(), "Secret0Pass") {
		t.Errorf("Open = %v, want the reason without the password", err)
	}
}
