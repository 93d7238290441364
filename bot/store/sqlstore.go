package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// sqlStore implements Store over database/sql with portable SQL ($N
// placeholders, ON CONFLICT upserts), so a PostgreSQL driver can share it.
type sqlStore struct {
	db sqlDB
}

var _ Store = (*sqlStore)(nil)

func (s *sqlStore) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

func (s *sqlStore) Close() error { return s.db.Close() }

func (s *sqlStore) Get(ctx context.Context, key string) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM kv WHERE key = $1`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("store: get %s: %w", key, err)
	}
	return v, nil
}

func (s *sqlStore) Set(ctx context.Context, key, value string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO kv (key, value) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("store: set %s: %w", key, err)
	}
	return nil
}
