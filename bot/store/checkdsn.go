package store

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5"
)

// CheckDSN finds, without connecting, what would stop Open: a PostgreSQL
// DSN that does not parse (saying why, never quoting the password), or a
// SQLite file whose folder is missing or not writable. The SQLite check
// creates and removes a temporary file in the folder.
func CheckDSN(dsn string) error {
	switch {
	case dsn == "":
		return errors.New("empty")
	case IsPostgresDSN(dsn):
		if _, err := pgx.ParseConfig(dsn); err != nil {
			return fmt.Errorf("cannot parse the PostgreSQL DSN: %s (see docs/postgres.md for its form)", pgParseReason(dsn))
		}
		return nil
	default:
		return sqlitePathProblem(strings.TrimPrefix(dsn, "sqlite:"))
	}
}

// pgParseReason says why a PostgreSQL DSN does not parse. pgx's own
// message quotes the DSN; a URL's parse error, without the URL, does not.
func pgParseReason(dsn string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		var ue *url.Error
		if _, err := url.Parse(dsn); errors.As(err, &ue) {
			return ue.Err.Error() // such as `invalid port ":notaport" after host`
		}
	}
	return "not a postgres:// URL nor a key=value connection string that pgx accepts"
}

// sqlitePathProblem says why SQLite could not create or write the file at
// path: its folder is missing, is not a folder or is not writable, or the
// file is not writable. nil when none of those holds.
func sqlitePathProblem(path string) error {
	if path == "" {
		return errors.New("empty SQLite path")
	}
	dir := filepath.Dir(path)
	switch st, err := os.Stat(dir); {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("the folder %s does not exist: create it (writable by the bot's user) or set store.dsn to a file in another", dir)
	case err != nil:
		return fmt.Errorf("the folder %s cannot be read: %w", dir, err)
	case !st.IsDir():
		return fmt.Errorf("%s is not a folder", dir)
	}
	// SQLite writes the file and, in WAL mode, two more beside it.
	f, err := os.CreateTemp(dir, ".stewardbot-check-*")
	if err != nil {
		return fmt.Errorf("the folder %s is not writable by this user: %w", dir, errors.Unwrap(err))
	}
	f.Close()
	os.Remove(f.Name())
	if st, err := os.Stat(path); err == nil {
		if st.IsDir() {
			return fmt.Errorf("%s is a folder, not a database file", path)
		}
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			return fmt.Errorf("the file %s is not writable by this user: %w", path, errors.Unwrap(err))
		}
		f.Close()
	}
	return nil
}
