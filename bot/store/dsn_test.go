package store

import (
	"strings"
	"testing"
)

func TestRedactDSN(t *testing.T) {
	tests := []struct{ dsn, want string }{
		{"stewardbot.db", "stewardbot.db"},
		{"sqlite:/var/lib/stewardbot/s.db", "sqlite:/var/lib/stewardbot/s.db"},
		{"postgres://bot@db:5432/sb?sslmode=verify-full", "postgres://bot@db:5432/sb?sslmode=verify-full"},
		{"postgres://bot:s3cret@db:5432/sb?sslmode=verify-full", "postgres://bot:[redacted]@db:5432/sb?sslmode=verify-full"},
		{"postgresql://bot@db/sb?password=s3cret", "postgresql://bot@db/sb?password=[redacted]"},
		{"host=db user=bot password=s3cret dbname=sb", "host=db user=bot password=[redacted] dbname=sb"},
		{"host=db password='s3 cret' dbname=sb", "host=db password=[redacted] dbname=sb"},
		{"postgres://bot:s3cret@[::1/sb", "[redacted]"},
		{"postgres://bot@db/sb?sslpassword=s3cret&sslmode=verify-full", "postgres://bot@db/sb?sslmode=verify-full&sslpassword=[redacted]"},
		{"host=db sslkey=/k sslpassword=s3cret", "host=db sslkey=/k sslpassword=[redacted]"},
	}
	for _, tt := range tests {
		got := RedactDSN(tt.dsn)
		if strings.Contains(got, "s3") {
			t.Errorf("RedactDSN(%q) = %q: the password shows", tt.dsn, got)
		}
		if got != tt.want {
			t.Errorf("RedactDSN(%q) = %q, want %q", tt.dsn, got, tt.want)
		}
	}
}

func TestIsPostgresDSN(t *testing.T) {
	for dsn, want := range map[string]bool{
		"postgres://bot@db/sb":                     true,
		"postgresql://bot@db/sb":                   true,
		"host=db user=bot password=s3cret":         true,
		" dbname = sb":                             true,
		"stewardbot.db":                            false,
		"/var/lib/stewardbot/stewardbot.db":        false,
		"sqlite:/var/lib/stewardbot/stewardbot.db": false,
		"./state/a=b.db":                           false,
	} {
		if got := IsPostgresDSN(dsn); got != want {
			t.Errorf("IsPostgresDSN(%q) = %v, want %v", dsn, got, want)
		}
	}
}
